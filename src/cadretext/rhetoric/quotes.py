"""Short phrases in quotation marks, classified as formula / metaphor / idiom / other."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..errors import ParameterError
from . import base
from .formulas import formula_spans
from .metaphors import metaphors

__all__ = ["quoted_phrases"]


_CJK_CHAR = re.compile(f"[{base.CJK}]")


def _categorize(phrase: str) -> str:
    quoted = base.Doc(0, f"“{phrase}”")  # the formula grammar accepts some shapes only in quotes
    forms = formula_spans(quoted, "formulas")
    if any(s == 1 and e == len(phrase) + 1 for s, e, _ in forms):
        return "formula"
    if len(metaphors(phrase)):  # the extractor's own rules: not 一线 inside 一线城市
        return "metaphor"
    if base.idiom_supplement().get(phrase) == "not_idiom":
        return "other"
    if phrase in base.jionlp_idioms() or phrase in base.idiom_supplement():
        return "idiom"
    return "other"


def quoted_phrases(
    data: Any, *, max_chars: int = 12, min_chars: int = 2, text_column: str = "text"
) -> pd.DataFrame:
    """Short phrases in quotation marks, classified as formula / metaphor / idiom / other.

    Reports put slogans and metaphors in quotes (“金钥匙”, “破冰”, “真经”, “肠梗阻”). Quotes
    recognised: “ ”, ‘ ’ (also nested inside “ ”), 「 」, 『 』, and straight ASCII quotes,
    paired in order within a line (a straight-quoted span must contain a Chinese character;
    single ASCII quotes next to Latin letters are apostrophes). Longer quotations (speech) are
    skipped by ``max_chars``, one-character emphasis (在准备上做“足”) by ``min_chars``.
    ``start``/``end`` delimit the text inside the quotes.

    The category comes from the other extractors: ``formula`` if the whole phrase is a numbered
    formula, ``metaphor`` if it contains a metaphor-lexicon entry, ``idiom`` if it is an idiom,
    else ``other``.

    Returns
    -------
    DataFrame
        ``doc_id, item, kind ("quoted"), start, end, sentence, category, quote``.

    Examples
    --------
    >>> df = quoted_phrases("找到“金钥匙”，取到‘真经’，落实“三个优先”，他说：“这次学习收获很大，很值得。”")
    >>> df[["item", "category"]].values.tolist()
    [['金钥匙', 'metaphor'], ['真经', 'metaphor'], ['三个优先', 'formula']]
    """
    if not isinstance(max_chars, int) or max_chars < 1:
        raise ParameterError("max_chars must be a positive integer")
    if not isinstance(min_chars, int) or min_chars < 1:
        raise ParameterError("min_chars must be a positive integer")
    rows = []
    cache: dict[str, str] = {}
    for doc_id, text in base.documents(data, text_column):
        doc = base.Doc(doc_id, text)
        for (s, e), style in sorted(base.quote_spans(text).items()):
            inner = text[s:e]
            if not min_chars <= e - s <= max_chars or not _CJK_CHAR.search(inner):
                continue
            if inner != inner.strip():
                continue
            if inner[0] in "，。、；：！？,.;:!?" or inner[-1] in "，、；：,;:":
                continue  # a mispaired straight quote spans the text between two quotations
            if inner not in cache:
                cache[inner] = _categorize(inner)
            rows.append(base.row(doc, inner, "quoted", s, e, category=cache[inner], quote=style))
    return base.frame(rows, ["category", "quote"])
