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

# %%
import warnings
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from cadretext import fill_program_types, load_corpus, plots, split_units, tokenize
from cadretext.topics import (
    EmptyDocumentsWarning,
    fit_lda,
    fit_seeded_lda,
    suggest_k,
    sweep_k,
    to_pyldavis_html,
    topic_passages,
    topic_prevalence,
    topic_terms,
)

# dropped units and missing seed words are reported in the text below, not as warnings
warnings.simplefilter("ignore", EmptyDocumentsWarning)
warnings.filterwarnings("ignore", message=".*seed words.*")
pd.set_option("display.max_colwidth", 100)
corpus = fill_program_types(load_corpus(CORPUS))  # unlabelled reports: the classifier's type
units = split_units(corpus, UNIT)
tokens = tokenize(units["text"], cache=True)
print(f"{len(corpus)} reports -> {len(units)} {UNIT} units, {sum(map(len, tokens))} tokens")

# %% [markdown]
# ## Choosing the number of topics
#
# For each K, three seeds are fitted. Coherence (c_v, c_npmi, u_mass: higher is better) asks
# whether a topic's top words co-occur in the units; diversity is the share of distinct words
# among all topics' top 25; stability is how similar the topics of different seeds are (mean
# best-match Jaccard of the top-10 words). `suggest_k` states its rule in its docstring.

# %%
sweep = sweep_k(tokens, range(K_MIN, K_MAX + 1), seeds=(SEED, SEED + 1, SEED + 2), n_jobs=2)
k = suggest_k(sweep)
display(sweep)
print(f"suggested K = {k}")

# %%
plots.sweep_lines(sweep, chosen=k, title="Model selection by K");


# %% [markdown]
# On the seed paragraphs, c_v peaks at K = 3–4, c_npmi and u_mass fall as K grows, and
# stability across seeds falls steadily (about 0.5 at K = 2, 0.3 at K = 6): beyond three or
# four topics, different seeds give different topics, a sign that the model is fitting noise
# in 85 short paragraphs. The rule picks K = 3. A few dozen reports would support more.

# %% [markdown]
# ## The chosen model's topics

# %%
model = fit_lda(tokens, k, seed=SEED)
labels = model.topic_labels(n=3)
print(
    f"{len(model.dropped)} of {len(tokens)} units have no words left after dropping words in "
    f"fewer than {model.params['no_below']} units or more than {model.params['no_above']:.0%} "
    "of them, and are left out."
)
plots.facet_bars(
    model.top_words.assign(topic=model.top_words["topic"].map(labels)),
    group="topic",
    term="word",
    value="weight",
    n=10,
    title=f"Top words of the {k} topics",
);


# %% [markdown]
# The three topics of the seed model are easy to name: learning and capacity (学习, 学员, 能力,
# 提升), the economic campaign that the Anyang course served (拼经济, 十大攻坚战) and work and
# development in the host places (工作, 发展, 产业). With five documents,
# topics partly recover documents (the heatmap below shows which).

# %% [markdown]
# ## Reading the topics
#
# The most probable words of a topic are often words every topic uses. Beside them, the words
# ranked by λ-relevance (λ = 0.6, as LDAvis suggests: probability in the topic weighed against
# probability in the corpus) and by FREX (stm's balance of frequency and exclusivity), then the
# paragraphs where each topic has its highest share: name a topic by reading these.

# %%
terms = topic_terms(model, n=8)
display(
    terms.groupby(["topic", "measure"], sort=False)["word"]
    .agg(" · ".join)
    .unstack("measure")[["prob", "relevance", "frex"]]
    .rename(index=labels)
)
passages = topic_passages(model, units, n=2, chars=120)
display(passages.assign(topic=passages["topic"].map(labels)))

# %% [markdown]
# ## Topics in documents

# %%
doc_topics = model.doc_topics.rename(columns=labels)
kept = units.drop(index=units.index[model.dropped]).reset_index(drop=True)
per_doc = doc_topics.groupby(kept["doc_id"].str[:12].to_numpy()).mean()
plots.heatmap(per_doc, title="Mean topic share of each report's paragraphs", vmin=0);


# %% [markdown]
# Each report leans on one topic: the Loudi party-school report (003) on learning, the Anyang
# closed-format report (004) on the campaign, the Hubei secondment commentary (002) on work and
# development. The Shangqiu secondment (000) and Nan'an party-school (001) reports mix all three.

# %% [markdown]
# ## Topic prevalence by program type
#
# The mean share of each topic in the paragraphs of each program type, with 95% intervals from
# a bootstrap that resamples whole reports (the paragraphs of one report are not independent;
# resampling paragraphs one by one would give intervals that are too narrow). With one report
# in a program type there is no interval. This is the descriptive counterpart of stm's
# `estimateEffect`; `cadretext.trends.effects` adds covariates such as the year.

# %%
prev = topic_prevalence(
    doc_topics, kept["program_type"].fillna("unlabelled"), clusters=kept["doc_id"], seed=SEED
)
display(prev)
plots.prevalence(prev, title="Topic prevalence by program type");


# %% [markdown]
# The closed-format paragraphs are dominated by the campaign topic, and the secondment and
# party-school paragraphs carry more of the learning topic; the intervals of the third topic
# overlap. The bootstrap resamples whole reports, so a program type with one report has no
# interval: with one closed-format report, its "program type" effect is that report's effect.

# %% [markdown]
# ## Seeded topics
#
# A model with one topic per program type, anchored on packaged seed words through gensim's
# `eta` prior, plus free topics for everything else.

# %%
seeded = fit_seeded_lda(tokens, extra_topics=2, seed=SEED)
for name, words in seeded.params["missing_seed_words"].items():
    print(f"seed words of {name} absent from this corpus: {'、'.join(words)}")
plots.facet_bars(
    seeded.top_words.assign(topic=seeded.top_words["topic"].map(seeded.topic_labels(n=2))),
    group="topic",
    term="word",
    value="weight",
    n=10,
    title="Seeded topics",
);


# %% [markdown]
# Most seed words of the packaged lists do not survive on the seeds: each regime word (早操,
# 手机入柜, 全封闭) occurs in one paragraph, and words in fewer than two units are dropped before
# modelling. The seeded topics therefore look much like the free ones; on a corpus with dozens of
# reports per program type, the seeds anchor one topic per type and the prevalence figure below
# compares like with like.

# %%
seeded_units = units.drop(index=units.index[seeded.dropped])
seeded_prev = topic_prevalence(
    seeded.doc_topics.rename(columns=seeded.topic_labels(n=2)),
    seeded_units["program_type"].fillna("unlabelled"),
    clusters=seeded_units["doc_id"],
    seed=SEED,
)
plots.prevalence(seeded_prev, title="Seeded topic prevalence by program type");

# %% [markdown]
# ## Interactive view (pyLDAvis)
#
# The chosen model in pyLDAvis, written as a page that opens offline (all scripts inlined).

# %%
page = to_pyldavis_html(model, Path(OUT_DIR) / "03_topics_ldavis.html")
display(HTML(f'<p><a href="{page.name}">Open the interactive topic map ({page.name})</a></p>'))
