"""Model selection: a K sweep over seeds with coherence, stability and perplexity."""

from __future__ import annotations

import dataclasses
import math
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from .._parallel import progress_bar, resolve_n_jobs
from ..errors import ParameterError
from ..validation import (
    check_int,
)
from .bow import BowCorpus, check_k_against_units
from .fit import as_bow, check_lda_settings, chunksize_for, finite_lda

COHERENCE_MEASURES: tuple[str, ...] = ("c_v", "c_npmi", "u_mass")
KNOWN_MEASURES = ("c_v", "c_npmi", "c_uci", "u_mass")


def _jaccard_match(a: list[list[str]], b: list[list[str]]) -> float:
    """Mean Jaccard similarity of topics matched one-to-one (Hungarian algorithm)."""
    from scipy.optimize import linear_sum_assignment

    sa, sb = [set(t) for t in a], [set(t) for t in b]
    sim = np.array([[len(x & y) / len(x | y) if x | y else 1.0 for y in sb] for x in sa])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return float(sim[rows, cols].mean())


def _fit(
    dictionary: Any, corpus: Any, k: int, seed: int, fit_kwargs: dict[str, Any]
) -> dict[str, Any]:
    """One fit of the sweep: its diversity, top words and the ids of each topic's top 10 (what
    the coherence measures score, as gensim's ``CoherenceModel(model=...)`` takes them)."""
    from gensim import matutils
    from gensim.models import LdaModel
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    # one BLAS thread in every fit, serial or parallel: same arithmetic, so identical results
    with threadpool_limits(limits=1):
        model = finite_lda(
            lambda a, e: LdaModel(
                corpus=corpus,
                id2word=dictionary,
                num_topics=k,
                random_state=seed,
                eval_every=None,
                **{**fit_kwargs, "alpha": a, "eta": e},
            ),
            fit_kwargs["alpha"],
            fit_kwargs["eta"],
        )
    out: dict[str, Any] = {"k": k, "seed": seed}
    out["topic_ids"] = [matutils.argsort(t, topn=10, reverse=True) for t in model.get_topics()]
    top25 = [[w for w, _ in model.get_topic_terms(t, topn=25)] for t in range(k)]
    out["diversity"] = len({w for t in top25 for w in t}) / sum(len(t) for t in top25)
    out["top10"] = [[dictionary[w] for w in t[:10]] for t in top25]
    out["fit_time_s"] = time.perf_counter() - start
    return out


def _coherences(
    dictionary: Any, corpus: Any, texts: Any, measure: str, topics: list[list[Any]]
) -> list[float]:
    """One coherence measure of every fit of the sweep (``topics``: each fit's topics, as ids).

    The co-occurrence counts are gathered once, over the union of all fits' top words, and
    every fit is scored from them (gensim's ``CoherenceModel.for_topics``, made for comparing
    models). A word's and a pair's counts do not depend on which other words are counted, so
    each value equals that of a ``CoherenceModel`` of the fit alone; counting once instead of
    once per fit took the sliding-window measures from 13 s to 2 s on 2,000 units.
    """
    from gensim.models import CoherenceModel
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        cm = CoherenceModel.for_topics(
            topics,
            corpus=corpus if measure == "u_mass" else None,
            texts=None if measure == "u_mass" else texts,
            dictionary=dictionary,
            coherence=measure,
            topn=10,
            processes=1,
        )
        _dense_counts(cm)
        values = []
        for fit_topics in topics:
            ids = [np.asarray(topic) for topic in fit_topics]
            if measure == "c_v":
                cm.topics = ids  # c_v's confirmation reads the topics themselves
            # the counts cover every fit's words, so each fit is scored from the segmentation
            # alone: setting ``topics`` would first re-segment them only to check that
            # gensim's accumulator still holds their words (a third of c_npmi's time)
            per_topic = cm.get_coherence_per_topic(cm.measure.seg(ids))
            values.append(float(cm.aggregate_measures(per_topic)))
    return values


#: Most distinct top words whose co-occurrence counts :func:`_dense_counts` holds densely
#: (4 bytes a pair: 4,000 words, 64 MB).
DENSE_COUNTS_MAX = 4_000


