"""Fuzz tests (issue 14): random bytes, random Unicode and random JSONL/CSV shapes.

They feed ``load_corpus``, ``clean_text``, ``tokenize`` and the classifier input no hand-written
test would think of -- lone surrogates, C0/C1 controls, zero-width and bidirectional marks,
emoji, NUL, truncated JSON, ragged CSV, fields named like the computed columns -- and check two
promises:

* no exception other than :class:`~cadretext.errors.CadretextError` escapes;
* nothing vanishes: every record with content is either a row of the corpus or listed in
  ``df.attrs["skipped"]`` with its line and a reason (or its whole file is listed, for a file
  that cannot be read at all). Blank lines and blank CSV records are no records.

Bounded in time: a fixed number of examples each, derandomized (CI sees the same examples on
every run) and without an example database. Each load happens in a fresh temporary folder
that also holds one readable report, so that ``load_corpus`` returns a frame whose accounting
can be checked even when every generated record is bad.
"""

from __future__ import annotations

import csv
import io
import json
import math
import operator
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cadretext import (
    CadretextError,
    ProgramTypeClassifier,
    classify_corpus,
    clean_text,
    load_corpus,
    tokenize,
)
from cadretext.classify import CLASSES

pytestmark = [
    pytest.mark.filterwarnings("ignore::cadretext.corpus.SkippedInputWarning"),
    # a failing example of an xfail test is printed (a long one for the pathological JSON)
    # and turned into a patch, which imports libcst
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
    pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated"),
]


def fuzz(max_examples: int, *, shrink: bool = True) -> settings:
    """Bounded, deterministic settings: ``max_examples`` examples, the same on every run.

    ``shrink=False`` is for a test marked xfail for a known bug: it fails at its first failing
    example instead of spending minutes shrinking it (drop it with the xfail mark).
    """
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=list(Phase) if shrink else [Phase.explicit, Phase.reuse, Phase.generate],
        report_multiple_bugs=shrink,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


# --------------------------------------------------------------------------- text strategies
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)  # lone: not encodable as UTF-8
_CONTROL = st.one_of(st.integers(0x00, 0x1F), st.integers(0x7F, 0x9F)).map(chr)  # C0, DEL, C1
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"  # space, non-joiner, joiner, word joiner, BOM
_BIDI = "\u202e\u202d\u202c\u200f\u200e\u061c\u2067"  # overrides, RTL/LTR/Arabic marks, isolate
_EMOJI = ("😀", "👩\u200d👩\u200d👧\u200d👦", "🇨🇳", "✊🏽")  # plain, ZWJ sequence, flag, skin tone
_ODD = st.sampled_from(
    [
        *"\x00\t\n\r\f\v\x1c\x85\u2028\u2029\u3000\xa0",  # NUL, line breaks, odd spaces
        "\r\n",
        *_ZERO_WIDTH,
        *_BIDI,
        *_EMOJI,
        *"\ufffd\ufdd0\U0010ffff\U000e0041\ufdfd",  # U+FFFD, noncharacters, a tag, a ligature
        "e\u0301",  # a combining accent
        "Ａ１２",  # full-width letters and digits
    ]
)
# pieces that reach the cleaning rules: glosses, traditional script, boilerplate, dates, HTML
_FRAGMENT = st.sampled_from(
    [
        "學(xué)習(xí)",
        "個 (ge) 人",
        "婁底市選派幹部",
        "来源:新华网",
        "时间:2023-03-16  来源:河南日报",
        "2021-07-28",
        "主办单位:中共某某市委组织部",
        "湘ICP备17016663号-1",
        "相关阅读",
        "下一页",
        "QQ群:123456789",
        "北京市|上海市|天津市|重庆市|河北省|山西省",
        "责任编辑:张三",
        "干部赴常州跟班学习",
        "在市委党校主体班学习",
        "封闭式半军事化培训",
        "挂职锻炼",
        "<p>",
        "&nbsp;",
        "\\ud800",
        '"',
        ",",
        "{",
        "}",
    ]
)
_PIECE = st.one_of(
    st.text(_CJK, min_size=1, max_size=12),
    st.text(_ASCII, min_size=1, max_size=12),
    _SURROGATE,
    _CONTROL,
    _ODD,
    _FRAGMENT,
    st.text(max_size=8),  # any code point but a surrogate
)


