"""Each describe_* function against tables whose numbers were checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cadretext.corpus import removal_summary
from cadretext.describe import (
    describe_corpus,
    describe_doc_topics,
    describe_keyness,
    describe_labels,
    describe_paragraph_labels,
    describe_prevalence,
    describe_removals,
    describe_sweep,
)
from cadretext.errors import ParameterError


def test_describe_corpus_on_the_seeds(seed_corpus) -> None:
    said = describe_corpus(seed_corpus)
    # the seed manifest: sources 人民网/河南日报/南安市/娄底 ... with one blank (hand-counted
    # from seeds/manifest.csv); dates 2021-07-28 ... 2024-01-29
    n_sources = seed_corpus["source"].dropna().nunique()
    missing = int(seed_corpus["source"].isna().sum())
    assert said[0] == f"5 reports from {n_sources} sources ({missing} report names none)."
    assert said[1] == "5 reports are dated, from 2021 to 2024."
    lengths = seed_corpus["n_chars"]
    assert f"{lengths.median():,.0f} characters at the median" in said[2]
    assert said[3] == "Program types: secondment 2, party_school 2, closed_training 1."


def test_describe_corpus_on_an_undated_unlabelled_corpus() -> None:
    df = pd.DataFrame(
        {"doc_id": ["a"], "date": [None], "source": [""], "n_chars": [10], "program_type": [None]}
    )
    assert describe_corpus(df) == [
        "1 report from 0 sources (1 report names none).",
        "No report is dated.",
        "After cleaning, a report has 10 characters at the median (10 to 10).",
        "No report has a program type.",
    ]
    assert describe_corpus(df.iloc[:0]) == ["The corpus is empty."]
    with pytest.raises(ParameterError, match="doc_id"):
        describe_corpus(pd.DataFrame({"x": [1]}))


def test_describe_removals_agrees_with_the_summary(seed_corpus) -> None:
    summary = removal_summary(seed_corpus)
    said = describe_removals(summary)
    lost = int((summary["raw_chars"] - summary["clean_chars"]).sum())
    assert said[0].startswith(f"Cleaning removed {lost:,} of {int(summary['raw_chars'].sum()):,}")
    worst = summary.iloc[(summary["raw_chars"] - summary["clean_chars"]).argmax()]["doc_id"]
    assert any(f"The report that lost most is {worst}" in s for s in said)
    assert said[-1] == "1 report was converted from traditional script."


def test_describe_keyness_skips_negative_statistics() -> None:
    table = pd.DataFrame(
        {
            "group": ["a", "a", "b"],
            "term": ["挂职", "党校", "早操"],
            "statistic": [12.0, -3.0, -1.0],
            "target_count": [9, 0, 1],
        }
    )
    assert describe_keyness(table) == [
        "a: 挂职 (G² 12.0, 9 uses).",
        "b: no word is used significantly more than in the other types.",
    ]


def test_describe_sweep_names_the_peaks() -> None:
    sweep = pd.DataFrame(
        {
            "k": [2, 3, 4],
            "c_v": [0.3, 0.2, 0.5],
            "u_mass": [-1.0, -2.0, -3.0],
            "stability": [0.9, 0.6, 0.4],
        }
    )
    assert describe_sweep(sweep, 2) == [
        "c_v is highest at K = 4 (0.50).",
        "u_mass is highest at K = 2 (-1.00).",
        "Stability across seeds goes from 0.90 at K = 2 to 0.40 at K = 4.",
        "The selection rule (best mean rank of the coherence measures and stability, the "
        "smaller K on ties) chose K = 2.",
    ]


def test_describe_prevalence_uses_the_labels() -> None:
    prev = pd.DataFrame(
        {
            "topic": ["topic_0", "topic_1"],
            "group": ["secondment", "secondment"],
            "mean": [0.25, 0.75],
            "ci_low": [0.1, 0.6],
            "ci_high": [0.4, 0.9],
            "n_clusters": [4, 4],
        }
    )
    (line,) = describe_prevalence(prev, {"topic_1": "1: 学习 · 党校"})
    assert line == (
        "secondment: topic 1: 学习 · 党校 has the largest mean share, 0.75 "
        "(95% interval 0.60–0.90, 4 reports)."
    )


def test_describe_doc_topics_counts_dominant_topics() -> None:
    per_doc = pd.DataFrame({"t0": [0.5, 0.51, 0.2], "t1": [0.5, 0.49, 0.8]})
    # 0.5 is not more than half
    assert describe_doc_topics(per_doc) == [
        "In 2 of 3 reports one topic holds more than half of the text (t0 in 1, t1 in 1)."
    ]
    assert describe_doc_topics(per_doc.iloc[:0]) == []


def test_describe_labels_without_a_manifest() -> None:
    labels = pd.DataFrame({"label": ["other"] * 3, "uncertain": [False] * 3})
    assert describe_labels(labels) == ["Predicted: other 3.", "0 of 3 reports are uncertain."]
    assert describe_labels(labels, [None, "", None])[-1] == "0 of 3 reports are uncertain."


def test_describe_paragraph_labels_counts_mixed_reports() -> None:
    table = pd.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b", "b"],
            "label": ["other", "other", "secondment", "party_school", "closed_training"],
        }
    )
    assert describe_paragraph_labels(table) == [
        "40% of the 5 paragraphs are labelled other (no program evidence); in 1 of 2 reports "
        "they are the majority.",
        "1 of 2 reports has paragraphs of more than one program type.",
    ]
