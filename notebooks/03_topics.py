# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 3. Topics
#
# What themes run through the reports, and how do they differ by program type? LDA topic
# models (gensim) fitted on paragraphs, with the number of topics chosen by coherence,
# diversity and stability across random seeds, then a seeded model whose topics are anchored
# on the three program types.

# %% tags=["parameters"]
CORPUS = "../seeds"
SEED = 0
UNIT = "paragraph"
K_MIN = 2
K_MAX = 6
OUT_DIR = "../reports"
BACKEND = "auto"

# %%
import warnings
from pathlib import Path

from IPython.display import HTML, display

from cadretext import Analysis, plots
from cadretext.describe import (
    count_noun,
    describe_doc_topics,
    describe_prevalence,
    describe_sweep,
)
from cadretext.errors import NoTopicModelError
from cadretext.pages import Page, labels_for_documents
from cadretext.topics import (
    EmptyDocumentsWarning,
    to_pyldavis_html,
    topic_passages,
    topic_prevalence,
    topic_terms,
)

# dropped units and missing seed words are reported in the text below, not as warnings
warnings.simplefilter("ignore", EmptyDocumentsWarning)
warnings.filterwarnings("ignore", message=".*seed words.*")
a = Analysis(CORPUS, seed=SEED, unit=UNIT, k_min=K_MIN, k_max=K_MAX, backend=BACKEND)  # computed once, stored
corpus = a.typed  # unlabelled reports: the classifier's type
units = a.typed_units
tokens = a.unit_tokens
page = Page("03_topics", OUT_DIR, corpus, seed=SEED)
page.caveat(corpus["program_type"].nunique())
page.say(f"{count_noun(len(corpus), 'report')} -> {count_noun(len(units), UNIT + ' unit')}, "
         f"{sum(map(len, tokens)):,} "
         "tokens.")
page.say(a.backend_note)
try:
    sweep = a.sweep  # sweep_k(tokens, range(K_MIN, K_MAX + 1), seeds=(SEED, SEED + 1, SEED + 2), ...)
except NoTopicModelError as exc:  # too little varied text: this page ends here, the others go on
    why = str(exc)
    page.stop(why[:1].upper() + why[1:] + ".")

# %% [markdown]
# ## Choosing the number of topics
#
# For each K, three seeds are fitted. Coherence (c_v, c_npmi, u_mass: higher is better) asks
# whether a topic's top words co-occur in the units; diversity is the share of distinct words
# among all topics' top 25; stability is how similar the topics of different seeds are (mean
# best-match Jaccard of the top-10 words). The rule (`suggest_k`): rank each K on c_v, c_npmi
# and stability, take the K with the best mean rank, and the smaller K on a tie. When
# stability falls fast as K grows, different seeds give different topics: the model is fitting
# noise. On a large corpus the sweep is bounded (`sweep_plan`): it runs on a sample of units
# drawn with the seed, and the chosen K is fitted on every unit with passes that fall as the
# corpus grows; the rule applied is stated below.

# %%
plan = a.plan  # sweep_plan(len(tokens))
page.say(f"Sweep settings: {plan['rule']}")
k = a.k  # suggest_k(sweep)
said = describe_sweep(sweep, k)
page.say(said[-1] + " " + " ".join(said[:-1]), key=True)
page.table(sweep, "sweep", "Model selection by K: coherence, diversity and stability (mean "
           "over three seeds).")
page.figure(
    plots.sweep_lines(sweep, chosen=k, title="Model selection by K"),
    f"Coherence, diversity and stability against K; the dashed line marks K = {k}, chosen by "
    "the best mean rank of the coherence measures and stability (smaller K on ties).",
)

# %% [markdown]
# ## The chosen model's topics

# %%
model = a.lda  # fit_lda(tokens, k, seed=SEED, passes=plan["fit_passes"], no_below=plan["no_below"])
labels = model.topic_labels(n=3)
page.say(
    f"{len(model.dropped)} of {len(tokens):,} units have no words left after dropping words in "
    f"fewer than {model.params['no_below']} units or more than {model.params['no_above']:.0%} "
    "of them, and are left out."
)
page.figure(
    plots.facet_bars(
        model.top_words.assign(topic=model.top_words["topic"].map(labels)),
        group="topic", term="word", value="weight", n=10, xlabel="probability in the topic",
        title=f"Top words of the {k} topics",
    ),
    f"The ten most probable words of each of the {k} topics (panels named by their top three "
    "words).",
)
page.seed_note(
    "On the seed paragraphs the topics partly recover documents: with five reports, a topic "
    "is often one report's vocabulary (its place names, its campaign). Name a topic from the "
    "relevance and FREX columns and the passages below, not from its most probable words."
)

# %% [markdown]
# ## Reading the topics
#
# The most probable words of a topic are often words every topic uses. Beside them, the words
# ranked by λ-relevance (λ = 0.6, as LDAvis suggests: probability in the topic weighed against
# probability in the corpus) and by FREX (stm's balance of frequency and exclusivity), then the
# paragraphs where each topic has its highest share: name a topic by reading these.

