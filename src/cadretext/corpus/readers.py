"""One reader per file format: plain text, HTML, JSON Lines, JSON and CSV, record by record."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..clean import replace_surrogates
from ..errors import (
    EmptyFileError,
    InputFileError,
    MalformedRecordError,
    MissingColumnError,
)
from .base import Doc, Sink, skip
from .decode import BOMS, check_text, read_text_file


# --------------------------------------------------------------------------- readers
def read_plain(path: Path, encoding: str | None) -> list[Doc]:
    text, used = read_text_file(path, encoding=encoding)
    return [Doc(path.stem, str(path), text, used, {})]


def read_html(path: Path, encoding: str | None) -> list[Doc]:
    html, used = read_text_file(path, encoding=encoding)
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many lxml error types
        raise InputFileError(path, f"cannot parse the HTML ({type(exc).__name__}: {exc})") from None
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise EmptyFileError(path, "no main text found in this HTML page")
    meta = {
        "title": getattr(doc, "title", None),
        "date": getattr(doc, "date", None),
        "site": getattr(doc, "sitename", None),
    }
    return [Doc(path.stem, str(path), body, used, {k: v for k, v in meta.items() if v})]


_ID_KEYS = ("doc_id", "id")


def _record_doc(
    record: dict[str, Any], path: Path, line: int, text_column: str, encoding: str
) -> Doc:
    value = record.get(text_column)
    if value is not None and not isinstance(value, str):
        kind = {bool: "true/false", int: "a number", float: "a number", list: "a list"}.get(
            type(value), "an object"
        )
        problem = f"column {text_column!r} holds {kind}, not text"
        raise MalformedRecordError(path, problem, line=line)
    if value is None or not value.strip():
        raise MalformedRecordError(path, f"record has no text in column {text_column!r}", line=line)
    doc_id = next((str(record[k]) for k in _ID_KEYS if record.get(k) not in (None, "")), None)
    meta = {
        _no_surrogates(k): _no_surrogates(v)
        for k, v in record.items()
        if k != text_column and k not in _ID_KEYS
    }
    doc_id = _no_surrogates(doc_id) if doc_id else f"{path.stem}:{line}"
    return Doc(doc_id, str(path), value, encoding, meta)


def _no_surrogates(value: Any) -> Any:
    """Lone surrogates (valid in JSON's ``\\ud800`` escapes, not in any text encoding) in a
    metadata value become U+FFFD, inside lists and objects too; the text itself keeps them
    until :func:`~cadretext.clean.clean_text` replaces them and records it in the audit."""
    if isinstance(value, str):
        return replace_surrogates(value)
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value


_HEAD_BYTES = 1 << 16
_UTF8_BOM = b"\xef\xbb\xbf"


class _Problems:
    """Malformed records found while parsing one file: raised at once (errors="raise") or kept
    until the parse succeeds, then warned about and listed (errors="skip")."""

    def __init__(self, errors: str) -> None:
        self.errors = errors
        self.found: list[MalformedRecordError] = []

    def __call__(self, exc: MalformedRecordError) -> None:
        if self.errors == "raise":
            raise exc
        self.found.append(exc)


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Utf8Lines:
    """The lines of a binary stream decoded as UTF-8 one by one, for formats with one record a
    line or a few lines (JSONL, CSV). A line that does not decode is kept in ``bad``: the caller
    skips the records on such lines by name when they are a few, and decodes the file whole with
    detection when they are many (then it is not a UTF-8 file).

    With ``escape=False`` (JSONL) a bad line is yielded blank, so line numbers stay right; with
    ``escape=True`` (CSV, whose quoted fields may span lines) it is yielded with its bad bytes
    as lone surrogates (``surrogateescape``), so the parser still sees where the record ends and
    the record holding them is skipped (:func:`_bad_bytes` finds them)."""

    def __init__(self, fh: Any, path: Path, *, escape: bool = False) -> None:
        self.fh = fh
        self.path = path
        self.escape = escape
        self.bad: list[MalformedRecordError] = []
        self.n = 0

    def __iter__(self) -> Iterator[str]:
        for lineno, raw in enumerate(self.fh, start=1):
            self.n = lineno
            if lineno == 1:
                raw = raw.removeprefix(_UTF8_BOM)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problem = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at {exc.start})"
                self.bad.append(MalformedRecordError(self.path, problem, line=lineno))
                if not self.escape:
                    yield "\n"
                    continue
                line = raw.decode("utf-8", "surrogateescape")
            if self.escape and "\r" in line.rstrip("\r\n"):
                # a text stream with newline="" (what csv expects) also ends lines at a lone CR
                yield from _LONE_CR.split(line)
            else:
                yield line

    def few_bad(self) -> bool:
        return len(self.bad) <= max(1, self.n // 20)


_LONE_CR = re.compile(r"(?<=\r)(?!\n)(?=.)", re.S)

# bytes that did not decode, as ``surrogateescape`` leaves them (valid UTF-8 never gives these)
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _bad_bytes(cells: Iterable[str]) -> str | None:
    """The problem of a record whose fields hold undecodable bytes, or None."""
    for cell in cells:
        found = _ESCAPED_BYTE.search(cell)
        if found:
            return f"not valid UTF-8 (byte 0x{ord(found.group()) - 0xDC00:02x})"
    return None


def _parse_records(
    path: Path,
    encoding: str | None,
    sink: Sink,
    parse: Any,
    *,
    by_line: bool = False,
    escape: bool = False,
) -> list[Doc]:
    """Run ``parse(stream, encoding_used, problems)`` over the file's text.

    UTF-8 files (nearly every JSONL/CSV export) are decoded as a stream, line by line, so a
    large file is never held in memory whole (its bytes, the decoded text and the split lines
    would together cost several times the corpus). Anything else -- a BOM other than UTF-8's,
    NUL bytes, an encoding given by the caller, bytes that turn out not to be UTF-8 further
    down -- goes through :func:`read_text_file` and its detection.
    """
    if encoding is None:
        try:
            with path.open("rb") as fh:
                head = fh.read(_HEAD_BYTES)
                more = bool(fh.read(1))
        except OSError as exc:
            raise InputFileError(path, f"cannot read the file ({exc.strerror or exc})") from None
        streamable = (
            head.strip() != b""
            and b"\x00" not in head
            and not any(head.startswith(bom) for bom, _ in BOMS if bom != _UTF8_BOM)
        )
        if streamable:
            body = head.removeprefix(_UTF8_BOM)
            try:
                sample = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                # a multi-byte character cut by the end of the head is fine, nothing else is
                streamable = (
                    more and exc.start >= len(body) - 3 and exc.reason.startswith("unexpected end")
                )
                sample = body[: exc.start].decode("utf-8")
                if by_line and not streamable:
                    # one record a line: a UTF-8 file with a few bad lines is still UTF-8 (the
                    # bad lines are skipped one by one); mostly bad lines mean another encoding
                    lines = body.split(b"\n")[:-1] if more else body.split(b"\n")
                    bad = sum(not _decodes(line) for line in lines)
                    streamable = bad <= max(1, len(lines) // 10)
                    sample = body.decode("utf-8", errors="replace")
        if streamable:
            check_text(sample, path)
            problems = _Problems(sink.errors)
            try:
                if by_line:  # one record a line or a few: a bad byte costs its record only
                    collected = _Problems("skip")  # replayed below in the caller's mode
                    with path.open("rb") as fh:
                        lines = _Utf8Lines(fh, path, escape=escape)
                        docs = parse(lines, "utf-8", collected)
                    if not lines.few_bad():
                        raise UnicodeDecodeError("utf-8", b"", 0, 1, "many lines")
                    found = collected.found + ([] if escape else lines.bad)
                    for exc in sorted(found, key=lambda e: e.line or 0):
                        problems(exc)
                else:
                    with path.open(encoding="utf-8-sig", newline="") as stream:
                        docs = parse(stream, "utf-8", problems)
            except UnicodeDecodeError:
                pass  # not UTF-8 after all: detect the encoding from the whole file
            except OSError as exc:
                raise InputFileError(
                    path, f"cannot read the file ({exc.strerror or exc})"
                ) from None
            else:
                for exc in problems.found:
                    skip(sink, exc)
                return docs
    text, used = read_text_file(path, encoding=encoding)
    problems = _Problems(sink.errors)
    # JSON Lines end a line at "\n" only (a lone CR inside a line must not shift the line
    # numbers, as it does not in the UTF-8 stream); CSV, like Python's csv module, at any break
    docs = parse(io.StringIO(text, newline="\n" if by_line and not escape else ""), used, problems)
    del text
    for exc in problems.found:
        skip(sink, exc)
    return docs


class _RecordDocs:
    """Documents from the JSON records of one file, in order (JSON Lines or a JSON list).

    A record without the text field may be one bad record or a sign that ``text_column`` names
    the wrong field: that is known only at the end (:meth:`finish`)."""

    def __init__(self, path: Path, text_column: str, used: str, problems: _Problems, unit: str):
        self.path, self.text_column, self.used = path, text_column, used
        self.problems, self.unit = problems, unit
        self.docs: list[Doc] = []
        self.missing: list[MalformedRecordError] = []
        self.has_column = False

    def _error(self, problem: str, n: int) -> MalformedRecordError:
        if self.unit == "line":
            return MalformedRecordError(self.path, problem, line=n)
        return MalformedRecordError(self.path, f"item {n} of the list: {problem}")

    def add(self, record: Any, n: int) -> None:
        if not isinstance(record, dict):
            what = "each line must be a JSON object" if self.unit == "line" else "not a JSON object"
            self.problems(self._error(what, n))
            return
        if self.text_column not in record:
            self.missing.append(
                self._error(f"record has no text in column {self.text_column!r}", n)
            )
            return
        self.has_column = True
        try:
            self.docs.append(_record_doc(record, self.path, n, self.text_column, self.used))
        except MalformedRecordError as exc:  # the field is there but holds no text
            self.problems(self._error(exc.problem, n))

    def finish(self) -> list[Doc]:
        if self.missing and not self.has_column:
            raise MissingColumnError(
                self.path,
                f"no {self.text_column!r} field in any record; pass text_column=... to name it",
            )
        for exc in self.missing:
            self.problems(exc)
        return self.docs


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON ({_where(exc)})"
    reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
    return f"unreadable JSON ({reason})"  # a 5,000-digit number, [[[[...


def _where(exc: json.JSONDecodeError) -> str:
    """json's message with its column: its messages that end in "at" ("Invalid control
    character at", "Unterminated string starting at") expect the position next."""
    sep = " " if exc.msg.endswith(" at") else ", "
    return f"{exc.msg}{sep}column {exc.colno}"


def read_jsonl(path: Path, encoding: str | None, text_column: str, sink: Sink) -> list[Doc]:
    def parse(stream: Any, used: str, problems: _Problems) -> list[Doc]:
        records = _RecordDocs(path, text_column, used, problems, "line")
        for lineno, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError) as exc:
                problems(MalformedRecordError(path, _json_problem(exc), line=lineno))
                continue
            records.add(record, lineno)
        return records.finish()

    return _parse_records(path, encoding, sink, parse, by_line=True)


