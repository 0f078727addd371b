from __future__ import annotations

import io
import warnings

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd
import pytest
from matplotlib import font_manager

from cadretext import plots
from cadretext.errors import ParameterError

LABELS = ["跟班学习", "中央党校", "半军事化管理", "三高四新", "學習婁底"]


def _render(fig) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    return [str(w.message) for w in caught]


def test_cjk_font_is_registered_and_has_the_glyphs() -> None:
    assert plots.CJK_FONT == "Noto Sans SC"
    path = font_manager.findfont(font_manager.FontProperties(family=plots.CJK_FONT))
    assert path.endswith("NotoSansSC-Regular.otf")
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    for ch in "".join(LABELS):
        assert font.get_char_index(ord(ch)) != 0, ch


def test_chinese_labels_render_without_missing_glyph_warnings() -> None:
    df = pd.DataFrame({"term": LABELS, "score": [5.0, 4.0, 3.0, 2.0, 1.0]})
    fig = plots.bar_terms(df, title="关键词 keyness（G²）", xlabel="对数似然 −2")
    messages = _render(fig)
    assert not [m for m in messages if "missing from font" in m or "Glyph" in m], messages
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == LABELS[::-1]
    used = {t.get_fontname() for t in fig.axes[0].get_yticklabels()}
    assert used == {"Noto Sans SC"}


def test_every_figure_function_draws() -> None:
    terms = pd.DataFrame(
        {
            "group": ["secondment"] * 3 + ["party_school"] * 3,
            "term": [*LABELS, "党校"],
            "score": [3, 2, 1, 3, 2, 1],
        }
    )
    matrix = pd.DataFrame(
        [[1.0, 0.2], [0.2, 1.0]], index=["跟班", "党校"], columns=["跟班", "党校"]
    )
    sweep = pd.DataFrame({"k": [2, 3, 4], "c_v": [0.3, 0.4, 0.35], "u_mass": [-2, -1.5, -1.8]})
    prev = pd.DataFrame(
        {
            "topic": ["t0", "t0"],
            "group": ["secondment", "party_school"],
            "mean": [0.6, 0.3],
            "ci_low": [0.5, 0.2],
            "ci_high": [0.7, 0.4],
        }
    )
    graph = nx.Graph()
    graph.add_edge("破冰", "突围", weight=3)
    graph.add_edge("充电", "加油", weight=1)
    graph.nodes["破冰"]["kind"] = "metaphor"
    flows = pd.DataFrame(
        {
            "send": ["商丘市", "娄底市"],
            "host": ["常州市", "杭州市"],
            "program_type": ["secondment", "party_school"],
        }
    )
    figures = [
        plots.facet_bars(terms, group="group", n=3),
        plots.heatmap(matrix, title="重叠"),
        plots.confusion_matrix(matrix),
        plots.sweep_lines(sweep, chosen=3),
        plots.prevalence(prev),
        plots.network(graph),
        plots.flow_chart(flows),
    ]
    for fig in figures:
        assert not [m for m in _render(fig) if "Glyph" in m or "findfont" in m]


def test_bad_tables_are_named() -> None:
    with pytest.raises(ParameterError, match="column"):
        plots.bar_terms(pd.DataFrame({"x": [1]}))
    with pytest.raises(ParameterError, match="no flows"):
        plots.flow_chart(pd.DataFrame({"send": [None], "host": ["x"]}))


def test_network_layout_does_not_depend_on_node_order() -> None:
    # cooccurrence graphs are built from sets, whose order changes from one process to the next
    edges = [
        ("破冰", "取经", 3.0),
        ("取经", "充电", 1.0),
        ("充电", "三高四新", 2.0),
        ("破冰", "真经", 1.0),
    ]
    forward, backward = nx.Graph(), nx.Graph()
    forward.add_weighted_edges_from(edges)
    backward.add_nodes_from(sorted(forward.nodes, reverse=True))
    backward.add_weighted_edges_from(reversed(edges))
    assert list(forward.nodes) != list(backward.nodes)
    pictures = []
    for graph in (forward, backward):
        fig = plots.network(graph, seed=3)
        png = io.BytesIO()
        fig.savefig(png, format="png", metadata={"Software": None})
        pictures.append(png.getvalue())
        plt.close(fig)
    assert pictures[0] == pictures[1]


def test_reliability_diagram_draws_one_line_per_kind() -> None:
    import numpy as np

    from cadretext.classify import reliability_table

    truth = ["other", "secondment", "other", "party_school"]
    proba = np.array(
        [[0.1, 0.7, 0.1, 0.1], [0.0, 0.1, 0.1, 0.8], [0.2, 0.3, 0.4, 0.1], [0.05, 0.05, 0.85, 0.05]]
    )
    table = pd.concat(
        [
            reliability_table(truth, proba).assign(kind="a"),
            reliability_table(truth, proba**2 / (proba**2).sum(1, keepdims=True)).assign(kind="b"),
        ]
    )
    assert table.groupby("kind")["n"].sum().tolist() == [4, 4]
    fig = plots.reliability(table, title="可靠性")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["perfect", "a", "b"]
    assert not _render(fig)
    with pytest.raises(ParameterError, match="confidence"):
        plots.reliability(pd.DataFrame({"n": [1]}))


def test_time_axes_label_at_most_ten_periods_and_count_places_whole():
    years = [str(y) for y in range(1994, 2027)]  # 33 periods, as on a real corpus
    wide = pd.DataFrame({"双城经济圈": [0] * 30 + [1, 2, 2]}, index=years)
    fig = plots.adoption(wide)
    ax = fig.axes[0]
    fig.canvas.draw()
    shown = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert 2 <= len(shown) <= plots.MAX_PERIOD_LABELS and shown[-1] == "2026"
    assert all(float(v).is_integer() for v in ax.get_yticks())
    rates = pd.DataFrame(
        {
            "period": years * 2,
            "item": ["锤炼"] * 33 + ["一线"] * 33,
            "share": [0.1] * 66,
            "share_low": [0.0] * 66,
            "share_high": [0.3] * 66,
        }
    )
    fig = plots.rates_over_time(rates, title="t")
    visible = [a for a in fig.axes if a.get_visible()]
    assert [a.get_title() for a in visible] == ["锤炼", "一线"]
    assert all(len([t for t in a.get_xticklabels() if t.get_text()]) <= 10 for a in visible)
    assert not fig.axes[0].get_legend()  # periods are an axis, not a legend of 33 entries
    with pytest.raises(ParameterError):
        plots.rates_over_time(rates.iloc[:0])