def mostly(common: st.SearchStrategy, rare: st.SearchStrategy, odds: int = 3) -> st.SearchStrategy:
    """``common`` ``odds`` times out of ``odds + 1`` (one_of would weigh them alike)."""
    return st.integers(0, odds).flatmap(lambda i: rare if i == odds else common)


#: random Unicode text, lone surrogates included
UNICODE_TEXT = st.lists(_PIECE, max_size=24).map("".join)
#: the same after a few Chinese characters: never blank
CONTENT = st.builds(operator.add, st.text(_CJK, min_size=1, max_size=8), UNICODE_TEXT)

_SURROGATES = re.compile("[\ud800-\udfff]")
_ASCII_SPACE = " \t\n\r\x0b\x0c"


def _encodable(text: str) -> bool:
    return _SURROGATES.search(text) is None


# --------------------------------------------------------------------------- files
# How a generated text file is written. "utf-8" writes a lone surrogate as the (invalid)
# bytes of its code point; "gb18030" writes it as "?".
_ENCODING = st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030"])
# Most generated files keep lone surrogates out of their bytes (a file with one is not UTF-8,
# and is mostly skipped whole): one in four writes them raw.
_RAW_SURROGATES = st.integers(0, 3).map(lambda i: i == 0)
ANCHOR = "0anchor.txt"
ANCHOR_TEXT = "为加大年轻干部培养力度，商丘市选派10名年轻干部到常州市开展为期6个月的跟班学习。"


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return text.encode("utf-8", "surrogatepass")
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if encoding == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    return text.encode(encoding, "replace")


def _clean_utf8(text: str, encoding: str) -> bool:
    """The file is exactly ``text`` in UTF-8 and holds no control character that would make
    it look binary (NUL, ESC...): the loader must read every valid record of it."""
    return (
        encoding in ("utf-8", "utf-8-sig")
        and _encodable(text)
        and not any(ord(c) < 32 and c not in "\t\n\r\f\v" for c in text)
    )


