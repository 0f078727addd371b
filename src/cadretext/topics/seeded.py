"""Seeded (guided) topics: LDA with prior word weights from the packaged seed lists."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..lexicons import WordList, as_wordlist
from ..validation import (
    check_int,
    check_number,
)
from .bow import BowCorpus
from .fit import LdaResult, as_bow, check_lda_settings, chunksize_for, make_result, train

#: Packaged seed lists used by :func:`fit_seeded_lda` when no ``seeds`` are given.
DEFAULT_SEED_TOPICS: tuple[str, ...] = ("secondment", "party_school", "closed_training")


def _seed_lists(seeds: Mapping[str, Any] | None) -> dict[str, list[str]]:
    if seeds is None:
        seeds = {name: f"topic_seeds_{name}" for name in DEFAULT_SEED_TOPICS}
    if not isinstance(seeds, Mapping) or not seeds:
        raise ParameterError("seeds must be a non-empty mapping of topic name -> seed words")
    out: dict[str, list[str]] = {}
    for name, value in seeds.items():
        if not isinstance(name, str) or not name:
            raise ParameterError(f"seeds: topic names must be non-empty strings, got {name!r}")
        if isinstance(value, str) and not (value.endswith(".txt") or os.sep in value):
            from ..lexicons import available

            if value not in available():  # a bare word, not a list name
                value = [value]
        wl = as_wordlist(value, "topic_seeds_" + name)
        if not isinstance(wl, WordList) or not wl.words:
            raise ParameterError(f"seeds[{name!r}] holds no words")
        out[name] = list(wl.words)
    return out


def fit_seeded_lda(
    tokens: Iterable[Sequence[str]] | BowCorpus,
    seeds: Mapping[str, Any] | None = None,
    *,
    extra_topics: int = 2,
    seed: int = 0,
    seed_weight: float = 1.0,
    passes: int = 10,
    iterations: int = 100,
    alpha: str | float = "auto",
    no_below: int = 2,
    no_above: float = 0.5,
    keep_n: int | None = 100_000,
    top_n: int = 20,
    chunksize: int | None = None,
    ids: Sequence[Any] | None = None,
    stream_to: str | os.PathLike[str] | None = None,
    expand: bool = True,
) -> LdaResult:
    """LDA with seeded topics: seed words are steered into named topics through gensim's ``eta``.

    The topic-word prior ``eta`` is a (K, V) matrix, ``1/K`` everywhere except seed words: a seed
    word gets an extra pseudo-count of ``seed_weight`` x (its corpus frequency) in its own topic,
    and a prior 100 times smaller in the other topics. The seeded topics then gather the words
    that co-occur with their seeds; ``extra_topics`` unseeded topics catch everything else
    (the approach of R's seededlda, with gensim's variational Bayes).

    Parameters
    ----------
    tokens : list of list of str, or BowCorpus
    seeds : mapping of str -> words, optional
        Topic name -> seed words (a list, a word-list file path or a packaged list name). Default:
        the packaged lists ``topic_seeds_secondment``, ``topic_seeds_party_school`` and
        ``topic_seeds_closed_training``. Seed words absent from the dictionary (not in the corpus,
        or filtered out by ``no_below``/``no_above``/``keep_n``) are named in a warning and
        skipped.
    extra_topics : int, default 2
        Unseeded topics, named ``other_0``, ``other_1``, ...
    seed : int, default 0
        Random seed (the fit is deterministic).
    seed_weight : float, default 1.0
        Strength of the seeding, as a multiple of each seed word's corpus frequency.
    passes, iterations, alpha, no_below, no_above, keep_n, top_n, chunksize, ids, stream_to
        As in :func:`fit_lda`.
    expand : bool, default True
        A seed word of two or more characters also seeds every vocabulary word containing it
        (党校 seeds 中央党校 and 市委党校), since Chinese compounds carry their head's meaning.

    Returns
    -------
    LdaResult
        ``topic_names`` and the ``doc_topics`` columns are the seed names, then ``other_*``;
        ``params["seed_words"]`` holds the seed words used and ``params["missing_seed_words"]``
        the ones skipped.

    Examples
    --------
    >>> docs = [["党校", "授课", "研讨"], ["跟班学习", "挂职", "企业"]] * 8
    >>> r = fit_seeded_lda(docs, {"school": ["党校"], "secondment": ["挂职"]}, extra_topics=0,
    ...                    passes=5, no_above=1.0)
    >>> r.topic_labels(2)["school"].startswith("school: ")
    True
    """
    extra_topics = check_int("extra_topics", extra_topics, minimum=0)
    seed = check_int("seed", seed, minimum=0)
    top_n = check_int("top_n", top_n, minimum=1)
    settings = check_lda_settings(
        passes=passes, iterations=iterations, alpha=alpha, chunksize=chunksize
    )
    passes, iterations, alpha = settings["passes"], settings["iterations"], settings["alpha"]
    check_number("seed_weight", seed_weight, minimum=0, low_open=True)
    lists = _seed_lists(seeds)
    names = list(lists) + [f"other_{i}" for i in range(extra_topics)]
    if len(set(names)) < len(names):
        raise ParameterError(f"seeds: topic names clash with the extra topics' names {names}")
    k = len(names)
    if k < 2:
        raise ParameterError("a seeded model needs at least 2 topics: add seeds or extra_topics")
    bow = as_bow(tokens, no_below, no_above, keep_n, stream_to)
    chunksize = chunksize_for(chunksize, bow)
    token2id = bow.dictionary.token2id
    # Chinese compounds: a seed word also seeds the vocabulary words that contain it (党校 ->
    # 中央党校, 市委党校), like seededlda's glob patterns; a word claimed by two topics stays
    # with the first.
    vocab = list(token2id)
    used: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    claimed: set[str] = set()
    for n, ws in lists.items():
        found: list[str] = []
        absent: list[str] = []
        for w in ws:
            hits = [v for v in vocab if v == w or (expand and len(w) >= 2 and w in v)]
            if not hits:
                absent.append(w)
            found += [v for v in hits if v not in claimed and v not in found]
        claimed.update(found)
        used[n] = found
        if absent:
            missing[n] = absent
    if missing:
        detail = "; ".join(f"{n}: {', '.join(ws)}" for n, ws in missing.items())
        warnings.warn(
            "seed words not in the model's vocabulary (absent from the corpus or removed by "
            f"no_below/no_above/keep_n) are ignored: {detail}",
            UserWarning,
            stacklevel=2,
        )
    freq = np.zeros(len(bow.dictionary))
    for doc in bow.corpus:
        for wid, count in doc:
            freq[wid] += count
    base = 1.0 / k
    eta = np.full((k, len(bow.dictionary)), base)
    for name in lists:
        for w in used[name]:
            wid = token2id[w]
            eta[:, wid] = np.minimum(eta[:, wid], base / 100)
    for tid, name in enumerate(lists):
        for w in used[name]:
            wid = token2id[w]
            eta[tid, wid] = base + seed_weight * freq[wid]
    model = train(
        bow,
        k,
        seed=seed,
        passes=passes,
        iterations=iterations,
        alpha=alpha,
        eta=eta,
        workers=1,
        chunksize=chunksize,
    )
    params = {
        "k": k,
        "seed": seed,
        "passes": passes,
        "iterations": iterations,
        "alpha": alpha,
        "eta": "seeded",
        "workers": 1,
        "chunksize": chunksize,
        "deterministic": True,
        "seed_weight": float(seed_weight),
        "seed_words": used,
        "missing_seed_words": missing,
        "expand": bool(expand),
    }
    return make_result(
        bow, model, names, seed=seed, chunksize=chunksize, top_n=top_n, ids=ids, params=params
    )
