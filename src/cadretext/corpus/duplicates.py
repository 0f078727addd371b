"""Near-duplicates: the same story syndicated on several sites, flagged with MinHash LSH."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import (
    ParameterError,
)

# --------------------------------------------------------------------------- near-duplicates
# Written here rather than left to datasketch's hashfunc: datasketch hashes each shingle with a
# Python call (13 million calls, ~15 s, on 10,000 reports); NumPy hashes a report's shingles at
# once, and datasketch still does the permutations, the minimum and the LSH.
_SHINGLE_BASE = np.uint64(0x100000001B3)  # the FNV-1a 64-bit prime, as a polynomial base


def _shingle_hashes(text: str, k: int) -> list[int]:
    """The distinct 32-bit hashes of ``text``'s character ``k``-grams (whitespace ignored; a
    text of ``k`` characters or fewer is one shingle), as Python ints for MinHash."""
    compact = re.sub(r"\s+", "", text)
    if not compact:
        return []
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = max(len(codes) - k + 1, 1)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(min(k, len(codes))):  # a polynomial hash, wrapping modulo 2**64
        h = h * _SHINGLE_BASE + codes[j : j + n]
    h ^= h >> np.uint64(29)
    return (np.unique(h) & np.uint64(0xFFFFFFFF)).tolist()


def flag_near_duplicates(
    texts: Sequence[str],
    ids: Sequence[str],
    *,
    threshold: float = 0.8,
    shingle: int = 5,
    num_perm: int = 128,
) -> list[str | None]:
    """For each text, the id of the first earlier text it nearly duplicates, else None.

    Uses MinHash LSH (datasketch) over character ``shingle``-grams, so it scales to corpora
    of 10^5+ reports; candidate pairs are confirmed on the MinHash Jaccard estimate
    (``>= threshold``). Clusters are transitive: every member points at the cluster's
    first document in corpus order.

    Examples
    --------
    >>> a = "商丘市选派10名年轻干部到江苏省常州市开展为期6个月的跟班学习。" * 3
    >>> flag_near_duplicates([a, a + "编辑:李恒", "完全不同的一篇报道。"], ["x", "y", "z"])
    [None, 'x', None]
    """
    from datasketch import MinHash, MinHashLSH

    if not 0 < threshold <= 1:
        raise ParameterError("threshold must be in (0, 1]")
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes: list[Any] = []
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # one set of permutations for every report (drawing them is most of a MinHash's set-up)
    template = MinHash(num_perm=num_perm, seed=1)
    for i, text in enumerate(texts):
        mh = MinHash(
            num_perm=num_perm,
            hashfunc=int,
            permutations=template.permutations,
            scheme=template.scheme,
        )
        grams = _shingle_hashes(text or "", shingle)
        if grams:
            mh.update_batch(grams)
        hashes.append(mh)
        if not grams:
            continue
        for j in lsh.query(mh):
            if hashes[j].jaccard(mh) >= threshold:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
        lsh.insert(i, mh)
    out: list[str | None] = []
    for i in range(len(texts)):
        root = find(i)
        out.append(None if root == i else ids[root])
    return out
