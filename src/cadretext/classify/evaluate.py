"""How good are the program types? Metrics, grouped cross-validation, calibration, learning curves.

* :func:`evaluate` — macro-F1, per-class precision/recall and the confusion matrix of a fitted
  classifier on a test set (``cv=None``) or by cross-validation, with the lexicon's hand-set
  weights as an ablation.
* :func:`grouped_cross_validation` — repeated cross-validation **grouped by site**: reports of
  one site (syndicated copies, one portal's house style) never sit on both sides of a split, so
  the score estimates what a new corpus from other sites gets. Returns the out-of-fold
  probabilities of every repeat, from which any subset (script, confidence) is scored.
* :func:`calibration_summary` and :func:`reliability_table` — Brier score, expected calibration
  error (ECE) and the reliability diagram's bins.
* :func:`learning_curve` — macro-F1 against the number of real training labels, on held-out
  sites: does adding labels help?
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from ..errors import ParameterError
from .labels import CLASSES, argmax_label, as_texts, normalise_label, softmax

__all__ = [
    "calibration_summary",
    "classification_metrics",
    "evaluate",
    "grouped_cross_validation",
    "learning_curve",
    "reliability_table",
    "scores_of",
    "stored_calibration",
]


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Macro-F1, accuracy, per-class precision/recall/F1 and the confusion matrix.

    Macro-F1 averages over the classes present in the true or predicted labels.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    y_true, y_pred = list(y_true), list(y_pred)
    present = [c for c in CLASSES if c in set(y_true) | set(y_pred)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=present, zero_division=0)
    per_class = pd.DataFrame(
        {"precision": p, "recall": r, "f1": f, "support": s}, index=pd.Index(present, name="class")
    )
    cm = confusion_matrix(y_true, y_pred, labels=list(CLASSES))
    confusion = pd.DataFrame(
        cm, index=pd.Index(CLASSES, name="true"), columns=pd.Index(CLASSES, name="predicted")
    )
    return {
        "macro_f1": float(np.mean(f)) if len(f) else 0.0,
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "per_class": per_class,
        "confusion": confusion,
    }


def _splitter(cv: Any, labels: list[str], groups: Sequence[Any] | None, seed: int):
    from sklearn.model_selection import LeaveOneOut, StratifiedGroupKFold, StratifiedKFold

    counts = pd.Series(labels).value_counts()
    if cv == "auto":
        if groups is not None:
            k = 5 if counts.min() >= 5 else max(2, int(counts.min()))
            return StratifiedGroupKFold(k, shuffle=True, random_state=seed), f"{k}-fold by group"
        if len(labels) < 30 or counts.min() < 5:
            return LeaveOneOut(), "leave-one-out"
        return StratifiedKFold(5, shuffle=True, random_state=seed), "stratified 5-fold"
    if cv == "loo":
        return LeaveOneOut(), "leave-one-out"
    if isinstance(cv, int) and not isinstance(cv, bool):
        if cv < 2:
            raise ParameterError("cv must be at least 2 folds")
        if counts.min() < cv:
            raise ParameterError(
                f"cv={cv} needs at least {cv} documents of each class; the smallest class has "
                f"{counts.min()}; use cv='loo'"
            )
        if groups is not None:
            return StratifiedGroupKFold(cv, shuffle=True, random_state=seed), f"{cv}-fold by group"
        return StratifiedKFold(cv, shuffle=True, random_state=seed), f"stratified {cv}-fold"
    if hasattr(cv, "split"):
        return cv, type(cv).__name__
    raise ParameterError("cv must be 'auto', 'loo', an int, a scikit-learn splitter, or None")


def _fit(clf, x: list[str], y: list[str], groups: Sequence[Any] | None):
    fold = clone(clf)
    return fold.fit(x, y, groups=None if groups is None else list(groups))


def evaluate(
    clf,
    texts: Iterable[str],
    labels: Iterable[Any],
    *,
    cv: Any = "auto",
    groups: Iterable[Any] | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Macro-F1, per-class precision/recall and confusion matrix, with the lexicon as ablation.

    Parameters
    ----------
    clf : ProgramTypeClassifier
        With ``cv=None`` it must be fitted and is evaluated as is (a held-out test set);
        otherwise a fresh clone is fitted on each training fold.
    texts, labels : sequences
        Reports and their true program types.
    cv : "auto", "loo", int, splitter or None
        ``"auto"``: folds grouped by ``groups`` when given (5, fewer for a rare class), else
        leave-one-out below 30 documents or 5 per class, else stratified 5-fold.
    groups : sequence, optional
        Group of each report (its site): a group never sits on both sides of a split.
    seed : int
        Shuffling seed of the folds.

    Returns
    -------
    dict
        ``macro_f1``, ``accuracy``, ``per_class`` (DataFrame: precision, recall, f1, support),
        ``confusion`` (rows true, columns predicted) for the classifier; ``ablation``
        (macro_f1 and accuracy of ``combined`` and of the ``lexicon``'s hand-set weights
        alone); ``by_source`` (the full metrics of each); ``predictions`` (true label and each
        source's prediction); ``cv`` (what was done) and ``n``.

    See Also
    --------
    grouped_cross_validation : repeated grouped folds with out-of-fold probabilities.

    Examples
    --------
    >>> from cadretext.classify import load_default_classifier
    >>> clf = load_default_classifier()
    >>> res = evaluate(clf, ["干部赴深圳挂职锻炼。", "省委党校主体班开班。"],
    ...                ["secondment", "party_school"], cv=None)
    >>> res["macro_f1"], list(res["ablation"].index)
    (1.0, ['combined', 'lexicon'])
    """
    x = as_texts(texts, "texts")
    y = [normalise_label(v, i) for i, v in enumerate(labels)]
    g = None if groups is None else list(groups)
    if len(x) != len(y) or (g is not None and len(g) != len(x)):
        raise ParameterError(f"{len(x)} texts but {len(y)} labels")
    if not x:
        raise ParameterError("texts is empty")
    sources = ("combined", "lexicon")
    preds: dict[str, list[str]] = {s: [""] * len(x) for s in sources}
    if cv is None:
        check_is_fitted(clf, "classes_")
        description = "held-out (fitted classifier, no refit)"
        for source, proba in clf.proba_by_source(x).items():
            if source in preds:
                preds[source] = [argmax_label(row) for row in proba]
    else:
        splitter, description = _splitter(cv, y, g, seed)
        xa = np.array(x, dtype=object)
        ya = np.array(y, dtype=object)
        ga = None if g is None else np.array(g, dtype=object)
        for train, test in splitter.split(xa, ya, ga):
            fold = _fit(
                clf, xa[train].tolist(), ya[train].tolist(), None if ga is None else ga[train]
            )
            for source, proba in fold.proba_by_source(xa[test].tolist()).items():
                if source in preds:
                    for i, row in zip(test, proba, strict=True):
                        preds[source][i] = argmax_label(row)
    by_source = {s: classification_metrics(y, preds[s]) for s in sources}
    ablation = pd.DataFrame(
        {
            s: {"macro_f1": by_source[s]["macro_f1"], "accuracy": by_source[s]["accuracy"]}
            for s in sources
        }
    ).T
    ablation.index.name = "source"
    combined = by_source["combined"]
    return {
        "n": len(x),
        "cv": description,
        "macro_f1": combined["macro_f1"],
        "accuracy": combined["accuracy"],
        "per_class": combined["per_class"],
        "confusion": combined["confusion"],
        "ablation": ablation,
        "by_source": by_source,
        "predictions": pd.DataFrame({"true": y, **preds}),
    }


