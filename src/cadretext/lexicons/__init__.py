"""Packaged word lists (lexicons, stopwords, seed terms), loaded with :mod:`importlib.resources`.

Each list is a UTF-8 text file with one entry per line: the entry, optionally followed by
whitespace and a tag (a jieba POS tag for the domain lexicon). Lines starting with ``#`` are
comments; a ``# version: X`` comment versions the file. Users can pass their own list (a path or
an iterable of words) anywhere a packaged list is used.

Examples
--------
>>> from cadretext.lexicons import load_wordlist
>>> wl = load_wordlist("domain_words")
>>> "跟班学习" in wl.words and wl.version != ""
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .._io import sha256_of
from ..errors import InputFileError, ParameterError

__all__ = ["WordList", "as_wordlist", "available", "load_wordlist", "merge_wordlists"]


@dataclass(frozen=True)
class WordList:
    """An ordered, de-duplicated list of entries with optional tags, a version and a content hash.

    Attributes
    ----------
    name : str
        Packaged name (``"domain_words"``), a file path, or ``"<custom>"`` for an iterable.
    words : tuple of str
        The entries, in file order, without duplicates.
    tags : dict
        Entry -> tag, for entries that carry one.
    version : str
        The file's ``# version:`` value, or ``""``.
    sha256 : str
        Hash of the entries and tags: two lists with the same hash tokenize identically.
    """

    name: str
    words: tuple[str, ...]
    tags: dict[str, str] = field(default_factory=dict)
    version: str = ""
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._set

    @property
    def _set(self) -> frozenset[str]:
        cached = self.__dict__.get("_set_cache")
        if cached is None:
            cached = frozenset(self.words)
            object.__setattr__(self, "_set_cache", cached)
        return cached


def available() -> list[str]:
    """Names of the packaged word lists."""
    return list(_available())


@lru_cache(maxsize=1)
def _available() -> tuple[str, ...]:
    return tuple(
        sorted(p.name[:-4] for p in resources.files(__name__).iterdir() if p.name.endswith(".txt"))
    )


def _parse(lines: Iterable[str], name: str) -> WordList:
    words: list[str] = []
    tags: dict[str, str] = {}
    seen: set[str] = set()
    version = ""
    for raw in lines:
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if line.startswith("#"):
            body = line.lstrip("#").strip()
            if body.lower().startswith("version:") and not version:
                version = body.split(":", 1)[1].strip()
            continue
        parts = line.split()
        word = parts[0]
        if word in seen:
            continue
        seen.add(word)
        words.append(word)
        if len(parts) > 1:
            tags[word] = parts[1]
    digest = sha256_of([f"{w}\t{tags.get(w, '')}" for w in words])
    return WordList(name=name, words=tuple(words), tags=tags, version=version, sha256=digest)


def load_wordlist(name_or_path: str | os.PathLike[str]) -> WordList:
    """Load a packaged list by name (``"domain_words"``) or any list file by path.

    Raises
    ------
    ParameterError
        If the name is neither a packaged list nor an existing file.
    """
    path = Path(name_or_path)
    if path.suffix.lower() == ".csv":
        return _load_csv(path)
    if path.suffix == ".txt" or os.sep in str(name_or_path) or path.exists():
        if not path.is_file():
            raise ParameterError(f"word list file not found: {path}")
        stat = path.stat()
        return _load_text_file(str(path), stat.st_mtime_ns, stat.st_size)
    return _load_packaged(str(name_or_path))


# Parsed once per process: tokenize() and the extractors resolve their lists on every call, and
# parsing and hashing the lexicons cost about 8 ms a call (a user's loop over single reports
# spent more time there than segmenting). A file is read again when its modification time or
# size changes. The WordList returned is shared: treat it as read-only.
@lru_cache(maxsize=64)
def _load_packaged(name: str) -> WordList:
    resource = resources.files(__name__) / f"{name}.txt"
    if not resource.is_file():
        raise ParameterError(
            f"no packaged word list named {name!r}; available: {', '.join(available())}"
        )
    return _parse(resource.read_text(encoding="utf-8").splitlines(), name)


@lru_cache(maxsize=64)
def _load_text_file(path: str, mtime_ns: int, size: int) -> WordList:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "word lists must be UTF-8 text") from exc
    return _parse(text.splitlines(), path)


_REJECTED = {"no", "n", "0", "false", "reject", "rejected", "否"}


def _load_csv(path: Path) -> WordList:
    """A candidates table (``cadretext discover`` writes one) as a word list: the ``term``
    column, without the rows whose ``accept`` column (if there is one) says no."""
    import csv

    if not path.is_file():
        raise ParameterError(f"word list file not found: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip() for f in reader.fieldnames or []]
            if "term" not in fields:
                raise InputFileError(path, "a CSV word list needs a 'term' column")
            words = []
            for row in reader:
                row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
                if row.get("accept", "").lower() in _REJECTED or not row.get("term"):
                    continue
                words.append(row["term"])
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "word lists must be UTF-8 text") from exc
    except csv.Error as exc:
        raise InputFileError(path, f"not a readable CSV ({exc})") from exc
    return _parse(words, str(path))


def _is_list_reference(value: object) -> bool:
    """A packaged list name or the path of an existing .txt/.csv list."""
    if not isinstance(value, str | os.PathLike):
        return False
    path = Path(value)
    if path.suffix.lower() in (".txt", ".csv"):
        return path.is_file()
    return isinstance(value, str) and value in available()


def merge_wordlists(lists: Iterable[WordList], name: str | None = None) -> WordList:
    """Concatenate word lists in order (first tag wins); the version names every part.

    >>> merged = merge_wordlists([load_wordlist("domain_words"), load_wordlist("stopwords_domain")])
    >>> merged.version.startswith("domain_words:")
    True
    """
    lists = list(lists)
    words: dict[str, None] = {}
    tags: dict[str, str] = {}
    for wl in lists:
        for w in wl.words:
            words.setdefault(w, None)
            if w in wl.tags:
                tags.setdefault(w, wl.tags[w])
    version = "+".join(f"{wl.name}:{wl.version or '?'}" for wl in lists)
    digest = sha256_of([wl.sha256 for wl in lists])
    return WordList(
        name=name or "+".join(wl.name for wl in lists),
        words=tuple(words),
        tags=tags,
        version=version,
        sha256=digest,
    )


@lru_cache(maxsize=16)
def _merged_packaged(names: tuple[str, ...]) -> WordList:
    return merge_wordlists((load_wordlist(n) for n in names), name="+".join(names))


def as_wordlist(
    value: str | os.PathLike[str] | Iterable[str] | WordList | bool | None,
    default: str | tuple[str, ...],
) -> WordList | None:
    """Resolve a user's ``lexicon=``/``stopwords=`` argument.

    ``None``/``True`` -> the packaged default (several packaged names are merged, skipping any
    not shipped); ``False`` -> no list; a name or path -> that list (a ``.csv`` path: its
    ``term`` column, without rows whose ``accept`` column says no, as ``cadretext discover``
    writes); a list or tuple of names and paths -> those lists merged (``("domain_words",
    "metaphors", "candidates.csv")``); any other iterable of words -> those words.
    """
    if value is None or value is True:
        if isinstance(default, tuple):
            names = [n for n in default if n in available()]
            return _merged_packaged(tuple(names))
        return load_wordlist(default)
    if value is False:
        return None
    if isinstance(value, WordList):
        return value
    if isinstance(value, str | os.PathLike):
        return load_wordlist(value)
    items = list(value)
    if items and all(_is_list_reference(v) for v in items):
        # several lists: ("domain_words", "metaphors", "candidates.csv")
        return merge_wordlists(load_wordlist(v) for v in items)
    return _parse((str(w) for w in items), "<custom>")
