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
# # 5. Shared rhetoric
#
# Reports on cadre training draw on a shared stock of formulations (提法): numbered slogans
# (三高四新, 十大攻坚战), four-character idioms (如饥似渴, 他山之石), phrases set in quotation
# marks (“金钥匙”, “破冰”) and metaphors of refuelling, pilgrimage, ice-breaking and war. This
# notebook extracts them with `cadretext.rhetoric` and asks, for this corpus, which are shared by
# all program types and which belong to one; the sentences that state results are computed from
# the tables beside them.

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

from cadretext import fill_program_types, load_corpus, plots
from cadretext.locations import describe_flows
from cadretext.rhetoric import (
    cooccurrence_graph,
    describe_overlap,
    describe_shared,
    extract_all,
    place_flow,
    rhetoric_overlap,
    shared_rhetoric,
)

pd.set_option("display.max_colwidth", 90)
corpus = fill_program_types(load_corpus(CORPUS))  # unlabelled reports: the classifier's type
items = extract_all(corpus)
summary = (
    items.groupby("kind")
    .agg(occurrences=("item", "size"), distinct=("item", "nunique"), reports=("doc_id", "nunique"))
    .reset_index()
)
display(summary)

# %% [markdown]
# ## Numbered formulas
#
# Numeral-led formulations (三高四新, 六比六拼, 十大攻坚战, 两个维护, 20条措施), found by a
# grammar of numeral + short head with plain quantities (10名干部, 6个月, 2022年) excluded.
# Each is shown in the sentence where it first occurs.

# %%
formulas = items[items["kind"] == "formula"]
display(
    formulas.groupby("item")
    .agg(count=("doc_id", "size"), reports=("doc_id", "nunique"), sentence=("sentence", "first"))
    .sort_values(["reports", "count"], ascending=False)
    .reset_index()
)


# %% [markdown]
# On the seeds every numbered formula occurs in one report only: 安阳's 十大攻坚战 (six times in
# the closed-format report), Hunan's 三高四新 and 六比六拼, Zhejiang's 八八战略 in a report
# about learning in Zhejiang, 商丘's 双招双引. Numbered formulas are local campaign vocabulary,
# handed down and re-coined by each locality; what the program types share is the *habit* of
# numbering, not the formulas themselves.

# %% [markdown]
# ## Idioms
#
# Idioms that a dictionary knows: jionlp's dictionary of 成语, and cadretext's packaged supplement
# of 成语 it lacks and of the set phrases of official writing (保驾护航, 真抓实干); `source` says
# which found each, `idiom_type` whether it is a 成语 or a political set phrase.

# %%
idiom_table = (
    items[items["kind"] == "idiom"]
    .groupby(["item", "idiom_type"])
    .agg(count=("doc_id", "size"), reports=("doc_id", "nunique"))
    .sort_values(["reports", "count"], ascending=False)
    .reset_index()
)
display(idiom_table.head(25))

# %% [markdown]
# ## Quoted phrases
#
# Text inside “ ”, ‘ ’, 「 」: reports put slogans and metaphors in quotes. Each quoted phrase is
# classified as a formula, idiom or metaphor where the other extractors recognise it.

# %%
quoted = items[items["kind"] == "quoted"]
display(quoted["category"].value_counts().rename("quoted phrases").to_frame())
display(
    quoted.groupby(["item", "category"])
    .agg(count=("doc_id", "size"), reports=("doc_id", "nunique"))
    .sort_values(["reports", "count"], ascending=False)
    .reset_index()
    .head(25)
)

# %% [markdown]
# ## Metaphors
#
# Metaphors by source-domain family (war, sport, theatre, school, medicine, building, journey,
# energy, keys, ice, agriculture, monuments, machines, people, forging, nature, treasure), and
# by the rule that found them: `lexicon` (an entry that is almost always figurative),
# `context` (an often-literal entry in a sentence with no literal cue of its family), `quote`
# (in quotation marks), `frame` (像…一样, 当好…, 是…的X) or `head` (a new compound on a family
# head such as 致富桥). Filter on `rule` to keep only the evidence you trust.

