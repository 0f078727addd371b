"""Reading topics: word lists that name a topic, and the passages that show it.

The most probable words of a topic are often the corpus' most frequent words (干部, 学习, 工作)
and say little about it. Two re-rankings from the literature help a reader name a topic:

* **λ-relevance** (Sievert and Shirley 2014, as in LDAvis):
  ``λ · log p(w|k) + (1 − λ) · log(p(w|k) / p(w))``; λ = 1 gives the plain top words, lower λ
  favours words specific to the topic (0.6 is LDAvis' suggestion);
* **FREX** (Bischof and Airoldi 2012, as in stm's ``labelTopics``): the weighted harmonic mean
  of a word's rank within the topic by frequency and by exclusivity (its share of the word's
  probability across topics), with weight ``w`` on exclusivity (stm: 0.5).

:func:`topic_passages` then lists, for each topic, the units (paragraphs or reports) where it
has the highest share, with their report and position, so a topic can be named by reading.
The formulas are short and written here with NumPy: gensim gives the topic-word matrix but
neither measure, and pyLDAvis computes relevance only inside its page.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..validation import check_int, check_number
from .fit import LdaResult

__all__ = ["TERM_COLUMNS", "topic_passages", "topic_terms"]

TERM_COLUMNS = ["topic", "measure", "rank", "word", "score"]


def _ecdf_rank(values: np.ndarray) -> np.ndarray:
    """The empirical CDF of each value within its row (ties share the higher rank)."""
    order = np.sort(values, axis=1)
    return np.stack(
        [
            np.searchsorted(order[i], values[i], side="right") / values.shape[1]
            for i in range(len(values))
        ]
    )


def topic_terms(
    result: LdaResult, *, n: int = 10, lam: float = 0.6, frex_weight: float = 0.5
) -> pd.DataFrame:
    """The top ``n`` words of every topic by probability, λ-relevance and FREX.

    Parameters
    ----------
    result : LdaResult
    n : int
    lam : float
        λ of the relevance, in [0, 1].
    frex_weight : float
        Weight of exclusivity in FREX, in [0, 1].

    Returns
    -------
    DataFrame
        :data:`TERM_COLUMNS`, long: ``topic`` (name), ``measure`` (``prob``, ``relevance``,
        ``frex``), ``rank`` (1 = best), ``word``, ``score``.

    Examples
    --------
    >>> from cadretext.topics import fit_lda
    >>> docs = [["党校", "授课", "学员", "干部"], ["跟班", "挂职", "企业", "干部"]] * 10
    >>> terms = topic_terms(fit_lda(docs, 2, seed=0, passes=5, no_above=1.0), n=2)
    >>> sorted(terms["measure"].unique()), int(terms.groupby(["topic", "measure"]).size().max())
    (['frex', 'prob', 'relevance'], 2)
    """
    if not isinstance(result, LdaResult):
        raise ParameterError("result must be an LdaResult (fit_lda, fit_seeded_lda)")
    n = check_int("n", n, minimum=1)
    lam = check_number("lam", lam, minimum=0, maximum=1)
    frex_weight = check_number("frex_weight", frex_weight, minimum=0, maximum=1)
    phi = np.asarray(result.model.get_topics(), dtype=float)  # topics x words, rows sum to 1
    phi = np.clip(phi, 1e-12, None)
    dictionary = result.dictionary
    counts = np.zeros(phi.shape[1])
    for word_id, count in dictionary.cfs.items():
        if word_id < len(counts):
            counts[word_id] = count
    p_word = counts / counts.sum() if counts.sum() else np.full(phi.shape[1], 1 / phi.shape[1])
    p_word = np.clip(p_word, 1e-12, None)
    relevance = lam * np.log(phi) + (1 - lam) * np.log(phi / p_word)
    exclusivity = phi / phi.sum(axis=0, keepdims=True)
    w = frex_weight
    frex = 1.0 / (w / _ecdf_rank(exclusivity) + (1 - w) / _ecdf_rank(phi))
    names = result.topic_names or [f"topic_{i}" for i in range(len(phi))]
    words = [dictionary[i] for i in range(phi.shape[1])]
    rows = []
    for measure, scores in (("prob", phi), ("relevance", relevance), ("frex", frex)):
        for k, name in enumerate(names):
            best = np.argsort(-scores[k], kind="stable")[: min(n, scores.shape[1])]
            for rank, j in enumerate(best, start=1):
                rows.append((name, measure, rank, words[j], float(scores[k, j])))
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def topic_passages(
    result: LdaResult, units: pd.DataFrame, *, n: int = 3, chars: int = 160
) -> pd.DataFrame:
    """The ``n`` units where each topic has its highest share, to read.

    Parameters
    ----------
    result : LdaResult
    units : DataFrame
        The units the model was fitted on (:func:`cadretext.split_units` or a corpus), with
        ``text`` and, if present, ``unit_id``, ``doc_id`` and ``position``. Matched to the
        model's rows by ``unit_id`` when the model was fitted with ``ids=units["unit_id"]``,
        else by position.
    n : int
    chars : int
        Length of the excerpt.

    Returns
    -------
    DataFrame
        ``topic, rank, unit, doc_id, position, share, text``.
    """
    if not isinstance(result, LdaResult):
        raise ParameterError("result must be an LdaResult (fit_lda, fit_seeded_lda)")
    if not isinstance(units, pd.DataFrame) or "text" not in units.columns:
        raise ParameterError("units must be a DataFrame with a text column (split_units)")
    n = check_int("n", n, minimum=1)
    chars = check_int("chars", chars, minimum=10)
    shares = result.doc_topics
    if "unit_id" in units.columns and set(shares.index) <= set(units["unit_id"]):
        lookup = units.set_index("unit_id")
    else:
        lookup = units.reset_index(drop=True)
        if len(shares) and max(shares.index, default=0) >= len(lookup):
            raise ParameterError(
                "units do not match the model: pass the units it was fitted on (with unit_id "
                "when it was fitted with ids)"
            )
    rows: list[dict[str, Any]] = []
    for topic in shares.columns:
        best = shares[topic].sort_values(ascending=False, kind="stable").head(n)
        for rank, (unit, share) in enumerate(best.items(), start=1):
            row = lookup.loc[unit]
            text = " ".join(str(row["text"]).split())  # one line: paragraphs may hold breaks
            rows.append(
                {
                    "topic": topic,
                    "rank": rank,
                    "unit": unit,
                    "doc_id": row.get("doc_id", unit),
                    "position": row.get("position", None),
                    "share": float(share),
                    "text": text if len(text) <= chars else text[: chars - 1] + "…",
                }
            )
    return pd.DataFrame(
        rows, columns=["topic", "rank", "unit", "doc_id", "position", "share", "text"]
    )