def _load(folder: Path, files: dict[str, bytes]) -> pd.DataFrame | None:
    """Write ``files`` and the anchor report into ``folder`` and load it with errors="skip".

    Returns None when load_corpus raises a CadretextError (allowed); any other exception
    propagates and fails the test.
    """
    (folder / ANCHOR).write_text(ANCHOR_TEXT, encoding="utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    try:
        df = load_corpus(folder, errors="skip")
    except CadretextError:
        return None
    assert (df["path"] == str(folder / ANCHOR)).sum() == 1, "the anchor report was lost"
    for entry in df.attrs["skipped"]:
        assert set(entry) == {"path", "line", "problem"}, entry
        assert isinstance(entry["problem"], str) and entry["problem"].strip(), entry
    return df


def _count_lines(text: str) -> int:
    """Lines as the loader's readers count them (\\n, \\r\\n and a lone \\r end a line)."""
    return len(io.StringIO(text, newline="").readlines())


def _check_accounting(
    df: pd.DataFrame,
    path: Path,
    records: dict[int, bool],
    *,
    auto_id: set[int],
    must_load: dict[int, str],
    header_line: int | None = None,
) -> None:
    """Nothing written to ``path`` vanished from ``df``.

    ``records`` maps the first line of each record to True (it has content: it must be a row
    or a skipped entry) or False (blank to ``str.strip`` but not ASCII-blank, say "\\u3000":
    may be ignored, or may turn into content when the file's encoding is guessed wrong).
    ASCII-blank records are not listed: a skipped entry must not name them. ``auto_id`` are
    the records without an id of their own (their doc_id is ``<stem>:<line>``); ``must_load``
    maps records the loader must read to their text (``raw_text``).
    """
    name = str(path)
    skipped = [s for s in df.attrs["skipped"] if s["path"] == name]
    rows = df[df["path"] == name]
    whole = [s for s in skipped if s["line"] is None or s["line"] == header_line]
    if whole:  # the file as a whole could not be read: listed once, no rows from it
        assert rows.empty, f"{path.name} is both skipped ({whole}) and loaded ({len(rows)} rows)"
        assert not must_load, f"a clean UTF-8 file was skipped whole: {whole}"
        return
    lines = [s["line"] for s in skipped]
    assert len(lines) == len(set(lines)), f"a line is skipped twice: {sorted(lines)}"
    stray = sorted(set(lines) - set(records))
    assert not stray, f"skipped lines {stray} start no record; records start at {sorted(records)}"
    required = sorted(n for n, has_content in records.items() if has_content and n not in lines)
    optional = [n for n, has_content in records.items() if not has_content and n not in lines]
    assert len(required) <= len(rows) <= len(required) + len(optional), (
        f"{len(rows)} rows from {path.name}, but {len(required)} records with content were "
        f"not skipped (lines {required}; skipped: {sorted(lines)})"
    )
    for n in must_load:
        assert n not in lines, f"line {n} is a valid record but was skipped: {skipped}"
    if len(rows) != len(required):
        return  # blank-looking records turned into content: rows no longer pair with lines
    stem = re.escape(path.stem)
    for n, doc_id, raw in zip(required, rows["doc_id"], rows["raw_text"], strict=True):
        if n in auto_id:
            assert re.fullmatch(rf"{stem}:{n}(~\d+)?", doc_id), (n, doc_id)
        if n in must_load:
            assert raw == must_load[n], (n, raw, must_load[n])


def _record_kind(line: str) -> bool | None:
    """True: the line has content; False: blank to str.strip only; None: ASCII-blank."""
    return _row_kind([line])


def _row_kind(cells: list[str]) -> bool | None:
    """True: a cell has content; False: blank to str.strip only ("\\u3000"); None: ASCII-blank."""
    if any(c.strip() for c in cells):
        return True
    return False if any(c.strip(_ASCII_SPACE) for c in cells) else None


# --------------------------------------------------------------------------- JSONL shapes
_JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**20), st.floats(), UNICODE_TEXT
)
_JSON = st.recursive(
    _JSON_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=5,
)
# the text field: mostly text with content, else blank text, a number, null, a bool or a list
_TEXT_VALUE = mostly(
    CONTENT,
    st.one_of(
        UNICODE_TEXT,
        st.sampled_from(["", " ", "\u3000", "\t\n", "\u200b"]),
        _JSON_SCALAR,
        st.lists(_JSON_SCALAR, max_size=2),
    ),
)
# keys named like computed or standard columns, and near-misses of "text"
_COLLIDING = [
    "path",
    "removed",
    "n_chars",
    "encoding",
    "raw_text",
    "duplicate_of",
    "site",
    "title",
    "date",
    "source",
    "program_type",
    "meta_path",
    "meta_meta_path",
    "Text",
    "text ",
    "",
    "文本",
    "\u202etext",
]
_ID = st.one_of(st.none(), st.just(""), st.integers(0, 50), st.floats(), UNICODE_TEXT)


def _one_line(text: str) -> str:
    return text.replace("\n", " ").replace("\r", " ")


def _jsonl_line(record: st.SearchStrategy[dict]) -> st.SearchStrategy[str]:
    """One line of a JSONL file: a record, another JSON value, broken JSON, text or blank."""

    def dump(obj: Any, ascii_only: bool) -> str:
        return json.dumps(obj, ensure_ascii=ascii_only)  # ensure_ascii: "\\ud800" escapes

    def truncate(line: str, at: float) -> str:
        return line[: max(1, int(len(line) * at))] if len(line) > 1 else "{"

    no_text = st.dictionaries(st.sampled_from(_COLLIDING), _JSON, max_size=3)
    records = st.builds(dump, record, st.booleans())
    others = st.one_of(
        st.builds(dump, no_text, st.booleans()),
        st.builds(dump, _JSON.filter(lambda v: not isinstance(v, dict)), st.booleans()),
        st.builds(truncate, st.builds(dump, record, st.booleans()), st.floats(0, 0.99)),
        UNICODE_TEXT.map(_one_line),  # line terminators: test_load_corpus_jsonl_line_breaks
        st.sampled_from(["", " ", "\t", " \t "]),
    )
    return mostly(records, others)


