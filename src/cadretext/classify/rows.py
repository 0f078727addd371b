"""The rows a program-type model trains and predicts on, and how a fit assembles them.

A row is what the model sees of one text: its hashed character n-gram counts, its lexicon
matches and its length, never the text itself, so the silver examples (which ship without
their text) are rows like any other. :class:`TrainingPool` holds everything one fit can train
on and assembles the training set of the whole fit or of a calibration fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from .patterns import (
    Match,
)

__all__ = ["Rows", "TrainingPool", "class_weight_power", "class_weights"]


@dataclass
class Rows:
    """Training or prediction rows as the model sees them: hashed n-gram counts (``None``
    without an n-gram block), lexicon matches and lengths. Texts are not needed, so the silver
    examples, which ship without their text, are rows like any other."""

    counts: sparse.csr_matrix | None
    matches: list[list[Match]]
    lengths: np.ndarray

    def __len__(self) -> int:
        return len(self.matches)

    def take(self, idx: Sequence[int]) -> Rows:
        idx = list(idx)
        return Rows(
            None if self.counts is None else self.counts[idx],
            [self.matches[i] for i in idx],
            self.lengths[idx],
        )

    @staticmethod
    def concat(parts: Sequence[Rows]) -> Rows:
        parts = [p for p in parts if len(p)]
        counts = None
        if parts and parts[0].counts is not None:
            counts = sparse.vstack([p.counts for p in parts], format="csr")
        return Rows(
            counts,
            [m for p in parts for m in p.matches],
            np.concatenate([p.lengths for p in parts]) if parts else np.zeros(0, dtype=int),
        )


@dataclass
class TrainingPool:
    """Everything a fit can train on: the caller's texts (labelled or not), the weak labels
    among the unlabelled, the packaged examples and the silver examples. ``examples(idx)``
    assembles the training set for a subset of the labelled texts (the whole fit, or a
    calibration fold)."""

    rows: Rows
    gold: list[str | None]
    weights: np.ndarray
    weak: list[tuple[int, str, float]]  # (index, lexicon label, lexicon probability)
    unlabelled: list[int]
    extra: Rows  # packaged + silver examples
    extra_labels: list[str]
    extra_weights: np.ndarray
    weak_weight: float

    def examples(self, labelled: Sequence[int]):
        """``(rows, labels, weights, vocabulary_rows)`` for :meth:`_fit_linear`."""
        idx = [*labelled, *(i for i, _, _ in self.weak)]
        rows = Rows.concat([self.rows.take(idx), self.extra])
        y = [self.gold[i] for i in labelled] + [lab for _, lab, _ in self.weak] + self.extra_labels
        w = np.concatenate(
            [
                self.weights[list(labelled)],
                np.array([self.weak_weight * c for _, _, c in self.weak]),
                self.extra_weights,
            ]
        )
        vocab = Rows.concat([rows, self.rows.take(self.unlabelled)])
        return rows, y, w, vocab


def class_weight_power(value: Any) -> float | None:
    """``class_weight`` as an exponent in [0, 1] (None when it is not a valid setting)."""
    if value is None:
        return 0.0
    if isinstance(value, str):
        return 1.0 if value == "balanced" else None
    try:
        power = float(value)
    except (TypeError, ValueError):
        return None
    return power if 0.0 <= power <= 1.0 else None


def class_weights(y: Sequence[str], w: np.ndarray, power: float) -> dict[str, float]:
    """Per-class weights ``(total / (k x class total)) ** power`` from weighted counts."""
    y = np.asarray(y, dtype=object)
    classes = sorted(set(y.tolist()))
    totals = np.array([w[y == c].sum() for c in classes])
    balanced = totals.sum() / (len(classes) * totals)
    return {c: float(b**power) for c, b in zip(classes, balanced, strict=True)}
