"""Idioms: 成语 and the set phrases of official writing, found in dictionaries only."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from ..errors import ParameterError
from . import base
from .formulas import is_formula

__all__ = ["idiom_spans", "idioms"]


@lru_cache(maxsize=1)
def _idiom_automaton() -> Any:
    jion = base.jionlp_idioms()
    extra = base.idiom_supplement()
    entries: dict[str, tuple[str, str]] = {w: ("jionlp", "chengyu") for w in jion}
    for w, kind in extra.items():
        if kind == "not_idiom":  # in jionlp's list, but not an idiom (无论如何)
            entries.pop(w, None)
        else:
            entries[w] = ("both", kind) if w in jion else ("supplement", kind)
    # a two-clause saying is written with whatever mark the page uses between its clauses
    # (不求有功，但求无过 / 不求有功、但求无过 / 不求有功,但求无过); the dictionaries hold one form
    for w, value in list(entries.items()):
        for variant in _clause_variants(w):
            entries.setdefault(variant, value)
    return base.automaton(entries.items())


_CLAUSE_MARKS = ("，", ",", "、", "；")


def _clause_variants(word: str) -> list[str]:
    """Other spellings of a two-clause saying: the mark between its clauses swapped for
    another (眼观四路，耳听八方 -> 眼观四路、耳听八方) or left out when each clause has three
    characters or more (人心齐，泰山移 -> 人心齐泰山移), or one put between the two halves of an
    eight-character entry written without it (不求有功但求无过 -> 不求有功、但求无过)."""
    marks = [m for m in _CLAUSE_MARKS if m in word]
    if len(marks) == 1 and word.count(marks[0]) == 1:
        swapped = [word.replace(marks[0], m) for m in _CLAUSE_MARKS if m != marks[0]]
        left, right = word.split(marks[0])
        joined = [left + right] if min(len(left), len(right)) >= 3 else []
        return swapped + joined
    if not marks and len(word) == 8:
        return [word[:4] + m + word[4:] for m in _CLAUSE_MARKS]
    return []


_SOURCES = ("jionlp", "supplement")


def _idiom_matches(doc: base.Doc, sources: tuple[str, ...]) -> list[tuple[int, int, str, str, str]]:
    """(start, end, idiom, source, idiom_type) for one document."""
    out = []
    for start, end, (origin, kind) in base.scan(_idiom_automaton(), doc.text):
        word = doc.text[start:end]
        found_by = {"jionlp", "supplement"} if origin == "both" else {origin}
        found_by &= set(sources)
        if not found_by:
            continue
        # a dictionary idiom straddling two words of a longer phrase (成为|全国...) is a
        # chance match: keep it only where jieba's words start and end with it, or where no
        # word boundary falls inside it
        s0, s1 = doc.sentence_span(start)
        cuts = {a + s0 for _, a, _ in base.tokens(doc.text[s0:s1])} | {s1}
        inner = [c for c in range(start + 1, end) if c in cuts]
        if (start not in cuts or end not in cuts) and inner:
            continue
        if word[0] in base.NUMERALS and is_formula(word):
            continue  # 三位一体, 五位一体: formulas first (one kind per item)
        source = "both" if len(found_by) == 2 else found_by.pop()
        out.append((start, end, word, source, kind))
    # overlapping chance matches (一心一意 / 心一意...): keep the longer or earlier; an idiom
    # nested inside a longer one (他山之石 in 他山之石，可以攻玉) is kept as well
    out.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    kept: list[tuple[int, int, str, str, str]] = []
    for m in out:
        if any(k[0] < m[1] and m[0] < k[1] and not (k[0] <= m[0] and m[1] <= k[1]) for k in kept):
            continue
        kept.append(m)
    return kept


def idiom_spans(doc: base.Doc) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the idioms of one document (every dictionary), so that the
    metaphor extractor leaves their words alone: an item counts under the first kind that fits
    (formulas, idioms, metaphors), and 刀刃 inside 刀刃向内 belongs to the idiom."""
    return [(s, e) for s, e, *_ in _idiom_matches(doc, _SOURCES)]


def idioms(
    data: Any, *, sources: Sequence[str] = _SOURCES, text_column: str = "text"
) -> pd.DataFrame:
    """Chinese idioms: 成语 and the set phrases of official writing, found in dictionaries only.

    A candidate counts only if a dictionary knows it: jionlp's dictionary of ~31,000 idioms
    (entries of 4+ characters), or cadretext's packaged, versioned supplement
    (``lexicons/idioms_supplement.txt``: 成语 jionlp lacks, such as 单打独斗 and 饶有兴趣, and
    the set phrases of official writing, such as 保驾护航, 真抓实干, 纾困解难, each tagged
    ``chengyu`` or ``political_set_phrase``). jieba's part-of-speech tags no longer make an
    idiom: its ``i``/``l`` lists pass compositional phrases (党的建设, 无论如何, 进一步提高). A
    dictionary match that straddles a word boundary inside a longer phrase is dropped. Add
    your own entries with a word list passed to :func:`cadretext.tokenize` and to the
    supplement file's format (``phrase type`` per line).

    Parameters
    ----------
    data : str, list of str, or DataFrame with ``doc_id`` and ``text``
    sources : subset of ("jionlp", "supplement")
    text_column : str

    Returns
    -------
    DataFrame
        ``doc_id, item, kind ("idiom"), start, end, sentence, source, idiom_type`` where
        ``source`` is ``"jionlp"``, ``"supplement"`` or ``"both"`` and ``idiom_type`` is
        ``"chengyu"`` or ``"political_set_phrase"``.

    Examples
    --------
    >>> df = idioms("学员们如饥似渴地学习，讨论如火如荼，为企业保驾护航。")
    >>> df[["item", "start", "source", "idiom_type"]].values.tolist()
    [['如饥似渴', 3, 'jionlp', 'chengyu'], ['如火如荼', 13, 'jionlp', 'chengyu'], ['保驾护航', 21, 'supplement', 'political_set_phrase']]
    """
    sources = tuple(sources)
    bad = [s for s in sources if s not in _SOURCES]
    if bad or not sources:
        hint = " (jieba's tags are no longer a source of idioms)" if "jieba" in bad else ""
        raise ParameterError(
            f"sources must be a non-empty subset of {_SOURCES}, not {sources}{hint}"
        )
    rows = []
    for doc_id, text in base.documents(data, text_column):
        doc = base.Doc(doc_id, text)
        for start, end, word, source, kind in _idiom_matches(doc, sources):
            rows.append(base.row(doc, word, "idiom", start, end, source=source, idiom_type=kind))
    return base.frame(rows, ["source", "idiom_type"])
