"""Fitting LDA with gensim: the deterministic and the multicore paths, and the result."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FitError, ParameterError
from ..validation import (
    check_choice,
    check_int,
)
from .bow import BowCorpus, build_bow, check_k_against_units, warn_about_dropped


@dataclass(repr=False)
class LdaResult:
    """A fitted LDA model with the tables a researcher reads.

    Attributes
    ----------
    model : gensim.models.LdaModel
    dictionary : gensim.corpora.Dictionary
    corpus : PackedBow or MmCorpus
        Bags of words of the kept documents (a :class:`~cadretext.topics.PackedBow` reads as a
        list of ``(id, count)`` lists).
    doc_topics : pandas.DataFrame
        Topic shares, one row per kept document (index: input position, or ``ids``), one column
        per topic (``topic_0``, ... or the seeded topic names). Rows sum to 1.
    top_words : pandas.DataFrame
        Columns ``topic`` (name, as in ``doc_topics``), ``topic_id``, ``rank`` (1 = most
        probable), ``word``, ``weight`` (p(word | topic)).
    params : dict
        ``k``, ``seed``, ``passes``, ``iterations``, ``alpha``, ``eta``, ``no_below``,
        ``no_above``, ``keep_n``, ``workers``, ``deterministic`` and corpus sizes.
    dropped : list of int
        Input positions of the documents that were empty after filtering.
    topic_names : list of str
    texts : iterable of list of str
        Tokens of the kept documents (for coherence).
    """

    model: Any
    dictionary: Any
    corpus: Any
    doc_topics: pd.DataFrame
    top_words: pd.DataFrame
    params: dict[str, Any]
    dropped: list[int] = field(default_factory=list)
    topic_names: list[str] = field(default_factory=list)
    texts: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # stored (the report's artifact store, a user's pickle): bags of words a caller passed
        # in as lists are packed into arrays, which read back as the same lists of (id, count)
        # tuples at a tenth of the memory (build_bow packs its own already)
        from .bow import PackedBow

        state = dict(self.__dict__)
        if isinstance(state["corpus"], list):
            state["corpus"] = PackedBow(state["corpus"])
        return state

    def __repr__(self) -> str:
        p = self.params
        return (
            f"LdaResult(k={p['k']}, docs={len(self.doc_topics)}, dropped={len(self.dropped)}, "
            f"vocab={len(self.dictionary)}, seed={p['seed']}, deterministic={p['deterministic']})"
        )

    def topic_labels(self, n: int = 3) -> dict[str, str]:
        """Short labels for plots, keyed by topic name: ``{"topic_0": "0: 跟班学习 · 常州 · 企业"}``.

        Seeded topics are labelled by name (``"secondment: 跟班学习 · 挂职 · 选派"``). The keys
        are the ``doc_topics`` columns and the ``top_words["topic"]`` values, so
        ``result.doc_topics.rename(columns=result.topic_labels())`` and
        ``result.top_words["topic"].map(result.topic_labels())`` label a table in one step.
        """
        n = check_int("n", n, minimum=1)
        labels = {}
        for tid, name in enumerate(self.topic_names):
            words = [self.dictionary[w] for w, _ in self.model.get_topic_terms(tid, topn=n)]
            head = str(tid) if name == f"topic_{tid}" else name
            labels[name] = f"{head}: " + " · ".join(words)
        return labels


def chunksize_for(value: int | None, bow: BowCorpus) -> int:
    if value is None:  # at least ten online updates per pass (see fit_lda)
        return min(2000, max(16, len(bow.kept) // 10))
    return check_int("chunksize", value, minimum=1)


def as_bow(
    tokens: Any,
    no_below: int,
    no_above: float,
    keep_n: int | None,
    stream_to: str | os.PathLike[str] | None,
) -> BowCorpus:
    """A BowCorpus as given, or a new one (warning about dropped documents at the caller's
    caller: the user's line that called fit_lda, sweep_k or fit_seeded_lda)."""
    if isinstance(tokens, BowCorpus):
        return tokens
    bow = build_bow(
        tokens,
        no_below=no_below,
        no_above=no_above,
        keep_n=keep_n,
        stream_to=stream_to,
        warn_dropped=False,
    )
    warn_about_dropped(bow, stacklevel=3)
    return bow


_UNSET = object()  # eta not given: a seeded model builds its own


def check_lda_settings(
    *,
    passes: Any,
    iterations: Any,
    alpha: Any = "symmetric",
    eta: Any = _UNSET,
    chunksize: Any = None,
) -> dict[str, Any]:
    """The one check of the LDA settings :func:`fit_lda`, :func:`~cadretext.topics.sweep_k`
    and :func:`~cadretext.topics.fit_seeded_lda` share: ``passes`` and ``iterations`` positive
    integers, ``alpha`` one of auto/symmetric/asymmetric or numbers, ``eta`` auto/symmetric or
    numbers or ``None`` (not given: not checked, a seeded model builds its own), ``chunksize`` a positive
    integer or ``None``. Returns them checked."""
    out = {
        "passes": check_int("passes", passes, minimum=1),
        "iterations": check_int("iterations", iterations, minimum=1),
        "alpha": check_prior("alpha", alpha, ("auto", "symmetric", "asymmetric")),
        "chunksize": None if chunksize is None else check_int("chunksize", chunksize, minimum=1),
    }
    if eta is not _UNSET:
        out["eta"] = check_prior("eta", eta, ("auto", "symmetric"))
    return out


def check_prior(name: str, value: Any, allowed: tuple[str, ...]) -> Any:
    if isinstance(value, str):  # a named prior; otherwise numbers, checked by gensim
        check_choice(name, value, allowed)
    return value


def _is_finite(model: Any) -> bool:
    """Whether an LDA model's topic-word state and priors hold only finite numbers."""
    parts = [model.get_topics(), np.asarray(model.alpha, dtype=float)]
    parts.append(np.asarray(model.eta, dtype=float))
    # what inference multiplies with (exp of the expected log topic-word weights)
    parts.append(np.asarray(model.expElogbeta, dtype=float))
    return all(np.isfinite(p).all() for p in parts)


def finite_lda(make: Any, alpha: Any, eta: Any) -> Any:
    """``make(alpha, eta)``, checked: a fit must never carry NaN or inf silently.

    gensim's updates of ``alpha``/``eta="auto"`` (Newton steps on the Dirichlet priors) can
    diverge on a tiny corpus, and a value that overflows to inf then meets a zero in a later
    inference (numpy prints "invalid value encountered in dot"; a NaN alone does not warn). The
    float32 arithmetic, and so whether it happens, can differ between CPUs for one seed. Such a
    fit is refitted once with the symmetric priors
    in place of the learnt ones (recorded as ``model.cadretext_refit``); if that is not finite
    either, a :class:`FitError` says so. Numerical warnings of the first fit are checked here,
    not printed.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model = make(alpha, eta)
        if _is_finite(model):
            model.cadretext_refit = None
            return model
        fixed_alpha = "symmetric" if isinstance(alpha, str) and alpha == "auto" else alpha
        fixed_eta = "symmetric" if isinstance(eta, str) and eta == "auto" else eta
        model = make(fixed_alpha, fixed_eta)
    if not _is_finite(model):
        raise FitError(
            "the LDA fit produced non-finite values even with symmetric priors; try fewer "
            "topics, more passes, or a larger no_below"
        )
    model.cadretext_refit = {"alpha": fixed_alpha, "eta": fixed_eta}
    return model


def train(
    bow: BowCorpus,
    k: int,
    *,
    seed: int,
    passes: int,
    iterations: int,
    alpha: Any,
    eta: Any,
    workers: int,
    chunksize: int,
) -> Any:
    from gensim.models import LdaModel, LdaMulticore

    common = {
        "corpus": bow.corpus,
        "id2word": bow.dictionary,
        "num_topics": k,
        "passes": passes,
        "iterations": iterations,
        "chunksize": chunksize,
        "eta": eta,
        "random_state": seed,
        "eval_every": None,  # perplexity logging costs a pass over the corpus; not needed
    }
    if workers == 1:
        return finite_lda(lambda a, e: LdaModel(alpha=a, **{**common, "eta": e}), alpha, eta)
    if isinstance(alpha, str) and alpha == "auto":
        raise ParameterError(
            "alpha='auto' is not available with workers > 1 (gensim's LdaMulticore cannot learn "
            "alpha); pass alpha='symmetric' or 'asymmetric', or use workers=1"
        )
    return finite_lda(
        lambda a, e: LdaMulticore(alpha=a, workers=workers, **{**common, "eta": e}), alpha, eta
    )


def _doc_topic_matrix(model: Any, corpus: Any, seed: int, chunksize: int) -> np.ndarray:
    """Normalised variational gamma per document (what ``get_document_topics`` returns).

    Inference draws its starting point from the model's random state; it is reset to ``seed``
    here so that the table does not depend on what else was asked of the model before.
    """
    from gensim.utils import grouper

    saved = model.random_state
    model.random_state = np.random.RandomState(seed)
    try:
        rows = []
        # an overflow inside inference is not printed into a report: the result is checked below
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for chunk in grouper(corpus, chunksize):
                gamma, _ = model.inference(list(chunk))
                gamma = np.asarray(gamma, dtype=np.float64)
                rows.append(gamma / gamma.sum(axis=1, keepdims=True))
    finally:
        model.random_state = saved
    matrix = np.vstack(rows) if rows else np.zeros((0, model.num_topics))
    if not np.isfinite(matrix).all():
        bad = int((~np.isfinite(matrix).all(axis=1)).sum())
        raise FitError(
            f"topic inference gave non-finite topic shares for {bad} unit(s); the fitted model "
            "is numerically unstable on this corpus: try fewer topics, alpha='symmetric', or a "
            "larger no_below"
        )
    return matrix


def _top_words_table(model: Any, dictionary: Any, names: list[str], top_n: int) -> pd.DataFrame:
    rows = []
    for tid, name in enumerate(names):
        for rank, (wid, weight) in enumerate(model.get_topic_terms(tid, topn=top_n), start=1):
            rows.append((name, tid, rank, dictionary[wid], float(weight)))
    return pd.DataFrame(rows, columns=["topic", "topic_id", "rank", "word", "weight"])


def _index(bow: BowCorpus, ids: Sequence[Any] | None) -> pd.Index:
    if ids is None:
        return pd.Index(bow.kept, name="doc")
    values = np.asarray(list(ids), dtype=object)
    if len(values) != bow.n_docs:
        raise ParameterError(
            f"ids has {len(values)} entries but there are {bow.n_docs} documents; pass one id per "
            "document (e.g. units['unit_id'])"
        )
    name = getattr(ids, "name", None) or "doc"
    return pd.Index(values[bow.kept].tolist(), name=name)


def make_result(
    bow: BowCorpus,
    model: Any,
    names: list[str],
    *,
    seed: int,
    chunksize: int,
    top_n: int,
    ids: Sequence[Any] | None,
    params: dict[str, Any],
) -> LdaResult:
    matrix = _doc_topic_matrix(model, bow.corpus, seed, chunksize)
    doc_topics = pd.DataFrame(matrix, index=_index(bow, ids), columns=names)
    return LdaResult(
        model=model,
        dictionary=bow.dictionary,
        corpus=bow.corpus,
        doc_topics=doc_topics,
        top_words=_top_words_table(model, bow.dictionary, names, top_n),
        params={
            **bow.params,
            **params,
            "n_docs": bow.n_docs,
            "n_kept": len(bow.kept),
            "vocab_size": len(bow.dictionary),
        },
        dropped=list(bow.dropped),
        topic_names=names,
        texts=bow.texts,
    )


def fit_lda(
    tokens: Iterable[Sequence[str]] | BowCorpus,
    k: int,
    *,
    seed: int = 0,
    passes: int = 10,
    iterations: int = 100,
    alpha: str | float | Sequence[float] = "auto",
    eta: str | float | Sequence[float] | None = "auto",
    workers: int = 1,
    no_below: int = 2,
    no_above: float = 0.5,
    keep_n: int | None = 100_000,
    top_n: int = 20,
    chunksize: int | None = None,
    ids: Sequence[Any] | None = None,
    stream_to: str | os.PathLike[str] | None = None,
) -> LdaResult:
    """Fit an LDA topic model with gensim.

    Parameters
    ----------
    tokens : list of list of str, iterable of them, or BowCorpus
        One token list per document or unit. A :class:`BowCorpus` from :func:`build_bow` is used
        as is (then ``no_below``/``no_above``/``keep_n``/``stream_to`` are ignored).
    k : int
        Number of topics (>= 2).
    seed : int, default 0
        Random seed: with ``workers=1`` the same tokens and seed give identical results.
    passes, iterations : int
        Passes over the corpus; maximum inference iterations per document.
    alpha, eta : default "auto"
        Dirichlet priors, as in gensim ("auto" learns an asymmetric prior from the data).
    workers : int, default 1
        1: ``LdaModel``, deterministic. >1: ``LdaMulticore`` with that many worker processes,
        faster on big corpora but **not deterministic**; it cannot use ``alpha="auto"``.
    no_below, no_above, keep_n, stream_to
        Passed to :func:`build_bow`.
    top_n : int, default 20
        Words per topic in ``top_words``.
    chunksize : int, optional
        Documents per online update. Default: ``min(2000, max(16, n_docs // 10))``, i.e. at
        least ten model updates per pass. gensim's fixed 2000 means a corpus under 2000
        documents gets one update per pass, and ten passes then leave the online estimate far
        from converged (on a planted two-topic corpus of 200 documents, 2000 mixed the two
        vocabularies in one topic's top words at passes=10; 20 recovered them).
    ids : sequence, optional
        One id per input document (e.g. ``units["unit_id"]``) to index ``doc_topics``;
        default: input positions.

    Returns
    -------
    LdaResult

    Examples
    --------
    >>> docs = [["党校", "授课", "研讨"], ["跟班学习", "挂职", "企业"], []] * 8
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     r = fit_lda(docs, 2, seed=1, passes=3, no_above=1.0)
    >>> r.doc_topics.shape, r.dropped[:2], r.params["deterministic"]
    ((16, 2), [2, 5], True)
    """
    k = check_int("k", k, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    settings = check_lda_settings(
        passes=passes, iterations=iterations, alpha=alpha, eta=eta, chunksize=chunksize
    )
    passes, iterations, alpha, eta = (settings[n] for n in ("passes", "iterations", "alpha", "eta"))
    workers = check_int("workers", workers, minimum=1)
    top_n = check_int("top_n", top_n, minimum=1)
    bow = as_bow(tokens, no_below, no_above, keep_n, stream_to)
    check_k_against_units("k", k, bow)
    chunksize = chunksize_for(chunksize, bow)
    model = train(
        bow,
        k,
        seed=seed,
        passes=passes,
        iterations=iterations,
        alpha=alpha,
        eta=eta,
        workers=workers,
        chunksize=chunksize,
    )
    names = [f"topic_{i}" for i in range(k)]
    params = {
        "k": k,
        "seed": seed,
        "passes": passes,
        "iterations": iterations,
        "alpha": alpha,
        "eta": eta,
        "workers": workers,
        "chunksize": chunksize,
        "deterministic": workers == 1,
        "refit_with": getattr(model, "cadretext_refit", None),
    }
    return make_result(
        bow, model, names, seed=seed, chunksize=chunksize, top_n=top_n, ids=ids, params=params
    )
