"""Topic prevalence by group, with intervals from a bootstrap over whole reports."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..validation import (
    check_choice,
    check_int,
    check_number,
)
from .fit import LdaResult


def _align_to_rows(values: Any, index: pd.Index, name: str) -> pd.Series:
    """``values`` as a Series over ``index``: aligned by label when it is a Series over all
    input documents or over the same rows, else matched by position."""
    same_labels = (
        isinstance(values, pd.Series)
        and values.index.is_unique
        and (len(values) != len(index) or set(values.index) == set(index))
    )
    if same_labels:  # a Series over all input documents, or over the same rows
        out = values.reindex(index)
        if out.isna().all():
            raise ParameterError(
                f"{name} could not be aligned with doc_topics: no index value in common; pass "
                "a Series indexed like doc_topics, or one value per row in row order"
            )
        return out
    values = list(values)
    if len(values) != len(index):
        raise ParameterError(
            f"{name} has {len(values)} entries but doc_topics has {len(index)} rows; pass "
            "one value per row, or a Series indexed like the input documents"
        )
    return pd.Series(values, index=index)


def _cluster_interval(
    x: np.ndarray, codes: np.ndarray, n_boot: int, level: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of the mean of ``x``'s rows when whole clusters (``codes``) are
    resampled with replacement: per draw, the summed rows of the drawn clusters over their
    number of rows. Written here because scipy's ``bootstrap`` resamples rows, not clusters."""
    n_clusters = int(codes.max()) + 1
    sums = np.zeros((n_clusters, x.shape[1]))
    np.add.at(sums, codes, x)
    sizes = np.bincount(codes, minlength=n_clusters).astype(float)
    draws = rng.integers(0, n_clusters, size=(n_boot, n_clusters))
    means = sums[draws].sum(axis=1) / sizes[draws].sum(axis=1)[:, None]
    alpha = (1 - level) / 2
    return np.quantile(means, alpha, axis=0), np.quantile(means, 1 - alpha, axis=0)


def topic_prevalence(
    doc_topics: pd.DataFrame | LdaResult,
    groups: pd.Series | Sequence[Any],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    method: str = "percentile",
    clusters: pd.Series | Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Mean topic share per group, with bootstrap confidence intervals.

    The descriptive answer to stm's ``estimateEffect`` question (how does topic prevalence
    differ by program type?). With ``clusters`` (the report each unit belongs to, e.g.
    ``units["doc_id"]`` when the units are paragraphs), whole reports are resampled with
    replacement within each group and the mean is taken over their units: the paragraphs of
    one report are not independent, and resampling them one by one gives intervals that are
    too narrow. Without ``clusters`` every row is its own report and scipy's ``bootstrap``
    resamples rows. For effects with covariates (year, region) see
    :func:`cadretext.trends.effects`.

    Parameters
    ----------
    doc_topics : DataFrame or LdaResult
        Topic shares, one row per document (``result.doc_topics``).
    groups : pandas.Series or sequence
        Group per document, matched in one of two ways. (1) A Series over **all input
        documents** (e.g. ``units["program_type"]``, or indexed by unit_id when the model was
        fitted with ``ids``), or one whose index holds exactly the ``doc_topics`` index, is
        aligned by index, so dropped documents are skipped correctly. (2) Anything else with
        one entry per ``doc_topics`` row (a list, or a Series after ``reset_index``) is matched
        by position. Documents with a missing group are left out.
    n_boot : int, default 1000
        Bootstrap resamples.
    seed : int, default 0
    level : float, default 0.95
        Confidence level.
    method : {"percentile", "basic", "BCa"}, default "percentile"
        With ``clusters``, percentile only.
    clusters : pandas.Series or sequence, optional
        The report of each unit, matched to ``doc_topics`` like ``groups``.

    Returns
    -------
    pandas.DataFrame
        Long table: ``topic``, ``group``, ``n_docs``, ``mean``, ``ci_low``, ``ci_high`` (NaN
        bounds for a group of one report), ``n_clusters`` (reports in the group), ready for
        :func:`cadretext.plots.prevalence`.

    Examples
    --------
    >>> shares = pd.DataFrame({"topic_0": [0.9, 0.8, 0.2, 0.1], "topic_1": [0.1, 0.2, 0.8, 0.9]})
    >>> table = topic_prevalence(shares, ["a", "a", "b", "b"], n_boot=200, seed=0)
    >>> row = table.iloc[0]
    >>> row["topic"], row["group"], float(round(row["mean"], 2))
    ('topic_0', 'a', 0.85)
    >>> bool(row["ci_low"] <= row["mean"] <= row["ci_high"])
    True
    """
    from scipy.stats import bootstrap

    if isinstance(doc_topics, LdaResult):
        doc_topics = doc_topics.doc_topics
    if not isinstance(doc_topics, pd.DataFrame) or doc_topics.empty:
        raise ParameterError("doc_topics must be a non-empty DataFrame (result.doc_topics)")
    n_boot = check_int("n_boot", n_boot, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    check_number("level", level, minimum=0, maximum=1, exclusive=True)
    check_choice("method", method, ("percentile", "basic", "BCa"))
    index = doc_topics.index
    labels = _align_to_rows(groups, index, "groups")
    if clusters is not None and method != "percentile":
        raise ParameterError("with clusters, the interval is a percentile one: method='percentile'")
    owners = _align_to_rows(clusters, index, "clusters") if clusters is not None else None
    keep = labels.notna().to_numpy()
    if owners is not None:
        keep = keep & owners.notna().to_numpy()
        owners = owners[keep]
    values = doc_topics.to_numpy(dtype=np.float64)[keep]
    labels = labels[keep]
    rng = np.random.default_rng(seed)
    rows = []
    n_topics = values.shape[1]
    for group in sorted(pd.unique(labels), key=str):
        in_group = (labels == group).to_numpy()
        x = values[in_group]
        mean = x.mean(axis=0)
        low = high = np.full(n_topics, np.nan)
        n_clusters = len(x)
        if owners is not None:
            codes, _ = pd.factorize(owners[in_group])
            n_clusters = int(codes.max()) + 1
            if n_clusters > 1:
                low, high = _cluster_interval(x, codes, n_boot, level, rng)
                low, high = np.minimum(low, mean), np.maximum(high, mean)
        elif len(x) > 1:
            batch = max(1, min(n_boot, int(5e6 // (len(x) * n_topics))))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # degenerate columns (all equal) are fine here
                res = bootstrap(
                    (x,),
                    np.mean,
                    n_resamples=n_boot,
                    batch=batch,
                    vectorized=True,
                    axis=0,
                    confidence_level=level,
                    method=method,
                    rng=rng,
                )
            low = np.minimum(res.confidence_interval.low, mean)
            high = np.maximum(res.confidence_interval.high, mean)
        for j, topic in enumerate(doc_topics.columns):
            rows.append(
                (topic, group, len(x), float(mean[j]), float(low[j]), float(high[j]), n_clusters)
            )
    table = pd.DataFrame(
        rows, columns=["topic", "group", "n_docs", "mean", "ci_low", "ci_high", "n_clusters"]
    )
    order = {t: i for i, t in enumerate(doc_topics.columns)}  # topic_2 before topic_10
    return table.sort_values("topic", key=lambda col: col.map(order), kind="stable").reset_index(
        drop=True
    )
