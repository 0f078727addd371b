"""Matplotlib figures for the notebooks, with a CJK font registered at import.

Chinese labels render with Noto Sans SC, which the project installs from PyPI
(``pylopdf-fonts-zh-cn``, SIL Open Font License), so figures never show boxes for missing glyphs
on a fresh machine. Every function returns a :class:`matplotlib.figure.Figure` and draws from
plain DataFrames, so the same figures work on a user's own results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from .errors import ParameterError
from .validation import check_columns
from .webfont import cjk_font_path

__all__ = [
    "CJK_FONT",
    "adoption",
    "bar_terms",
    "confusion_matrix",
    "effects",
    "facet_bars",
    "flow_chart",
    "heatmap",
    "histogram",
    "network",
    "prevalence",
    "setup_cjk_font",
    "sweep_lines",
]

PROGRAM_COLORS = {
    "secondment": "#1b9e77",
    "party_school": "#d95f02",
    "closed_training": "#7570b3",
    "other": "#999999",
}


def setup_cjk_font() -> str:
    """Register the packaged Noto Sans SC font with matplotlib and make it the default.

    Returns
    -------
    str
        The font family name (``"Noto Sans SC"``).
    """
    path = cjk_font_path()
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    sans = [name, *[f for f in plt.rcParams["font.sans-serif"] if f != name]]
    plt.rcParams.update(
        {
            # matplotlib's own DejaVu Sans after it: a glyph Noto Sans SC lacks (U+FFFD, which
            # stands for undecodable bytes in titles) is drawn from it, not as a warning
            "font.family": [name, "DejaVu Sans"],
            "font.sans-serif": sans,
            "axes.unicode_minus": False,  # the CJK font's minus sign; avoids a glyph warning
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return name


CJK_FONT = setup_cjk_font()


def _new(ax: Any | None, size: tuple[float, float]) -> tuple[Figure, Any]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    return fig, ax


def _panel_grid(
    count: int, ncols: int, *, width: float, row_height: float, extra: float = 0.0, **kw: Any
) -> tuple[Figure, np.ndarray]:
    """A figure of ``count`` panels, ``ncols`` to a row (fewer when there are fewer panels),
    each ``width`` wide and ``row_height`` high plus ``extra`` for the whole figure; the cells
    past ``count`` are hidden. Returns the figure and the axes as a rows x columns array."""
    cols = max(1, min(int(ncols), count))
    rows = math.ceil(count / cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(width * cols, row_height * rows + extra),
        squeeze=False,
        layout="constrained",
        **kw,
    )
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, axes


def _display_width(text: str) -> int:
    """Width of a label in Latin-character units: a CJK (wide) character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def bar_terms(
    df: pd.DataFrame,
    *,
    term: str = "term",
    value: str = "score",
    n: int = 20,
    title: str | None = None,
    xlabel: str | None = None,
    color: str = "#1b9e77",
    ax: Any | None = None,
) -> Figure:
    """Horizontal bars of the top ``n`` terms by ``value`` (largest at the top).

    Examples
    --------
    >>> fig = bar_terms(pd.DataFrame({"term": ["跟班学习", "党校"], "score": [3.0, 1.0]}))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['党校', '跟班学习']
    """
    check_columns(df, [term, value])
    top = df.nlargest(n, value).iloc[::-1]
    fig, ax = _new(ax, (6, max(2.0, 0.28 * len(top) + 1)))
    ax.barh(top[term].astype(str), top[value], color=color)
    ax.set_xlabel(xlabel or value)
    if title:
        ax.set_title(title)
    return fig


def histogram(
    values: Sequence[float] | pd.Series,
    *,
    bins: int = 30,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str = "reports",
    color: str = "#1b9e77",
) -> Figure:
    """A histogram of one number per report (the per-report bar chart of a large corpus).

    Examples
    --------
    >>> fig = histogram([1200, 1500, 2100, 2500], bins=2, xlabel="characters")
    >>> fig.axes[0].get_xlabel()
    'characters'
    """
    data = pd.to_numeric(pd.Series(list(values)), errors="coerce").dropna()
    if data.empty:
        raise ParameterError("no numbers to draw")
    fig, ax = _new(None, (6, 3))
    ax.hist(data, bins=bins, color=color)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig


#: At most this many period labels on a time axis; the others are left unlabelled.
MAX_PERIOD_LABELS = 10


def _period_axis(ax: Any, periods: Sequence[Any]) -> None:
    """Categorical periods along x, every k-th one labelled so that at most
    :data:`MAX_PERIOD_LABELS` labels show (24 years in a row would run into each other); the
    last period is always labelled."""
    labels = [str(p) for p in periods]
    step = max(1, -(-len(labels) // MAX_PERIOD_LABELS))
    shown = set(range(len(labels) - 1, -1, -step))
    ax.set_xticks(range(len(labels)), [lab if i in shown else "" for i, lab in enumerate(labels)])
    if len(labels) > 4:
        ax.tick_params(axis="x", labelrotation=45)


def adoption(wide: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Step lines of a periods x items table of cumulative counts (places that have used each
    formula by each period), as :func:`cadretext.trends.adoption` pivoted wide.

    Examples
    --------
    >>> fig = adoption(pd.DataFrame({"三高四新": [1, 3]}, index=["2021", "2022"]))
    >>> fig.axes[0].get_ylabel()
    'places that have used it'
    """
    if wide.empty:
        raise ParameterError("nothing to draw: the table is empty")
    from matplotlib.ticker import MaxNLocator

    fig, ax = _new(None, (6.5, 3.2))
    xs = np.arange(len(wide.index))
    for column in wide.columns:
        ax.plot(xs, wide[column], drawstyle="steps-post", marker="o", label=str(column))
    _period_axis(ax, list(wide.index))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # places are counted whole
    ax.set_ylabel("places that have used it")
    ax.set_xlabel("period")
    ax.legend(fontsize=8, frameon=False)
    if title:
        ax.set_title(title)
    return fig


def facet_bars(
    df: pd.DataFrame,
    *,
    group: str,
    term: str = "term",
    value: str = "score",
    n: int = 10,
    ncols: int = 3,
    title: str | None = None,
    colors: dict[str, str] | None = None,
    xlabel: str | None = None,
) -> Figure:
    """One bar panel per group (a topic, a program type), top ``n`` terms each; ``xlabel``
    names the statistic on the axis (default: the column's name)."""
    check_columns(df, [group, term, value])
    groups = list(dict.fromkeys(df[group]))
    if not groups:
        raise ParameterError("nothing to plot: the table is empty")
    fig, axes = _panel_grid(len(groups), ncols, width=4.2, row_height=0.3 * n + 1.2)
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (ax, g) in enumerate(zip(axes.flat, groups, strict=False)):
        sub = df[df[group] == g]
        color = (colors or PROGRAM_COLORS).get(str(g), palette[i % len(palette)])
        bar_terms(
            sub,
            term=term,
            value=value,
            n=n,
            title=str(g),
            xlabel=xlabel or value,
            color=color,
            ax=ax,
        )
    if title:
        fig.suptitle(title)
    return fig


def heatmap(
    matrix: pd.DataFrame,
    *,
    title: str | None = None,
    cmap: str = "viridis",
    annotate: bool = True,
    fmt: str = ".2f",
    xlabel: str | None = None,
    ylabel: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """A labelled heatmap of a DataFrame (rows x columns), values printed in the cells.

    The figure is as wide as its row labels need (Chinese characters count double) plus a
    readable cell per column; each value is printed in black or white, whichever contrasts
    with its cell's colour.

    Examples
    --------
    >>> fig = heatmap(pd.DataFrame({"a": [0.0, 1.0]}, index=["低", "高"]), cmap="Blues")
    >>> [t.get_color() for t in fig.axes[0].texts]
    ['black', 'white']
    """
    values = matrix.to_numpy(dtype=float)
    h, w = values.shape
    row_width = max((_display_width(str(i)) for i in matrix.index), default=1)
    col_width = max((_display_width(str(c)) for c in matrix.columns), default=1)
    cell = 0.9 if annotate else 0.45
    fig, ax = plt.subplots(
        figsize=(
            max(4.0, 0.085 * row_width + cell * w + 1.6),
            max(2.5, 0.32 * h + 1.2 + 0.06 * min(col_width, 30)),
        ),
        layout="constrained",
    )
    im = ax.imshow(values, cmap=cmap, aspect="auto", vmin=vmin, vmax=vmax)
    rotate = col_width > 8
    ax.set_xticks(
        range(w),
        [str(c) for c in matrix.columns],
        rotation=30 if rotate else 0,
        ha="right" if rotate else "center",
    )
    ax.set_yticks(range(h), [str(i) for i in matrix.index])
    if annotate and h * w <= 400:
        for (r, c), v in np.ndenumerate(values):
            if not np.isnan(v):
                red, green, blue, _ = im.cmap(im.norm(v))
                luminance = 0.299 * red + 0.587 * green + 0.114 * blue
                ax.text(
                    c,
                    r,
                    format(v, fmt),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if luminance > 0.5 else "white",
                )
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    if title:
        ax.set_title(title)
    return fig


def confusion_matrix(cm: pd.DataFrame, *, title: str = "Confusion matrix") -> Figure:
    """Counts of true (rows) against predicted (columns) labels."""
    return heatmap(cm, title=title, cmap="Blues", fmt=".0f", xlabel="predicted", ylabel="true")


def reliability(
    table: pd.DataFrame, *, title: str = "Reliability diagram", ax: Any | None = None
) -> Figure:
    """Reliability diagram: accuracy against mean probability per bin, one line per ``kind``.

    ``table`` is :func:`cadretext.classify.evaluate.reliability_table` output (columns
    ``confidence``, ``accuracy``, ``n``), optionally stacked with a ``kind`` column (e.g. before
    and after calibration). Points on the diagonal are perfectly calibrated; marker size shows
    how many reports a bin holds.
    """
    check_columns(table, ["confidence", "accuracy", "n"])
    fig, ax = _new(ax, (5.0, 4.6))
    ax.plot([0, 1], [0, 1], color="0.6", linestyle="--", linewidth=1, label="perfect")
    groups = table.groupby("kind", sort=False) if "kind" in table.columns else [("", table)]
    for kind, part in groups:
        part = part[part["n"] > 0]
        ax.plot(
            part["confidence"],
            part["accuracy"],
            marker="o",
            linewidth=1.2,
            label=kind or None,
            markersize=3,
        )
        ax.scatter(part["confidence"], part["accuracy"], s=8 + 4 * part["n"], alpha=0.35)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("mean probability of the predicted label")
    ax.set_ylabel("share predicted correctly")
    ax.set_title(title)
    ax.legend(loc="upper left", frameon=False)
    return fig


def sweep_lines(
    sweep: pd.DataFrame,
    *,
    x: str = "k",
    metrics: Sequence[str] | None = None,
    chosen: int | None = None,
    title: str | None = None,
) -> Figure:
    """One small line plot per model-selection metric against the number of topics."""
    check_columns(sweep, [x])
    metrics = [m for m in (metrics or sweep.columns) if m != x and m in sweep.columns]
    metrics = [m for m in metrics if pd.api.types.is_numeric_dtype(sweep[m])]
    if not metrics:
        raise ParameterError("no numeric metric columns to plot")
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(3.2 * len(metrics), 2.8), layout="constrained", squeeze=False
    )
    for ax, m in zip(axes[0], metrics, strict=True):
        ax.plot(sweep[x], sweep[m], marker="o")
        ax.set_title(m)
        ax.set_xlabel(x)
        if chosen is not None:
            ax.axvline(chosen, color="grey", linestyle="--", linewidth=1)
    if title:
        fig.suptitle(title)
    return fig


def prevalence(
    table: pd.DataFrame,
    *,
    topic: str = "topic",
    group: str = "group",
    mean: str = "mean",
    low: str = "ci_low",
    high: str = "ci_high",
    title: str | None = None,
    ylabel: str = "mean topic share",
) -> Figure:
    """Mean topic share per group with confidence intervals (dodged points with error bars);
    any estimate with an interval per (x, series) works (``ylabel`` names it)."""
    check_columns(table, [topic, group, mean, low, high])
    topics = list(dict.fromkeys(table[topic]))
    groups = list(dict.fromkeys(table[group]))
    fig, ax = plt.subplots(figsize=(max(5.0, 0.9 * len(topics) + 2), 3.6), layout="constrained")
    width = 0.8 / max(len(groups), 1)
    for j, g in enumerate(groups):
        sub = table[table[group] == g].set_index(topic).reindex(topics)
        xs = np.arange(len(topics)) - 0.4 + width * (j + 0.5)
        err = np.vstack([sub[mean] - sub[low], sub[high] - sub[mean]])
        ax.errorbar(
            xs,
            sub[mean],
            yerr=err,
            fmt="o",
            capsize=3,
            label=str(g),
            color=PROGRAM_COLORS.get(str(g)),
        )
    ax.set_xticks(range(len(topics)), [str(t) for t in topics], rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title)
    return fig


def rates_over_time(
    table: pd.DataFrame,
    *,
    period: str = "period",
    item: str = "item",
    share: str = "share",
    low: str = "share_low",
    high: str = "share_high",
    ncols: int = 3,
    title: str | None = None,
    ylabel: str = "share of reports",
) -> Figure:
    """One small panel per item: its share of reports per period along a time axis, with the
    interval as an error bar (as :func:`cadretext.trends.item_rates` returns them). Periods run
    left to right in their table order; with many periods only some are labelled.

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2021", "2022"] * 2, "item": ["充电", "充电", "取经", "取经"],
    ...                   "share": [0.2, 0.4, 0.1, 0.0], "share_low": [0.0, 0.1, 0.0, 0.0],
    ...                   "share_high": [0.5, 0.7, 0.3, 0.0]})
    >>> fig = rates_over_time(t)
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['充电', '取经']
    """
    check_columns(table, [period, item, share, low, high])
    items = list(dict.fromkeys(table[item]))
    periods = list(dict.fromkeys(table[period]))
    if not items:
        raise ParameterError("nothing to draw: the table is empty")
    fig, axes = _panel_grid(len(items), ncols, width=3.2, row_height=2.4, extra=0.4, sharey=True)
    position = {p: i for i, p in enumerate(periods)}
    for k, ax in enumerate(axes.flat[: len(items)]):
        sub = table[table[item] == items[k]]
        xs = sub[period].map(position).to_numpy(dtype=float)
        err = np.vstack([sub[share] - sub[low], sub[high] - sub[share]]).clip(min=0)
        ax.errorbar(xs, sub[share], yerr=err, fmt="o", markersize=3, capsize=2, color="#1a4f8b")
        ax.set_title(str(items[k]), fontsize=10)
        _period_axis(ax, periods)
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    if title:
        fig.suptitle(title)
    return fig


def effects(
    table: pd.DataFrame,
    *,
    term: str = "term",
    estimate: str = "estimate",
    low: str = "ci_low",
    high: str = "ci_high",
    title: str | None = None,
    drop_intercept: bool = True,
) -> Figure:
    """An effect plot of a :func:`cadretext.trends.effects` table: each term's estimate with its
    interval, and a line at zero (a term whose interval crosses it is not distinguishable from
    no effect)."""
    check_columns(table, [term, estimate, low, high])
    rows = table[table[term] != "Intercept"] if drop_intercept else table
    rows = rows.iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.0, 0.45 * len(rows) + 1.4), layout="constrained")
    ys = np.arange(len(rows))
    err = np.vstack([rows[estimate] - rows[low], rows[high] - rows[estimate]])
    ax.errorbar(rows[estimate], ys, xerr=err, fmt="o", capsize=3, color="#333333")
    ax.axvline(0, color="#999999", linewidth=1, linestyle="--")
    ax.set_yticks(ys, [str(v) for v in rows[term]])
    ax.set_xlabel("estimate with interval")
    if title:
        ax.set_title(title)
    return fig


def network(
    graph: Any,
    *,
    weight: str = "weight",
    group_attr: str | None = "kind",
    max_nodes: int = 60,
    seed: int = 0,
    title: str | None = None,
) -> Figure:
    """Draw a weighted networkx graph: node size ~ degree, edge width ~ weight, colour by kind."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        raise ParameterError("the graph has no nodes")
    if graph.number_of_nodes() > max_nodes:
        strength = dict(graph.degree(weight=weight))
        keep = sorted(strength, key=lambda n: (-strength[n], str(n)))[:max_nodes]
        graph = graph.subgraph(keep)
    # The layout depends on the order of the nodes as well as the seed (and the drawing on the
    # order of the edges), and a graph built from sets has a different order in every Python
    # process (string hashing is randomised): both go in sorted order, so that the same graph
    # and seed always give the same picture.
    canonical = graph.__class__()
    canonical.add_nodes_from(sorted(graph.nodes(data=True), key=lambda item: str(item[0])))
    canonical.add_edges_from(
        sorted(graph.edges(data=True), key=lambda e: tuple(sorted((str(e[0]), str(e[1])))))
    )
    graph = canonical
    pos = nx.spring_layout(graph, seed=seed, weight=weight)
    fig, ax = plt.subplots(figsize=(8, 6.5), layout="constrained")
    weights = np.array([d.get(weight, 1.0) for _, _, d in graph.edges(data=True)], dtype=float)
    if len(weights):
        nx.draw_networkx_edges(
            graph, pos, ax=ax, width=0.5 + 2.5 * weights / weights.max(), alpha=0.35
        )
    kinds = [graph.nodes[n].get(group_attr, "") if group_attr else "" for n in graph.nodes]
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    kind_color = {k: palette[i % len(palette)] for i, k in enumerate(sorted(set(kinds)))}
    sizes = [80 + 40 * graph.degree(n) for n in graph.nodes]
    nx.draw_networkx_nodes(
        graph, pos, ax=ax, node_size=sizes, node_color=[kind_color[k] for k in kinds], alpha=0.85
    )
    nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8, font_family=CJK_FONT)
    if group_attr and len(kind_color) > 1:
        for k, c in kind_color.items():
            ax.scatter([], [], color=c, label=str(k))
        ax.legend(frameon=False, fontsize=8, loc="lower left")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig


def flow_chart(
    flows: pd.DataFrame,
    *,
    source: str = "send",
    target: str = "host",
    group: str | None = "program_type",
    title: str | None = None,
    top: int | None = None,
) -> Figure:
    """Sending places on the left, host places on the right, one line per flow.

    ``top`` keeps the most frequent (sending, host) pairs only, one line each, so a large
    corpus still gives a legible chart (ties: the pair seen first).

    Examples
    --------
    >>> flows = pd.DataFrame({"send": ["商丘", "商丘", "娄底"], "host": ["常州", "常州", "杭州"]})
    >>> fig = flow_chart(flows, group=None, top=1)
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text() not in ("", "sending", "host"))
    ['商丘', '常州']
    """
    check_columns(flows, [source, target])
    flows = flows.dropna(subset=[source, target])
    if flows.empty:
        raise ParameterError("no flows with both a sending and a host place")
    if top is not None:
        counts = flows.groupby([source, target], sort=False).size()
        keep = set(counts.sort_values(ascending=False, kind="stable").head(top).index)
        pairs = list(zip(flows[source], flows[target], strict=True))
        flows = flows[[p in keep for p in pairs]].drop_duplicates([source, target])
    left = sorted(set(flows[source]))
    right = sorted(set(flows[target]))

    def spread(places: list[str]) -> dict[str, float]:
        ys = np.linspace(1, 0, len(places)) if len(places) > 1 else [0.5]
        return dict(zip(places, ys, strict=True))

    ypos_l, ypos_r = spread(left), spread(right)
    fig, ax = plt.subplots(
        figsize=(7, max(2.5, 0.45 * max(len(left), len(right)) + 1)), layout="constrained"
    )
    for rec in flows.to_dict("records"):
        color = PROGRAM_COLORS.get(str(rec.get(group)), "#555555") if group else "#555555"
        ax.annotate(
            "",
            xy=(0.8, ypos_r[rec[target]]),
            xytext=(0.2, ypos_l[rec[source]]),
            arrowprops={"arrowstyle": "->", "color": color, "lw": 1.6, "alpha": 0.8},
        )
    for p, y in ypos_l.items():
        ax.text(0.18, y, p, ha="right", va="center")
    for p, y in ypos_r.items():
        ax.text(0.82, y, p, ha="left", va="center")
    # the packaged CJK font has one weight: emphasis by size, not bold (no fallback warning)
    ax.text(0.18, 1.08, "sending", ha="right", fontsize=11, color="#444444")
    ax.text(0.82, 1.08, "host", ha="left", fontsize=11, color="#444444")
    ax.set_xlim(-0.2, 1.2)
    ax.set_ylim(-0.1, 1.15)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig
