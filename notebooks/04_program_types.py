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
# # 4. Program types
#
# Which program format does each report describe: **secondment** (cadres sent to work inside a
# host unit elsewhere: 跟班学习, 挂职锻炼), **party school** (classes at a Party school or
# administrative academy) or **closed-format training** (封闭式, 半军事化)? The classifier in
# `cadretext.classify` answers with a probability per type and the sentences that carry the
# evidence, so every label can be checked against the text.

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

from cadretext import Analysis, load_default_classifier, plots
from cadretext.classify import (
    CLASSES,
    coding_sheet,
    evaluate,
    format_validation,
    load_patterns,
    packaged_examples,
    stored_calibration,
    validate,
)
from cadretext.describe import count_noun, describe_labels, describe_paragraph_labels
from cadretext.pages import Page, labels_for_documents

a = Analysis(CORPUS, seed=SEED, unit=UNIT, k_min=K_MIN, k_max=K_MAX, backend=BACKEND)  # computed once, stored
corpus = a.corpus
clf = load_default_classifier()
labels = a.classification  # classify_corpus with the default model
patterns = load_patterns()
trained = clf.training_
page = Page("04_program_types", OUT_DIR, corpus, seed=SEED)
page.caveat()
page.say(
    f"{count_noun(len(corpus), 'report')}; pattern lexicon version {patterns.version} "
    f"({len(patterns)} weighted terms and patterns). The default model was trained on "
    f"{trained['n_labelled']} labelled real reports from {trained.get('n_sites', '?')} sites "
    f"plus {trained.get('n_silver', 0)} silver examples (real pages labelled twice from the "
    f"labelling guide) and {trained['n_base']} packaged examples; calibration temperature "
    f"{clf.temperature_:.2f}."
)

# %% [markdown]
# ## Labels and probabilities
#
# One row per report: the predicted label, every type above the mixed-report threshold, the
# probability of each type, and the label the researcher gave in the manifest (if any).

# %%
proba_cols = [f"p_{c}" for c in CLASSES]
names = labels_for_documents(corpus).to_numpy()
table = labels[["doc_id", "label", "labels", *proba_cols]].assign(
    manifest=corpus["program_type"].to_numpy(),
    title=corpus["title"].str.slice(0, 40).to_numpy(),
)
said = describe_labels(labels, corpus["program_type"])
page.say(said[0], key=True)
page.say(*said[1:])
page.table(table, "labels", "Predicted label, every label above the mixed-report threshold, "
           "the probability of each type and the manifest's label.")

# %%
probabilities = table[proba_cols].rename(columns=lambda c: c[2:])
if len(table) <= 30:
    page.figure(
        plots.heatmap(probabilities.set_axis(names), title="Probability of each program type",
                      vmin=0, vmax=1, xlabel="program type", ylabel="report"),
        "Calibrated probability of each program type, one row per report (by title).",
    )
else:
    page.figure(
        plots.heatmap(probabilities.groupby(table["label"].to_numpy()).mean(),
                      title="Mean probability by predicted label", vmin=0, vmax=1,
                      xlabel="program type", ylabel="predicted label"),
        "Mean calibrated probability of each program type over the reports given each label: "
        "off-diagonal mass is how often the model hesitates between two types.",
    )

# %% [markdown]
# A report whose probability is spread over two types mixes formats
# or sits on a boundary that the labelling guide settles by convention. Cadres who travel to
# another city, as secondees do, but to sit in that city's party-school class are labelled
# party school, because the report describes a class, not work inside a host unit; a
# university-run class for cadres is `other`, however much it looks like a party-school class.
# A researcher who draws these lines differently can relabel such reports and retrain
# (`cadretext classify --train`).

# %% [markdown]
# ## Evidence
#
# The 1–3 sentences of each report that carry most evidence for its label, and the terms and
# patterns that matched (with their weights from the packaged lexicon).

# %%
evidence = labels[["doc_id", "label", "evidence"]].explode("evidence").dropna()
page.table(evidence.rename(columns={"evidence": "sentence"}), "evidence",
           "Sentences carrying most evidence for each report's label.", sample=True)

# %%
matches = a.matches  # classify_corpus(corpus, return_matches=True)[1]: clf.explain per report
top_matches = (
    matches[matches["type"].isin(CLASSES) & (matches["weight"] > 0)]
    .groupby(["type", "text"])
    .agg(count=("doc_id", "size"), documents=("doc_id", "nunique"), weight=("weight", "first"))
    .reset_index()
    .sort_values(["type", "count"], ascending=[True, False])
    .groupby("type")
    .head(8)
)
if len(top_matches):
    page.figure(
        plots.facet_bars(top_matches.rename(columns={"text": "term"}), group="type",
                         value="count", n=8, xlabel="matches in the corpus",
                         title="Matched evidence per type"),
        "The lexicon terms and patterns with positive weight matched most often, per type.",
    )
    page.table(top_matches, "evidence_terms", "Matched evidence terms per type.",
               per_group="type")

# %% [markdown]
# ## Paragraphs: where a report mixes formats
#
# Labelling each paragraph shows which parts of a report speak of which format. A paragraph
# without program evidence (background, quotes, results) is `other`.

# %%
by_paragraph = a.paragraph_labels  # classify_corpus(corpus, unit="paragraph")
shares = pd.crosstab(by_paragraph["doc_id"], by_paragraph["label"], normalize="index")
said = describe_paragraph_labels(by_paragraph)
page.say(said[0], key=True)
page.say(*said[1:])
named = dict(zip(corpus["doc_id"], names, strict=True))
if len(shares) <= 30:
    page.figure(
        plots.heatmap(shares.rename(index=named), title="Share of paragraphs per label",
                      vmin=0, vmax=1, cmap="Blues", xlabel="paragraph label", ylabel="report"),
        "Share of each report's paragraphs given each label, one row per report (by title).",
    )
else:
    document_label = dict(zip(labels["doc_id"], labels["label"], strict=True))
    page.figure(
        plots.heatmap(shares.groupby(shares.index.map(document_label)).mean(),
                      title="Share of paragraphs per label, by document label", vmin=0,
                      vmax=1, cmap="Blues", xlabel="paragraph label",
                      ylabel="document label"),
        "Mean share of paragraphs given each label, over the reports of each document label.",
    )
page.table(shares.rename_axis("doc_id").reset_index(), "paragraph_shares",
           "Share of each report's paragraphs per label.", sample=len(shares) > 30)

# %% [markdown]
# Paragraphs without program evidence describe results, quote participants or praise the
# program. A report can also mix formats: a closed-format course is also a class at a cadre
# college, so the paragraphs that describe it as a class (研修班, 开班动员) lean party school,
# while what makes it closed-format is the regime (全封闭, 半军事化, 早操, 手机入柜) described in
# others; the document label weighs both.

# %% [markdown]
# ## How far to trust the labels
#
# The default model is a logistic regression over character n-grams and the lexicon's matches,
# with the lexicon's own verdict as a prior, its probabilities mixed with the class shares of
# the ten most similar training examples, trained on real double-coded reports and on silver
# examples (real web pages labelled twice, blind, from the labelling guide). Its quality
# on reports from sites it has never seen is measured by `python benchmarks/quality.py`
# (cross-validation grouped by site, results by script and by label confidence, ablations and
# learning curves); the README gives the figures. What this page can
# show on any corpus is how well its **probabilities** are calibrated: the model keeps the
# out-of-fold predictions its temperature was fitted on (folds grouped by site), so the
# reliability diagram below is computed from them, before and after temperature scaling.

# %%
summary, reliability = stored_calibration(clf)
page.table(summary, "calibration", "Brier score, expected calibration error and log loss of "
           "the default model's out-of-fold probabilities, before and after calibration.")