@st.composite
def jsonl_files(draw: st.DrawFn, record: st.SearchStrategy[dict], extra=None) -> dict:
    """A JSONL file: its lines, encoding, line ending and bytes."""
    line = _jsonl_line(record)
    if extra is not None:
        line = st.one_of(line, extra)
    lines = draw(st.lists(line, min_size=1, max_size=10))
    if not draw(_RAW_SURROGATES):  # surrogates written as "\ud800" escapes stay
        lines = [_SURROGATES.sub("\ufffd", line) for line in lines]
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + (ending if draw(st.booleans()) else "")
    encoding = draw(_ENCODING)
    return {"lines": lines, "text": text, "encoding": encoding, "data": _encode(text, encoding)}


def _parse(line: str) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _check_jsonl(df: pd.DataFrame, path: Path, spec: dict) -> None:
    records: dict[int, bool] = {}
    auto_id: set[int] = set()
    must_load: dict[int, str] = {}
    clean = _clean_utf8(spec["text"], spec["encoding"])
    for n, line in enumerate(spec["lines"], start=1):
        kind = _record_kind(line)
        if kind is None:
            continue
        records[n] = kind
        record = _parse(line)
        if not isinstance(record, dict) or all(
            record.get(k) in (None, "") for k in ("doc_id", "id")
        ):
            auto_id.add(n)
        if clean and isinstance(record, dict):
            value = record.get("text")
            if isinstance(value, str) and value.strip():
                must_load[n] = value
    _check_accounting(df, path, records, auto_id=auto_id, must_load=must_load)


_TEXT_ONLY = st.fixed_dictionaries({"text": _TEXT_VALUE})
_WITH_METADATA = st.fixed_dictionaries(
    {"text": _TEXT_VALUE},
    optional={"doc_id": _ID, "id": _ID, **{k: _JSON for k in _COLLIDING}},
)


@fuzz(60)
@given(spec=jsonl_files(_TEXT_ONLY))
def test_load_corpus_jsonl_records_are_loaded_or_skipped(spec: dict) -> None:
    """JSONL line shapes (records whose text is random Unicode -- lone surrogates as "\\ud800"
    escapes -- or blank, a number, null, a list; objects without the text field; other JSON
    values; truncated objects; raw text; blank lines) in four encodings: every non-blank line
    is a row (doc_id ``<stem>:<line>``) or a skipped entry naming that line, and in a clean
    UTF-8 file every valid record is loaded with its text unchanged."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        df = _load(folder, {"data.jsonl": spec["data"]})
        if df is not None:
            _check_jsonl(df, folder / "data.jsonl", spec)


@fuzz(60)
@given(spec=jsonl_files(_WITH_METADATA))
def test_load_corpus_jsonl_metadata_fields(spec: dict) -> None:
    """JSONL records that also carry ids and fields named like the computed columns (path,
    removed, n_chars, encoding, raw_text, duplicate_of, ...) with any JSON value, lone
    surrogates included: no exception but CadretextError, the computed columns are not
    replaced, and nothing vanishes."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        df = _load(folder, {"data.jsonl": spec["data"]})
        if df is None:
            return
        _check_jsonl(df, folder / "data.jsonl", spec)
        assert df["n_chars"].tolist() == df["text"].str.len().tolist()
        assert df["encoding"].map(lambda e: isinstance(e, str)).all()
        assert df["raw_text"].map(lambda t: isinstance(t, str)).all()
        assert df["removed"].map(lambda r: isinstance(r, list)).all()
        ids = set(df["doc_id"])
        assert df["duplicate_of"].map(lambda d: pd.isna(d) or d in ids).all()


