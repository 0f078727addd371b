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

# %%
import pandas as pd
from IPython.display import display

from cadretext import fill_program_types, load_corpus, plots, tokenize
from cadretext.keywords import keyness_by_group, kwic, tfidf, top_terms

pd.set_option("display.max_colwidth", 80)
corpus = fill_program_types(load_corpus(CORPUS))  # unlabelled reports: the classifier's type
tokens = tokenize(corpus["text"], cache=True)
groups = corpus["program_type"].tolist()
types = sorted(set(groups))
predicted = int((corpus["program_type_source"] == "predicted").sum())
print(f"{len(corpus)} reports, {sum(map(len, tokens))} tokens; program types: {', '.join(types)}")
if predicted:
    print(f"{predicted} reports have no program type in the manifest: their type is the "
          "classifier's prediction (notebook 4).")

# %% [markdown]
# ## TF-IDF: top terms per document
#
# Sublinear term frequency times inverse document frequency, on the tokens of the domain
# lexicon (so 跟班学习 or 中央党校 count as one word).

# %%
matrix, vocab = tfidf(tokens)
per_doc = top_terms(matrix, vocab, ids=corpus["doc_id"].str[:12].tolist(), n=10)
plots.facet_bars(per_doc, group="group", term="term", value="score", n=10,
                 title="Top TF-IDF terms per report");

# %% [markdown]
# ## TF-IDF: top terms per program type
#
# The mean TF-IDF weight of each term over the reports of a type.

# %%
per_type = top_terms(matrix, vocab, by=groups, n=15)
plots.facet_bars(per_type, group="group", term="term", value="score", n=15,
                 title="Top TF-IDF terms per program type");

# %% [markdown]
# On the seeds the per-report lists are dominated by names: places (商丘, 南安, 娄底, 安阳),
# host institutions (中央党校, 红旗渠干部学院) and program words (跟班学习, 竞学). With one to
# two reports per type, "what distinguishes a type" and "what distinguishes a report" are nearly
# the same question, which is why place names rank high.

# %% [markdown]
# ## Keyness: each program type against the rest
#
# For each type, the words most over-used relative to the other types: G² (log-likelihood,
# with its p-value) and the weighted log-odds z-score. Words must occur at least `min_count`
# times in the corpus.

# %%
g2 = keyness_by_group(tokens, groups, measure="g2", min_count=3, n=15)
if g2.empty:
    print(g2.attrs["note"])
else:
    plots.facet_bars(g2, group="group", term="term", value="statistic", n=15,
                     title="Keyness (G², signed) of each type against the rest");

# %%
logodds = keyness_by_group(tokens, groups, measure="logodds", min_count=3, n=15)
if not logodds.empty:
    plots.facet_bars(logodds, group="group", term="term", value="statistic", n=15,
                     title="Weighted log-odds (z) of each type against the rest");

# %%
display(
    g2[["group", "term", "target_count", "reference_count", "statistic", "p_value", "log_ratio"]]
    .groupby("group")
    .head(8)
    .reset_index(drop=True)
)

# %% [markdown]
# The two measures agree on the head of each list. On the seeds, secondment is marked by
# 跟班学习 (26 uses, none in the other reports), its sending and host cities (商丘, 常州) and
# the vocabulary of learning from elsewhere (借鉴, 思想破冰, 理念, 做法); the party-school
# reports by their places (南安, 娄底, 杭州), 中央党校 and classroom words (竞学, 小组, 授课).
# The closed-format report is marked less by its regime (半军事化 and 早操 occur only once or
# twice, below `min_count`) than by the economic campaign it serves (拼经济, 十大攻坚战, 打赢)
# and its host, 红旗渠干部学院. With one to two reports per type, keyness here mostly finds
# what distinguishes *reports*: their places and local campaigns. G² p-values assume
# independent tokens, which words in running text are not; read them as a ranking. The
# log-odds z-scores shrink rare words toward the corpus rate, so a word used three times in one
# report does not outrank a word used thirty times.

# %% [markdown]
# ## Keywords in context
#
# The top keyness words of each type, in the sentences where reporters use them.

# %%
top_words = g2.groupby("group").head(2)["term"].tolist()
if top_words:
    contexts = kwic(corpus, top_words, window=18)
    display(contexts.groupby("term").head(3).reset_index(drop=True))
