"""Which words distinguish one group of reports from the others: TF-IDF, keyness, KWIC.

* :func:`tfidf` weighs the words of each document (scikit-learn's ``TfidfVectorizer`` on
  tokens from :func:`cadretext.tokenize`; nothing is re-segmented).
* :func:`top_terms` lists the heaviest words per document or per group as a tidy table.
* :func:`keyness` compares a target group (say, the secondment reports) with a reference
  (all other reports, or chosen groups) term by term: signed chi-square or log-likelihood G2
  with p-values (as R's quanteda ``textstat_keyness``), PMI, or the weighted log-odds ratio with
  an informative Dirichlet prior of Monroe, Colaresi & Quinn (2008, "Fightin' Words"), each with
  counts, rates per 10,000 tokens and a log-ratio effect size.
* :func:`kwic` shows every occurrence of a word in its context, to read what a keyword means.

Everything is vectorised over a sparse document-term matrix, so 10^5 documents are fine.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.special import xlogy

from .errors import ParameterError
from .validation import check_choice, check_int, check_number, check_token_container

__all__ = ["KEYNESS_MEASURES", "keyness", "keyness_by_group", "kwic", "tfidf", "top_terms"]

KEYNESS_MEASURES = ("g2", "chi2", "pmi", "logodds")
_MEASURE_ALIASES = {"lr": "g2", "g": "g2", "log-likelihood": "g2"}
_CORRECTIONS = ("default", "yates", "williams", "none")
PER = 10_000  # rates are per 10,000 tokens
# the columns of a keyness table, in order (keyness builds them; keyness_by_group's empty table)
_KEYNESS_COLUMNS = (
    "term",
    "target_count",
    "reference_count",
    "target_rate",
    "reference_rate",
    "statistic",
    "p_value",
    "log_ratio",
    "direction",
)


# --------------------------------------------------------------------------- shared helpers
def _identity_analyzer(doc: Any) -> list[str]:
    """Analyzer for pre-tokenized documents: the token list itself (module level: picklable)."""
    if isinstance(doc, str):
        raise ParameterError(
            "tokens must be a list of token lists (one list of words per document), but a "
            f"document is a plain string ({doc[:20]!r}...); run cadretext.tokenize(texts) first"
        )
    if doc is None:
        return []
    if type(doc) is list:  # the usual case (tokenize, iter_tokens): no copy
        return doc
    try:
        return [str(t) for t in doc]
    except TypeError:
        raise ParameterError(
            f"tokens must be a list of token lists; a document is {type(doc).__name__}"
        ) from None


class _Counted(NamedTuple):
    """A document-term count matrix and its vocabulary, counted once for several keyness
    tables (keyness_by_group)."""

    counts: sparse.csr_matrix
    vocab: np.ndarray


def _count_matrix(tokens: Iterable[Sequence[str]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Document-term count matrix in one pass over ``tokens`` (works with a generator)."""
    from sklearn.feature_extraction.text import CountVectorizer

    check_token_container(tokens)
    vec = CountVectorizer(analyzer=_identity_analyzer, dtype=np.int64)
    try:
        counts = vec.fit_transform(tokens)
    except ValueError as exc:  # "empty vocabulary; perhaps the documents only contain stop words"
        raise ParameterError(f"tokens hold no words at all ({exc})") from None
    return counts.tocsr(), vec.get_feature_names_out()


def _as_labels(values: Any, name: str) -> np.ndarray:
    if values is None or isinstance(values, str | bytes):
        raise ParameterError(f"{name} must be a sequence of labels, one per document")
    return np.asarray(list(values), dtype=object)