def _dense_counts(cm: Any) -> None:
    """Hold a sliding-window accumulator's pair counts in a dense array instead of gensim's
    sparse matrix: the measures look pairs up one at a time, and one lookup in a SciPy sparse
    matrix costs about as much as scoring the pair (half of c_v's and c_npmi's time on a small
    corpus). The counts and so the values are the same. Only gensim's word-occurrence
    accumulator keeps a sparse matrix; any other (u_mass's inverted index, another gensim
    version's) is left as it is."""
    from scipy import sparse

    acc = getattr(cm, "_accumulator", None)
    counts = getattr(acc, "_co_occurrences", None)
    if sparse.issparse(counts) and counts.shape[0] <= DENSE_COUNTS_MAX:
        acc._co_occurrences = counts.toarray()


# What a worker of the reusable pool keeps between tasks: the shared inputs of the sweep it
# last worked on (dictionary, corpus, texts), read once from the file the sweep wrote.
_WORKER: dict[str, Any] = {"path": None}


def _load_payload(payload: Any) -> dict[str, Any]:
    """The sweep's shared inputs: a dict (Dask, scattered) or the path of their pickle."""
    import pickle

    if isinstance(payload, dict):
        return payload
    if _WORKER["path"] != payload:
        _WORKER.clear()
        with open(payload, "rb") as fh:
            data = pickle.load(fh)
        if data.get("mm_path"):
            from gensim.corpora import MmCorpus

            data["corpus"] = MmCorpus(data.pop("mm_path"))
        _WORKER.update(data, path=payload)
    return _WORKER


def _fit_task(payload: Any, k: int, seed: int) -> dict[str, Any]:
    w = _load_payload(payload)
    return _fit(w["dictionary"], w["corpus"], k, seed, w["fit_kwargs"])


def _coherence_task(payload: Any, measure: str, topics: list[list[Any]]) -> list[float]:
    w = _load_payload(payload)
    return _coherences(w["dictionary"], w["corpus"], w["texts"], measure, topics)


