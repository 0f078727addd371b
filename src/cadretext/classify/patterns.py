"""The lexicon of program-type evidence: weighted terms and regular expressions, and what they match.

A pattern file (the packaged, versioned ``lexicons/program_patterns.csv`` or your own CSV of the
same shape) lists terms and regular expressions per type with a weight. This module parses it,
finds every match in a text (within one type, overlapping matches count once, the heaviest
pattern explaining the span), turns matches into the lexicon's own score per type, and picks the
sentences that carry the evidence for a label. It is hand-written domain knowledge: no library
knows how Chinese reports describe these formats. :mod:`cadretext.classify.features` turns the
same matches into features of the supervised model.

A type's *evidence* is ``sum(weight * (1 + ln count))`` over its patterns (repeats count
sub-linearly). Its *score* is the evidence divided by ``sqrt(max(n_chars, length_floor) /
1000)``, so a passing mention in a long article weighs less than the same words in a short
report. ``other`` scores ``other_baseline`` plus its own patterns. A report without any cadre
context word (干部, 书记, 组织部 ...) has its program evidence multiplied by
``no_cadre_factor``. Lexicon probabilities: ``p(type) ∝ (1 + score(type)) ** sharpness``.
"""

from __future__ import annotations

import bisect
import csv
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._io import sha256_of
from ..clean import split_sentences
from ..errors import InputFileError, MissingColumnError, ParameterError
from .labels import CLASSES, PROGRAM_TYPES

__all__ = [
    "CONTEXT",
    "Match",
    "Pattern",
    "PatternSet",
    "evidence_sentences",
    "find_matches",
    "load_patterns",
    "parse_patterns",
    "raw_evidence",
    "score_lexicon",
    "sentence_index",
    "sentence_spans",
]

#: The pseudo-type of context words (a report about cadres at all).
CONTEXT = "cadre"
PATTERN_TYPES = (*CLASSES, CONTEXT)
_GAP = r"[^。！？；!?;\n]{0,15}"


@dataclass(frozen=True)
class Pattern:
    """One row of a pattern file."""

    types: tuple[str, ...]
    kind: str
    pattern: str
    weight: float
    note: str
    line: int
    regex: re.Pattern[str] = field(repr=False, compare=False)


@dataclass(frozen=True)
class PatternSet:
    """The weighted terms and regular expressions of the lexicon scorer.

    Attributes
    ----------
    name : str
        ``"program_patterns"`` for the packaged file, else the path.
    patterns : tuple of Pattern
    version : str
        The file's ``# version:`` value.
    sha256 : str
        Hash of the rows: two sets with the same hash score identically.
    """

    name: str
    patterns: tuple[Pattern, ...]
    version: str
    sha256: str

    def __len__(self) -> int:
        return len(self.patterns)

    def to_frame(self) -> pd.DataFrame:
        """The patterns as a table (type, kind, pattern, weight, note)."""
        return pd.DataFrame(
            [
                {
                    "type": "|".join(p.types),
                    "kind": p.kind,
                    "pattern": p.pattern,
                    "weight": p.weight,
                    "note": p.note,
                }
                for p in self.patterns
            ]
        )


def parse_patterns(text: str, name: str) -> PatternSet:
    version = ""
    body: list[tuple[int, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        if stripped.startswith("#"):
            comment = stripped.lstrip("#").strip()
            if comment.lower().startswith("version:") and not version:
                version = comment.split(":", 1)[1].strip()
            continue
        body.append((lineno, line))
    if not body:
        raise InputFileError(name, "the pattern file has no rows")
    reader = csv.reader([line for _, line in body])
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in ("type", "kind", "pattern", "weight") if c not in header]
    if missing:
        raise MissingColumnError(
            name,
            f"pattern file needs columns type, kind, pattern, weight (and optional note); "
            f"missing {', '.join(missing)}",
            line=body[0][0],
        )
    col = {c: header.index(c) for c in header}
    patterns: list[Pattern] = []
    for (lineno, _), row in zip(body[1:], reader, strict=True):
        if len(row) < len(header) - ("note" in col):
            raise InputFileError(
                name, f"expected {len(header)} fields, got {len(row)}", line=lineno
            )
        fields = {c: row[i].strip() if i < len(row) else "" for c, i in col.items()}
        get = fields.get
        types = tuple(t.strip() for t in get("type").split("|") if t.strip())
        bad = [t for t in types if t not in PATTERN_TYPES]
        if not types or bad:
            raise InputFileError(
                name,
                f"unknown type {'|'.join(bad) or '(empty)'}; use {', '.join(PATTERN_TYPES)}",
                line=lineno,
            )
        kind = get("kind").lower()
        pattern = get("pattern")
        if kind not in ("term", "regex") or not pattern:
            raise InputFileError(
                name, "kind must be 'term' or 'regex' and pattern non-empty", line=lineno
            )
        try:
            weight = float(get("weight"))
        except ValueError:
            raise InputFileError(
                name, f"weight {get('weight')!r} is not a number", line=lineno
            ) from None
        source = re.escape(pattern) if kind == "term" else pattern.replace("…", _GAP)
        try:
            regex = re.compile(source)
        except re.error as exc:
            raise InputFileError(
                name, f"bad regular expression {pattern!r}: {exc}", line=lineno
            ) from None
        patterns.append(Pattern(types, kind, pattern, weight, get("note", ""), lineno, regex))
    digest = sha256_of(
        f"{'|'.join(p.types)}\t{p.kind}\t{p.pattern}\t{p.weight!r}" for p in patterns
    )
    return PatternSet(name=name, patterns=tuple(patterns), version=version, sha256=digest)


@lru_cache(maxsize=16)
def _load_patterns_cached(key: str, stamp: tuple[int, int] | None = None) -> PatternSet:
    if key == "program_patterns":
        text = (resources.files("cadretext.lexicons") / "program_patterns.csv").read_text("utf-8")
        return parse_patterns(text, "program_patterns")
    path = Path(key)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "pattern files must be UTF-8 CSV") from exc
    return parse_patterns(text, str(path))