_PATHOLOGICAL = st.sampled_from(
    [
        '{"text": "干部赴常州跟班学习。", "n": 1' + "0" * 4400 + "}",  # > 4300 digits
        "[" * 20_000 + "]" * 20_000,  # nesting deeper than the recursion limit
        '{"text": ' * 3_000,
        '{"text": 1e999999}',
        '{"text": "干部\\ud800学习", "x": NaN, "y": -Infinity}',
    ]
)


@fuzz(10)  # each example is large (tens of KB of brackets): a few cover the five shapes
@given(spec=jsonl_files(_TEXT_ONLY, extra=_PATHOLOGICAL))
def test_load_corpus_jsonl_pathological_json(spec: dict) -> None:
    """JSON that the json module refuses with something other than JSONDecodeError (an
    integer of more than 4300 digits: ValueError; nesting deeper than the recursion limit:
    RecursionError) among ordinary lines: skipped by line, never a crash."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        df = _load(folder, {"data.jsonl": spec["data"]})
        if df is not None:
            _check_jsonl(df, folder / "data.jsonl", spec)


_BROKEN_LINE = st.builds(
    lambda a, brk, b: _one_line(a) + brk + _one_line(b),
    CONTENT,
    st.sampled_from(["\r", "\r\r", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1e"]),
    UNICODE_TEXT,
)


@fuzz(40)
@given(spec=jsonl_files(_TEXT_ONLY, extra=_BROKEN_LINE))
def test_load_corpus_jsonl_line_breaks(spec: dict) -> None:
    """Only "\\n" ends a JSONL line (JSON Lines; "\\r\\n" endings allowed): text lines holding
    a lone CR, NEL, U+2028/U+2029, VT, FF or the C0 separators, among records, in every
    encoding, are one skipped line each, and the records after them keep their line numbers
    (and so their doc_ids)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        df = _load(folder, {"data.jsonl": spec["data"]})
        if df is not None:
            _check_jsonl(df, folder / "data.jsonl", spec)