# %%
terms = topic_terms(model, n=8)
page.table(
    terms.groupby(["topic", "measure"], sort=False)["word"].agg(" · ".join)
    .unstack("measure")[["prob", "relevance", "frex"]]
    .rename(index=labels).rename_axis("topic").reset_index(),
    "topic_terms",
    "Each topic's words by probability, λ-relevance (λ = 0.6) and FREX.",
)
passages = topic_passages(model, units, n=2, chars=120)
page.table(passages.assign(topic=passages["topic"].map(labels)), "topic_passages",
           "The two paragraphs where each topic has its highest share (first 120 characters).")

# %% [markdown]
# ## Topics in documents
#
# The mean topic share of each report's paragraphs. On a small corpus, one row per report
# (labelled by its title); on a larger one, one row per program type, with every report's row
# in the CSV.

# %%
doc_topics = model.doc_topics.rename(columns=labels)
kept = units.drop(index=units.index[model.dropped]).reset_index(drop=True)
per_doc = doc_topics.groupby(kept["doc_id"].to_numpy()).mean()
page.say(*describe_doc_topics(per_doc), key=True)
names = dict(zip(corpus["doc_id"], labels_for_documents(corpus), strict=True))
types = dict(zip(corpus["doc_id"], corpus["program_type"], strict=True))
if len(per_doc) <= 30:
    page.figure(
        plots.heatmap(per_doc.rename(index=lambda d: f"{names[d]} ({types[d]})"),
                      title="Mean topic share of each report's paragraphs", vmin=0, vmax=1,
                      xlabel="topic", ylabel="report (program type)"),
        "Mean topic share of each report's paragraphs; rows are reports (title and program "
        "type), columns topics.",
    )
else:
    per_type = per_doc.groupby(per_doc.index.map(types)).mean()
    page.figure(
        plots.heatmap(per_type, title="Mean topic share by program type", vmin=0, vmax=1,
                      xlabel="topic", ylabel="program type"),
        "Mean topic share of the reports of each program type (each report weighs equally).",
    )
page.table(per_doc.rename_axis("doc_id").reset_index()
           .assign(program_type=lambda d: d["doc_id"].map(types)),
           "doc_topics", "Mean topic share of each report's paragraphs.", sample=len(per_doc) > 30)

# %% [markdown]
# ## Topic prevalence by program type
#
# The mean share of each topic in the paragraphs of each program type, with 95% intervals from
# a bootstrap that resamples whole reports (the paragraphs of one report are not independent;
# resampling paragraphs one by one would give intervals that are too narrow). With one report
# in a program type there is no interval, and the type's "effect" is that report's. This is the
# descriptive counterpart of stm's `estimateEffect`; `cadretext.trends.effects` adds covariates
# such as the year.

# %%
prev = topic_prevalence(
    doc_topics, kept["program_type"].fillna("unlabelled"), clusters=kept["doc_id"], seed=SEED
)
page.say(*describe_prevalence(prev), key=True)
page.table(prev, "prevalence", "Topic prevalence by program type with 95% bootstrap intervals "
           "(resampling reports).")
page.figure(
    plots.prevalence(prev, title="Topic prevalence by program type"),
    "Mean topic share per program type with 95% intervals that resample whole reports.",
)

# %% [markdown]
# ## Seeded topics
#
# A model with one topic per program type, anchored on packaged seed words through gensim's
# `eta` prior, plus free topics for everything else. Seed words that are in the texts can still
# be missing from the model's vocabulary: words in fewer than `no_below` units are dropped
# before modelling.

# %%
seeded = a.seeded  # fit_seeded_lda(tokens, extra_topics=2, seed=SEED, ...)
for name, words in seeded.params["missing_seed_words"].items():
    page.say(f"Seed words of {name} not in the model's vocabulary after filtering: "
             f"{'、'.join(words)}.")
page.figure(
    plots.facet_bars(
        seeded.top_words.assign(topic=seeded.top_words["topic"].map(seeded.topic_labels(n=2))),
        group="topic", term="word", value="weight", n=10, xlabel="probability in the topic",
        title="Seeded topics",
    ),
    "The ten most probable words of each seeded topic (one per program type) and of the free "
    "topics.",
)

# %%
seeded_units = units.drop(index=units.index[seeded.dropped])
seeded_prev = topic_prevalence(
    seeded.doc_topics.rename(columns=seeded.topic_labels(n=2)),
    seeded_units["program_type"].fillna("unlabelled"),
    clusters=seeded_units["doc_id"],
    seed=SEED,
)
page.say(*describe_prevalence(seeded_prev))
page.figure(
    plots.prevalence(seeded_prev, title="Seeded topic prevalence by program type"),
    "Mean share of each seeded topic per program type, with 95% intervals that resample whole "
    "reports.",
)

# %% [markdown]
# ## Interactive view (pyLDAvis)
#
# The chosen model in pyLDAvis, written as a page that opens offline (all scripts inlined).

# %%
ldavis = to_pyldavis_html(model, Path(OUT_DIR) / "03_topics_ldavis.html")
display(HTML(f'<p><a href="{ldavis.name}">Open the interactive topic map ({ldavis.name})</a></p>'))
