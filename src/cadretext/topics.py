"""Topic models with gensim: bag of words, LDA, an honest K sweep, seeded topics, prevalence, pyLDAvis.

Every function takes tokens as ``list[list[str]]`` (from :func:`cadretext.tokenize`), aligned with
documents or with paragraph/sentence units from :func:`cadretext.split_units`. With few, long
reports (the five seeds) model paragraphs; with thousands of reports, documents.

Which path is deterministic
---------------------------
:func:`fit_lda` with ``workers=1`` (the default) trains gensim's ``LdaModel`` with
``random_state=seed``: the same tokens and seed give identical topics and document-topic shares.
``workers>1`` trains ``LdaMulticore``, whose worker processes update the model in whatever order
they finish: faster on big corpora, **not reproducible** (``result.params["deterministic"]`` says
which path ran). :func:`sweep_k` always uses the deterministic path and parallelises across
(K, seed) fits instead, so its table is identical for any ``n_jobs``.

Examples
--------
>>> from cadretext.topics import fit_lda
>>> docs = [["党校", "授课", "研讨", "学员"], ["跟班学习", "挂职", "企业", "园区"]] * 10
>>> result = fit_lda(docs, 2, seed=0, passes=5, no_above=1.0)
>>> sorted(result.top_words.groupby("topic")["word"].apply(lambda w: "党校" in set(w[:4])))
[False, True]
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
import warnings
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._io import atomic_write_text
from .errors import CadretextError, FitError, ParameterError, WorkerError
from .lexicons import WordList, as_wordlist
from .validation import (
    check_choice,
    check_int,
    check_number,
    check_token_lists,
    iter_token_lists,
)

__all__ = [
    "BowCorpus",
    "EmptyDocumentsWarning",
    "LdaResult",
    "build_bow",
    "fit_lda",
    "fit_seeded_lda",
    "save_topic_outputs",
    "suggest_k",
    "sweep_k",
    "to_pyldavis_html",
    "topic_prevalence",
]

#: Packaged seed lists used by :func:`fit_seeded_lda` when no ``seeds`` are given.
DEFAULT_SEED_TOPICS: tuple[str, ...] = ("secondment", "party_school", "closed_training")
COHERENCE_MEASURES: tuple[str, ...] = ("c_v", "c_npmi", "u_mass")
_KNOWN_MEASURES = ("c_v", "c_npmi", "c_uci", "u_mass")


class EmptyDocumentsWarning(UserWarning):
    """Some documents had no word left after filtering and were left out of the model."""


# --------------------------------------------------------------------------- bag of words
class _TokenFile:
    """Re-iterable token lists stored one JSON array per line (the streaming path's texts)."""

    def __init__(self, path: Path, dropped: Iterable[int] = (), n_docs: int | None = None):
        self.path = Path(path)
        self.dropped = frozenset(dropped)
        self.n_docs = n_docs

    def __iter__(self) -> Iterator[list[str]]:
        with self.path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i not in self.dropped:
                    yield json.loads(line)

    def __len__(self) -> int:
        if self.n_docs is None:
            with self.path.open(encoding="utf-8") as fh:
                self.n_docs = sum(1 for _ in fh)
        return self.n_docs - len(self.dropped)


@dataclass(repr=False)
class BowCorpus:
    """A gensim Dictionary and bag-of-words corpus, with the documents that were dropped.

    Attributes
    ----------
    dictionary : gensim.corpora.Dictionary
        Vocabulary after ``filter_extremes``.
    corpus : list or gensim.corpora.MmCorpus
        One bag of words per *kept* document (a list in memory; an ``MmCorpus`` streamed from
        disk on the streaming path).
    texts : iterable of list of str
        The kept documents' tokens (for c_v / c_npmi coherence), re-iterable.
    kept : numpy.ndarray
        Positions (in the input) of the kept documents, in corpus order.
    dropped : list of int
        Positions of the documents that ended up empty and were dropped.
    n_docs : int
        Number of input documents.
    params : dict
        ``no_below``, ``no_above``, ``keep_n``.
    path : Path or None
        Folder of the serialised corpus on the streaming path.
    """

    dictionary: Any
    corpus: Any
    texts: Any
    kept: np.ndarray
    dropped: list[int]
    n_docs: int
    params: dict[str, Any]
    path: Path | None = None

    def __repr__(self) -> str:
        where = f", path={str(self.path)!r}" if self.path else ""
        return (
            f"BowCorpus(n_docs={self.n_docs}, kept={len(self.kept)}, dropped={len(self.dropped)}, "
            f"vocab={len(self.dictionary)}{where})"
        )


def _check_k_against_units(name: str, k: int, bow: BowCorpus) -> None:
    """K topics need at least K units with words left (more topics than units cannot be told
    apart, and the fit's time grows with K for nothing)."""
    check_int(
        name,
        k,
        minimum=2,
        maximum=len(bow.kept),
        maximum_name="the number of units with words left",
    )


def _is_in_memory(tokens: Any) -> bool:
    return isinstance(tokens, list | tuple | pd.Series | np.ndarray)


def build_bow(
    tokens: Iterable[Sequence[str]],
    *,
    no_below: int = 2,
    no_above: float = 0.5,
    keep_n: int | None = 100_000,
    stream_to: str | os.PathLike[str] | None = None,
    warn_dropped: bool = True,
) -> BowCorpus:
    """Build the gensim Dictionary and bag-of-words corpus; drop and report empty documents.

    Words in fewer than ``no_below`` documents or in more than ``no_above`` (a share) of them are
    removed, then only the ``keep_n`` most frequent are kept (gensim's ``filter_extremes``).
    Documents left with no word are dropped (gensim's coherence hangs on empty documents) and
    listed in ``.dropped``; an :class:`EmptyDocumentsWarning` says how many.

    Parameters
    ----------
    tokens : list of list of str, or an iterable / generator of them
        A list (or tuple, Series) is handled in memory. Any other iterable, or any input with
        ``stream_to``, takes the streaming path: tokens are read once, spooled to
        ``tokens.jsonl`` and the corpus is serialised with gensim's ``MmCorpus``, so memory
        grows with the vocabulary, not with the number of documents.
    no_below : int, default 2
        Minimum document frequency. A word seen in one document cannot define a co-occurrence
        theme.
    no_above : float, default 0.5
        Maximum document share (0, 1]. With very few units (say under 20), raise it.
    keep_n : int or None, default 100000
        Keep at most this many words (None: all).
    stream_to : path, optional
        Folder for the streamed corpus (``tokens.jsonl``, ``corpus.mm``, ``dictionary.dict``).
        A one-shot iterator without ``stream_to`` streams to a temporary folder that is removed
        when the corpus object is garbage-collected.
    warn_dropped : bool, default True
        Warn when documents are dropped.

    Returns
    -------
    BowCorpus

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     bow = build_bow([["党校", "授课"], ["党校", "授课"], ["罕见"]], no_above=1.0)
    >>> bow.dropped, sorted(bow.dictionary.token2id), caught[0].category.__name__
    ([2], ['党校', '授课'], 'EmptyDocumentsWarning')
    """
    no_below = check_int("no_below", no_below, minimum=1)
    check_number("no_above", no_above, minimum=0, maximum=1, low_open=True)
    if keep_n is not None:
        keep_n = check_int("keep_n", keep_n, minimum=1)
    params = {"no_below": no_below, "no_above": float(no_above), "keep_n": keep_n}
    if stream_to is None and _is_in_memory(tokens):
        bow = _bow_in_memory(list(tokens), params)
    else:
        bow = _bow_streaming(tokens, params, stream_to)
    if warn_dropped:
        _warn_dropped(bow, stacklevel=2)
    return bow


def _warn_dropped(bow: BowCorpus, stacklevel: int) -> None:
    if not bow.dropped:
        return
    p = bow.params
    shown = ", ".join(map(str, bow.dropped[:10])) + (", ..." if len(bow.dropped) > 10 else "")
    warnings.warn(
        f"{len(bow.dropped)} of {bow.n_docs} documents have no word left after filtering "
        f"(no_below={p['no_below']}, no_above={p['no_above']}) and were dropped: positions {shown}",
        EmptyDocumentsWarning,
        stacklevel=stacklevel + 1,
    )


def _filter(dictionary: Any, params: dict[str, Any], n_docs: int) -> None:
    if n_docs == 0:
        raise ParameterError("tokens: no documents given")
    dictionary.filter_extremes(
        no_below=params["no_below"], no_above=params["no_above"], keep_n=params["keep_n"]
    )
    if len(dictionary) == 0:
        raise ParameterError(
            f"no word occurs in at least no_below={params['no_below']} and at most "
            f"no_above={params['no_above']} of the {n_docs} documents; lower no_below or raise "
            "no_above"
        )


def _bow_in_memory(tokens: list[Any], params: dict[str, Any]) -> BowCorpus:
    from gensim.corpora import Dictionary

    docs = check_token_lists(tokens)
    dictionary = Dictionary(docs)
    _filter(dictionary, params, len(docs))
    bows = [dictionary.doc2bow(d) for d in docs]
    kept = [i for i, b in enumerate(bows) if b]
    dropped = [i for i, b in enumerate(bows) if not b]
    return BowCorpus(
        dictionary=dictionary,
        corpus=[bows[i] for i in kept],
        texts=[docs[i] for i in kept],
        kept=np.asarray(kept, dtype=np.int64),
        dropped=dropped,
        n_docs=len(docs),
        params=params,
    )


def _bow_streaming(
    tokens: Iterable[Any], params: dict[str, Any], stream_to: str | os.PathLike[str] | None
) -> BowCorpus:
    from gensim.corpora import Dictionary, MmCorpus

    temporary = stream_to is None
    root = Path(tempfile.mkdtemp(prefix="cadretext-bow-")) if temporary else Path(stream_to)
    root.mkdir(parents=True, exist_ok=True)
    tok_path = root / "tokens.jsonl"
    dictionary = Dictionary()
    n_docs = 0
    # pass 1: vocabulary, spooling the tokens so that a generator need be read only once
    with tok_path.open("w", encoding="utf-8") as fh:
        for doc in iter_token_lists(tokens):
            dictionary.add_documents([doc])
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            n_docs += 1
    _filter(dictionary, params, n_docs)
    dropped: list[int] = []

    def bows() -> Iterator[list[tuple[int, int]]]:
        for i, doc in enumerate(_TokenFile(tok_path)):
            bow = dictionary.doc2bow(doc)
            if bow:
                yield bow
            else:
                dropped.append(i)

    # pass 2: the corpus goes straight to disk (Matrix Market + offset index)
    mm_path = root / "corpus.mm"
    MmCorpus.serialize(str(mm_path), bows(), id2word=dictionary)
    dictionary.save(str(root / "dictionary.dict"))
    corpus = MmCorpus(str(mm_path))
    if temporary:
        weakref.finalize(corpus, shutil.rmtree, str(root), ignore_errors=True)
    dropped_set = set(dropped)
    kept = np.fromiter((i for i in range(n_docs) if i not in dropped_set), dtype=np.int64)
    return BowCorpus(
        dictionary=dictionary,
        corpus=corpus,
        texts=_TokenFile(tok_path, dropped, n_docs),
        kept=kept,
        dropped=dropped,
        n_docs=n_docs,
        params=params,
        path=root,
    )


# --------------------------------------------------------------------------- LDA
@dataclass(repr=False)
class LdaResult:
    """A fitted LDA model with the tables a researcher reads.

    Attributes
    ----------
    model : gensim.models.LdaModel
    dictionary : gensim.corpora.Dictionary
    corpus : list or MmCorpus
        Bags of words of the kept documents.
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


def _chunksize(value: int | None, bow: BowCorpus) -> int:
    if value is None:  # at least ten online updates per pass (see fit_lda)
        return min(2000, max(16, len(bow.kept) // 10))
    return check_int("chunksize", value, minimum=1)


def _as_bow(
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
    _warn_dropped(bow, stacklevel=3)
    return bow


def _check_prior(name: str, value: Any, allowed: tuple[str, ...]) -> Any:
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


def _finite_lda(make: Any, alpha: Any, eta: Any) -> Any:
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


def _train(
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
        return _finite_lda(lambda a, e: LdaModel(alpha=a, **{**common, "eta": e}), alpha, eta)
    if isinstance(alpha, str) and alpha == "auto":
        raise ParameterError(
            "alpha='auto' is not available with workers > 1 (gensim's LdaMulticore cannot learn "
            "alpha); pass alpha='symmetric' or 'asymmetric', or use workers=1"
        )
    return _finite_lda(
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


def _result(
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
    passes = check_int("passes", passes, minimum=1)
    iterations = check_int("iterations", iterations, minimum=1)
    workers = check_int("workers", workers, minimum=1)
    top_n = check_int("top_n", top_n, minimum=1)
    alpha = _check_prior("alpha", alpha, ("auto", "symmetric", "asymmetric"))
    eta = _check_prior("eta", eta, ("auto", "symmetric"))
    if chunksize is not None:
        check_int("chunksize", chunksize, minimum=1)
    bow = _as_bow(tokens, no_below, no_above, keep_n, stream_to)
    _check_k_against_units("k", k, bow)
    chunksize = _chunksize(chunksize, bow)
    model = _train(
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
    return _result(
        bow, model, names, seed=seed, chunksize=chunksize, top_n=top_n, ids=ids, params=params
    )


# --------------------------------------------------------------------------- K sweep
def _jaccard_match(a: list[list[str]], b: list[list[str]]) -> float:
    """Mean Jaccard similarity of topics matched one-to-one (Hungarian algorithm)."""
    from scipy.optimize import linear_sum_assignment

    sa, sb = [set(t) for t in a], [set(t) for t in b]
    sim = np.array([[len(x & y) / len(x | y) if x | y else 1.0 for y in sb] for x in sa])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return float(sim[rows, cols].mean())


def _evaluate(
    dictionary: Any,
    corpus: Any,
    texts: Any,
    k: int,
    seed: int,
    coherence: tuple[str, ...],
    fit_kwargs: dict[str, Any],
) -> dict[str, Any]:
    from gensim.models import CoherenceModel, LdaModel
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    # one BLAS thread in every fit, serial or parallel: same arithmetic, so identical results
    with threadpool_limits(limits=1):
        model = _finite_lda(
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
        for measure in coherence:
            cm = CoherenceModel(
                model=model,
                corpus=corpus if measure == "u_mass" else None,
                texts=None if measure == "u_mass" else texts,
                dictionary=dictionary,
                coherence=measure,
                topn=10,
                processes=1,
            )
            out[measure] = float(cm.get_coherence())
    top25 = [[w for w, _ in model.get_topic_terms(t, topn=25)] for t in range(k)]
    out["diversity"] = len({w for t in top25 for w in t}) / sum(len(t) for t in top25)
    out["top10"] = [[dictionary[w] for w in t[:10]] for t in top25]
    out["fit_time_s"] = time.perf_counter() - start
    return out


_WORKER: dict[str, Any] = {}


def _init_worker(payload_path: str) -> None:
    import pickle

    with open(payload_path, "rb") as fh:
        payload = pickle.load(fh)
    if payload.get("mm_path"):
        from gensim.corpora import MmCorpus

        payload["corpus"] = MmCorpus(payload.pop("mm_path"))
    _WORKER.update(payload)


def _evaluate_in_worker(k: int, seed: int) -> dict[str, Any]:
    w = _WORKER
    return _evaluate(
        w["dictionary"], w["corpus"], w["texts"], k, seed, w["coherence"], w["fit_kwargs"]
    )


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
        co-occurrence counts and is the cheap one for large sweeps.
    passes, iterations, alpha, eta, no_below, no_above, keep_n, chunksize
        As in :func:`fit_lda` (``chunksize`` default: at least ten updates per pass).
    n_jobs : int, default 1
        Worker processes (spawned) running fits in parallel; -1: all cores. The table is
        identical for any ``n_jobs`` (every fit uses one BLAS thread and its own seed).
    progress : bool, default False
        Show a tqdm progress bar over the fits.

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
    bad = [m for m in coherence if m not in _KNOWN_MEASURES]
    if bad:
        raise ParameterError(
            f"unknown coherence measure(s) {bad}; choose from {', '.join(_KNOWN_MEASURES)}"
        )
    n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else check_int("n_jobs", n_jobs, minimum=1)
    fit_kwargs = {
        "passes": check_int("passes", passes, minimum=1),
        "iterations": check_int("iterations", iterations, minimum=1),
        "alpha": _check_prior("alpha", alpha, ("auto", "symmetric", "asymmetric")),
        "eta": _check_prior("eta", eta, ("auto", "symmetric")),
    }
    if chunksize is not None:
        check_int("chunksize", chunksize, minimum=1)
    bow = _as_bow(tokens, no_below, no_above, keep_n, None)
    _check_k_against_units("ks", max(ks), bow)
    fit_kwargs["chunksize"] = _chunksize(chunksize, bow)
    tasks = [(k, s) for k in ks for s in seeds]
    fits: list[dict[str, Any]] = []
    bar = _progress(len(tasks), progress)
    try:
        if n_jobs == 1 or len(tasks) == 1:
            for k, s in tasks:
                fits.append(
                    _evaluate(bow.dictionary, bow.corpus, bow.texts, k, s, coherence, fit_kwargs)
                )
                bar.update(1)
        else:
            fits = _run_parallel(bow, tasks, coherence, fit_kwargs, min(n_jobs, len(tasks)), bar)
    finally:
        bar.close()
    return _summarise(fits, ks, seeds, coherence)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, show: bool) -> Any:
    if not show:  # importing tqdm.auto in a kernel without ipywidgets warns; skip it entirely
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="sweep_k fits")


def _run_parallel(
    bow: BowCorpus,
    tasks: list[tuple[int, int]],
    coherence: tuple[str, ...],
    fit_kwargs: dict[str, Any],
    n_workers: int,
    bar: Any,
) -> list[dict[str, Any]]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    payload: dict[str, Any] = {
        "dictionary": bow.dictionary,
        "texts": bow.texts,
        "coherence": coherence,
        "fit_kwargs": fit_kwargs,
    }
    if bow.path is not None:  # streamed corpus: workers reopen it from disk
        payload["mm_path"] = str(bow.path / "corpus.mm")
    else:
        payload["corpus"] = bow.corpus
    import pickle
    from concurrent.futures.process import BrokenProcessPool

    fits = []
    # the shared data go to workers through a file, not the spawn pipe: a large pickle written
    # to a worker that failed to start can block the parent
    with tempfile.TemporaryDirectory(prefix="cadretext-sweep-") as tmp:
        payload_path = os.path.join(tmp, "payload.pkl")
        with open(payload_path, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with ProcessPoolExecutor(
                max_workers=n_workers,
                mp_context=mp.get_context("spawn"),
                initializer=_init_worker,
                initargs=(payload_path,),
            ) as pool:
                # largest K first: the longest fits start early and the short ones fill in
                # behind them, so no worker is left running one long fit alone at the end
                order = sorted(tasks, key=lambda t: -t[0])
                futures = [pool.submit(_evaluate_in_worker, k, s) for k, s in order]
                for fut in as_completed(futures):
                    fits.append(fut.result())
                    bar.update(1)
        except BrokenProcessPool as exc:
            raise WorkerError("sweep_k") from exc
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


# --------------------------------------------------------------------------- seeded topics
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
            from .lexicons import available

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
    if chunksize is not None:
        check_int("chunksize", chunksize, minimum=1)
    passes = check_int("passes", passes, minimum=1)
    iterations = check_int("iterations", iterations, minimum=1)
    alpha = _check_prior("alpha", alpha, ("auto", "symmetric", "asymmetric"))
    check_number("seed_weight", seed_weight, minimum=0, low_open=True)
    lists = _seed_lists(seeds)
    names = list(lists) + [f"other_{i}" for i in range(extra_topics)]
    if len(set(names)) < len(names):
        raise ParameterError(f"seeds: topic names clash with the extra topics' names {names}")
    k = len(names)
    if k < 2:
        raise ParameterError("a seeded model needs at least 2 topics: add seeds or extra_topics")
    bow = _as_bow(tokens, no_below, no_above, keep_n, stream_to)
    chunksize = _chunksize(chunksize, bow)
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
    model = _train(
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
    return _result(
        bow, model, names, seed=seed, chunksize=chunksize, top_n=top_n, ids=ids, params=params
    )


# --------------------------------------------------------------------------- prevalence
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


# --------------------------------------------------------------------------- pyLDAvis
def _pyldavis() -> Any:
    try:
        import pyLDAvis
        import pyLDAvis.urls
    except ImportError as exc:  # optional dependency
        raise CadretextError(
            "to_pyldavis_html needs pyLDAvis, which is not installed: pip install 'pyLDAvis>=3.4.1'"
        ) from exc
    return pyLDAvis


def _inline(code: str) -> str:
    # a literal "</" would end the inlined <script>/<style> element early
    return code.replace("</", "<\\/")


def _js_pcoa(distributions: np.ndarray) -> np.ndarray:
    """2-D principal coordinates of the topics under the Jensen-Shannon distance.

    pyLDAvis' own PCoA takes ``numpy.linalg.eig`` of the (symmetric) centred distance matrix,
    which returns complex values from rounding once there are about ten topics, and its JSON
    export then fails; the symmetric solver ``eigh`` gives the same coordinates, always real.
    """
    from scipy.spatial.distance import pdist, squareform

    d = squareform(pdist(np.asarray(distributions, dtype=np.float64), "jensenshannon")) ** 2
    n = d.shape[0]
    centre = np.eye(n) - np.full((n, n), 1.0 / n)
    b = -0.5 * centre @ d @ centre
    values, vectors = np.linalg.eigh(b)
    order = np.argsort(values)[::-1][:2]
    coords = vectors[:, order] * np.sqrt(np.clip(values[order], 0.0, None))
    if coords.shape[1] < 2:  # two topics: one axis
        coords = np.hstack([coords, np.zeros((n, 2 - coords.shape[1]))])
    return coords


def to_pyldavis_html(
    result: LdaResult,
    path: str | os.PathLike[str] | None = None,
    *,
    R: int = 30,
    lambda_step: float = 0.01,
    title: str | None = None,
) -> Path | str:
    """Interactive pyLDAvis page that opens offline: d3, LDAvis JS and CSS are inlined.

    pyLDAvis' own HTML loads d3 and LDAvis from CDNs; here the data are prepared with
    ``pyLDAvis.prepare`` (topic order kept, topics numbered from 0 as in ``doc_topics``), and the
    page inlines the d3 and LDAvis files shipped inside the installed pyLDAvis package. Above the
    chart, a list maps topic numbers to their top five words (and seeded names).

    Parameters
    ----------
    result : LdaResult
    path : path, optional
        Write the page here (atomically).
    R : int, default 30
        Terms shown per topic.
    lambda_step : float, default 0.01
    title : str, optional

    Returns
    -------
    Path or str
        The path written, when ``path`` is given; otherwise the HTML page itself.

    Examples
    --------
    >>> docs = [["党校", "授课", "研讨"], ["跟班学习", "挂职", "企业"]] * 8
    >>> page = to_pyldavis_html(fit_lda(docs, 2, passes=2, no_above=1.0))
    >>> "<script src=" in page, "new LDAvis(" in page
    (False, True)
    """
    if not isinstance(result, LdaResult):
        raise ParameterError("result must be an LdaResult from fit_lda or fit_seeded_lda")
    pyLDAvis = _pyldavis()
    model, dictionary = result.model, result.dictionary
    n_terms = len(dictionary)
    term_frequency = np.zeros(n_terms)
    doc_lengths = []
    for doc in result.corpus:
        doc_lengths.append(sum(c for _, c in doc))
        for wid, count in doc:
            term_frequency[wid] += count
    topic_term = model.get_topics().astype(np.float64)
    topic_term /= topic_term.sum(axis=1, keepdims=True)
    prepared = pyLDAvis.prepare(
        topic_term_dists=topic_term,
        doc_topic_dists=result.doc_topics.to_numpy(dtype=np.float64),
        doc_lengths=np.asarray(doc_lengths),
        vocab=[dictionary[i] for i in range(n_terms)],
        term_frequency=term_frequency,
        R=max(1, min(int(R), n_terms)),
        lambda_step=lambda_step,
        sort_topics=False,
        start_index=0,
        n_jobs=1,
        mds=_js_pcoa,
    )
    files = pyLDAvis.urls

    def read(p: str) -> str:
        return Path(p).read_text(encoding="utf-8")

    import html as html_lib

    title = title or f"LDA topics (K={result.params['k']}, seed={result.params['seed']})"
    labels = "\n".join(
        f"<li>{html_lib.escape(lab)}</li>" for lab in result.topic_labels(5).values()
    )
    page = f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{html_lib.escape(title)}</title>
<style>
{_inline(read(files.LDAVIS_CSS_LOCAL))}
body {{ font-family: sans-serif; background: white; }}
</style>
<script>
{_inline(read(files.D3_LOCAL))}
</script>
<script>
{_inline(read(files.LDAVIS_LOCAL))}
</script>
</head>
<body>
<h1>{html_lib.escape(title)}</h1>
<ul style="list-style: none; padding-left: 0;">
{labels}
</ul>
<div id="ldavis_cadretext"></div>
<script>
var ldavis_cadretext_data = {_inline(prepared.to_json())};
new LDAvis("#ldavis_cadretext", ldavis_cadretext_data);
</script>
</body>
</html>
"""
    if path is not None:
        return atomic_write_text(path, page)
    return page


# --------------------------------------------------------------------------- outputs
def save_topic_outputs(
    result: LdaResult,
    out_dir: str | os.PathLike[str],
    *,
    meta: pd.DataFrame | None = None,
    html: bool = True,
) -> dict[str, Path]:
    """Write ``top_words.csv``, ``doc_topics.csv`` and ``ldavis.html`` into ``out_dir``, atomically.

    Parameters
    ----------
    result : LdaResult
    out_dir : path
        Created if needed.
    meta : DataFrame, optional
        Columns to put before the topic shares in ``doc_topics.csv`` (e.g. doc_id,
        program_type), indexed like ``result.doc_topics``.
    html : bool, default True
        Also write the offline pyLDAvis page.

    Returns
    -------
    dict
        File kind -> path written.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out / out_dir must be a folder: {out} is a file")
    table = result.doc_topics
    if meta is not None:
        table = meta.reindex(table.index).join(table)
    written = {
        "top_words": atomic_write_text(out / "top_words.csv", result.top_words.to_csv(index=False)),
        "doc_topics": atomic_write_text(out / "doc_topics.csv", table.to_csv()),
    }
    if html:
        written["ldavis"] = Path(to_pyldavis_html(result, out / "ldavis.html"))
    return written
