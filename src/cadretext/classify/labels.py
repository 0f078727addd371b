"""The label set and the checks shared by every module of :mod:`cadretext.classify`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..validation import as_texts

__all__ = [
    "CLASSES",
    "PROGRAM_TYPES",
    "argmax_label",
    "as_texts",
    "is_unlabelled",
    "normalise_label",
    "softmax",
]

#: The label set, in the (alphabetical, scikit-learn) order of ``predict_proba`` columns.
CLASSES: tuple[str, ...] = ("closed_training", "other", "party_school", "secondment")
#: The three program types (``other`` is the absence of enough evidence for any of them).
PROGRAM_TYPES: tuple[str, ...] = ("closed_training", "party_school", "secondment")


def is_unlabelled(value: Any) -> bool:
    """True for the values that mark a document without a label (None, NaN, NA, "", "-1")."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip() in ("", "-1", "nan", "None", "<NA>")


def normalise_label(value: Any, index: int) -> str:
    """``value`` as one of :data:`CLASSES` (case, spaces and hyphens forgiven), else an error."""
    label = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if label not in CLASSES:
        raise ParameterError(
            f"y[{index}] = {value!r} is not a program type; use one of {', '.join(CLASSES)} "
            "(or leave it empty for an unlabelled document)"
        )
    return label


def argmax_label(row: np.ndarray) -> str:
    """The most probable class of one probability row; ties go to ``other``."""
    best = float(row.max())
    other = CLASSES.index("other")
    if best - row[other] <= 1e-12:
        return "other"  # ties (e.g. no evidence at all) go to "other"
    return CLASSES[int(row.argmax())]


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits (stable: the row maximum is subtracted first)."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
