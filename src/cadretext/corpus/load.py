""":func:`load_corpus`: files and folders to one corpus table, with manifest, cleaning and
audit."""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..clean import clean_text
from ..dates import find_date
from ..errors import (
    InputFileError,
    ManifestError,
    MissingColumnError,
    NoDocumentsError,
    ParameterError,
    UnsupportedFormatError,
)
from .base import Doc, Sink, missing, skip, without_surrogates
from .decode import read_text_file
from .duplicates import flag_near_duplicates
from .metadata import extract_metadata, normalise_date
from .readers import read_csv, read_html, read_json, read_jsonl, read_plain

CORPUS_COLUMNS = ["doc_id", "title", "date", "source", "program_type", "text", "raw_text", "path"]
# columns load_corpus computes; an input field of the same name is kept as meta_<name>
_COMPUTED = frozenset(
    ("text", "raw_text", "path", "encoding", "n_chars", "removed", "duplicate_of")
)
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
CSV_SUFFIXES = {".csv"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES
MANIFEST_NAME = "manifest.csv"


# --------------------------------------------------------------------------- manifest
def _read_manifest(path: Path) -> pd.DataFrame:
    text, _ = read_text_file(path)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "file" not in [h.strip() for h in rows[0]]:
        raise MissingColumnError(path, "a manifest needs a 'file' column naming each document")
    header = [h.strip() for h in rows[0]]
    records = []
    seen: dict[str, int] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ManifestError(
                path, f"expected {len(header)} fields, found {len(row)}", line=lineno
            )
        record = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
        name = record["file"]
        if name in seen:
            raise ManifestError(
                path, f"{name!r} is listed twice (also line {seen[name]})", line=lineno
            )
        seen[name] = lineno
        records.append(record)
    return pd.DataFrame(records, columns=header).replace({"": None})


# --------------------------------------------------------------------------- load_corpus
def _kind_of(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def expand_paths(
    paths: Iterable[Path], manifest_paths: set[Path]
) -> tuple[list[tuple[Path, bool]], list[InputFileError]]:
    """The input files under ``paths``, as ``(file, named_explicitly)`` pairs sorted within
    each folder for a stable order (manifests left out), and the problems met on the way:
    folders that cannot be read, special files (a FIFO would block the read for ever), broken
    links. Hidden files and folders are left out."""
    out: list[tuple[Path, bool]] = []
    problems: list[InputFileError] = []

    def regular(f: Path) -> bool:
        try:
            mode = f.stat().st_mode
        except OSError as exc:
            reason = "a broken link" if f.is_symlink() else f"cannot read it ({exc.strerror})"
            problems.append(InputFileError(f, reason))
            return False
        if stat.S_ISREG(mode):
            return True
        problems.append(InputFileError(f, f"{_kind_of(mode)}, not a regular file"))
        return False

    for p in paths:
        if p.is_dir():
            found: list[Path] = []
            visited: set[tuple[int, int]] = set()

            def unreadable(exc: OSError, top: Path = p) -> None:
                where = Path(exc.filename) if exc.filename else top
                problems.append(
                    InputFileError(where, f"cannot read the folder ({exc.strerror or exc})")
                )

            # os.walk rather than Path.rglob: rglob passes over a folder it cannot read without
            # a word, and a corpus must not lose a folder silently.
            for root, dirs, files in os.walk(p, onerror=unreadable, followlinks=True):
                try:
                    st = os.stat(root)
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) in visited:  # a link back up the tree
                    dirs[:] = []
                    continue
                visited.add((st.st_dev, st.st_ino))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / name for name in files if not name.startswith("."))
            for f in sorted(found):
                is_manifest = f.name == MANIFEST_NAME or f.resolve() in manifest_paths
                if not is_manifest and regular(f):
                    out.append((f, False))
        elif p.exists():
            if regular(p):
                out.append((p, True))
        elif p.is_symlink():
            problems.append(InputFileError(p, "a broken link"))
        else:
            raise ParameterError(f"no such file or folder: {p}")
    return out, problems


