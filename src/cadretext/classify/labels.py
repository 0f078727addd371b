"""The label set and the checks shared by every module of :mod:`cadretext.classify`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError

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


def as_texts(X: Any, name: str = "X") -> list[str]:
    """``X`` as a list of strings: a list, Series, array or a DataFrame's ``text`` column.

    Missing values (None, NaN) become empty texts; anything else that is not a string is an
    error naming its position.
    """
    if isinstance(X, str | bytes):
        raise ParameterError(f"{name} must be a list of texts, not a single string")
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ParameterError(f"{name}: a DataFrame needs a 'text' column")
        X = X["text"]
    try:
        items = list(X)
    except TypeError:
        raise ParameterError(f"{name} must be a list of texts") from None
    out: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, np.ndarray) and item.ndim == 1 and item.size == 1:
            item = item[0]  # a (n, 1) column from a ColumnTransformer
        if item is None or item is pd.NA or (isinstance(item, float) and math.isnan(item)):
            item = ""
        if not isinstance(item, str):
            raise ParameterError(f"{name}[{i}] is {type(item).__name__}, not a text string")
        out.append(item)
    return out


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