@fuzz(60)
@given(
    ids=st.lists(st.sampled_from([None, "a", "a~2", "data:1", "data:1~2", 1, "1"]), max_size=8),
    key=st.sampled_from(["doc_id", "id"]),
)
def test_load_corpus_doc_ids_stay_unique(ids: list[str | int | None], key: str) -> None:
    """Records whose ids collide with each other, with a disambiguated id ("a~2") or with an
    automatic one ("data:1"): every record is a row and ``doc_id`` stays unique, so no record
    can shadow another downstream."""
    records = [
        {"text": f"第{i}篇：干部赴常州跟班学习。", **({} if v is None else {key: v})}
        for i, v in enumerate(ids, start=1)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        df = _load(folder, {"data.jsonl": text.encode("utf-8")})
        assert df is not None
        assert (df["path"] == str(folder / "data.jsonl")).sum() == len(records)
        assert df["doc_id"].is_unique, df["doc_id"].tolist()


# --------------------------------------------------------------------------- CSV shapes
_LIMIT = csv.field_size_limit()
_CSV_HEADER = st.sampled_from(
    ["text", "text", "doc_id", "id", "title", "date", *_COLLIDING, " text ", "\ufefftext", "a,b"]
)
_CSV_HEADERS = st.lists(_CSV_HEADER, max_size=5)
_CELL = mostly(
    CONTENT,
    st.one_of(
        UNICODE_TEXT,
        st.sampled_from(
            ["", " ", '"', '""', ",", "a\nb", "a\r\nb", "a\rb", '"quoted"', "\\", "\u3000"]
        ),
    ),
    odds=2,
)


@st.composite
def csv_files(
    draw: st.DrawFn,
    cell: st.SearchStrategy[str] = _CELL,
    headers: st.SearchStrategy[list[str]] = _CSV_HEADERS,
) -> dict:
    """A CSV file: header, rows (well-formed, ragged, blank), line ending, quoting, bytes."""
    header = draw(headers)
    if "text" not in header and draw(st.integers(0, 3)):  # usually a text column
        header.insert(draw(st.integers(0, len(header))), "text")
    width = len(header)
    if not draw(_RAW_SURROGATES):
        cell = cell.map(lambda c: _SURROGATES.sub("\ufffd", c))
    rows = draw(
        st.lists(
            mostly(
                st.lists(cell, min_size=width, max_size=width),
                st.one_of(
                    st.lists(cell, max_size=width + 2),  # ragged (or by chance not)
                    st.lists(st.sampled_from(["", " ", "\t"]), max_size=width + 1),  # blank
                ),
                odds=2,
            ),
            max_size=8,
        )
    )
    ending, quoting = draw(
        st.sampled_from(
            [("\r\n", csv.QUOTE_MINIMAL), ("\n", csv.QUOTE_ALL), ("\r\n", csv.QUOTE_ALL)]
        )
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=ending, quoting=quoting)
    writer.writerow(header)
    starts = []
    for row in rows:
        starts.append(_count_lines(buf.getvalue()) + 1)
        writer.writerow(row)
    text = buf.getvalue()
    if not any(len(c) >= _LIMIT for row in rows for c in row):  # the reader refuses those
        assert list(csv.reader(io.StringIO(text, newline=""))) == [header, *rows], "bad generator"
    encoding = draw(_ENCODING)
    return {
        "header": header,
        "rows": rows,
        "starts": starts,
        "text": text,
        "encoding": encoding,
        "data": _encode(text, encoding),
    }


def _check_csv(df: pd.DataFrame, path: Path, spec: dict) -> None:
    header = [h.strip().lstrip("\ufeff") for h in spec["header"]]
    clean = _clean_utf8(spec["text"], spec["encoding"]) and header.count("text") == 1
    records: dict[int, bool] = {}
    auto_id: set[int] = set()
    must_load: dict[int, str] = {}
    for start, row in zip(spec["starts"], spec["rows"], strict=True):
        kind = _row_kind(row)
        if kind is None:
            continue
        records[start] = kind
        record = dict(zip(header, row, strict=False)) if len(row) == len(header) else {}
        if all(record.get(k) in (None, "") for k in ("doc_id", "id")):
            auto_id.add(start)
        if clean and record and record["text"].strip():
            must_load[start] = record["text"]
    _check_accounting(df, path, records, auto_id=auto_id, must_load=must_load, header_line=1)


@fuzz(60)
@given(spec=csv_files())
def test_load_corpus_csv_records_are_loaded_or_skipped(spec: dict) -> None:
    """CSV shapes (quoted fields with newlines and lone CRs, ragged rows, blank rows, a missing
    or repeated text column, headers named like computed columns, random Unicode cells) in
    four encodings: every record with content is a row or a skipped entry naming the line it
    starts on (a header that cannot be used skips the file as a whole), and in a clean UTF-8
    file every well-formed record with text is loaded with its text unchanged."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        df = _load(folder, {"data.csv": spec["data"]})
        if df is not None:
            _check_csv(df, folder / "data.csv", spec)


_LONG_CELL = st.builds(
    lambda n, tail: ("干部学习" * (n // 4 + 1))[:n] + tail,
    st.sampled_from([_LIMIT - 1, _LIMIT, _LIMIT + 1, _LIMIT + 5000]),
    st.sampled_from(["", "\n第二段。", "\r\n第二段。\n第三段,有逗号。", '\n"引号",逗号\n']),
)


@fuzz(15)
@given(
    spec=csv_files(
        mostly(st.sampled_from(["", "短文本。", "a\nb"]), _LONG_CELL, odds=1),
        st.sampled_from([["text"], ["text", "title"], ["doc_id", "text", "source"]]),
    )
)
def test_load_corpus_csv_long_fields(spec: dict) -> None:
    """CSV fields around Python's default csv field size limit (131,072 characters), some with
    line breaks after it: in a clean UTF-8 file they are loaded whole, what follows them is not
    read as records of its own, and the process-wide limit is left as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        df = _load(folder, {"data.csv": spec["data"]})
        assert csv.field_size_limit() == _LIMIT
        if df is not None:
            _check_csv(df, folder / "data.csv", spec)


# --------------------------------------------------------------------------- text files, bytes
_HTML = st.sampled_from(
    [
        "{}",
        "<html><body><p>{}</p></body></html>",
        "<html><head><title>{}</title></head><body><article><p>{}</p><p>{}</p></article></body>",
        "<p>{}",
        "<!-- {} --><script>{}</script>",
    ]
)


@fuzz(40)
@given(
    text=UNICODE_TEXT,
    suffix=st.sampled_from([".txt", ".md", ".html"]),
    html=_HTML,
    encoding=_ENCODING,
)
def test_load_corpus_text_files_random_unicode(
    text: str, suffix: str, html: str, encoding: str
) -> None:
    """A .txt/.md/.html file of random Unicode in four encodings: one row or one skipped entry
    for it, never both; a clean UTF-8 text file without control characters and with content
    is loaded with its text unchanged."""
    content = html.replace("{}", text) if suffix == ".html" else text
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        df = _load(folder, {f"doc{suffix}": _encode(content, encoding)})
        if df is None:
            return
        name = str(folder / f"doc{suffix}")
        rows = df[df["path"] == name]
        skipped = [s for s in df.attrs["skipped"] if s["path"] == name]
        assert len(rows) + len(skipped) == 1, (len(rows), skipped)
        if suffix != ".html" and _clean_utf8(content, encoding) and content.strip():
            assert len(rows) == 1, skipped
            raw = content.removeprefix("\ufeff") if encoding == "utf-8" else content
            assert rows["raw_text"].iloc[0] == raw


_BOM = st.sampled_from([b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])


@fuzz(60)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.builds(lambda bom, body: bom + body, _BOM, st.binary(max_size=400)),
        st.builds(lambda t: t.encode("utf-8", "surrogatepass"), UNICODE_TEXT),
    ),
    name=st.sampled_from(["blob.txt", "blob.md", "blob.html", "blob.jsonl", "blob.csv", "blob"]),
)
def test_load_corpus_random_bytes(data: bytes, name: str) -> None:
    """Random bytes under each file name the loader dispatches on: no exception but
    CadretextError; the file is listed (a row or a skipped entry) unless it is blank; a file
    skipped as a whole gives no rows."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        df = _load(folder, {name: data})
        if df is None:
            return
        path = str(folder / name)
        rows = df[df["path"] == path]
        skipped = [s for s in df.attrs["skipped"] if s["path"] == path]
        if any(s["line"] is None for s in skipped):
            assert rows.empty and len(skipped) == 1, (len(rows), skipped)
        if name.endswith((".txt", ".md", ".html")):
            assert len(rows) + len(skipped) <= 1
        if data.strip() and not name.endswith(".csv"):  # a CSV header alone has no record
            assert len(rows) + len(skipped) >= 1, "a file with content vanished"
        if name == "blob":
            assert rows.empty and len(skipped) == 1


@fuzz(20)
@given(data=st.binary(max_size=200))
def test_load_corpus_single_random_file(data: bytes) -> None:
    """One file of random bytes loaded alone, with errors="skip" and errors="raise": a
    CadretextError (NoDocumentsError, a file error) or a frame, never another exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "only.txt"
        path.write_bytes(data)
        for errors in ("skip", "raise"):
            try:
                df = load_corpus(path, errors=errors)
            except CadretextError:
                continue
            assert len(df) == 1