def _member(labels: np.ndarray, values: list[Any]) -> np.ndarray:
    """Boolean mask of labels in ``values`` (hash-based: labels may mix types and NaN)."""
    wanted = set(values)
    return np.fromiter((v in wanted for v in labels), dtype=bool, count=len(labels))


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- TF-IDF
def tfidf(
    tokens: Iterable[Sequence[str]], **vectorizer_kwargs: Any
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """TF-IDF weights of pre-tokenized documents, via scikit-learn's ``TfidfVectorizer``.

    Parameters
    ----------
    tokens : iterable of list of str
        One token list per document or unit, e.g. ``cadretext.tokenize(corpus["text"])``. Any
        iterable works, including a generator streaming from Parquet
        (:func:`cadretext.scale.iter_tokens`): it is read exactly once.
    **vectorizer_kwargs
        Passed to ``TfidfVectorizer`` and override the defaults below. ``analyzer``,
        ``tokenizer``, ``preprocessor`` and ``lowercase`` cannot be set: the input is already
        segmented, so it is used as it is.

        Defaults: ``sublinear_tf=True`` (1 + log tf, so a word repeated 20 times in one long
        report does not swamp the rest; Manning et al. 2008, sec. 6.4.1), ``smooth_idf=True``,
        ``norm="l2"`` (rows comparable across documents of different length), ``min_df=1`` and
        ``max_df=1.0`` (keep every word: with a handful of documents or paragraphs any document
        frequency cut removes most of the vocabulary; on thousands of documents pass e.g.
        ``min_df=5, max_df=0.9``).

    Returns
    -------
    matrix : scipy.sparse.csr_matrix
        Shape (n_documents, n_terms), rows aligned with ``tokens``.
    vocab : numpy.ndarray of str
        The term of each column, sorted.

    Examples
    --------
    >>> m, vocab = tfidf([["干部", "跟班", "学习"], ["干部", "党校"]])
    >>> list(vocab)
    ['党校', '学习', '干部', '跟班']
    >>> m.shape
    (2, 4)
    >>> bool(m[0, 3] > m[0, 2])  # 跟班 (one document) outweighs 干部 (both)
    True
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    check_token_container(tokens)
    fixed = {"analyzer", "tokenizer", "preprocessor", "lowercase", "token_pattern"}
    bad = sorted(fixed & set(vectorizer_kwargs))
    if bad:
        raise ParameterError(
            f"tfidf: {', '.join(bad)} cannot be set; tokens are already segmented "
            "(tokenize them differently with cadretext.tokenize instead)"
        )
    options: dict[str, Any] = {
        "sublinear_tf": True,
        "smooth_idf": True,
        "norm": "l2",
        "min_df": 1,
        "max_df": 1.0,
        "dtype": np.float64,
    }
    options.update(vectorizer_kwargs)
    try:
        vec = TfidfVectorizer(analyzer=_identity_analyzer, **options)
    except TypeError as exc:  # an unknown keyword
        raise ParameterError(f"tfidf: {exc}") from None
    try:
        matrix = vec.fit_transform(tokens)
    except ValueError as exc:  # min_df > max_df, empty vocabulary, bad parameter values...
        raise ParameterError(f"tfidf: {exc}") from None
    return matrix.tocsr(), vec.get_feature_names_out()


def top_terms(
    matrix: Any,
    vocab: Sequence[str],
    *,
    by: Sequence[Hashable] | None = None,
    ids: Sequence[Hashable] | None = None,
    n: int = 20,
) -> pd.DataFrame:
    """The ``n`` highest-scoring terms of each document, or of each group of documents.

    Parameters
    ----------
    matrix : sparse matrix or 2-D array
        Documents x terms scores, e.g. from :func:`tfidf`.
    vocab : sequence of str
        The term of each column.
    by : sequence, optional
        A group label per row (e.g. ``corpus["program_type"]``). A group's score of a term is
        the mean of the term's score over the group's rows (rows where it is absent count as 0).
        Rows whose label is missing (NaN/None) are left out. Without ``by``, each row is its
        own group.
    ids : sequence, optional
        Names of the rows (e.g. ``corpus["doc_id"]``), used as the group of per-document
        output; default: the row number. Ignored when ``by`` is given.
    n : int
        Terms per group. Only positive scores are listed; ties are broken by term.

    Returns
    -------
    DataFrame
        ``group``, ``rank`` (1 = highest), ``term``, ``score``; groups in order of first
        appearance (rows in order for per-document output).

    Examples
    --------
    >>> m, vocab = tfidf([["干部", "跟班", "学习"], ["干部", "党校"], ["党校", "学员"]])
    >>> top_terms(m, vocab, by=["挂职", "党校", "党校"], n=2)[["group", "rank", "term"]]
      group  rank term
    0    挂职     1   学习
    1    挂职     2   跟班
    2    党校     1   党校
    3    党校     2   学员
    """
    check_int("top_terms: n", n, minimum=1)
    try:
        m = sparse.csr_matrix(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"top_terms: matrix must be a 2-D array or sparse matrix ({exc})"
        ) from None
    vocab_arr = np.asarray(list(vocab), dtype=object)
    if m.ndim != 2 or m.shape[1] != len(vocab_arr):
        raise ParameterError(
            f"top_terms: vocab has {len(vocab_arr)} terms but matrix has {m.shape[1]} columns"
        )
    n_rows = m.shape[0]
    if by is not None:
        labels = _as_labels(by, "by")
        if len(labels) != n_rows:
            raise ParameterError(
                f"top_terms: by has {len(labels)} labels but matrix has {n_rows} rows"
            )
        keep = np.array([not _is_missing(v) for v in labels], dtype=bool)
        names = list(pd.unique(labels[keep]))
        index = {g: i for i, g in enumerate(names)}
        rows = np.flatnonzero(keep)
        cols = np.array([index[g] for g in labels[keep]], dtype=np.int64)
        sizes = np.bincount(cols, minlength=len(names)).astype(np.float64)
        # group-mean operator: (n_groups x n_rows) with 1/size in each member's column
        avg = sparse.csr_matrix(
            (1.0 / sizes[cols], (cols, rows)), shape=(len(names), n_rows), dtype=np.float64
        )
        scores = sparse.csr_matrix(avg @ m)
    else:
        if ids is not None:
            names = list(ids)
            if len(names) != n_rows:
                raise ParameterError(
                    f"top_terms: ids has {len(names)} names but matrix has {n_rows} rows"
                )
        else:
            names = list(range(n_rows))
        scores = m
    if not scores.has_canonical_format:  # sum duplicates on a copy, never the caller's matrix
        scores = scores.copy()
        scores.sum_duplicates()
    out_group: list[Any] = []
    out_rank: list[int] = []
    out_term: list[str] = []
    out_score: list[float] = []
    for i, name in enumerate(names):
        start, end = scores.indptr[i], scores.indptr[i + 1]
        data = scores.data[start:end]
        idx = scores.indices[start:end]
        pos = data > 0
        data, idx = data[pos], idx[pos]
        if data.size == 0:
            continue
        terms = vocab_arr[idx]
        order = np.lexsort((terms.astype(str), -data))[:n]
        out_group.extend([name] * len(order))
        out_rank.extend(range(1, len(order) + 1))
        out_term.extend(terms[order].tolist())
        out_score.extend(data[order].tolist())
    return pd.DataFrame(
        {
            "group": pd.Series(out_group, dtype=object),
            "rank": np.asarray(out_rank, dtype=np.int64),
            "term": pd.Series(out_term, dtype=object),
            "score": np.asarray(out_score, dtype=np.float64),
        }
    )


# --------------------------------------------------------------------------- keyness
def _value_set(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Index | pd.Series):
        return list(value)
    return [value]


def _two_by_two(
    a: np.ndarray, b: np.ndarray, t_total: float, r_total: float, correction: str, measure: str
) -> tuple[np.ndarray, np.ndarray]:
    """Signed chi-square or G2 for the 2x2 tables [[a, b], [c, d]] of every term (vectorised).

    Written out by hand because scipy's chi2_contingency takes one table per call (a Python
    loop over 10^5 terms); the tests check these numbers against it.
    """
    c = t_total - a
    d = r_total - b
    n = t_total + r_total
    row1, row2 = a + b, c + d  # term / other words
    obs = np.stack([a, b, c, d])
    exp = np.stack([row1 * t_total / n, row1 * r_total / n, row2 * t_total / n, row2 * r_total / n])
    diff = np.abs(a - exp[0])  # |O - E|, the same in all four cells of a 2x2 table
    if correction == "yates":
        apply = np.ones_like(diff, dtype=bool)
    elif correction == "default" and measure == "chi2":  # where the smallest expected is < 5
        apply = exp.min(axis=0) < 5
    else:
        apply = np.zeros_like(diff, dtype=bool)
    # Yates as scipy does it: move each observed count toward its expected count by 0.5, but
    # never past it (quanteda instead skips the correction where |O - E| < 0.5, which lets a
    # word seen once outrank a word seen twice in the same documents)
    delta = np.where(apply, np.minimum(0.5, diff), 0.0)
    if measure == "chi2":
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = ((diff - delta) ** 2 * (1.0 / exp).sum(axis=0)).astype(np.float64)
    else:
        adj = obs + delta * np.sign(exp - obs)
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = 2.0 * (xlogy(adj, adj) - xlogy(adj, exp)).sum(axis=0)
        stat = np.maximum(stat, 0.0)  # rounding can give -1e-16
    if correction == "williams":
        # Williams (1976) q; like quanteda, not applied to tables with a zero cell
        with np.errstate(divide="ignore", invalid="ignore"):
            q = 1.0 + (n / row1 + n / row2 - 1.0) * (n / t_total + n / r_total - 1.0) / (6.0 * n)
        q = np.where((a * b * c * d) == 0, 1.0, q)
        stat = stat / q
    p = stats.chi2.sf(stat, 1)
    sign = np.where(a < exp[0], -1.0, 1.0)
    return sign * stat, p


def keyness(
    tokens: Iterable[Sequence[str]],
    groups: Sequence[Hashable],
    target: Any,
    *,
    measure: Literal["g2", "chi2", "pmi", "logodds"] = "g2",
    min_count: int = 5,
    reference: Any = None,
    correction: Literal["default", "yates", "williams", "none"] = "default",
    prior: float | None = None,
    smoothing: float = 0.5,
) -> pd.DataFrame:
    """Which words are over- (and under-) used in the ``target`` group against a reference.

    Parameters
    ----------
    tokens : iterable of list of str
        One token list per document or unit; any iterable, read once.
    groups : sequence
        A label per document (e.g. ``corpus["program_type"]``), aligned with ``tokens``.
    target : label or list of labels
        The group(s) whose distinctive words are wanted.
    measure : {"g2", "chi2", "pmi", "logodds"}
        ``"g2"`` (default): log-likelihood ratio G2 of the 2x2 table (term / other words x
        target / reference; Dunning 1993), robust for rare words. ``"chi2"``: Pearson's
        chi-square of the same table. Both are signed like quanteda's ``textstat_keyness``:
        negative where the term is used less in the target than expected; their p-values are
        from the chi-square distribution with 1 df. ``"pmi"``: log2(observed / expected) of
        the target cell (no p-value; ``-inf`` for terms absent from the target).
        ``"logodds"``: the weighted log-odds ratio with an informative Dirichlet prior of
        Monroe, Colaresi & Quinn (2008), reported as the z-score delta / sqrt(variance); its
        p-value is two-sided from the standard normal. ``"lr"`` is accepted for ``"g2"``.
    min_count : int
        Terms occurring fewer than this many times in target and reference together are
        dropped from the table (totals still count them). 5 keeps the chi-square
        approximation sane; use 1 to see everything (words found only in documents outside
        both target and reference are never listed).
    reference : label or list of labels, optional
        The reference group(s). Default: every document not in the target whose group label
        is not missing.
    correction : {"default", "yates", "williams", "none"}
        For chi2 and g2 only (ignored by pmi and logodds). ``"default"``: for chi2, Yates'
        continuity correction on the tables whose smallest expected count is below 5 (as
        quanteda's default), none on the others; for g2, no correction (Dunning 1993, and the
        log-likelihood of Rayson & Garside 2000 used in corpus linguistics). Unlike quanteda,
        the correction never exceeds |O - E| (quanteda skips it where |O - E| < 0.5, and also
        applies it to G2 by default). ``"yates"``: every table corrected exactly as
        ``scipy.stats.chi2_contingency(correction=True)`` does; ``"williams"``: divided by
        Williams' q (not for tables with a zero cell, like quanteda); ``"none"``: the
        textbook statistics, equal to ``chi2_contingency(correction=False)``.
    prior : float, optional
        For ``"logodds"``: alpha0, the total weight of the Dirichlet prior, spread over the
        words in proportion to their frequency in the whole corpus (every document given,
        target, reference and any others). Default: the number of tokens in the corpus, i.e.
        each word's prior count is its corpus count (as R's tidylo ``bind_log_odds``). Smaller
        values trust the groups' own counts more.
    smoothing : float
        Added to both counts in the effect size, so that words absent from one side get a
        finite log ratio: ``log_ratio = log2(((a + s) / T) / ((b + s) / R))`` with ``a``, ``b``
        the counts and ``T``, ``R`` the token totals of target and reference (Hardie's "Log
        Ratio").

    Returns
    -------
    DataFrame
        Sorted by ``statistic``, highest first (ties by term): ``term``, ``target_count``,
        ``reference_count``, ``target_rate`` and ``reference_rate`` (per 10,000 tokens),
        ``statistic``, ``p_value`` (NaN where undefined), ``log_ratio`` and ``direction``
        (``"over"`` where the target's rate is higher than the reference's, ``"under"`` where
        lower, ``"even"``); for chi2, g2 and pmi the sign of ``statistic`` agrees with it.
        ``attrs`` holds measure, correction, target, reference and the token totals.

    Examples
    --------
    >>> toks = [["跟班", "学习", "干部"], ["跟班", "挂职"], ["党校", "干部"], ["党校", "学习"]]
    >>> kt = keyness(toks, ["s", "s", "p", "p"], "s", min_count=1)
    >>> kt[["term", "target_count", "reference_count", "direction"]].head(2)
      term  target_count  reference_count direction
    0   跟班             2                0      over
    1   挂职             1                0      over
    >>> kt["term"].iloc[-1]
    '党校'
    """
    measure_key = _MEASURE_ALIASES.get(measure, measure) if isinstance(measure, str) else measure
    if measure_key not in KEYNESS_MEASURES:
        check_choice("keyness: measure", measure, KEYNESS_MEASURES)
    check_choice("keyness: correction", correction, tuple(_CORRECTIONS))
    check_int("keyness: min_count", min_count, minimum=0)
    if prior is not None:
        check_number("keyness: prior", prior, minimum=0, low_open=True)
    check_number("keyness: smoothing", smoothing, minimum=0)
    labels = _as_labels(groups, "groups")
    try:
        present = set(pd.unique(labels[[not _is_missing(v) for v in labels]]))
    except TypeError:
        raise ParameterError("keyness: groups must hold hashable labels (str, int...)") from None
    targets = _value_set(target)
    missing = [t for t in targets if t not in present]
    if missing:
        shown = ", ".join(map(repr, sorted(present, key=str)[:20]))
        raise ParameterError(
            f"keyness: target {missing[0]!r} is not a value of groups (values: {shown})"
        )
    is_target = _member(labels, targets)
    if reference is None:
        is_ref = ~is_target & np.array([not _is_missing(v) for v in labels], dtype=bool)
        references = sorted(present - set(targets), key=str)
    else:
        references = _value_set(reference)
        bad = [r for r in references if r not in present]
        if bad:
            raise ParameterError(f"keyness: reference {bad[0]!r} is not a value of groups")
        overlap = set(references) & set(targets)
        if overlap:
            raise ParameterError(
                f"keyness: {sorted(overlap, key=str)[0]!r} is both target and reference"
            )
        is_ref = _member(labels, references)
    if not is_ref.any():
        raise ParameterError(
            "keyness: no reference documents (every document is in the target group)"
        )

    counts, vocab = tokens if isinstance(tokens, _Counted) else _count_matrix(tokens)
    if counts.shape[0] != len(labels):
        raise ParameterError(
            f"keyness: tokens has {counts.shape[0]} documents but groups has {len(labels)} labels"
        )
    a = np.asarray(counts[is_target].sum(axis=0), dtype=np.float64).ravel()
    b = np.asarray(counts[is_ref].sum(axis=0), dtype=np.float64).ravel()
    t_total, r_total = float(a.sum()), float(b.sum())
    if t_total == 0:
        raise ParameterError(f"keyness: the target {target!r} has no tokens")
    if r_total == 0:
        raise ParameterError("keyness: the reference documents have no tokens")

    if measure_key in ("chi2", "g2"):
        stat, p = _two_by_two(a, b, t_total, r_total, correction, measure_key)
    elif measure_key == "pmi":
        expected = (a + b) * t_total / (t_total + r_total)
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = np.log2(a / expected)
        p = np.full_like(stat, np.nan)
    else:
        # Monroe, Colaresi & Quinn (2008), eqs. 16, 18-22: no library implements it.
        corpus_counts = np.asarray(counts.sum(axis=0), dtype=np.float64).ravel()
        n_all = corpus_counts.sum()
        alpha0 = float(prior) if prior is not None else n_all
        alpha = alpha0 * corpus_counts / n_all
        delta = np.log((a + alpha) / (t_total + alpha0 - a - alpha)) - np.log(
            (b + alpha) / (r_total + alpha0 - b - alpha)
        )
        stat = delta / np.sqrt(1.0 / (a + alpha) + 1.0 / (b + alpha))
        p = 2.0 * stats.norm.sf(np.abs(stat))

    with np.errstate(divide="ignore"):  # smoothing=0 and a zero count: +-inf, as it should be
        log_ratio = np.log2(((a + smoothing) / t_total) / ((b + smoothing) / r_total))
    keep = (a + b) >= max(min_count, 1)  # words of documents in neither group never show
    table = pd.DataFrame(
        {
            "term": pd.Series(vocab[keep], dtype=object),
            "target_count": a[keep].astype(np.int64),
            "reference_count": b[keep].astype(np.int64),
            "target_rate": a[keep] / t_total * PER,
            "reference_rate": b[keep] / r_total * PER,
            "statistic": stat[keep],
            "p_value": p[keep],
            "log_ratio": log_ratio[keep],
            "direction": np.select(
                [a[keep] * r_total > b[keep] * t_total, a[keep] * r_total < b[keep] * t_total],
                ["over", "under"],
                "even",
            ),
        },
        columns=list(_KEYNESS_COLUMNS),
    )
    order = np.lexsort((table["term"].to_numpy(dtype=str), -table["statistic"].to_numpy()))
    table = table.iloc[order].reset_index(drop=True)
    table.attrs.update(
        {
            "measure": measure_key,
            "correction": correction if measure_key in ("chi2", "g2") else None,
            "target": targets if len(targets) > 1 else targets[0],
            "reference": references,
            "target_tokens": int(t_total),
            "reference_tokens": int(r_total),
            "prior": float(alpha0) if measure_key == "logodds" else None,
        }
    )
    return table


def keyness_by_group(
    tokens: Sequence[Sequence[str]],
    groups: Sequence[Hashable],
    *,
    n: int = 15,
    **options: Any,
) -> pd.DataFrame:
    """:func:`keyness` of every group against the rest: the top ``n`` terms of each, stacked.

    Parameters
    ----------
    tokens, groups
        As in :func:`keyness` (``tokens`` must be a sequence: it is read once per group).
    n : int
        Terms kept per group (the most over-used).
    **options
        Passed to :func:`keyness` (``measure``, ``min_count``, ...).

    Returns
    -------
    DataFrame
        The columns of :func:`keyness` plus ``group``. Empty (same columns) when ``groups``
        holds fewer than two labels: there is nothing to compare against, and
        ``attrs["note"]`` says so.

    Examples
    --------
    >>> toks = [["跟班", "学习"], ["跟班", "挂职"], ["党校", "学习"], ["党校", "干部"]]
    >>> keyness_by_group(toks, ["s", "s", "p", "p"], n=1, min_count=1)[["group", "term"]]
      group term
    0     p   党校
    1     s   跟班
    """
    labels = _as_labels(groups, "groups")
    present = sorted({v for v in labels if not _is_missing(v)}, key=str)
    if len(present) > 1:
        tokens = _Counted(*_count_matrix(tokens))  # counted once for every group
    parts = [
        keyness(tokens, labels, target, **options).head(n).assign(group=target)
        for target in (present if len(present) > 1 else [])
    ]
    if parts:
        return pd.concat(parts, ignore_index=True)
    empty = pd.DataFrame(columns=[*_KEYNESS_COLUMNS, "group"])
    empty.attrs["note"] = (
        f"Keyness compares groups, and there {'is' if len(present) == 1 else 'are'} "
        f"{len(present)} here: nothing to compare."
    )
    return empty


# --------------------------------------------------------------------------- KWIC
def kwic(
    corpus: pd.DataFrame,
    term: str | Sequence[str],
    *,
    window: int = 15,
    text_column: str = "text",
    id_column: str = "doc_id",
) -> pd.DataFrame:
    """Every occurrence of ``term`` with ``window`` characters of context on each side.

    Parameters
    ----------
    corpus : DataFrame
        A corpus from :func:`cadretext.load_corpus` or units from :func:`cadretext.split_units`
        (then ``unit_id`` is kept too).
    term : str or list of str
        Searched literally (not as a regular expression) in the cleaned text. With several
        terms, longer ones win where they overlap (跟班学习 before 跟班); matches do not overlap.
    window : int
        Characters of context on each side (Chinese has no spaces, so characters, not words).
    text_column, id_column : str
        Columns holding the text and the document id.

    Returns
    -------
    DataFrame
        ``doc_id`` (``unit_id``), ``start``, ``end`` (character offsets in the text, so
        ``text[start:end] == term``), ``left``, ``term``, ``right``; in corpus order. The
        context is the exact text slice, newlines included.

    Examples
    --------
    >>> df = pd.DataFrame({"doc_id": ["a"], "text": ["干部赴常州跟班学习，跟班期间认真学习。"]})
    >>> kwic(df, "跟班", window=3)[["start", "left", "term", "right"]]
       start left term right
    0      5  赴常州   跟班   学习，
    1     10  学习，   跟班   期间认
    """
    if not isinstance(corpus, pd.DataFrame):
        raise ParameterError("kwic: corpus must be a DataFrame (from load_corpus or split_units)")
    for col in (text_column, id_column):
        if col not in corpus.columns:
            raise ParameterError(f"kwic: corpus has no {col!r} column")
    terms = [term] if isinstance(term, str) else list(term)
    if not terms or any(not isinstance(t, str) or not t for t in terms):
        raise ParameterError("kwic: term must be a non-empty string or a list of them")
    if not isinstance(window, int | np.integer) or isinstance(window, bool) or window < 0:
        raise ParameterError(f"kwic: window must be an integer >= 0, not {window!r}")
    unique = sorted(set(terms), key=lambda t: (-len(t), t))
    pattern = re.compile("|".join(re.escape(t) for t in unique))
    has_unit = "unit_id" in corpus.columns and id_column != "unit_id"
    rows: list[dict[str, Any]] = []
    ids = corpus[id_column].tolist()
    units = corpus["unit_id"].tolist() if has_unit else [None] * len(corpus)
    for doc_id, unit_id, text in zip(ids, units, corpus[text_column].tolist(), strict=True):
        if not isinstance(text, str):
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            row: dict[str, Any] = {"doc_id": doc_id}
            if has_unit:
                row["unit_id"] = unit_id
            row.update(
                start=start,
                end=end,
                left=text[max(0, start - window) : start],
                term=m.group(0),
                right=text[end : end + window],
            )
            rows.append(row)
    columns = [
        "doc_id",
        *(["unit_id"] if has_unit else []),
        "start",
        "end",
        "left",
        "term",
        "right",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["start"] = out["start"].astype(np.int64)
    out["end"] = out["end"].astype(np.int64)
    return out
