"""Temperature scaling (Guo et al. 2017): one parameter that makes a model's probabilities
honest without changing any label."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .labels import (
    softmax,
)

__all__ = ["fit_temperature", "log_loss_at"]


def fit_temperature(logits: np.ndarray, truth: Sequence[int]) -> float:
    """The temperature ``T`` minimising the log-loss of ``softmax(logits / T)`` (Guo et al.).

    One parameter, so it cannot reorder a report's classes: calibration changes how sure the
    model says it is, never its label. Bounded to [0.05, 20].
    """
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(
        lambda t: log_loss_at(logits, truth, t),
        bounds=(0.05, 20.0),
        method="bounded",
        options={"xatol": 1e-4},
    )
    return float(round(res.x, 4))


def log_loss_at(logits: np.ndarray, truth: Sequence[int], temperature: float) -> float:
    """Mean log-loss of ``softmax(logits / temperature)`` against the true class indices."""
    truth = np.asarray(truth, dtype=int)
    p = softmax(logits / temperature)
    return float(-np.log(np.clip(p[np.arange(len(truth)), truth], 1e-12, 1.0)).mean())
