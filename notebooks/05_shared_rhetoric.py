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
BACKEND = "auto"

# %%
import pandas as pd

from cadretext import Analysis, plots
from cadretext.describe import count_noun
from cadretext.locations import describe_flows
from cadretext.rhetoric import (
    cooccurrence_graph,
    describe_overlap,
    describe_shared,
    rhetoric_overlap,
    shared_rhetoric,
)
from cadretext.pages import Page

a = Analysis(CORPUS, seed=SEED, unit=UNIT, k_min=K_MIN, k_max=K_MAX, backend=BACKEND)  # computed once, stored
corpus = a.typed  # unlabelled reports: the classifier's type
page = Page("05_shared_rhetoric", OUT_DIR, corpus, seed=SEED)
page.caveat(corpus["program_type"].nunique())
items = a.items  # extract_all(corpus)
summary = (
    items.groupby("kind")
    .agg(occurrences=("item", "size"), distinct=("item", "nunique"), reports=("doc_id", "nunique"))
    .reset_index()
)
page.say(
    "Items found: "
    + "; ".join(f"{r.kind} {count_noun(r.occurrences, 'occurrence')} of "
                f"{count_noun(r.distinct, 'distinct item')} in {count_noun(r.reports, 'report')}"
                for r in summary.itertuples())
    + "."
)
page.table(summary, "items_by_kind", "Occurrences, distinct items and reports per kind.")

# %% [markdown]
# ## Numbered formulas
#
# Numeral-led formulations (三高四新, 六比六拼, 十大攻坚战, 两个维护, 20条措施), found by a
# grammar of numeral + short head with plain quantities (10名干部, 6个月, 2022年) excluded.
# Each is shown in the sentence where it first occurs.

# %%
formulas = items[items["kind"] == "formula"]
formula_table = (
    formulas.groupby("item")
    .agg(count=("doc_id", "size"), reports=("doc_id", "nunique"), sentence=("sentence", "first"))
    .sort_values(["reports", "count"], ascending=False)
    .reset_index()
)
if len(formula_table):
    single = int((formula_table["reports"] == 1).sum())
    top = formula_table.iloc[0]
    widest = (
        f"The most widespread is {top['item']} ({count_noun(top['reports'], 'report')}, "
        f"{count_noun(top['count'], 'occurrence')})."
        if top["reports"] > 1
        else f"The most frequent is {top['item']} ({count_noun(top['count'], 'occurrence')})."
    )
    page.say(
        f"{count_noun(len(formula_table), 'distinct numbered formula')}; "
        f"{count_noun(single, 'occurs', 'occur')} in one report only.",
        widest,
        key=True,
    )
    page.table(formula_table, "formulas", "Numbered formulas, most widespread first, with the "
               "sentence of their first occurrence.")
else:
    page.say("No numbered formula was found.")

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
page.table(idiom_table, "idioms", "Idioms and set phrases, most widespread first.")

# %% [markdown]
# ## Quoted phrases
#
# Text inside “ ”, ‘ ’, 「 」: reports put slogans and metaphors in quotes. Each quoted phrase is
# classified as a formula, idiom or metaphor where the other extractors recognise it.

# %%
quoted = items[items["kind"] == "quoted"]
page.table(quoted["category"].value_counts().rename_axis("category")
           .reset_index(name="quoted phrases"), "quoted_categories",
           "Quoted phrases by what the other extractors recognise in them.")
