"""Features of the supervised program-type model: the lexicon's matches as numbers.

The lexicon (:mod:`cadretext.classify.patterns`) encodes what the labelling guide says about each
program type; a supervised model can learn from real labels how much each pattern is worth. The
features of one text are

* one column per pattern and type: ``log(1 + count)`` of its (non-overlapping) matches, so the
  model re-weights every term and regular expression of the pattern file;
* one column per class: ``log(1 + score)`` of the lexicon's length-normalised score (without
  the ``other`` baseline), the hand-set weights summed as the lexicon scorer does;
* ``cadre_context``: ``log(1 + n)`` of the cadre context words (干部, 组织部 ...).

The columns depend only on the pattern file, so a model saved with one pattern file is checked
against it when loaded.

The **character n-grams** (1-3 characters) are counted by feature hashing
(:func:`hashed_ngram_counts`, scikit-learn's ``HashingVectorizer``: 2**20 columns, no signs, no
normalisation) rather than with a learnt vocabulary. Hashing is stateless, so the silver examples
(:mod:`cadretext.classify.silver`) can ship as counts instead of text, and every model, trained
anywhere, sees the same columns. :class:`NgramBlock` keeps the ``max_features`` columns seen in
most training documents and weights them by TF-IDF (sublinear term frequency, smoothed idf, l2
rows), as scikit-learn's ``TfidfVectorizer`` would with a vocabulary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from .labels import CLASSES
from .patterns import CONTEXT, Match, PatternSet, raw_evidence

__all__ = [
    "NGRAM_HASHING",
    "NgramBlock",
    "hashed_ngram_counts",
    "lexicon_feature_matrix",
    "lexicon_feature_names",
    "ngram_of_columns",
]

#: How character n-grams are hashed; a model or a silver file made with other settings is refused.
NGRAM_HASHING = {"analyzer": "char", "ngram_range": (1, 3), "n_features": 2**20}


def lexicon_feature_names(patterns: PatternSet) -> list[str]:
    """The column names, in order: ``type:pattern`` per pattern and type, ``score:<class>``,
    ``cadre_context``."""
    names: list[str] = []
    seen: set[str] = set()
    for p in patterns.patterns:
        for t in p.types:
            name = f"{t}:{p.pattern}"
            if name not in seen:
                seen.add(name)
                names.append(name)
    names += [f"score:{c}" for c in CLASSES]
    names.append(f"{CONTEXT}_context")
    return names


def lexicon_feature_matrix(
    texts: Sequence[str] | None,
    matches: Sequence[Sequence[Match]],
    patterns: PatternSet,
    *,
    length_floor: int = 500,
    lengths: Sequence[int] | None = None,
) -> sparse.csr_matrix:
    """The lexicon features of each text (rows) from its matches, as a sparse matrix.

    ``lengths`` (characters per text) replaces ``len(text)`` when the texts themselves are not
    at hand (the silver examples; pass ``texts=None``): only the length and the matches enter
    the features.

    Examples
    --------
    >>> from cadretext.classify.patterns import find_matches, load_patterns
    >>> ps = load_patterns()
    >>> text = "市委党校主体班开班。党校教师授课。"
    >>> m = lexicon_feature_matrix([text], [find_matches(text, ps)], ps)
    >>> names = lexicon_feature_names(ps)
    >>> [round(float(m[0, names.index(n)]), 3) for n in ("party_school:党校", "party_school:主体班")]
    [1.099, 0.693]
    """
    names = lexicon_feature_names(patterns)
    column = {name: j for j, name in enumerate(names)}
    n_patterns = len(names) - len(CLASSES) - 1
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    if lengths is None:
        if texts is None:
            raise ValueError("lexicon_feature_matrix needs texts or lengths")
        lengths = [len(t) for t in texts]
    if len(lengths) != len(matches):
        raise ValueError("one length and one list of matches per text")
    for i, found in enumerate(matches):
        counts: dict[int, int] = {}
        for m in found:
            j = column.get(f"{m.type}:{m.pattern}")
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        ev, n_context = raw_evidence(found)
        scale = math.sqrt(max(int(lengths[i]), length_floor) / 1000.0)
        for j, c in counts.items():
            rows.append(i)
            cols.append(j)
            vals.append(math.log1p(c))
        for k, c in enumerate(CLASSES):
            score = max(ev[c], 0.0) / scale
            if score > 0:
                rows.append(i)
                cols.append(n_patterns + k)
                vals.append(math.log1p(score))
        if n_context:
            rows.append(i)
            cols.append(len(names) - 1)
            vals.append(math.log1p(n_context))
    return sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(matches), len(names))
    )


def _hashing_vectorizer(ngram_range: tuple[int, int], analyzer: Any = NGRAM_HASHING["analyzer"]):
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer=analyzer,
        ngram_range=tuple(ngram_range),
        n_features=NGRAM_HASHING["n_features"],
        alternate_sign=False,
        norm=None,
        dtype=np.float64,
    )


def hashed_ngram_counts(
    texts: Sequence[str], ngram_range: tuple[int, int] = NGRAM_HASHING["ngram_range"]
) -> sparse.csr_matrix:
    """Counts of the character n-grams of each text, hashed into 2**20 columns.

    Examples
    --------
    >>> m = hashed_ngram_counts(["党校党校"])
    >>> m.shape, int(m.sum())  # 4 characters + 3 bigrams + 2 trigrams
    ((1, 1048576), 9)
    """
    texts = list(texts)
    if not texts:  # HashingVectorizer cannot transform an empty list
        return sparse.csr_matrix((0, NGRAM_HASHING["n_features"]), dtype=np.float64)
    return _hashing_vectorizer(ngram_range).transform(texts).tocsr()


def ngram_of_columns(
    text: str, columns: Sequence[int], ngram_range: tuple[int, int] = NGRAM_HASHING["ngram_range"]
) -> dict[int, str]:
    """The n-grams of ``text`` behind each hashed column in ``columns`` (for explanations).

    Several n-grams can share a column; the first one found in the text names it.

    Examples
    --------
    >>> col = int(hashed_ngram_counts(["党校"], (2, 2)).indices[0])
    >>> ngram_of_columns("市委党校开班", [col])
    {430563: '党校'}
    """
    grams = list(dict.fromkeys(_hashing_vectorizer(ngram_range).build_analyzer()(text)))
    if not grams:
        return {}
    # each n-gram is its own "document" of one feature, hashed as the n-gram block hashes it
    cols = _hashing_vectorizer(ngram_range, analyzer=lambda g: [g]).transform(grams).indices
    wanted = {int(c) for c in columns}
    names: dict[int, str] = {}
    for gram, col in zip(grams, cols, strict=True):
        if int(col) in wanted and int(col) not in names:
            names[int(col)] = gram
    return names


class NgramBlock:
    """TF-IDF over the hashed n-gram columns that occur in most training documents.

    Parameters
    ----------
    max_features : int or None
        Keep the columns with the highest document frequency (ties: lower column first).
    min_df : int
        A column must occur in at least this many training documents.

    Attributes
    ----------
    columns_ : ndarray of int
        The kept hashed columns, ascending.
    idf_ : ndarray
        Their smoothed idf, ``ln((1 + n) / (1 + df)) + 1`` (scikit-learn's formula).
    """

    def __init__(self, max_features: int | None = 20_000, min_df: int = 2):
        self.max_features = max_features
        self.min_df = min_df

    def fit(self, counts: sparse.csr_matrix) -> NgramBlock:
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = np.flatnonzero(df >= self.min_df)
        if self.max_features is not None and len(keep) > self.max_features:
            order = np.lexsort((keep, -df[keep]))  # most frequent first, then column
            keep = np.sort(keep[order[: self.max_features]])
        self.columns_ = keep.astype(np.int64)
        self.idf_ = np.log((1.0 + n) / (1.0 + df[keep])) + 1.0
        return self

    @classmethod
    def from_arrays(cls, columns: np.ndarray, idf: np.ndarray) -> NgramBlock:
        block = cls(max_features=None, min_df=1)
        block.columns_ = np.asarray(columns, dtype=np.int64)
        block.idf_ = np.asarray(idf, dtype=np.float64)
        return block

    def transform(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        x = counts[:, self.columns_].tocsr().astype(np.float64)
        np.log(x.data, out=x.data)
        x.data += 1.0  # sublinear tf: 1 + ln(count)
        x = x @ sparse.diags(self.idf_)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)