# --------------------------------------------------------------------------- clean_text
@fuzz(200)
@given(
    text=UNICODE_TEXT,
    flags=st.fixed_dictionaries(
        {
            "to_simplified": st.booleans(),
            "remove_glosses": st.booleans(),
            "remove_boilerplate": st.booleans(),
            "normalize": st.booleans(),
        }
    ),
)
def test_clean_text_random_unicode(text: str, flags: dict[str, bool]) -> None:
    """clean_text on random Unicode with every switch on or off: a str (lone surrogates
    replaced, so it can be written as UTF-8), the same with and without the audit, and an
    audit of dicts with kind, text and line."""
    try:
        out = clean_text(text, **flags)
        audited, removed = clean_text(text, return_removed=True, **flags)
    except CadretextError:
        return
    assert isinstance(out, str) and out == audited
    out.encode("utf-8")
    assert isinstance(removed, list)
    for item in removed:
        assert set(item) == {"kind", "text", "line"}, item
        assert isinstance(item["kind"], str) and isinstance(item["text"], str)
        assert item["line"] is None or (isinstance(item["line"], int) and item["line"] >= 1)


# --------------------------------------------------------------------------- tokenize
_TEXTS = st.lists(mostly(UNICODE_TEXT, st.none()), max_size=6)


def _check_tokens(texts: list[str | None], out: Any) -> None:
    assert isinstance(out, list) and len(out) == len(texts)
    for tokens in out:
        assert isinstance(tokens, list)
        assert all(isinstance(t, str) and t for t in tokens), tokens