def grouped_cross_validation(
    clf,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[Any],
    *,
    folds: int = 5,
    repeats: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Out-of-fold probabilities from repeated cross-validation grouped by site.

    Each repeat shuffles the sites into ``folds`` stratified folds (scikit-learn's
    ``StratifiedGroupKFold``); every report is predicted once per repeat by a clone fitted on
    the other folds (with the same ``groups`` for its calibration). Deterministic for a seed.

    Returns
    -------
    DataFrame
        One row per report and repeat: ``repeat``, ``index`` (position in ``texts``), ``true``,
        ``predicted``, ``p_<class>`` (calibrated) and ``u_<class>`` (uncalibrated), ``uncertain``
        (the fold model's rule), ``lexicon``
        (the hand-set weights' label). Score it with :func:`scores_of`.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    x = np.array(as_texts(texts, "texts"), dtype=object)
    y = np.array([normalise_label(v, i) for i, v in enumerate(labels)], dtype=object)
    g = np.array(list(groups), dtype=object)
    if not len(x) == len(y) == len(g):
        raise ParameterError("texts, labels and groups must have the same length")
    rows = []
    for rep in range(int(repeats)):
        splitter = StratifiedGroupKFold(int(folds), shuffle=True, random_state=seed + rep)
        for fold_no, (train, test) in enumerate(splitter.split(x, y, g)):
            fold = _fit(clf, x[train].tolist(), y[train].tolist(), g[train])
            parts = fold.proba_by_source(x[test].tolist())
            flagged = fold.uncertain(x[test].tolist())
            for k, i in enumerate(test):
                p, u = parts["combined"][k], parts["uncalibrated"][k]
                rows.append(
                    {
                        "repeat": rep,
                        "fold": fold_no,
                        "index": int(i),
                        "true": y[i],
                        "predicted": argmax_label(p),
                        **{f"p_{c}": float(p[j]) for j, c in enumerate(CLASSES)},
                        **{f"u_{c}": float(u[j]) for j, c in enumerate(CLASSES)},
                        "lexicon": argmax_label(parts["lexicon"][k]),
                        "uncertain": bool(flagged[k]),
                    }
                )
    return pd.DataFrame(rows).sort_values(["repeat", "index"], ignore_index=True)


def scores_of(oof: pd.DataFrame, *, prediction: str = "predicted") -> pd.DataFrame:
    """Per-repeat macro-F1, accuracy and ``other`` recall of :func:`grouped_cross_validation`
    output (or any subset of its rows)."""
    out = []
    for rep, part in oof.groupby("repeat", sort=True):
        m = classification_metrics(part["true"].tolist(), part[prediction].tolist())
        pc = m["per_class"]
        out.append(
            {
                "repeat": rep,
                "n": len(part),
                "macro_f1": m["macro_f1"],
                "accuracy": m["accuracy"],
                "other_recall": float(pc.loc["other", "recall"]) if "other" in pc.index else np.nan,
            }
        )
    return pd.DataFrame(out)


def _proba(frame: pd.DataFrame, prefix: str) -> np.ndarray:
    return frame[[f"{prefix}{c}" for c in CLASSES]].to_numpy(dtype=float)


def reliability_table(
    y_true: Sequence[str], proba: np.ndarray, *, n_bins: int = 10
) -> pd.DataFrame:
    """The reliability diagram's bins: for the top-class probability in equal-width bins, the
    number of reports, their mean probability (``confidence``) and how often the top class was
    right (``accuracy``). A calibrated model has accuracy close to confidence in every bin."""
    proba = np.asarray(proba, dtype=float)
    conf = proba.max(axis=1)
    pred = proba.argmax(axis=1)
    truth = np.array([CLASSES.index(v) for v in y_true])
    correct = (pred == truth).astype(float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        inside = which == b
        rows.append(
            {
                "bin_low": edges[b],
                "bin_high": edges[b + 1],
                "n": int(inside.sum()),
                "confidence": float(conf[inside].mean()) if inside.any() else np.nan,
                "accuracy": float(correct[inside].mean()) if inside.any() else np.nan,
            }
        )
    return pd.DataFrame(rows)


def calibration_summary(y_true: Sequence[str], proba: np.ndarray, *, n_bins: int = 10) -> dict:
    """Brier score (scikit-learn's multiclass ``brier_score_loss``: mean squared distance of the
    probability vector from the one-hot truth) and expected calibration error (ECE: the
    report-weighted mean gap between confidence and accuracy over :func:`reliability_table`'s
    bins; no library computes it for the top class)."""
    from sklearn.metrics import brier_score_loss, log_loss

    proba = np.asarray(proba, dtype=float)
    table = reliability_table(y_true, proba, n_bins=n_bins)
    used = table[table["n"] > 0]
    ece = float((used["n"] * (used["accuracy"] - used["confidence"]).abs()).sum() / used["n"].sum())
    return {
        "brier": float(brier_score_loss(list(y_true), proba, labels=list(CLASSES))),
        "ece": ece,
        "log_loss": float(log_loss(list(y_true), np.clip(proba, 1e-12, 1), labels=list(CLASSES))),
    }


def oof_calibration(oof: pd.DataFrame) -> pd.DataFrame:
    """Brier, ECE and log-loss of the uncalibrated and calibrated out-of-fold probabilities,
    one row per repeat and kind."""
    rows = []
    for rep, part in oof.groupby("repeat", sort=True):
        for kind, prefix in (("uncalibrated", "u_"), ("calibrated", "p_")):
            rows.append(
                {
                    "repeat": rep,
                    "kind": kind,
                    **calibration_summary(part["true"].tolist(), _proba(part, prefix)),
                }
            )
    return pd.DataFrame(rows)


def learning_curve(
    clf,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[Any],
    *,
    sizes: Sequence[int] = (0, 25, 50, 100),
    folds: int = 5,
    repeats: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """Macro-F1 on held-out sites against the number of real labels trained on.

    For each repeat and grouped fold, the model is trained on ``n`` labels drawn (seeded) from
    the training folds (plus whatever it always trains on: the packaged examples), for every
    ``n`` in ``sizes`` that the fold has, and all of them; it is scored on the held-out fold.

    Returns
    -------
    DataFrame
        ``n_labels``, ``macro_f1`` (mean over repeats of the pooled out-of-fold F1), ``sd``,
        ``other_recall``.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    x = np.array(as_texts(texts, "texts"), dtype=object)
    y = np.array([normalise_label(v, i) for i, v in enumerate(labels)], dtype=object)
    g = np.array(list(groups), dtype=object)
    preds: dict[tuple[int, int], dict[int, str]] = {}
    for rep in range(int(repeats)):
        rng = np.random.default_rng(seed + rep)
        splitter = StratifiedGroupKFold(int(folds), shuffle=True, random_state=seed + rep)
        for train, test in splitter.split(x, y, g):
            order = rng.permutation(train)
            for n in [*(s for s in sizes if s < len(train)), len(train)]:
                if n == 0:
                    fold = clone(clf).fit([], [])
                else:
                    chosen = order[:n]
                    fold = _fit(clf, x[chosen].tolist(), y[chosen].tolist(), g[chosen])
                got = preds.setdefault((rep, -1 if n == len(train) else n), {})  # -1: "all"
                for i, label in zip(test, fold.predict(x[test].tolist()), strict=True):
                    got[int(i)] = label
    rows = []
    for n_key in sorted({k[1] for k in preds}, key=lambda v: (v < 0, v)):
        f1s, recalls = [], []
        for rep in range(int(repeats)):
            got = preds.get((rep, n_key), {})
            if len(got) < len(x):
                continue
            idx = sorted(got)
            m = classification_metrics(y[idx].tolist(), [got[i] for i in idx])
            f1s.append(m["macro_f1"])
            recalls.append(float(m["per_class"].loc["other", "recall"]))
        if f1s:
            rows.append(
                {
                    "n_labels": "all" if n_key < 0 else n_key,
                    "macro_f1": float(np.mean(f1s)),
                    "sd": float(np.std(f1s)),
                    "other_recall": float(np.mean(recalls)),
                }
            )
    return pd.DataFrame(rows)


def stored_calibration(clf, *, n_bins: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How well calibrated a fitted model is, from the out-of-fold predictions it keeps.

    A calibrated :class:`~cadretext.classify.ProgramTypeClassifier` stores the out-of-fold
    logits of its labelled training texts (the default model: 166 real reports, folds grouped
    by site), so its calibration can be shown on any machine, without the training data.

    Returns
    -------
    (summary, reliability) : DataFrames
        ``summary``: one row per ``kind`` (``uncalibrated``, ``calibrated``) with ``brier``,
        ``ece``, ``log_loss`` and ``n``; ``reliability``: :func:`reliability_table` of each
        kind, stacked with a ``kind`` column. Both empty when the model was not calibrated.
    """
    logits = getattr(clf, "oof_logits_", None)
    if logits is None or not len(logits):
        return pd.DataFrame(columns=["kind", "brier", "ece", "log_loss", "n"]), pd.DataFrame()
    truth = [CLASSES[i] for i in clf.oof_truth_]
    rows, tables = [], []
    for kind, temp in (("uncalibrated", 1.0), ("calibrated", clf.temperature_)):
        proba = softmax(logits / temp)
        rows.append(
            {"kind": kind, **calibration_summary(truth, proba, n_bins=n_bins), "n": len(truth)}
        )
        tables.append(reliability_table(truth, proba, n_bins=n_bins).assign(kind=kind))
    return pd.DataFrame(rows), pd.concat(tables, ignore_index=True)