# %%
metaphor_items = items[items["kind"] == "metaphor"]
display(
    metaphor_items.groupby("rule")
    .agg(occurrences=("item", "size"), distinct=("item", "nunique"))
    .reset_index()
)
by_domain = (
    metaphor_items.groupby("domain")
    .agg(count=("item", "size"), examples=("item", lambda s: "、".join(s.value_counts().index[:4])))
    .sort_values("count", ascending=False)
    .reset_index()
)
display(by_domain)
plots.bar_terms(
    by_domain.assign(label=by_domain["domain"] + " (" + by_domain["examples"].str[:12] + ")"),
    term="label",
    value="count",
    n=len(by_domain),
    title="Metaphors by source-domain family",
    xlabel="occurrences",
);

# %% [markdown]
# The table and the chart give the ranking of families on this corpus; with few reports a
# family's rank can turn on a single report, so read the counts, not only the order.

# %% [markdown]
# ## Shared and specific rhetoric
#
# For each item: in how many program types it occurs (`shared` = all, some or one), how many
# reports of each type use it, and its rate per 10,000 characters of each type's text.

# %%
shared = shared_rhetoric(corpus, items=items)  # long table: one row per item and group
for line in describe_shared(shared):
    print(line)
display(shared[shared["shared"] == "all"].head(20))

# %% [markdown]
# The sentences above are computed from the table. With one or two reports per type, an item
# "specific" to a type mostly means specific to one report; read the counts of reports, not
# only the sharing level.

# %%
top_items = shared.loc[shared["n_groups"] > 1, "item"].drop_duplicates().head(20)
if len(top_items):
    plots.heatmap(
        shared[shared["item"].isin(top_items)]
        .pivot_table(index="item", columns="group", values="rate", fill_value=0)
        .reindex(top_items),
        title="Shared items: rate per 10,000 characters",
        cmap="Blues",
        fmt=".1f",
    );

# %%
specific = shared[shared["shared"] == "one"]
plots.facet_bars(
    specific.groupby("group").head(10),
    group="group",
    term="item",
    value="count",
    n=10,
    title="Items found in one program type only",
) if len(specific) else None;

# %% [markdown]
# ## Overlap between program types
#
# Jaccard similarity of the sets of items each program type uses (1 = the same items).

# %%
overlap = rhetoric_overlap(corpus, items=items)
for line in describe_overlap(overlap):
    print(line)
plots.heatmap(overlap, title="Rhetoric overlap (Jaccard)", vmin=0, vmax=1, cmap="Purples");


# %% [markdown]
# A low similarity means each group brings its own formulas and idioms; the items every group
# shares are listed above. A corpus with few reports per group cannot show whether the pattern
# holds across a province's news; the same functions run unchanged on a larger corpus.

# %% [markdown]
# ## Co-occurrence network
#
# Items linked when they occur in the same sentence, weighted by how often; node colour is the
# kind of item. The most connected items are shown.

# %%
graph = cooccurrence_graph(corpus, items=items)
print(f"{graph.number_of_nodes()} items, {graph.number_of_edges()} links")
plots.network(graph, seed=SEED, max_nodes=45, title="Rhetoric co-occurring in sentences") if (
    graph.number_of_nodes()
) else None;

# %% [markdown]
# ## Who learns from whom
#
# The sending and host places of each report, read from the text (`place_flow`: 赴X跟班学习,
# X市委选派…到Y), next to what the manifest records.

# %%
flows = place_flow(corpus).merge(corpus[["doc_id", "program_type"]], on="doc_id")
if "send_place" in corpus.columns:
    flows = flows.merge(
        corpus[["doc_id", "send_place", "host_place"]].rename(
            columns={"send_place": "manifest_send", "host_place": "manifest_host"}
        ),
        on="doc_id",
    )
for line in describe_flows(flows):
    print(line)
display(flows.drop(columns=["evidence"]))

# %%
edges = (
    flows.assign(host=flows["host"].str.split(";"))
    .explode("host")
    .query("send != '' and host != ''")
)
plots.flow_chart(edges, title="Sending → host places read from the reports") if len(
    edges
) else None;

# %% [markdown]
# A flow is read only where a report names a sending and a host place with a travel cue (赴,
# 选派…到); a report that sends its cadres to an institution (中央党校) rather than a place, or a
# course held at home, gives no flow: the reader sees the gap instead of a guess.