def load_patterns(name_or_path: str | os.PathLike[str] | None = None) -> PatternSet:
    """Load the packaged pattern file (default) or your own CSV of the same shape.

    Columns: ``type`` (``secondment``, ``party_school``, ``closed_training``, ``other``, several
    joined by ``|``, or ``cadre`` for context words), ``kind`` (``term`` or ``regex``; in a
    regex ``…`` is a gap of up to 15 characters inside a sentence), ``pattern``, ``weight``
    (negative = evidence against the type) and an optional ``note``. ``#`` lines are comments;
    ``# version: N`` versions the file.

    Examples
    --------
    >>> ps = load_patterns()
    >>> ps.version, len(ps) > 100
    ('3', True)
    """
    if name_or_path is None or str(name_or_path) == "program_patterns":
        return _load_patterns_cached("program_patterns")
    path = Path(name_or_path)
    if not path.is_file():
        raise ParameterError(f"patterns: file not found: {path}")
    stat = path.stat()  # an edited file is re-read
    return _load_patterns_cached(str(path.resolve()), (stat.st_mtime_ns, stat.st_size))


@dataclass(frozen=True)
class Match:
    type: str
    pattern: str
    kind: str
    weight: float
    start: int
    end: int
    text: str


# by the set's hash (sets with one hash have the same rows): hashing the set itself would
# hash every pattern on every call
_TERM_AUTOMATA: dict[str, Any] = {}


def _term_automaton(patterns: PatternSet) -> Any:
    """Every ``term`` pattern of the set, found in one pass (value: the patterns' indices)."""
    auto = _TERM_AUTOMATA.get(patterns.sha256)
    if auto is None:
        from ..rhetoric.base import automaton

        where: dict[str, list[int]] = {}
        for i, p in enumerate(patterns.patterns):
            if p.kind == "term":
                where.setdefault(p.pattern, []).append(i)
        auto = _TERM_AUTOMATA[patterns.sha256] = automaton(
            (w, tuple(ix)) for w, ix in where.items()
        )
    return auto


def _term_spans(text: str, patterns: PatternSet) -> dict[int, list[tuple[int, int]]]:
    """Pattern index -> the spans a ``re.finditer`` of that term would give: its occurrences
    left to right, each starting after the previous one ends. One Aho-Corasick pass finds all
    terms at once (a regex search per term per text was most of the scorer's time on
    paragraphs)."""
    by_word: dict[tuple[int, ...], list[tuple[int, int]]] = {}
    for start, end, ix in _term_automaton(patterns).scan(text):
        by_word.setdefault(ix, []).append((start, end))
    out: dict[int, list[tuple[int, int]]] = {}
    for ix, spans in by_word.items():
        kept: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if not kept or start >= kept[-1][1]:
                kept.append((start, end))
        for i in ix:
            out[i] = kept
    return out


