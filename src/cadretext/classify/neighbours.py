"""The labelled examples nearest a report, in a latent semantic space: a second opinion.

The linear model weighs n-grams one by one; a report that reads like labelled reports as a whole
(the same kind of event, told the same way) can still fall on the wrong side of its boundary.
:class:`NeighbourIndex` keeps every training example as a short vector: the n-gram TF-IDF rows
(:class:`~cadretext.classify.features.NgramBlock`) reduced to ``dims`` dimensions with a
truncated SVD (latent semantic analysis, scikit-learn's ``TruncatedSVD``), unit length. A new
report's class distribution is that of its ``k`` most similar examples, each counted by its
cosine similarity times its sample weight. :class:`~cadretext.classify.ProgramTypeClassifier`
mixes it with the linear model's probabilities (``neighbour_weight``).

Why the reduction: on the real reports, grouped by site, neighbours in the reduced space did
better than neighbours on the raw n-grams (macro-F1 0.814 against 0.808, five folds by site x
3 shuffles, with the 1,151 silver pages of the time, two of them copies of real reports since
removed) and the stored vectors are not the texts' n-grams, so a model trained on reports
that may not be copied can ship its neighbours. What is stored: the SVD's components over the
kept n-gram columns (float16, to keep the model file small) and each example's vector, class
and weight.

The search itself is a dense matrix product (examples are at most a few thousand): written here
because no library's nearest-neighbour classifier takes per-example weights *and* similarity
weighting with a class order fixed to ``CLASSES``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["NeighbourIndex", "nearest_k"]

#: Added to every class's count before normalising: a report with no similar example gets an
#: (almost) flat distribution instead of a division by zero.
SMOOTHING = 1e-3
#: Rows whose similarities are computed at once.
_BLOCK = 512


def nearest_k(sims: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the ``k`` largest values of each row, largest first, ties in column
    order: the first ``k`` columns of a stable ``argsort`` of ``-sims``, found in linear time.

    The k largest are selected with ``argpartition`` and only they are sorted; a row whose
    k-th value is tied with a value left out (where the selection could differ from the sort's)
    is sorted whole. Sorting every row was most of the neighbours' time on paragraphs.

    Examples
    --------
    >>> nearest_k(np.array([[0.1, 0.9, 0.5, 0.9], [0.0, 0.0, 0.0, 0.0]]), 2).tolist()
    [[1, 3], [0, 1]]
    """
    n = sims.shape[1]
    k = min(k, n)
    if k == n:
        return np.argsort(-sims, axis=1, kind="stable")
    neg = -sims
    chosen = np.argpartition(neg, k - 1, axis=1)[:, :k]
    chosen.sort(axis=1)  # column order first, so that the stable sort below breaks ties by it
    values = np.take_along_axis(neg, chosen, axis=1)
    order = np.argsort(values, axis=1, kind="stable")
    nearest = np.take_along_axis(chosen, order, axis=1)
    kth = values.max(axis=1)
    tied = (neg <= kth[:, None]).sum(axis=1) > k  # another column equals the k-th value
    if tied.any():
        nearest[tied] = np.argsort(neg[tied], axis=1, kind="stable")[:, :k]
    return nearest


class NeighbourIndex:
    """Nearest training examples in an LSA space; see the module docstring.

    Parameters
    ----------
    n_classes : int
        Number of classes (columns of :meth:`proba`).
    dims : int
        Dimensions of the reduced space (fewer when the examples or columns are fewer).
    seed : int
        Random state of the SVD (ARPACK's start vector): the same examples give the same index.
    """

    def __init__(self, n_classes: int, dims: int = 100, seed: int = 0):
        self.n_classes = int(n_classes)
        self.dims = int(dims)
        self.seed = int(seed)

    def fit(self, X: Any, classes: np.ndarray, weights: np.ndarray) -> NeighbourIndex:
        """Index the rows of ``X`` (TF-IDF, sparse) with their class indices and weights."""
        from sklearn.decomposition import TruncatedSVD

        n_rows, n_cols = X.shape
        dims = max(1, min(self.dims, n_rows - 1, n_cols - 1))
        svd = TruncatedSVD(dims, algorithm="arpack", random_state=self.seed).fit(X)
        self.components_ = svd.components_.astype(np.float16)
        self.vectors_ = self._embed(X)
        self.classes_ = np.asarray(classes, dtype=np.int64)
        self.weights_ = np.asarray(weights, dtype=np.float64)
        return self

    def _embed(self, X: Any) -> np.ndarray:
        vectors = np.asarray(X @ self.components_.astype(np.float32).T, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)

    def proba(self, X: Any, k: int) -> np.ndarray:
        """Class distribution of each row's ``k`` nearest examples (similarity x weight)."""
        out = np.full((X.shape[0], self.n_classes), SMOOTHING)
        if not X.shape[0] or not len(self.classes_):
            return out / out.sum(axis=1, keepdims=True)
        k = min(int(k), len(self.classes_))
        embedded = self._embed(X)
        # in blocks of rows: the similarity table of 10,000 reports against every example, and
        # its sort order, would otherwise add a few hundred MB to a large report's peak
        for start in range(0, len(embedded), _BLOCK):
            sims = embedded[start : start + _BLOCK] @ self.vectors_.T
            nearest = nearest_k(sims, k)
            votes = np.clip(np.take_along_axis(sims, nearest, axis=1), 0.0, None)
            votes = votes * self.weights_[nearest]
            rows = np.repeat(np.arange(start, start + len(nearest)), k)
            np.add.at(out, (rows, self.classes_[nearest].ravel()), votes.ravel())
        return out / out.sum(axis=1, keepdims=True)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "neighbour_components": self.components_,
            "neighbour_vectors": self.vectors_,
            "neighbour_classes": self.classes_,
            "neighbour_weights": self.weights_,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], n_classes: int) -> NeighbourIndex:
        index = cls(n_classes, dims=len(arrays["neighbour_components"]))
        index.components_ = np.asarray(arrays["neighbour_components"], dtype=np.float16)
        index.vectors_ = np.asarray(arrays["neighbour_vectors"], dtype=np.float32)
        index.classes_ = np.asarray(arrays["neighbour_classes"], dtype=np.int64)
        index.weights_ = np.asarray(arrays["neighbour_weights"], dtype=np.float64)
        return index
