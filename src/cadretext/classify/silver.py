"""Silver examples: real web pages labelled by the written guide, shipped as features, not text.

166 hand-labelled reports are too few for character n-grams to learn the many ways a page can be
*about* cadre training without reporting one of the three programs (university-run classes,
delegations visiting another academy, commentary, research, militia news, fiction set in a
Party school ...). The silver set adds several hundred real pages of the same kind: found in
stored web pages with queries like the ones that found the real reports, stripped of every page
that overlaps the reports reserved for checking the project (``reserved_overlap.py``) or the
166 real reports (8-character shingles, 15%), and labelled twice, blind, from the labelling
guide ``LABELS.md`` alone (two independent annotation passes; see ``build_silver.py``).

The pages are other people's words, so the package holds **no text** of them, only what the
model needs (``lexicons/program_silver.npz``):

* the counts of their character 1-3-grams, hashed into 2**20 columns
  (:func:`cadretext.classify.features.hashed_ngram_counts`);
* the lexicon matches per page as ``(type, pattern, count)`` and the page length, from which
  the lexicon features and the lexicon's prior are recomputed with the *current* pattern file's
  weights (a pattern added to the file later is not matched in them; one removed is dropped);
* ids, URLs, both coders' labels and confidence.

An example's weight in training (before ``silver_weight``): 1.0 when both coders agreed with
high confidence, 0.6 when they agreed with low confidence, 0.3 when they disagreed (the first
coder's label is used).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from scipy import sparse

from ..errors import InputFileError, ParameterError
from .features import NGRAM_HASHING, hashed_ngram_counts
from .labels import CLASSES
from .patterns import Match, PatternSet, find_matches

__all__ = [
    "SilverExamples",
    "build_silver_arrays",
    "concat_silver_arrays",
    "ngram_containment",
    "silver_counts",
    "silver_examples",
    "silver_weight_of",
    "subset_silver_arrays",
]

SILVER_FILE = "program_silver.npz"
_FORMAT = "cadretext.silver"
_FORMAT_VERSION = 1


def silver_weight_of(label_a: str, label_b: str, confidence: str) -> float:
    """Training weight of one silver example from its two codes (module docstring)."""
    if label_a != label_b:
        return 0.3
    return 1.0 if confidence == "high" else 0.6


@dataclass
class SilverExamples:
    """The silver examples, ready for training.

    Attributes
    ----------
    ids, urls, labels : list of str
        ``labels`` are the first coder's (the training labels).
    second : list of str
        The second coder's labels.
    weights : ndarray
        Per-example weight (see the module docstring).
    n_chars : ndarray of int
        Length of each cleaned page (for the lexicon's length normalisation).
    counts : scipy.sparse.csr_matrix
        Hashed character n-gram counts, one row per page.
    matches : list of list of Match
        The lexicon matches, rebuilt with the given pattern file's weights (no offsets).
    meta : dict
        How the file was built (hashing, pattern file version, counts per label).
    """

    ids: list[str]
    urls: list[str]
    labels: list[str]
    second: list[str]
    weights: np.ndarray
    n_chars: np.ndarray
    counts: sparse.csr_matrix
    matches: list[list[Match]]
    meta: dict[str, Any]

    def __len__(self) -> int:
        return len(self.labels)


def build_silver_arrays(
    records: Sequence[dict[str, Any]], patterns: PatternSet
) -> dict[str, np.ndarray]:
    """The arrays of a silver file from labelled pages (``build_silver.py`` writes them).

    Each record needs ``id``, ``url``, ``text`` (raw page), ``label_a``, ``label_b`` and
    ``confidence``. The text is cleaned (:func:`cadretext.clean_text`), counted and matched;
    it is not kept.
    """
    from ..clean import clean_text

    texts = [clean_text(r["text"]) for r in records]
    counts = hashed_ngram_counts(texts).tocsr()
    counts.sort_indices()
    doc, mtype, mpattern, mcount = [], [], [], []
    for i, text in enumerate(texts):
        tally = Counter((m.type, m.pattern) for m in find_matches(text, patterns))
        for (t, p), c in sorted(tally.items()):
            doc.append(i)
            mtype.append(t)
            mpattern.append(p)
            mcount.append(c)
    for r in records:
        for key in ("label_a", "label_b"):
            if r[key] not in CLASSES:
                raise InputFileError(str(r.get("id")), f"unknown label {r[key]!r}")
    labels = [r["label_a"] for r in records]
    meta = {
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "hashing": {**NGRAM_HASHING, "ngram_range": list(NGRAM_HASHING["ngram_range"])},
        "clean": "clean_text defaults",
        "patterns_version": patterns.version,
        "patterns_sha256": patterns.sha256,
        "n": len(records),
        "labels": dict(sorted(Counter(labels).items())),
    }
    return {
        "meta": np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
        "ids": np.array([r["id"] for r in records], dtype=str),
        "urls": np.array([r.get("url") or "" for r in records], dtype=str),
        "label_a": np.array(labels, dtype=str),
        "label_b": np.array([r["label_b"] for r in records], dtype=str),
        "confidence": np.array([r["confidence"] for r in records], dtype=str),
        "n_chars": np.array([len(t) for t in texts], dtype=np.int32),
        "count_data": counts.data.astype(np.uint16),
        "count_indices": counts.indices.astype(np.int32),
        "count_indptr": counts.indptr.astype(np.int64),
        "match_doc": np.array(doc, dtype=np.int32),
        "match_type": np.array(mtype, dtype=str),
        "match_pattern": np.array(mpattern, dtype=str),
        "match_count": np.array(mcount, dtype=np.int32),
    }


def concat_silver_arrays(
    first: dict[str, np.ndarray], second: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The arrays of a silver file holding the pages of ``first`` and then those of ``second``.

    Both must come from :func:`build_silver_arrays` with the same hashing and the same pattern
    file (the lexicon matches of one would otherwise miss patterns the other has), and no id may
    occur in both. This is how new pages are added to the packaged file without the old pages'
    text, which the repository does not keep.
    """
    meta_a, meta_b = (json.loads(str(a["meta"])) for a in (first, second))
    for key in ("format", "format_version", "hashing", "clean", "patterns_sha256"):
        if meta_a.get(key) != meta_b.get(key):
            raise ParameterError(
                f"silver arrays differ in {key}: {meta_a.get(key)!r} != {meta_b.get(key)!r}"
            )
    common = set(first["ids"].tolist()) & set(second["ids"].tolist())
    if common:
        raise ParameterError(f"ids in both silver arrays, e.g. {sorted(common)[0]!r}")
    n_a = int(meta_a["n"])
    out: dict[str, np.ndarray] = {}
    for key in ("ids", "urls", "label_a", "label_b", "confidence", "match_type", "match_pattern"):
        out[key] = np.concatenate([first[key], second[key]]).astype(str)
    for key in ("n_chars", "count_data", "count_indices", "match_count"):
        out[key] = np.concatenate([first[key], second[key]])
    out["count_indptr"] = np.concatenate(
        [first["count_indptr"], second["count_indptr"][1:] + first["count_indptr"][-1]]
    )
    out["match_doc"] = np.concatenate([first["match_doc"], second["match_doc"] + n_a])
    labels = out["label_a"].tolist()
    meta = {**meta_a, "n": len(labels), "labels": dict(sorted(Counter(labels).items()))}
    out["meta"] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    return {key: out[key] for key in first}


def silver_counts(arrays: dict[str, np.ndarray]) -> sparse.csr_matrix:
    """The hashed n-gram counts of a silver file's pages, one row per page (from its arrays)."""
    return sparse.csr_matrix(
        (arrays["count_data"], arrays["count_indices"], arrays["count_indptr"]),
        shape=(len(arrays["ids"]), int(NGRAM_HASHING["n_features"])),
    )


def subset_silver_arrays(
    arrays: dict[str, np.ndarray], keep: Sequence[bool]
) -> dict[str, np.ndarray]:
    """The arrays of a silver file holding only the pages where ``keep`` is true (in order).

    The complement of :func:`concat_silver_arrays`: it drops pages from the packaged file
    without their text (a copy of a real report found after the file was built).
    """
    keep = np.asarray(keep, dtype=bool)
    n = len(arrays["ids"])
    if keep.shape != (n,):
        raise ParameterError(f"keep must hold one flag per page ({n}), not {keep.shape[0]}")
    meta = json.loads(str(arrays["meta"]))
    out: dict[str, np.ndarray] = {}
    for key in ("ids", "urls", "label_a", "label_b", "confidence", "n_chars"):
        out[key] = arrays[key][keep]
    counts = silver_counts(arrays)[np.flatnonzero(keep)]
    out["count_data"] = counts.data.astype(arrays["count_data"].dtype)
    out["count_indices"] = counts.indices.astype(arrays["count_indices"].dtype)
    out["count_indptr"] = counts.indptr.astype(arrays["count_indptr"].dtype)
    new_index = np.cumsum(keep) - 1  # old page -> new page, where kept
    rows = keep[arrays["match_doc"]]
    for key in ("match_type", "match_pattern", "match_count"):
        out[key] = arrays[key][rows]
    out["match_doc"] = new_index[arrays["match_doc"][rows]].astype(arrays["match_doc"].dtype)
    labels = out["label_a"].tolist()
    meta = {**meta, "n": len(labels), "labels": dict(sorted(Counter(labels).items()))}
    out["meta"] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    return {key: out[key] for key in arrays}


def ngram_containment(a: sparse.spmatrix, b: sparse.spmatrix) -> np.ndarray:
    """Share of the distinct hashed n-grams of the smaller page that the other page also has.

    ``a`` (m pages) and ``b`` (n pages) are hashed n-gram counts
    (:func:`~cadretext.classify.features.hashed_ngram_counts`); the result is m x n. It is the
    near-duplicate test that works on the silver file, which keeps counts, not text: on the
    packaged pages the nearest other page shares a median 0.22 of its n-grams, a copy 0.9-1.
    """
    a_bin = (sparse.csr_matrix(a) > 0).astype(np.float32)
    b_bin = (sparse.csr_matrix(b) > 0).astype(np.float32)
    size_a = np.asarray(a_bin.sum(axis=1)).ravel()
    size_b = np.asarray(b_bin.sum(axis=1)).ravel()
    shared = (a_bin @ b_bin.T).toarray()
    smaller = np.maximum(np.minimum.outer(size_a, size_b), 1.0)
    return shared / smaller


@lru_cache(maxsize=1)
def _silver_arrays() -> dict[str, np.ndarray]:
    ref = resources.files("cadretext.lexicons") / SILVER_FILE
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def silver_examples(patterns: PatternSet) -> SilverExamples:
    """The packaged silver examples, with lexicon matches weighted by ``patterns``.

    Examples
    --------
    >>> from cadretext.classify.patterns import load_patterns
    >>> silver = silver_examples(load_patterns())
    >>> len(silver) > 500, silver.counts.shape[1] == 2**20
    (True, True)
    """
    arrays = _silver_arrays()
    meta = json.loads(str(arrays["meta"]))
    if meta.get("format") != _FORMAT or meta.get("format_version") != _FORMAT_VERSION:
        raise InputFileError(SILVER_FILE, "not a silver-example file of this cadretext version")
    n = int(meta["n"])
    counts = silver_counts(arrays).astype(np.float64)
    weight_of = {}
    for p in patterns.patterns:
        for t in p.types:
            weight_of.setdefault((t, p.pattern), (p.kind, p.weight))
    matches: list[list[Match]] = [[] for _ in range(n)]
    for i, t, pat, c in zip(
        arrays["match_doc"],
        arrays["match_type"],
        arrays["match_pattern"],
        arrays["match_count"],
        strict=True,
    ):
        found = weight_of.get((str(t), str(pat)))
        if found is None:  # the pattern is no longer in the file
            continue
        kind, weight = found
        m = Match(str(t), str(pat), kind, weight, -1, -1, str(pat))
        matches[int(i)].extend([m] * int(c))
    labels = [str(v) for v in arrays["label_a"]]
    second = [str(v) for v in arrays["label_b"]]
    confidence = [str(v) for v in arrays["confidence"]]
    weights = np.array(
        [silver_weight_of(a, b, c) for a, b, c in zip(labels, second, confidence, strict=True)]
    )
    return SilverExamples(
        ids=[str(v) for v in arrays["ids"]],
        urls=[str(v) for v in arrays["urls"]],
        labels=labels,
        second=second,
        weights=weights,
        n_chars=arrays["n_chars"].astype(int),
        counts=counts,
        matches=matches,
        meta=meta,
    )
