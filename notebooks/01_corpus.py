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
BACKEND = "auto"

# %%
import pandas as pd

from cadretext import Analysis, plots
from cadretext.corpus import place_flows, removal_examples, removal_summary
from cadretext.describe import describe_corpus, describe_removals
from cadretext.pages import Page, labels_for_documents

a = Analysis(CORPUS, seed=SEED, unit=UNIT, k_min=K_MIN, k_max=K_MAX, backend=BACKEND)  # computed once, stored
corpus = a.corpus
units = a.units
tokens = a.doc_tokens
page = Page("01_corpus", OUT_DIR, corpus, seed=SEED)
page.caveat(corpus["program_type"].nunique())

# %% [markdown]
# ## Documents
#
# One row per report. Title, date and source come from `manifest.csv` where it gives them and
# from the report's own header and footer lines otherwise; the program type is the
# researcher's label from the manifest.

# %%
overview = corpus[["doc_id", "title", "date", "source", "program_type", "n_chars"]].assign(
    tokens=[len(t) for t in tokens],
    paragraphs=units.groupby("doc_id").size().reindex(corpus["doc_id"]).fillna(0).astype(int).to_numpy(),
)
summary = describe_corpus(corpus)
page.say(summary[0], key=True)
page.say(*summary[1:])
page.table(overview, "documents", "The reports.")
page.table(
    corpus["program_type"].fillna("(none)").value_counts().rename_axis("program_type")
    .reset_index(name="reports"),
    "program_types",
    "Reports per program type in the manifest.",
)

# %%
if len(overview) <= 30:
    fig = plots.bar_terms(
        overview.assign(label=labels_for_documents(corpus).to_numpy()),
        term="label", value="n_chars", n=len(overview),
        title="Characters per report after cleaning", xlabel="characters",
    )
    page.figure(fig, "Characters per report after cleaning, one bar per report (by title).")
else:
    fig = plots.histogram(overview["n_chars"], title="Characters per report after cleaning",
                          xlabel="characters after cleaning")
    page.figure(fig, "Distribution of report lengths after cleaning (characters).")

# %%
page.seed_note(
    "The five seed reports are a sample for building and checking methods, not "
    "evidence about how Chinese media describe these programs. The later notebooks work on "
    "paragraphs (see `UNIT`) so that models have more than five units, but the paragraphs of "
    "one report are not independent observations."
)

# %% [markdown]
# ## What cleaning removed
#
# Scraped pages carry site furniture. `clean_text` removes it and records every removal, so the
# analysis can be audited: counts per document and kind, then examples quoted from the raw files.
# Without cleaning, site footers, lists of place names and unrelated headlines would enter the
# keyword and topic models as if the reporter had written them.

# %%
removals = removal_summary(corpus)
said = describe_removals(removals)
page.say(said[0], key=True)
page.say(*said[1:])
page.table(removals.sort_values("raw_chars", ascending=False), "removals",
           "Characters before and after cleaning and removals by kind, per report.")
page.table(removal_examples(corpus, per_kind=3), "removal_examples",
           "Examples of removed text, up to three per kind, quoted from the raw files.",
           sample=True)

# %% [markdown]
# ## Near-duplicates
#
# The same story is often syndicated on several sites. Reports whose character 5-grams overlap
# with Jaccard ≥ 0.8 are flagged in `duplicate_of`, never dropped: the researcher decides.

# %%
duplicates = corpus.loc[corpus["duplicate_of"].notna(), ["doc_id", "duplicate_of", "source"]]
page.say(f"{len(duplicates):,} of {len(corpus):,} reports are near-duplicates of an earlier one.",
         key=True)
if len(duplicates):
    page.table(duplicates, "duplicates", "Reports flagged as near-duplicates of an earlier one.")

# %% [markdown]
# ## Places
#
# The manifest can record, for each report, who was trained (sending place) and where (host
# place or institution). Notebook 5 reads the same flows from the text itself.

# %%
flows = place_flows(corpus)
page.say(f"{flows['doc_id'].nunique():,} of {len(corpus):,} reports record a sending and a host "
         "place in the manifest.")
if len(flows):
    page.table(flows, "flows", "Sending and host places recorded in the manifest.")
    n_pairs = len(flows.drop_duplicates(["send", "host"]))
    page.figure(
        plots.flow_chart(flows, title="Who is sent where (from the manifest)", top=15),
        "Sending places (left) and host places (right) recorded in the manifest, coloured by "
        "program type" + (" (the 15 most frequent pairs)." if n_pairs > 15 else "."),
    )

# %% [markdown]
# ## Words
#
# The most frequent tokens after segmentation with the domain lexicon and stopword removal.
# Program names from the lexicon (跟班学习, 中央党校, 半军事化…) stay whole.

# %%
page.say(a.backend_note)
counts = pd.Series([w for doc in tokens for w in doc]).value_counts()
top = counts.head(25).rename_axis("term").reset_index(name="count")
page.figure(
    plots.bar_terms(top, term="term", value="count", n=25, title="Most frequent tokens",
                    xlabel="count"),
    "The 25 most frequent tokens of the corpus after stopword removal.",
)
page.table(counts.rename_axis("term").reset_index(name="count"), "token_counts",
           "Token counts over the corpus.")
