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
(:func:`hashed_ngram_counts`: the matrix of scikit-learn's ``HashingVectorizer``, 2**20
columns, no signs, no normalisation, computed on arrays) rather than with a learnt vocabulary. Hashing is stateless, so the silver examples
(:mod:`cadretext.classify.silver`) can ship as counts instead of text, and every model, trained
anywhere, sees the same columns. :class:`NgramBlock` keeps the ``max_features`` columns seen in
most training documents and weights them by TF-IDF (sublinear term frequency, smoothed idf, l2
rows), as scikit-learn's ``TfidfVectorizer`` would with a vocabulary.
"""

from __future__ import annotations

import math
import re
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

    The matrix is the one scikit-learn's ``HashingVectorizer`` (:data:`NGRAM_HASHING`, no
    signs, no normalisation) gives: texts lowercased, runs of whitespace made one space, every
    n-gram's UTF-8 bytes hashed with MurmurHash3 (seed 0) and its column ``abs(hash) % 2**20``.
    The hashes are computed here on arrays (:func:`_murmur3_columns`); scikit-learn makes one
    Python string per n-gram, about 4,000 per report, which was half of the classifier's time.
    A text that cannot be encoded (a lone surrogate) goes through scikit-learn itself.

    Examples
    --------
    >>> m = hashed_ngram_counts(["党校党校"])
    >>> m.shape, int(m.sum())  # 4 characters + 3 bigrams + 2 trigrams
    ((1, 1048576), 9)
    """
    texts = list(texts)
    n_features = NGRAM_HASHING["n_features"]
    if not texts:  # HashingVectorizer cannot transform an empty list
        return sparse.csr_matrix((0, n_features), dtype=np.float64)
    lo, hi = (int(n) for n in ngram_range)
    if not 1 <= lo <= hi:
        return _hashing_vectorizer(ngram_range).transform(texts).tocsr()  # its own error
    blocks: list[sparse.csr_matrix] = []
    chunk: list[str] = []
    size = 0
    for text in texts:
        chunk.append(text)
        size += len(text)
        if size >= _CHUNK_CHARS:
            blocks.append(_hashed_chunk(chunk, lo, hi))
            chunk, size = [], 0
    if chunk:
        blocks.append(_hashed_chunk(chunk, lo, hi))
    return blocks[0] if len(blocks) == 1 else sparse.vstack(blocks, format="csr")


# characters hashed at a time (about 12 arrays of 3 n-grams per character, 8 bytes each)
_CHUNK_CHARS = 200_000
_WHITESPACE_RUNS = re.compile(r"\s\s+")  # what scikit-learn's char analyzer makes one space
_U32 = np.uint32


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << _U32(r)) | (x >> _U32(32 - r))


def _mix(k: np.ndarray) -> np.ndarray:
    k = k * _U32(0xCC9E2D51)
    k = _rotl(k, 15)
    k *= _U32(0x1B873593)
    return k


def _murmur3_columns(
    words: np.ndarray, starts: np.ndarray, lengths: np.ndarray, n_words: int, n_features: int
) -> np.ndarray:
    """The hashed column of each byte string: MurmurHash3 x86 32-bit, seed 0, as scikit-learn's
    ``FeatureHasher`` computes it (signed hash, ``abs(h) % n_features``).

    ``words[p]`` is the little-endian 32-bit word of the bytes at offset ``p``; a string starts
    at ``starts`` and is ``lengths`` bytes (at most ``4 * n_words``) long. No library hashes
    arrays of byte strings with this function, so it is written out here, step by step as the
    reference implementation, on whole arrays (NumPy's uint32 arithmetic wraps as C's does).
    """
    h = np.zeros(len(starts), dtype=np.uint32)
    tail = np.zeros(len(starts), dtype=np.uint32)
    remaining = lengths.astype(np.int64)
    for b in range(n_words):
        w = words[starts + 4 * b]
        full = remaining >= 4
        hb = h ^ _mix(w)
        hb = _rotl(hb, 13)
        hb = hb * _U32(5) + _U32(0xE6546B64)
        h = np.where(full, hb, h)
        part = (remaining > 0) & ~full  # the last 1-3 bytes: the tail
        if part.any():
            mask = (_U32(1) << (8 * np.clip(remaining, 0, 3)).astype(np.uint32)) - _U32(1)
            tail = np.where(part, w & mask, tail)
        remaining -= 4
    h = np.where(lengths & _U32(3), h ^ _mix(tail), h)
    h ^= lengths.astype(np.uint32)
    h ^= h >> _U32(16)
    h *= _U32(0x85EBCA6B)
    h ^= h >> _U32(13)
    h *= _U32(0xC2B2AE35)
    h ^= h >> _U32(16)
    # signed, then abs in 64 bits: abs(-2**31) % n_features is what scikit-learn defines
    return np.abs(h.view(np.int32).astype(np.int64)) % n_features


def _hashed_chunk(texts: list[str], lo: int, hi: int) -> sparse.csr_matrix:
    n_features = NGRAM_HASHING["n_features"]
    prepared = [_WHITESPACE_RUNS.sub(" ", t.lower()) for t in texts]
    joined = "".join(prepared)
    try:
        points = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
        data = joined.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: scikit-learn's own handling
        return _hashing_vectorizer((lo, hi)).transform(texts).tocsr()
    n_chars = np.fromiter(map(len, prepared), dtype=np.int64, count=len(prepared))
    width = 1 + (points >= 0x80).astype(np.int64) + (points >= 0x800) + (points >= 0x10000)
    offset = np.zeros(len(points) + 1, dtype=np.int64)  # byte offset of every character
    np.cumsum(width, out=offset[1:])
    raw = np.frombuffer(data + bytes(4 * hi + 4), dtype=np.uint8).astype(np.uint32)
    words = raw[:-3] | (raw[1:-2] << _U32(8)) | (raw[2:-1] << _U32(16)) | (raw[3:] << _U32(24))
    row = np.repeat(np.arange(len(texts), dtype=np.int64), n_chars)
    end = np.repeat(np.cumsum(n_chars), n_chars)  # where each character's text ends
    position = np.arange(len(points), dtype=np.int64)
    keys = []
    for n in range(lo, hi + 1):
        first = position[position + n <= end]  # n-grams within one text
        starts = offset[first]
        lengths = (offset[first + n] - starts).astype(np.uint32)
        columns = _murmur3_columns(words, starts, lengths, n, n_features)
        keys.append(row[first] * n_features + columns)
    key, count = np.unique(np.concatenate(keys), return_counts=True)  # sorted: row, column
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(key // n_features, minlength=len(texts)), out=indptr[1:])
    return sparse.csr_matrix(
        (count.astype(np.float64), (key % n_features).astype(np.int32), indptr),
        shape=(len(texts), n_features),
    )


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
