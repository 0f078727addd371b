"""Features of the supervised program-type model: the lexicon's matches as numbers.

The lexicon (:mod:`cadretext.classify.patterns`) encodes what the labelling guide says about each
program type; a supervised model can learn from real labels how much each pattern is worth. The
features of one text are

* one column per pattern and type: ``log(1 + count)`` of its (non-overlapping) matches, so the
  model re-weights every term and regular expression of the pattern file;
* one column per class: ``log(1 + score)`` of the lexicon's length-normalised score (without
  the ``other`` baseline), the hand-set weights summed as the lexicon scorer does;
* ``cadre_context``: ``log(1 + n)`` of the cadre context words (干部, 组织部 ...).

Character n-grams (TF-IDF) are added by :class:`~cadretext.classify.ProgramTypeClassifier`
itself; these columns are its domain knowledge. The columns depend only on the pattern file,
so a model saved with one pattern file is checked against it when loaded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .labels import CLASSES
from .patterns import CONTEXT, Match, PatternSet, raw_evidence

__all__ = ["lexicon_feature_matrix", "lexicon_feature_names"]


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
    texts: Sequence[str],
    matches: Sequence[Sequence[Match]],
    patterns: PatternSet,
    *,
    length_floor: int = 500,
) -> sparse.csr_matrix:
    """The lexicon features of each text (rows) from its matches, as a sparse matrix.

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
    for i, (text, found) in enumerate(zip(texts, matches, strict=True)):
        counts: dict[int, int] = {}
        for m in found:
            j = column.get(f"{m.type}:{m.pattern}")
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        ev, n_context = raw_evidence(found)
        scale = math.sqrt(max(len(text), length_floor) / 1000.0)
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
        (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(texts), len(names))
    )