def sweep_k(
    tokens: Iterable[Sequence[str]] | BowCorpus,
    ks: Iterable[int],
    *,
    seeds: Iterable[int] = (0, 1, 2),
    coherence: Iterable[str] = COHERENCE_MEASURES,
    passes: int = 10,
    iterations: int = 100,
    alpha: str | float = "auto",
    eta: str | float | None = "auto",
    no_below: int = 2,
    no_above: float = 0.5,
    keep_n: int | None = 100_000,
    chunksize: int | None = None,
    n_jobs: int = 1,
    progress: bool = False,
    coherence_sample: int | None = None,
    sample: int | None = None,
    sample_seed: int = 0,
) -> pd.DataFrame:
    """Fit LDA for every K and seed; report coherence, diversity and stability per K.

    Each (K, seed) pair is one deterministic :func:`fit_lda`-style fit on the same bag of words.
    Per K, the table holds the mean over seeds of each coherence measure (gensim
    ``CoherenceModel`` on the top 10 words), of **topic diversity** (share of unique words among
    all topics' top 25), and **stability**: for every pair of seeds, topics are matched one to
    one by the Hungarian algorithm on the Jaccard similarity of their top-10 words, and the
    matched similarities averaged (NaN with a single seed).

    Parameters
    ----------
    tokens : list of list of str, or BowCorpus
    ks : iterable of int
        Numbers of topics to try (each >= 2).
    seeds : iterable of int, default (0, 1, 2)
    coherence : iterable of str, default ("c_v", "c_npmi", "u_mass")
        Measures to compute ("c_v", "c_npmi", "c_uci", "u_mass"). c_v (sliding windows of 110
        words over all texts) dominates the runtime on big corpora; u_mass needs only document
        co-occurrence counts and is the cheap one for large sweeps. Each measure counts its
        co-occurrences once for all fits (over the union of their top words), then scores every
        fit from those counts: the values are those of a ``CoherenceModel`` of each fit alone.
    passes, iterations, alpha, eta, no_below, no_above, keep_n, chunksize
        As in :func:`fit_lda` (``chunksize`` default: at least ten updates per pass).
    n_jobs : int, default 1
        Worker processes (spawned) running fits in parallel; -1: all cores. The table is
        identical for any ``n_jobs`` (every fit uses one BLAS thread and its own seed).
    progress : bool, default False
        Show a tqdm progress bar over the fits.
    coherence_sample : int, optional
        Compute the window-based measures (c_v, c_npmi, c_uci) on this many units drawn with
        ``sample_seed`` instead of on all of them (u_mass always uses every unit): their cost
        grows with the corpus, the estimate of a topic's coherence much less. :func:`sweep_plan`
        can choose it from the corpus size.
    sample : int, optional
        Fit and evaluate the whole sweep on this many units drawn with ``sample_seed`` (in
        corpus order) instead of on all of them: the cost of a sweep then no longer grows with
        the corpus. :func:`sweep_plan` sets it on large corpora; fit the chosen K on every unit.
    sample_seed : int, default 0
        Seed of the draws of ``sample`` and ``coherence_sample``.

    Returns
    -------
    pandas.DataFrame
        One row per K: ``k``, the coherence measures, ``diversity``, ``stability``,
        ``fit_time_s`` (mean seconds per fit; the only column that varies between runs).

    Examples
    --------
    >>> docs = [["党校", "授课", "研讨"], ["跟班学习", "挂职", "企业"]] * 8
    >>> table = sweep_k(docs, [2, 3], seeds=(0, 1), coherence=("u_mass",), passes=2, no_above=1.0)
    >>> table.columns.tolist()
    ['k', 'u_mass', 'diversity', 'stability', 'fit_time_s']
    """
    ks = sorted({check_int("ks", k, minimum=2) for k in ks})
    seeds = list(dict.fromkeys(check_int("seeds", s, minimum=0) for s in seeds))
    if not ks or not seeds:
        raise ParameterError("sweep_k needs at least one K in ks and one seed in seeds")
    if isinstance(coherence, str):
        coherence = (coherence,)
    coherence = tuple(dict.fromkeys(coherence))
    bad = [m for m in coherence if m not in KNOWN_MEASURES]
    if bad:
        raise ParameterError(
            f"unknown coherence measure(s) {bad}; choose from {', '.join(KNOWN_MEASURES)}"
        )
    n_jobs = resolve_n_jobs(n_jobs)
    fit_kwargs = check_lda_settings(
        passes=passes, iterations=iterations, alpha=alpha, eta=eta, chunksize=chunksize
    )
    del fit_kwargs["chunksize"]  # set from the corpus below
    if sample is not None:
        check_int("sample", sample, minimum=10)
        if isinstance(tokens, BowCorpus) or not hasattr(tokens, "__len__"):
            raise ParameterError("sweep_k(sample=...) needs token lists (a list), not a BowCorpus")
        if sample < len(tokens):
            rng = np.random.default_rng(check_int("sample_seed", sample_seed, minimum=0))
            picked = np.sort(rng.choice(len(tokens), size=sample, replace=False))
            tokens = [tokens[i] for i in picked.tolist()]
    bow = as_bow(tokens, no_below, no_above, keep_n, None)
    check_k_against_units("ks", max(ks), bow)
    fit_kwargs["chunksize"] = chunksize_for(chunksize, bow)
    if coherence_sample is not None:
        check_int("coherence_sample", coherence_sample, minimum=10)
        n_kept = len(bow.kept)
        if coherence_sample < n_kept and any(m != "u_mass" for m in coherence):
            rng = np.random.default_rng(check_int("sample_seed", sample_seed, minimum=0))
            chosen = set(rng.choice(n_kept, size=coherence_sample, replace=False).tolist())
            # the texts may be streamed: one pass keeps the sampled units, in corpus order
            sampled = [t for i, t in enumerate(bow.texts) if i in chosen]
            bow = dataclasses.replace(bow, texts=sampled)
    tasks = [(k, s) for k in ks for s in seeds]
    fits: list[dict[str, Any]] = []
    bar = progress_bar(len(tasks), progress, "sweep_k fits")
    try:
        if n_jobs == 1 or len(tasks) == 1:
            for k, s in tasks:
                fits.append(_fit(bow.dictionary, bow.corpus, k, s, fit_kwargs))
                bar.update(1)
            topics = [f["topic_ids"] for f in fits]
            for measure in coherence:
                values = _coherences(bow.dictionary, bow.corpus, bow.texts, measure, topics)
                for fit, value in zip(fits, values, strict=True):
                    fit[measure] = value
        else:
            fits = _run_parallel(bow, tasks, coherence, fit_kwargs, min(n_jobs, len(tasks)), bar)
    finally:
        bar.close()
    return _summarise(fits, ks, seeds, coherence)


#: Units above which :func:`sweep_plan` fits the sweep on a sample of that many units.
SWEEP_UNITS = 2_000
#: Below this many units the bag of words keeps words that occur in one unit only.
FEW_UNITS = 30