page.figure(
    plots.reliability(reliability, title="Reliability of the default model (out-of-fold)"),
    "Reliability diagram: mean predicted probability against the share correct, per bin, of "
    "the default model's out-of-fold predictions on its training reports.",
)

# %% [markdown]
# Read the diagram by bins: of the reports given a probability of about 0.8, about 80 % should
# carry the label. Points below the diagonal mean over-confidence. The Brier score (mean
# squared distance of the probability vector from the truth) and the expected calibration error
# (mean gap between the two axes, weighted by reports) summarise it.

# %%
given = corpus["program_type"].notna() & corpus["program_type"].isin(CLASSES)
known = set(packaged_examples()["text"])
seen = corpus["text"].isin(known)
if given.sum() >= 2:
    res = evaluate(
        clf, corpus.loc[given, "text"], corpus.loc[given, "program_type"], cv=None
    )
    page.say(
        f"Against the {int(given.sum())} labels in the manifest: macro-F1 "
        f"{res['macro_f1']:.2f}, accuracy {res['accuracy']:.2f}."
        + (
            f" {int((seen & given).sum())} of these reports are among the model's packaged "
            "training examples, so this is agreement, not a test."
            if (seen & given).any()
            else " None of them is among the model's training examples."
        )
    )
    page.figure(
        plots.confusion_matrix(res["confusion"], title="Manifest label against predicted label"),
        "Manifest labels (rows) against predicted labels (columns), counts of reports.",
    )
else:
    page.say("The corpus has no manifest labels to compare with; see the validation section.")

# %% [markdown]
# ## Reports to read by hand
#
# A report is flagged `uncertain` when its calibrated probability is low or when the model's two
# opinions (the linear model and the most similar training examples) favour different types;
# the rule is printed below. These are the reports to read before trusting the counts by
# program type.

# %%
flagged = labels[labels["uncertain"]]
page.say(
    f"Rule: {clf.uncertain_rule()}.",
    f"{len(flagged):,} of {len(labels):,} reports {'is' if len(flagged) == 1 else 'are'} "
    "uncertain.",
)
if len(flagged):
    page.table(
        flagged.sort_values("probability")[["doc_id", "label", "labels", "probability"]]
        .assign(evidence=flagged["evidence"].map(
            lambda e: e[0] if len(e) else "(no lexicon evidence)")),
        "uncertain", "Uncertain reports, least certain first, with their strongest evidence.",
    )

# %% [markdown]
# ## Validation: code a sample by hand
#
# Before trusting automated coding, political scientists code a sample by hand and report the
# agreement. `cadretext sample CORPUS -n 100 --out coding.csv` draws a sample stratified by
# predicted label and by certainty (fixed seed: the same command writes the same file), as a
# coding sheet with an excerpt of the evidence and an empty `human_label` column (`--coders 2`
# adds `human_label_2`). Fill it in, then `cadretext validate coding.csv` reports accuracy,
# per-class precision and recall, the confusion matrix, Cohen's κ (and Krippendorff's α with
# two coders) and the reports that most need a second look. The same functions are
# `cadretext.classify.coding_sheet` and `cadretext.classify.validate`.

# %%
sheet = coding_sheet(
    labels.assign(text=corpus["text"].to_numpy()), n=min(100, len(labels)), seed=SEED
)
page.table(sheet, "coding_sheet", "The coding sheet (fill in human_label).", max_rows=10)

# %% [markdown]
# Where the manifest already holds a researcher's labels, they can stand in for the hand
# codes, and the validation report is computed from them:

# %%
manifest_labels = dict(zip(corpus["doc_id"], corpus["program_type"], strict=True))
coded = sheet.assign(
    human_label=[
        manifest_labels.get(d) if manifest_labels.get(d) in CLASSES else ""
        for d in sheet["doc_id"]
    ]
)
if (coded["human_label"] != "").any():
    print(format_validation(validate(coded)))
else:
    page.say("No manifest labels: code the sheet by hand, then run cadretext validate.")