page.table(
    quoted.groupby(["item", "category"])
    .agg(count=("doc_id", "size"), reports=("doc_id", "nunique"))
    .sort_values(["reports", "count"], ascending=False)
    .reset_index(),
    "quoted", "Quoted phrases, most widespread first.",
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
page.table(
    metaphor_items.groupby("rule")
    .agg(occurrences=("item", "size"), distinct=("item", "nunique"))
    .reset_index(),
    "metaphor_rules", "Metaphors by the rule that found them.",
)
by_domain = (
    metaphor_items.groupby("domain")
    .agg(count=("item", "size"), examples=("item", lambda s: "、".join(s.value_counts().index[:4])))
    .sort_values("count", ascending=False)
    .reset_index()
)
if len(by_domain):
    top = by_domain.iloc[0]
    page.say(f"{len(metaphor_items):,} metaphors in {by_domain['domain'].nunique()} source-domain "
             f"families; the most frequent family is {top['domain']} ({top['count']:,}, e.g. "
             f"{top['examples']}).", key=True)
    page.table(by_domain, "metaphor_domains", "Metaphors by source-domain family, with the most "
               "frequent items of each.")
    page.figure(
        plots.bar_terms(
            by_domain.assign(
                # the two most frequent items, whole (a cut at a fixed width left 第三梯队 as 第三)
                label=by_domain["domain"] + " ("
                + by_domain["examples"].str.split("、").str[:2].str.join("、") + ")"),
            term="label", value="count", n=min(len(by_domain), 20),
            title="Metaphors by source-domain family", xlabel="occurrences",
        ),
        "Metaphor occurrences per source-domain family (its two most frequent items in brackets).",
    )

# %% [markdown]
# With few reports a family's rank can turn on a single report: read the counts, not only the
# order.

# %% [markdown]
# ## Shared and specific rhetoric
#
# For each item: in how many program types it occurs (`shared` = all, some or one), how many
# reports of each type use it, and its rate per 10,000 characters of each type's text.

# %%
shared = shared_rhetoric(corpus, items=items)  # long table: one row per item and group
said = describe_shared(shared)
if said:
    page.say(said[0], key=True)
    page.say(*said[1:])
page.table(shared[shared["shared"] == "all"], "shared_all",
           "Items used in every program type, per type.", per_group="group")
page.table(shared, "shared", "Every item, per program type: reports, count, rate per 10,000 "
           "characters and how many types share it.", max_rows=10)

# %% [markdown]
# With one or two reports per type, an item "specific" to a type mostly means specific to one
# report: read the counts of reports, not only the sharing level.

# %%
top_items = shared.loc[shared["n_groups"] > 1, "item"].drop_duplicates().head(20)
if len(top_items):
    page.figure(
        plots.heatmap(
            shared[shared["item"].isin(top_items)]
            .pivot_table(index="item", columns="group", values="rate", fill_value=0)
            .reindex(top_items),
            title="Shared items: rate per 10,000 characters", cmap="Blues", fmt=".1f",
            xlabel="program type", ylabel="item",
        ),
        "Rate per 10,000 characters of the (up to 20) items used in more than one program type.",
    )

# %%
specific = shared[shared["shared"] == "one"]
if len(specific):
    page.figure(
        plots.facet_bars(specific.groupby("group").head(10), group="group", term="item",
                         value="count", n=10, xlabel="occurrences",
                         title="Items found in one program type only"),
        "The most frequent items found in one program type only, per type.",
    )

# %% [markdown]
# ## Overlap between program types
#
# Jaccard similarity of the sets of items each program type uses (1 = the same items).

# %%
overlap = rhetoric_overlap(corpus, items=items)
page.say(*describe_overlap(overlap))
if len(overlap) > 1:
    page.figure(
        plots.heatmap(overlap, title="Rhetoric overlap (Jaccard)", vmin=0, vmax=1,
                      cmap="Purples", xlabel="program type", ylabel="program type"),
        "Jaccard similarity of the sets of items each program type uses (1 = the same items).",
    )

# %% [markdown]
# A low similarity means each group brings its own formulas and idioms; the items every group
# shares are listed above.

# %% [markdown]
# ## Co-occurrence network
#
# Items linked when they occur in the same sentence, weighted by how many sentences. A drawn
# network of hundreds of items is illegible, so the links are ranked instead: the pairs of
# formulas, idioms and metaphors that occur together most often.

# %%
graph = cooccurrence_graph(corpus, items=items)
page.say(f"{count_noun(graph.number_of_nodes(), 'item')}, "
         f"{count_noun(graph.number_of_edges(), 'link')}.")
edges = pd.DataFrame(
    [
        {"item_a": a, "kind_a": graph.nodes[a]["kind"], "item_b": b,
         "kind_b": graph.nodes[b]["kind"], "sentences": d["weight"]}
        for a, b, d in graph.edges(data=True)
    ],
    columns=["item_a", "kind_a", "item_b", "kind_b", "sentences"],
)
if len(edges):
    page.table(edges.sort_values(["sentences", "item_a", "item_b"],
                                 ascending=[False, True, True]),
               "cooccurrence", "Pairs of items in the same sentence, most frequent first.")

# %% [markdown]
# ## Who learns from whom
#
# The sending and host places of each report, read from the text (`place_flow`: 赴X跟班学习,
# X市委选派…到Y), next to what the manifest records.

# %%
flows = a.flows.merge(  # place_flow(corpus)
    corpus[["doc_id", "program_type"]], on="doc_id")
if "send_place" in corpus.columns:
    flows = flows.merge(
        corpus[["doc_id", "send_place", "host_place"]].rename(
            columns={"send_place": "manifest_send", "host_place": "manifest_host"}
        ),
        on="doc_id",
    )
page.say(*describe_flows(flows))
page.table(flows.drop(columns=["evidence"]), "place_flows",
           "Sending and host places read from each report (and the manifest's, if any).",
           sample=len(flows) > 30)

# %%
flow_edges = (
    flows.assign(host=flows["host"].str.split(";"))
    .explode("host")
    .query("send != '' and host != ''")
)
if len(flow_edges):
    n_pairs = len(flow_edges.drop_duplicates(["send", "host"]))
    page.figure(
        plots.flow_chart(flow_edges, title="Sending → host places read from the reports", top=15),
        "Sending places (left) and host places (right) read from the reports, coloured by "
        "program type" + (" (the 15 most frequent pairs)." if n_pairs > 15 else "."),
    )

# %% [markdown]
# A flow is read only where a report names a sending and a host place with a travel cue (赴,
# 选派…到); a report that sends its cadres to an institution (中央党校) rather than a place, or a
# course held at home, gives no flow: the reader sees the gap instead of a guess.