def sweep_plan(n_units: int, *, large: int = SWEEP_UNITS) -> dict[str, Any]:
    """Settings of a K sweep whose cost stays bounded as the corpus grows, and the rule.

    Fewer than :data:`FEW_UNITS` units (one or two reports' paragraphs): as below, but a word
    that occurs in one unit only is kept (``no_below=1``); otherwise no word may pass the
    filter and no model can be fitted.

    Up to ``large`` units (2,000 paragraphs): the sweep fits every unit, with c_v, c_npmi and
    u_mass, 10 passes per fit, and the chosen model is fitted with the same 10 passes.

    Above: the sweep (every K and seed, every measure) runs on a sample of ``large`` units
    drawn with the seed, so its cost is that of a 2,000-unit corpus however large the corpus
    is; the chosen K is then fitted on every unit with ``round(10 * large / n_units)`` passes,
    at least 3 (online LDA makes more updates per pass on more documents). Choosing K on a
    sample is the usual economy of model selection: the topics that decide between K = 2 and
    K = 6 hold thousands of units, and each is well represented in 2,000.

    Returns
    -------
    dict
        ``coherence``, ``passes``, ``sample``, ``no_below`` (keyword arguments of
        :func:`sweep_k`; ``no_below`` also of the fits), ``fit_passes`` (for :func:`fit_lda`
        and :func:`fit_seeded_lda` of the chosen K) and ``rule`` (a sentence for the report).

    Examples
    --------
    >>> sweep_plan(800)["sample"] is None
    True
    >>> plan = sweep_plan(40_000)
    >>> plan["sample"], plan["passes"], plan["fit_passes"]
    (2000, 10, 3)
    """
    n_units = check_int("n_units", n_units, minimum=0)
    if n_units < FEW_UNITS:
        # a word must occur in two units to enter the bag of words (no_below=2), and in at most
        # half of them: in a handful of paragraphs (one report's) almost no word does both,
        # and no model could be fitted at all
        return {
            "coherence": COHERENCE_MEASURES,
            "passes": 10,
            "sample": None,
            "fit_passes": 10,
            "no_below": 1,
            "rule": (
                f"{n_units:,} units (fewer than {FEW_UNITS}): every word in at most half of the "
                "units is kept, even in one unit only; the sweep fits every unit (c_v, c_npmi "
                "and u_mass, 10 passes per fit), and the chosen K is fitted with 10 passes. "
                "Topics of so few units describe them; they do not generalise."
            ),
        }
    if n_units <= large:
        return {
            "coherence": COHERENCE_MEASURES,
            "passes": 10,
            "sample": None,
            "fit_passes": 10,
            "no_below": 2,
            "rule": (
                f"{n_units:,} units (at most {large:,}): the sweep fits every unit (c_v, c_npmi "
                "and u_mass, 10 passes per fit), and the chosen K is fitted with 10 passes."
            ),
        }
    fit_passes = max(3, round(10 * large / n_units))
    return {
        "coherence": COHERENCE_MEASURES,
        "passes": 10,
        "sample": large,
        "fit_passes": fit_passes,
        "no_below": 2,
        "rule": (
            f"{n_units:,} units (more than {large:,}): the sweep fits a sample of {large:,} "
            f"units drawn with the seed (c_v, c_npmi and u_mass, 10 passes per fit), and the "
            f"chosen K is fitted on every unit with {fit_passes} passes."
        ),
    }


def _run_parallel(
    bow: BowCorpus,
    tasks: list[tuple[int, int]],
    coherence: tuple[str, ...],
    fit_kwargs: dict[str, Any],
    n_workers: int,
    bar: Any,
) -> list[dict[str, Any]]:
    import contextlib
    import pickle
    import uuid

    from .. import _parallel

    payload: dict[str, Any] = {
        "dictionary": bow.dictionary,
        "texts": bow.texts,
        "coherence": coherence,
        "fit_kwargs": fit_kwargs,
    }
    # largest K first: the longest fits start early and the short ones fill in behind them,
    # so no worker is left running one long fit alone at the end
    order = sorted(tasks, key=lambda t: -t[0])
    with contextlib.ExitStack() as stack:
        if _parallel.current_scheduler() is not None:
            # a cluster's workers cannot read this machine's files: the inputs are scattered
            payload["corpus"] = list(bow.corpus)
            if not isinstance(payload["texts"], list):
                payload["texts"] = list(payload["texts"])
            shared: Any = _parallel.scatter(payload)
        else:
            if bow.path is not None:  # streamed corpus: workers reopen it from disk
                payload["mm_path"] = str(bow.path / "corpus.mm")
            else:
                payload["corpus"] = bow.corpus
            # The shared inputs reach the workers through a file read once per worker (the
            # pool's workers outlive the call, so a per-call initializer is no use); its name is
            # new for every sweep, so a worker never takes an earlier sweep's inputs for this
            # one's.
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="cadretext-sweep-"))
            shared = os.path.join(tmp, f"payload-{uuid.uuid4().hex}.pkl")
            with open(shared, "wb") as fh:
                pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        fits = _parallel.run_tasks(
            _fit_task,
            [(shared, k, s) for k, s in order],
            n_jobs=n_workers,
            name="sweep_k",
            on_result=lambda i, r: bar.update(1),
        )
        # then every measure of every fit, a measure per task (the counts behind a measure
        # are gathered once for all fits: _coherences)
        topics = [f["topic_ids"] for f in fits]
        # the 10-word windows (c_npmi, c_uci) are the most to count, u_mass the least
        measures = sorted(coherence, key=("c_npmi", "c_uci", "c_v", "u_mass").index)
        scores = _parallel.run_tasks(
            _coherence_task,
            [(shared, m, topics) for m in measures],
            n_jobs=min(n_workers, len(measures)) if measures else 1,
            name="sweep_k",
        )
        for measure, values in zip(measures, scores, strict=True):
            for fit, value in zip(fits, values, strict=True):
                fit[measure] = value
        return fits