def load_corpus(
    path_or_paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    manifest: str | os.PathLike[str] | pd.DataFrame | bool | None = None,
    text_column: str = "text",
    clean: bool = True,
    encoding: str | None = None,
    errors: Literal["skip", "raise"] = "skip",
    duplicate_threshold: float | None = 0.8,
    audit: bool = True,
    progress: bool = False,
) -> pd.DataFrame:
    """Load reports from files and folders into a corpus DataFrame, one row per document.

    Parameters
    ----------
    path_or_paths : path or list of paths
        Files and/or folders (searched recursively; hidden files ignored). Formats by
        extension: ``.txt``/``.md`` (one report per file), ``.html``/``.htm`` (main text
        extracted with trafilatura), ``.jsonl``, ``.json`` (a record object or a list of them)
        and ``.csv`` (one report per record, text in ``text_column``; ``doc_id``/``id``,
        ``title``, ``date``, ... columns become metadata).
    manifest : path, DataFrame, False or None
        Table with a ``file`` column (file name relative to the manifest's folder) and any
        metadata columns (title, date, source, program_type, send_place, ...). ``None`` uses a
        ``manifest.csv`` found in a folder being loaded (or beside a file named explicitly);
        ``False`` uses none. Manifest values win; blanks are filled from the report's header.
    text_column : str
        Text field of JSONL/JSON/CSV records.
    clean : bool
        Run :func:`cadretext.clean_text` (``text`` is then the cleaned text, ``raw_text`` the
        decoded original, ``removed`` the audit of what cleaning removed).
    encoding : str, optional
        Force an encoding instead of detecting it.
    errors : {"skip", "raise"}
        ``"skip"`` (default): an unreadable file or record is skipped with a
        :class:`SkippedInputWarning` naming it, and listed in ``df.attrs["skipped"]``;
        ``"raise"``: the first problem raises. If nothing at all can be read,
        :class:`~cadretext.errors.NoDocumentsError` is raised either way.
    duplicate_threshold : float or None
        Jaccard similarity (character 5-grams) above which a report is flagged as a near
        duplicate of an earlier one in column ``duplicate_of``; ``None`` skips the check.
        Duplicates are flagged, never dropped.
    audit : bool
        Keep ``raw_text`` (the decoded original) and ``removed`` (what cleaning removed), as
        :func:`removal_summary` and notebook 01 need. ``False`` leaves both columns empty
        (``None``), which roughly halves the memory of a large corpus (10^5 reports and up).
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    DataFrame
        Columns ``doc_id, title, date, source, program_type, text, raw_text, path`` then
        ``site, encoding, n_chars, duplicate_of, removed`` and any extra manifest columns.
        ``df.attrs["skipped"]`` lists skipped inputs as ``{"path", "line", "problem"}``.

    Examples
    --------
    >>> df = load_corpus("seeds")  # doctest: +SKIP
    >>> df[["doc_id", "program_type", "date"]].head(2)  # doctest: +SKIP
    """
    if errors not in ("skip", "raise"):
        raise ParameterError("errors must be 'skip' or 'raise'")
    if isinstance(path_or_paths, str | os.PathLike):
        paths = [Path(path_or_paths)]
    else:
        paths = [Path(p) for p in path_or_paths]
    if not paths:
        raise ParameterError("no paths given")

    manifests = _resolve_manifests(paths, manifest)
    manifest_files = {m.resolve() for m in manifests if isinstance(m, Path)}
    files, problems = expand_paths(paths, manifest_files)
    skipped: list[dict] = []
    for exc in problems:
        if errors == "raise":
            raise exc
        skip(skipped, exc)
    docs: list[Doc] = []
    iterator: Iterable[tuple[Path, bool]] = files
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(files, desc="reading", unit="file")
    for f, explicit in iterator:
        suffix = f.suffix.lower()
        try:
            if suffix in TEXT_SUFFIXES:
                docs.extend(read_plain(f, encoding))
            elif suffix in HTML_SUFFIXES:
                docs.extend(read_html(f, encoding))
            elif suffix in JSONL_SUFFIXES:
                docs.extend(read_jsonl(f, encoding, text_column, Sink(skipped, errors)))
            elif suffix in JSON_SUFFIXES:
                docs.extend(read_json(f, encoding, text_column, Sink(skipped, errors)))
            elif suffix in CSV_SUFFIXES:
                docs.extend(read_csv(f, encoding, text_column, Sink(skipped, errors)))
            else:
                raise UnsupportedFormatError(
                    f,
                    f"unsupported file type {suffix or '(none)'}; "
                    f"readable: {', '.join(sorted(SUPPORTED))}",
                )
        except InputFileError as exc:
            if errors == "raise":
                raise
            if isinstance(exc, UnsupportedFormatError) and not explicit:
                skipped.append({"path": str(f), "line": None, "problem": exc.problem})
                continue  # stray files in a folder (images, PDFs) are listed, not warned about
            skip(skipped, exc)
    if not docs:
        detail = "; ".join(f"{s['path']}: {s['problem']}" for s in skipped[:5])
        where = ", ".join(map(str, paths))
        raise NoDocumentsError(
            f"no readable documents in {where}" + (f" ({detail})" if detail else "")
        )
    df = _build_frame(docs, manifests, clean, progress, audit)
    del docs
    if duplicate_threshold is not None:
        df["duplicate_of"] = flag_near_duplicates(
            df["text"].tolist(), df["doc_id"].tolist(), threshold=duplicate_threshold
        )
    else:
        df["duplicate_of"] = None
    df.attrs["skipped"] = skipped
    return df


def _resolve_manifests(paths: list[Path], manifest: Any) -> list[Path | pd.DataFrame]:
    if manifest is False:
        return []
    if isinstance(manifest, pd.DataFrame):
        if "file" not in manifest.columns:
            raise ParameterError("the manifest DataFrame needs a 'file' column")
        return [manifest]
    if manifest is not None and manifest is not True:
        m = Path(manifest)
        if not m.is_file():
            raise ParameterError(f"manifest not found: {m}")
        return [m]
    found = []
    for p in paths:
        folder = p if p.is_dir() else p.parent
        candidate = folder / MANIFEST_NAME
        if candidate.is_file() and candidate not in found:
            found.append(candidate)
    return found


