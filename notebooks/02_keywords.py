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
# # 2. Keywords
#
# Which words distinguish one program type from the others? Two complementary answers: TF-IDF
# (words frequent in a document or group and rare elsewhere) and keyness (a statistical test of
# whether a word is used more in one program type than in the rest of the corpus: G² and the
# weighted log-odds with an informative Dirichlet prior of Monroe, Colaresi & Quinn 2008).

# %% tags=["parameters"]
CORPUS = "../seeds"
SEED = 0
UNIT = "paragraph"
K_MIN = 2
K_MAX = 6
OUT_DIR = "../reports"
BACKEND = "auto"

# %%

from cadretext import Analysis, plots
from cadretext.describe import count_noun, describe_keyness
from cadretext.keywords import keyness_by_group, kwic, tfidf, top_terms
from cadretext.pages import Page, labels_for_documents

a = Analysis(CORPUS, seed=SEED, unit=UNIT, k_min=K_MIN, k_max=K_MAX, backend=BACKEND)  # computed once, stored
corpus = a.typed  # unlabelled reports: the classifier's type
tokens = a.doc_tokens
groups = corpus["program_type"].tolist()
types = sorted(set(groups))
predicted = int((corpus["program_type_source"] == "predicted").sum())
page = Page("02_keywords", OUT_DIR, corpus, seed=SEED)
page.caveat(len(types))
page.say(f"{count_noun(len(corpus), 'report')}, {sum(map(len, tokens)):,} tokens; program types: "
         f"{', '.join(types)}.")
if predicted:
    page.say(f"{count_noun(predicted, 'report has', 'reports have')} no program type in the "
             "manifest: their type is the classifier's prediction (notebook 4).")

# %% [markdown]
# ## TF-IDF: top terms per document
#
# Sublinear term frequency times inverse document frequency, on the tokens of the domain
# lexicon (so 跟班学习 or 中央党校 count as one word). On a small corpus one panel per report;
# on a larger one a table (the whole of it in the CSV).

# %%
matrix, vocab = tfidf(tokens)
doc_labels = labels_for_documents(corpus).tolist()
per_doc = top_terms(matrix, vocab, ids=corpus["doc_id"].tolist(), n=10)
if len(corpus) <= 12:
    named = dict(zip(corpus["doc_id"], doc_labels, strict=True))
    colours = {label: plots.PROGRAM_COLORS.get(t, "#555555")
               for label, t in zip(doc_labels, corpus["program_type"], strict=True)}
    page.figure(
        plots.facet_bars(per_doc.assign(group=per_doc["group"].map(named)), group="group",
                         term="term", value="score", n=10, xlabel="TF-IDF", colors=colours,
                         title="Top TF-IDF terms per report"),
        "The ten terms with the highest TF-IDF weight in each report (panels titled by the "
        "report's title, coloured by its program type).",
    )
words = (
    per_doc.sort_values(["group", "score"], ascending=[True, False])
    .groupby("group", sort=False)["term"].agg(lambda t: " · ".join(t.head(6)))
)
page.table(
    corpus[["doc_id", "title", "program_type"]].assign(
        top_terms=corpus["doc_id"].map(words).to_numpy()),
    "tfidf_per_report",
    "The six highest-weighted TF-IDF terms of each report"
    + (" (a sample of reports)." if len(corpus) > 30 else "."),
    sample=len(corpus) > 30,
)

# %% [markdown]
# ## TF-IDF: top terms per program type
#
# The mean TF-IDF weight of each term over the reports of a type.

# %%
per_type = top_terms(matrix, vocab, by=groups, n=15)
page.figure(
    plots.facet_bars(per_type, group="group", term="term", value="score", n=15,
                     xlabel="mean TF-IDF", title="Top TF-IDF terms per program type"),
    "The 15 terms with the highest mean TF-IDF weight over the reports of each program type.",
)
page.table(per_type, "tfidf_per_type", "Top TF-IDF terms per program type.",
           per_group="group")

# %% [markdown]
# ## Keyness: each program type against the rest
#
# For each type, the words most over-used relative to the other types: G² (log-likelihood,
# with its p-value) and the weighted log-odds z-score (Monroe, Colaresi & Quinn 2008). Words
# must occur at least `min_count` times in the corpus. G² p-values assume independent tokens,
# which words in running text are not: read them as a ranking. The log-odds z-scores shrink
# rare words toward the corpus rate, so a word used three times in one report does not outrank
# a word used thirty times. With few reports per type, keyness mostly finds what distinguishes
# *reports* (their places and local campaigns) rather than types.

# %%
g2 = keyness_by_group(tokens, groups, measure="g2", min_count=3, n=15)
if g2.empty:
    page.say(g2.attrs["note"], key=True)
else:
    page.say("The most over-used words of each type (G²): " + " ".join(describe_keyness(g2)),
             key=True)
    page.figure(
        plots.facet_bars(g2, group="group", term="term", value="statistic", n=15,
                         xlabel="G² (signed log-likelihood)",
                         title="Keyness (G²) of each type against the rest"),
        "Keyness of each program type against the other types: signed G², top 15 words.",
    )

# %%
logodds = keyness_by_group(tokens, groups, measure="logodds", min_count=3, n=15)
if not logodds.empty:
    page.say("By weighted log-odds: " + " ".join(describe_keyness(logodds, measure="z")))
    page.figure(
        plots.facet_bars(logodds, group="group", term="term", value="statistic", n=15,
                         xlabel="weighted log-odds (z)",
                         title="Weighted log-odds (z) of each type against the rest"),
        "Keyness of each program type by the weighted log-odds z-score with an informative "
        "Dirichlet prior, top 15 words.",
    )

# %%
if not g2.empty:
    page.table(
        g2[["group", "term", "target_count", "reference_count", "statistic", "p_value",
            "log_ratio"]],
        "keyness_g2",
        "G² keyness of each program type against the rest (statistic = signed G²).",
        per_group="group",
    )

# %%
page.seed_note(
    "On the seeds, secondment is marked by 跟班学习 and by its sending city (商丘); the "
    "party-school reports by their places (南安, 娄底, 杭州) and 中央党校; the closed-format "
    "report by the economic campaign it serves (拼经济, 十大攻坚战) more than by its regime "
    "words: 半军事化 occurs three times, 全封闭 and 早操 once each (below `min_count`). "
    "With one or two reports per type these lists describe reports, not types."
)

# %% [markdown]
# ## Keywords in context
#
# The top keyness words of each type, in the sentences where reporters use them (up to three
# examples per word, sampled with the seed when there are more).

# %%
top_words = g2.groupby("group").head(2)["term"].tolist() if not g2.empty else []
if top_words:
    contexts = kwic(corpus, top_words, window=18)
    examples = contexts.sample(frac=1.0, random_state=SEED).groupby("term").head(3)
    page.table(examples.sort_values("term"), "kwic", "Keywords in context.")