def _summarise(
    fits: list[dict[str, Any]], ks: list[int], seeds: list[int], coherence: tuple[str, ...]
) -> pd.DataFrame:
    by_key = {(f["k"], f["seed"]): f for f in fits}
    rows = []
    for k in ks:
        runs = [by_key[(k, s)] for s in seeds]
        row: dict[str, Any] = {"k": k}
        for m in coherence:
            row[m] = float(np.mean([r[m] for r in runs]))
        row["diversity"] = float(np.mean([r["diversity"] for r in runs]))
        pairs = [_jaccard_match(a["top10"], b["top10"]) for a, b in combinations(runs, 2)]
        row["stability"] = float(np.mean(pairs)) if pairs else math.nan
        row["fit_time_s"] = float(np.mean([r["fit_time_s"] for r in runs]))
        rows.append(row)
    return pd.DataFrame(rows)


def suggest_k(sweep: pd.DataFrame, *, criteria: Sequence[str] | None = None) -> int:
    """Suggest a number of topics from a :func:`sweep_k` table.

    The rule: each criterion is ranked across K (higher is better, rank 1 = best, ties share
    the average rank); the K with the lowest mean rank wins; ties go to the **smaller K** (the
    more parsimonious, more readable model). Default criteria: ``c_v``, ``c_npmi`` and
    ``stability``, those present with at least one non-missing value; if neither c_v nor c_npmi
    was computed, ``u_mass`` (or ``c_uci``) stands in for coherence. Diversity is left out of
    the default because it rises mechanically as K falls. Criteria are equally weighted, so the
    two coherence measures together outweigh stability (2 to 1), as in most published practice.

    Parameters
    ----------
    sweep : pandas.DataFrame
        Output of :func:`sweep_k` (needs ``k``).
    criteria : sequence of str, optional
        Columns to rank (all "higher is better").

    Returns
    -------
    int

    Examples
    --------
    >>> table = pd.DataFrame({"k": [2, 3, 4], "c_v": [0.40, 0.50, 0.50],
    ...                       "c_npmi": [0.01, 0.05, 0.05], "stability": [0.9, 0.8, 0.8]})
    >>> suggest_k(table)
    3
    """
    if not isinstance(sweep, pd.DataFrame) or "k" not in sweep.columns or sweep.empty:
        raise ParameterError("sweep must be a non-empty table from sweep_k with a 'k' column")
    if criteria is None:
        usable = [c for c in sweep.columns if c != "k" and sweep[c].notna().any()]
        coh = [c for c in ("c_v", "c_npmi") if c in usable]
        if not coh:
            coh = [c for c in ("u_mass", "c_uci") if c in usable][:1]
        criteria = coh + (["stability"] if "stability" in usable else [])
    missing = [c for c in criteria if c not in sweep.columns]
    if not criteria or missing:
        raise ParameterError(
            f"suggest_k needs criteria columns present in the sweep; missing: {missing or 'all'}"
        )
    ranks = pd.DataFrame(
        {c: sweep[c].rank(ascending=False, method="average", na_option="bottom") for c in criteria}
    )
    score = ranks.mean(axis=1).to_numpy()
    ks = sweep["k"].to_numpy()
    best = np.flatnonzero(np.isclose(score, score.min()))
    return int(ks[best].min())