def _manifest_lookup(manifests: list[Path | pd.DataFrame]) -> dict[str, dict[str, Any]]:
    lookup: dict[str, dict[str, Any]] = {}
    for m in manifests:
        if isinstance(m, Path):
            frame, base = _read_manifest(m), m.parent.resolve()
        else:
            frame, base = m, Path.cwd().resolve()
        for record in frame.to_dict("records"):
            name = str(record["file"])
            meta = {k: v for k, v in record.items() if k != "file" and not missing(v)}
            lookup[str((base / name).resolve())] = meta
            lookup.setdefault(Path(name).name, meta)
    return lookup


def _build_frame(
    docs: list[Doc],
    manifests: list[Path | pd.DataFrame],
    clean: bool,
    progress: bool,
    audit: bool = True,
) -> pd.DataFrame:
    lookup = _manifest_lookup(manifests)
    rows: list[dict[str, Any]] = []
    extra_cols: list[str] = []
    used_ids: dict[str, int] = {}
    iterator: Iterable[Doc] = docs
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(docs, desc="cleaning", unit="doc")
    resolved: dict[str, str] = {}
    for i, doc in enumerate(iterator):
        if not audit:
            docs[i] = None  # type: ignore[call-overload]  # the raw text is not kept: free it now
        meta = dict(doc.meta)
        key = resolved.get(doc.path) or resolved.setdefault(doc.path, str(Path(doc.path).resolve()))
        from_manifest = lookup.get(key) or lookup.get(Path(doc.path).name) or {}
        meta.update(from_manifest)
        header = extract_metadata(doc.raw_text)
        for field in ("title", "source", "site"):
            if missing(meta.get(field)) and header.get(field):
                meta[field] = header[field]
        # names and fields may hold lone surrogates (undecodable file names, JSON's "\udc80")
        meta = {without_surrogates(k): without_surrogates(v) for k, v in meta.items()}
        given_date = meta.pop("date", None)  # the manifest's or the record's own
        date, date_precision, date_source = find_date(
            doc.raw_text,
            url=meta.get("url"),
            manifest=None if missing(given_date) else given_date,
            header=header.get("date") or "",
        )
        if date is None and not missing(given_date):
            date, date_source = normalise_date(given_date), "manifest"  # kept as given
        doc_id = without_surrogates(str(meta.pop("doc_id", None) or doc.doc_id))
        if doc_id in used_ids:
            # the next free "<id>~n": an input may itself hold an id of that shape
            base = doc_id
            while doc_id in used_ids:
                used_ids[base] += 1
                doc_id = f"{base}~{used_ids[base]}"
        used_ids.setdefault(doc_id, 1)
        if clean and audit:
            text, removed = clean_text(doc.raw_text, return_removed=True)
        elif clean:
            text, removed = clean_text(doc.raw_text), None
        else:
            text, removed = doc.raw_text, [] if audit else None
        row = {
            "doc_id": doc_id,
            "title": meta.pop("title", None),
            "date": date,
            "date_precision": date_precision,
            "date_source": date_source,
            "source": meta.pop("source", None),
            "program_type": meta.pop("program_type", None),
            "text": text,
            "raw_text": doc.raw_text if audit else None,
            "path": without_surrogates(doc.path),
            "site": meta.pop("site", None),
            "encoding": doc.encoding,
            "n_chars": len(text),
            "removed": removed,
        }
        # a field named like a computed column (text, path, n_chars, removed, duplicate_of
        # ...) must not replace it: it is kept as meta_<name> (meta_meta_<name> if the input
        # also has a meta_<name>); the other fields keep their names
        clashing = [k for k in meta if k in row or k in _COMPUTED]
        for k, v in meta.items():
            if k not in clashing:
                row[k] = v
                if k not in extra_cols:
                    extra_cols.append(k)
        for k in clashing:
            name = f"meta_{k}"
            while name in row or name in meta:
                name = f"meta_{name}"
            row[name] = meta[k]
            if name not in extra_cols:
                extra_cols.append(name)
        rows.append(row)
    columns = [
        *CORPUS_COLUMNS,
        "date_precision",
        "date_source",
        "site",
        "encoding",
        "n_chars",
        "removed",
        *extra_cols,
    ]
    data = {c: [r.get(c) for r in rows] for c in columns}
    del rows
    # The text columns stay Python strings (object dtype) rather than pandas' Arrow-backed
    # default: Chinese takes 2 bytes a character there against 3 in UTF-8, the conversion
    # would copy every report once more, and the tokenizer wants Python strings anyway.
    # Measured on 10k synthetic reports: 173 MB RSS after loading instead of 317 MB.
    for c in ("text", "raw_text"):
        data[c] = pd.Series(data[c], dtype=object)
    return pd.DataFrame(data, columns=columns)
