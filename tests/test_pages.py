"""The page building blocks: tables with CSVs and row limits, figures, findings, seed notes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cadretext import load_corpus
from cadretext.corpus import corpus_hash
from cadretext.errors import ParameterError
from cadretext.pages import (
    MAX_ROWS,
    SEED_CORPUS_HASH,
    Page,
    corpus_caveat,
    format_table,
    is_seed_corpus,
    labels_for_documents,
    read_findings,
)

from .conftest import SEEDS


class Shown(list):
    """Collects what a page would display."""


def _page(tmp_path: Path, corpus=None, **kw) -> tuple[Page, Shown]:
    page = Page("07_test", tmp_path, corpus, display=False, **kw)
    shown = Shown()
    page._display = True
    page._show = lambda markup, markdown=False: shown.append(markup)  # type: ignore[method-assign]
    return page, shown


def test_the_seed_hash_is_the_seed_folder(seed_corpus) -> None:
    assert corpus_hash(seed_corpus) == SEED_CORPUS_HASH
    assert is_seed_corpus(seed_corpus)
    assert not is_seed_corpus(seed_corpus.iloc[:4])
    changed = seed_corpus.copy()
    changed.loc[0, "text"] = changed.loc[0, "text"] + "。"
    assert not is_seed_corpus(changed)


def test_seed_notes_show_on_the_seeds_only(tmp_path: Path, seed_corpus) -> None:
    page, shown = _page(tmp_path, seed_corpus)
    page.seed_note("On the seeds, **跟班学习** leads `secondment`.")
    assert len(shown) == 1 and "On the seed corpus." in shown[0]
    assert "<b>跟班学习</b>" in shown[0] and "<code>secondment</code>" in shown[0]
    other, shown_other = _page(tmp_path / "b", load_corpus(sorted(SEEDS.glob("00[0-2]_*.txt"))))
    other.seed_note("On the seeds, 跟班学习 leads.")
    assert shown_other == [] and other.said == []


def test_a_table_shows_at_most_max_rows_and_writes_all_of_them(tmp_path: Path) -> None:
    df = pd.DataFrame({"term": [f"词{i}" for i in range(100)], "score": np.linspace(0, 1, 100)})
    page, shown = _page(tmp_path)
    page.table(df, "terms", "Terms and scores.")
    csv = pd.read_csv(tmp_path / "07_test_terms.csv")
    assert len(csv) == 100 and list(csv.columns) == ["term", "score"]
    html = shown[0]
    assert html.count("<tr>") == MAX_ROWS + 1  # header + rows
    assert "30 of 100 rows shown" in html and 'href="07_test_terms.csv"' in html
    assert "<b>Table 1.</b>" in html
    page.table(df.head(3), "few", "Few.")
    assert "<b>Table 2.</b>" in shown[1] and "(3 rows;" in shown[1]
    with pytest.raises(ParameterError, match="already written"):
        page.table(df, "terms", "Again.")
    with pytest.raises(ParameterError, match="letters, digits"):
        page.table(df, "../x", "Bad name.")


def test_a_sampled_table_is_reproducible_and_per_group_shows_every_group(tmp_path: Path) -> None:
    df = pd.DataFrame({"group": ["a"] * 50 + ["b"] * 50, "n": range(100)})
    one, _ = _page(tmp_path / "1", seed=3)
    two, _ = _page(tmp_path / "2", seed=3)
    one.table(df, "s", "Sampled.", sample=True)
    two.table(df, "s", "Sampled.", sample=True)
    assert one.shown["s"]["n"].tolist() == two.shown["s"]["n"].tolist()
    assert one.shown["s"]["n"].tolist() != list(range(30))
    grouped, _ = _page(tmp_path / "3")
    grouped.table(df, "g", "Grouped.", per_group="group")
    assert grouped.shown["g"]["group"].value_counts().to_dict() == {"a": 15, "b": 15}


def test_cells_are_escaped_rounded_and_missing_values_are_a_dash(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {"text": ["<script>x</script>", "行一\n行二"], "p": [0.123456, np.nan], "n": [1200, 3]}
    )
    page, shown = _page(tmp_path)
    page.table(df, "t", "Cells.")
    html = shown[0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "行一 ⏎ 行二" in html and "\\n" not in html
    assert '<td class="num">0.123</td>' in html and '<td class="na">—</td>' in html
    assert '<td class="num">1,200</td>' in html
    assert pd.read_csv(tmp_path / "07_test_t.csv")["p"].iloc[0] == 0.123456  # every digit
    assert "<th></th>" not in html  # no index column


def test_format_table_keeps_a_named_index_as_a_column() -> None:
    df = pd.DataFrame({"x": [1.23456]}, index=pd.Index(["a"], name="topic"))
    assert format_table(df).to_dict("list") == {"topic": ["a"], "x": [1.235]}


def test_figures_are_numbered_with_caption_and_alt_text(tmp_path: Path) -> None:
    plt.close("all")  # figures another test left open are not this page's
    page, shown = _page(tmp_path)
    for i in range(2):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, i])
        page.figure(fig, f"Line {i}.", alt=f"A line of slope {i}" if i else None)
    assert "<b>Figure 1.</b> Line 0." in shown[0] and 'alt="Line 0."' in shown[0]
    assert "<b>Figure 2.</b>" in shown[1] and 'alt="A line of slope 1"' in shown[1]
    assert "data:image/png;base64," in shown[0]
    assert plt.get_fignums() == []  # closed: the notebook does not show them twice


def test_the_same_figure_gives_the_same_bytes(tmp_path: Path) -> None:
    out = []
    for _ in range(2):
        page, shown = _page(tmp_path)
        fig, ax = plt.subplots()
        ax.bar(["党校", "挂职"], [3, 1])
        page.figure(fig, "Bars.")
        out.append(shown[0])
    assert out[0] == out[1]


def test_key_findings_are_written_for_the_index_and_read_once(tmp_path: Path) -> None:
    page, shown = _page(tmp_path)
    page.say("Not a key finding.")
    page.say("5 reports.", "From 4 sources.", key=True)
    page.say("", "  ")  # nothing to say: nothing shown
    assert len(shown) == 2
    assert json.loads((tmp_path / "07_test_findings.json").read_text(encoding="utf-8")) == [
        {"text": "5 reports. From 4 sources."}
    ]
    assert read_findings(tmp_path, "07_test") == ["5 reports. From 4 sources."]
    assert not (tmp_path / "07_test_findings.json").exists()
    assert read_findings(tmp_path, "07_test") == []


@pytest.mark.parametrize(
    ("n", "expected", "absent"),
    [
        (1, "1 report: read every figure as a description", "reports:"),
        (5, "5 reports: read every figure", "meaningful"),
        (166, "166 reports: enough to describe", "read every figure"),
        (10_000, "10,000 reports: the intervals and tests are meaningful", "read every figure"),
    ],
)
def test_the_caveat_scales_with_the_corpus(n: int, expected: str, absent: str) -> None:
    text = corpus_caveat(n)
    assert text.startswith(expected) and absent not in text
    assert "one program type only" in corpus_caveat(n, 1)
    assert "one program type only" not in corpus_caveat(n, 3)


def test_documents_are_labelled_by_title_and_labels_are_unique() -> None:
    corpus = pd.DataFrame(
        {
            "doc_id": ["a_1", "b_2", "c_3"],
            "title": ["商丘干部赴常州跟班学习纪实报道", None, "商丘干部赴常州跟班学习纪实报道"],
        }
    )
    labels = labels_for_documents(corpus, width=8).tolist()
    assert labels[1] == "b_2"
    with_text = corpus.assign(text=["", "开班仪式\n举行", ""])
    assert labels_for_documents(with_text, width=8).tolist()[1] == "开班仪式 举行"
    assert labels[0].endswith("…") and len(labels[0]) == 8
    assert labels[2] == labels[0] + " (2)"
    assert len(set(labels)) == 3
    assert all(re.fullmatch(r"[^\n]+", label) for label in labels)


def test_a_glyph_the_cjk_font_lacks_is_drawn_without_a_warning_on_the_page(tmp_path: Path) -> None:
    # U+FFFD (undecodable bytes in a title) comes from DejaVu Sans; a character no font has is
    # drawn as a box without the warning being printed on the page
    import warnings

    page, shown = _page(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for label in ("题\ufffd目", "表情\U0001f600"):
            fig, ax = plt.subplots()
            ax.set_title(label)
            page.figure(fig, "A title.")
    assert len(shown) == 2