def required_literals(regex: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Sets of strings such that every match of ``regex`` contains one string of each set.

    ``挂职副?(?:县长|市长)`` gives ``({"挂职"}, {"县长", "市长"})``; a pattern that can match
    the empty string, or one this cannot read (case-insensitive, or a syntax the parser of
    this Python version spells differently), gives ``()``, which rules nothing out. Python's
    ``re`` has no such analysis; it is read from the parse tree of the standard library's own
    regex parser (``re._parser``, used read-only).
    """
    if regex.flags & re.IGNORECASE:
        return ()
    try:
        from re import _constants as sre  # type: ignore[attr-defined]
        from re import _parser

        tree = _parser.parse(regex.pattern, regex.flags)
        return tuple(
            sorted(_literal_sets(tree, sre), key=lambda s: (-min(map(len, s)), len(s), sorted(s)))
        )
    except Exception:  # pragma: no cover - another Python's parse tree: no screen
        return ()


def _literal_sets(items: Any, sre: Any) -> list[frozenset[str]]:
    """The required-string sets of a parsed sequence (see :func:`required_literals`)."""
    sets: list[frozenset[str]] = []
    run: list[str] = []
    repeats = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
    for op, av in [*items, (None, None)]:
        if op is sre.LITERAL:
            run.append(chr(av))  # consecutive literals are consecutive in every match
            continue
        if run:
            sets.append(frozenset(["".join(run)]))
            run = []
        if op is sre.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                continue
            sets.extend(_literal_sets(av[-1], sre))
        elif op is sre.BRANCH:  # one of the alternatives: the union of one set of each
            best = [_best_set(_literal_sets(alt, sre)) for alt in av[1]]
            if all(best):
                sets.append(frozenset().union(*best))
        elif op in repeats and av[0] >= 1:  # the body occurs at least once
            sets.extend(_literal_sets(av[2], sre))
        elif op is sre.IN and av and all(o is sre.LITERAL for o, _ in av):
            sets.append(frozenset(chr(v) for _, v in av))  # [疆藏青]: one of the characters
    return sets


def _best_set(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """The most telling of required sets: longest shortest string, then fewest strings."""
    return min(sets, key=lambda s: (-min(map(len, s)), len(s)), default=None)


# Above this length the scan (every occurrence of every required string) costs more than it
# saves: measured on text dense with program terms, the screen took 0.44-0.87 of the time of
# searching every pattern on 300-10,000 characters, and 1.3 on 20,000 or more.
_SCREEN_MAX_CHARS = 10_000


class _Screen:
    """Which ``regex`` patterns of a set can match a text, from one scan for the strings they
    require (:func:`required_literals`): a regex search per pattern per paragraph was half of
    a paragraph-level classification, and most paragraphs contain the strings of a few."""

    def __init__(self, patterns: PatternSet):
        from ..rhetoric.base import automaton

        self.always: set[int] = set()  # regex patterns that require nothing
        self.needed: dict[int, int] = {}  # pattern -> number of its required sets
        owners: dict[str, list[tuple[int, int]]] = {}  # string -> (pattern, set) it satisfies
        for i, p in enumerate(patterns.patterns):
            if p.kind == "term":
                continue
            sets = required_literals(p.regex)
            if not sets:
                self.always.add(i)
            self.needed[i] = len(sets)
            for j, group in enumerate(sets):
                for word in group:
                    owners.setdefault(word, []).append((i, j))
        self.auto = automaton(owners.items())

    def candidates(self, text: str) -> set[int]:
        if len(text) > _SCREEN_MAX_CHARS:
            return set(self.needed)  # a long text holds most of the strings: search them all
        satisfied = {pair for owners in self.auto.values_found(text) for pair in owners}
        count: dict[int, int] = {}
        for i, _ in satisfied:
            count[i] = count.get(i, 0) + 1
        return self.always | {i for i, n in count.items() if n == self.needed[i]}


_SCREENS: dict[str, _Screen] = {}


def _screen(patterns: PatternSet) -> _Screen:
    screen = _SCREENS.get(patterns.sha256)
    if screen is None:
        screen = _SCREENS[patterns.sha256] = _Screen(patterns)
    return screen


def find_matches(text: str, patterns: PatternSet) -> list[Match]:
    """All pattern matches in ``text``, in text order.

    Within one type (and sign), overlapping matches count once: a span is explained by its
    heaviest pattern only, so 跟班学习 is not also counted as 跟班.
    """
    found: list[Match] = []
    terms = _term_spans(text, patterns)
    rows = patterns.patterns
    # only the patterns that can match, in the file's order (ties below keep that order)
    for i in sorted(terms.keys() | _screen(patterns).candidates(text)):
        p = rows[i]
        if p.kind == "term":
            spans = terms[i]
        else:
            spans = [(m.start(), m.end()) for m in p.regex.finditer(text) if m.end() > m.start()]
        for start, end in spans:
            for t in p.types:
                found.append(Match(t, p.pattern, p.kind, p.weight, start, end, text[start:end]))
    # heaviest first, then leftmost: a span is explained by its strongest pattern only
    found.sort(key=lambda m: (m.type, m.weight < 0, -abs(m.weight), m.start, m.end))
    kept: list[Match] = []
    # The characters already explained per (type, sign), one byte each: checking and marking
    # a span costs its length, so the whole pass is linear in the text (sorted lists of spans
    # with bisect needed an insertion into the middle of a growing list for each kept match:
    # quadratic on a long page dense with matches).
    covered: dict[tuple[str, bool], bytearray] = {}
    for m in found:
        key = (m.type, m.weight < 0)
        done = covered.get(key)
        if done is None:
            done = covered[key] = bytearray(len(text))
        elif done.find(1, m.start, m.end) >= 0:
            continue
        done[m.start : m.end] = b"\x01" * (m.end - m.start)
        kept.append(m)
    kept.sort(key=lambda m: (m.start, m.type))
    return kept


def raw_evidence(matches: Sequence[Match]) -> tuple[dict[str, float], int]:
    """Evidence per class (``sum(weight * (1 + ln count))``) and the number of context matches."""
    counts: dict[tuple[str, str, float], int] = {}
    n_context = 0
    for m in matches:
        if m.type == CONTEXT:
            n_context += 1
            continue
        key = (m.type, m.pattern, m.weight)
        counts[key] = counts.get(key, 0) + 1
    raw = dict.fromkeys(CLASSES, 0.0)
    for (t, _, w), c in counts.items():
        raw[t] += w * (1.0 + math.log(c))
    return raw, n_context


def score_lexicon(
    texts: Sequence[str] | None,
    patterns: PatternSet,
    *,
    other_baseline: float = 2.0,
    sharpness: float = 2.0,
    length_floor: int = 500,
    no_cadre_factor: float = 0.2,
    matches: Sequence[Sequence[Match]] | None = None,
    lengths: Sequence[int] | None = None,
) -> dict[str, object]:
    """The lexicon's own verdict on each text (the formulas of the module docstring).

    ``matches`` (one list per text) skips the matching; ``lengths`` (characters per text)
    replaces ``len(text)``: with both, ``texts`` may be ``None`` (the silver examples, which
    ship as matches and lengths without their text).

    Returns
    -------
    dict
        ``raw`` (n, 4) evidence per class, ``scores`` (n, 4) length-normalised scores
        (``other`` includes ``other_baseline``), ``proba`` (n, 4) lexicon probabilities,
        ``matches`` (one list per text) and ``n_context`` (context matches per text), columns
        in :data:`CLASSES` order.
    """
    if texts is None and (matches is None or lengths is None):
        raise ParameterError("score_lexicon needs texts, or matches and lengths")
    n = len(matches) if texts is None else len(texts)
    raw = np.zeros((n, len(CLASSES)))
    scores = np.zeros((n, len(CLASSES)))
    all_matches: list[list[Match]] = []
    contexts: list[int] = []
    other = CLASSES.index("other")
    program = [CLASSES.index(t) for t in PROGRAM_TYPES]
    for i in range(n):
        found = list(matches[i]) if matches is not None else find_matches(texts[i], patterns)
        ev, n_context = raw_evidence(found)
        row = np.array([max(ev[c], 0.0) for c in CLASSES])
        if n_context == 0:
            row[program] *= no_cadre_factor
        raw[i] = row
        n_chars = len(texts[i]) if lengths is None else int(lengths[i])
        scale = math.sqrt(max(n_chars, length_floor) / 1000.0)
        scores[i] = row / scale
        scores[i, other] += other_baseline
        all_matches.append(found)
        contexts.append(n_context)
    p = (1.0 + scores) ** sharpness
    p /= p.sum(axis=1, keepdims=True) if n else 1.0
    return {"raw": raw, "scores": scores, "proba": p, "matches": all_matches, "n_context": contexts}


def sentence_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, sentence)`` of every sentence of ``text``."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, pos)
        if start < 0:  # cannot happen (split_sentences keeps every character); be safe
            start = pos
        spans.append((start, start + len(sentence), sentence))
        pos = start + len(sentence)
    return spans


def sentence_index(spans: list[tuple[int, int, str]]):
    """A function mapping a character offset to the index of its sentence (or None)."""
    starts = [s for s, _, _ in spans]

    def find(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < spans[i][1] else None

    return find


def evidence_sentences(
    matches: Sequence[Match], spans: list[tuple[int, int, str]], label: str, k: int = 3
) -> list[str]:
    """The ``k`` distinct sentences carrying most positive evidence for ``label``, most first
    (a sentence a page repeats, as reposts do, is shown once, with the weight of all its
    copies)."""
    if not spans:
        return []
    find = sentence_index(spans)
    weight: dict[str, float] = {}
    first: dict[str, int] = {}
    for m in matches:
        if m.type == label and m.weight > 0:
            i = find(m.start)
            if i is not None:
                sentence = spans[i][2].strip()
                weight[sentence] = weight.get(sentence, 0.0) + m.weight
                first[sentence] = min(first.get(sentence, i), i)
    return sorted(weight, key=lambda s: (-weight[s], first[s]))[:k]
