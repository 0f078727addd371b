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
# # 1. The corpus
#
# What the reports are, where they come from, what cleaning removed, and which places they
# connect. Everything below is computed by `cadretext`; the notebook only calls it.

# %% tags=["parameters"]
CORPUS = "../seeds"
SEED = 0
UNIT = "paragraph"
K_MIN = 2
K_MAX = 6
OUT_DIR = "../reports"

# %%
import pandas as pd
from IPython.display import display

from cadretext import load_corpus, split_units, tokenize
from cadretext import plots
from cadretext.corpus import place_flows, removal_examples, removal_summary

pd.set_option("display.max_colwidth", 80)
corpus = load_corpus(CORPUS)
units = split_units(corpus, UNIT)
tokens = tokenize(corpus["text"], cache=True)

# %% [markdown]
# ## Documents
#
# One row per report. Title, date and source come from `manifest.csv` where it gives them and
# from the report's own header and footer lines otherwise; the program type is the
# researcher's label from the manifest.

# %%
overview = corpus[["doc_id", "title", "date", "source", "program_type", "n_chars"]].assign(
    tokens=[len(t) for t in tokens],
    paragraphs=units.groupby("doc_id").size().reindex(corpus["doc_id"]).to_numpy(),
)
display(overview)
display(corpus["program_type"].value_counts(dropna=False).rename("documents").to_frame())

# %%
plots.bar_terms(
    overview.assign(label=overview["doc_id"].str[:12]),
    term="label",
    value="n_chars",
    n=len(overview),
    title="Characters per report after cleaning",
    xlabel="characters",
);

# %% [markdown]
# On the seed corpus the five reports are of similar length (1,500–2,700 characters after
# cleaning) and span 2021–2024, from five different outlets. Two are secondment reports, two
# party-school reports and one a closed-format course: **five documents are a sample for
# building and checking methods, not evidence about how Chinese media describe these programs.**
# The later notebooks work on paragraphs (see `UNIT`) so that models have more than five units,
# but paragraphs of one report are not independent observations.

# %% [markdown]
# ## What cleaning removed
#
# Scraped pages carry site furniture. `clean_text` removes it and records every removal, so the
# analysis can be audited: counts per document and kind, then examples quoted from the raw files.

# %%
display(removal_summary(corpus))
display(removal_examples(corpus, per_kind=3))

# %% [markdown]
# In the seeds, two reports carry most of the boilerplate: a related-articles block and a
# share-group line on one, and a site footer, a pagination digit and an SEO list of 41 place
# names on the other, which is also in traditional script with a pinyin gloss after almost every
# word (`學(xué)習(xí)`). Without cleaning, those place names and unrelated headlines would enter
# the keyword and topic models as if the reporter had written them. The other three lose only
# their date/source and editor lines.

# %% [markdown]
# ## Near-duplicates
#
# The same story is often syndicated on several sites. Reports whose character 5-grams overlap
# with Jaccard ≥ 0.8 are flagged in `duplicate_of`, never dropped: the researcher decides.

# %%
duplicates = corpus.loc[corpus["duplicate_of"].notna(), ["doc_id", "duplicate_of", "source"]]
print(f"{len(duplicates)} of {len(corpus)} reports are near-duplicates of an earlier one.")
display(duplicates)

# %% [markdown]
# ## Places
#
# The manifest records, for each report, who was trained (sending place) and where (host place
# or institution). Secondment and party-school programs of this kind move cadres from inland
# prefectures to the coast or to Beijing; the closed-format course stays within its prefecture.

# %%
flows = place_flows(corpus)
print(f"{flows['doc_id'].nunique()} of {len(corpus)} reports record a sending and a host place.")
display(flows)

# %%
plots.flow_chart(flows, title="Who is sent where (from the manifest)") if len(flows) else None;

# %% [markdown]
# ## Words
#
# The most frequent tokens after segmentation with the domain lexicon and stopword removal.
# Program names from the lexicon (跟班学习, 中央党校, 半军事化…) stay whole.

# %%
counts = pd.Series([w for doc in tokens for w in doc]).value_counts()
top = counts.head(25).rename_axis("term").reset_index(name="count")
plots.bar_terms(top, term="term", value="count", n=25, title="Most frequent tokens", xlabel="count");