@fuzz(80)
@given(texts=_TEXTS, clean=st.booleans())
def test_tokenize_random_unicode(texts: list[str | None], clean: bool) -> None:
    """tokenize on random Unicode (None included), raw or with clean=True: one list of
    non-empty str tokens per input text, aligned with the input."""
    try:
        out = tokenize(texts, clean=clean)
    except CadretextError:
        return
    _check_tokens(texts, out)


@pytest.fixture(scope="module")
def token_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("token-cache")


@fuzz(40)
@given(texts=_TEXTS)
def test_tokenize_cached_random_unicode(token_cache: Path, texts: list[str | None]) -> None:
    """tokenize with the on-disk cache on random Unicode: the cache keys every text, lone
    surrogates included; a second run reads the same tokens back."""
    try:
        first = tokenize(texts, cache=token_cache)
        second = tokenize(texts, cache=token_cache)
    except CadretextError:
        return
    _check_tokens(texts, first)
    assert second == first


# --------------------------------------------------------------------------- classify
@pytest.fixture(scope="module")
def classifier() -> ProgramTypeClassifier:
    return ProgramTypeClassifier.default()


def _check_probabilities(p: dict[str, float]) -> None:
    assert set(p) == set(CLASSES)
    assert all(math.isfinite(v) and 0 <= v <= 1 for v in p.values()), p
    assert abs(sum(p.values()) - 1) < 1e-3, p


@fuzz(60)
@given(texts=_TEXTS)
def test_classifier_random_unicode(classifier: ProgramTypeClassifier, texts: list) -> None:
    """ProgramTypeClassifier.predict_records on random Unicode: one record per text, a label
    from CLASSES, finite probabilities that sum to 1."""
    try:
        records = classifier.predict_records(texts)
    except CadretextError:
        return
    assert len(records) == len(texts)
    for record in records:
        assert record["label"] in CLASSES
        assert record["labels"][0] == record["label"]
        _check_probabilities(record["scores"])
        assert all(isinstance(s, str) for s in record["evidence"])


@fuzz(40)
@given(texts=_TEXTS, unit=st.sampled_from(["document", "paragraph"]))
def test_classify_corpus_random_unicode(
    classifier: ProgramTypeClassifier, texts: list, unit: str
) -> None:
    """classify_corpus on a list of random Unicode texts, by document or by paragraph: one
    row per document (doc_id "0", "1", ...) or rows only for documents given, labels from
    CLASSES."""
    try:
        out = classify_corpus(texts, model=classifier, unit=unit)
    except CadretextError:
        return
    ids = [str(i) for i in range(len(texts))]
    if unit == "document":
        assert out["doc_id"].tolist() == ids
    else:
        assert set(out["doc_id"]) <= set(ids)
    assert out["label"].isin(CLASSES).all()
    for scores in out["scores"]:
        _check_probabilities(scores)