def read_json(path: Path, encoding: str | None, text_column: str, sink: Sink) -> list[Doc]:
    """A ``.json`` file: one record object, or a list of them (what scrapers export, e.g.
    Scrapy's ``-o items.json``). The whole file is parsed at once: for very large exports,
    JSON Lines (one record a line) are read as a stream instead."""
    text, used = read_text_file(path, encoding=encoding)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"invalid JSON ({_where(exc)})"
        raise MalformedRecordError(path, problem, line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise MalformedRecordError(path, _json_problem(exc)) from None
    del text
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise MalformedRecordError(path, "a .json file must hold a record object or a list of them")
    problems = _Problems(sink.errors)
    records = _RecordDocs(path, text_column, used, problems, "item")
    for n, record in enumerate(data, start=1):
        records.add(record, n)
    docs = records.finish()
    for exc in problems.found:
        skip(sink, exc)
    return docs


def read_csv(path: Path, encoding: str | None, text_column: str, sink: Sink) -> list[Doc]:
    def parse(stream: Any, used: str, problems: _Problems) -> list[Doc]:
        lines = iter(stream)
        first = next(lines, "")
        reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first))
        try:
            header = [h.strip().lstrip("\ufeff") for h in next(reader)]
        except (StopIteration, csv.Error) as exc:
            raise MalformedRecordError(
                path, f"cannot read the CSV header ({exc})", line=1
            ) from None
        if text_column not in header:
            raise MissingColumnError(
                path,
                f"no {text_column!r} column (columns: {', '.join(header)}); "
                "pass text_column=... to name the text column",
            )
        docs: list[Doc] = []
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems(MalformedRecordError(path, f"CSV error: {exc}", line=start))
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems(
                    MalformedRecordError(
                        path, f"expected {len(header)} fields, found {len(row)}", line=start
                    )
                )
                continue
            bad = _bad_bytes(row)
            if bad:
                problems(MalformedRecordError(path, bad, line=start))
                continue
            record = dict(zip(header, row, strict=True))
            try:
                docs.append(_record_doc(record, path, start, text_column, used))
            except MalformedRecordError as exc:
                problems(exc)
        return docs

    # Python's csv module refuses fields over 131,072 characters by default; a scraped page can
    # be longer. The limit is process-wide, so it is raised for this read only.
    limit = csv.field_size_limit()
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        return _parse_records(path, encoding, sink, parse, by_line=True, escape=True)
    finally:
        csv.field_size_limit(limit)


_CSV_FIELD_LIMIT = 2**31 - 1  # the largest value the C long of every platform holds


def _delimiter(header: str) -> str:
    """The field separator of a CSV file, read off its header line: a comma when the header has
    one, else a semicolon, tab or bar (what spreadsheets write in locales whose decimal mark is
    the comma: ``id;text``), else a comma."""
    if "," in header:
        return ","
    return next((d for d in ";\t|" if d in header), ",")
