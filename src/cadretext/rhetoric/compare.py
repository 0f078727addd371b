"""Rhetoric compared across groups: shared items, overlap of profiles, co-occurrence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..describe import count_noun
from ..errors import ParameterError
from . import base
from .base import KINDS
from .formulas import numbered_formulas
from .idioms import idioms
from .metaphors import metaphors
from .quotes import quoted_phrases

__all__ = [
    "SHARED_COLUMNS",
    "cooccurrence_graph",
    "describe_overlap",
    "describe_shared",
    "extract_all",
    "rhetoric_overlap",
    "shared_rhetoric",
]


#: Reports per batch in :func:`extract_all`.
EXTRACT_BATCH = 1000

_EXTRACTORS = {
    "formula": numbered_formulas,
    "idiom": idioms,
    "metaphor": metaphors,
    "quoted": quoted_phrases,
}


def _check_kinds(kinds: Sequence[str] | str) -> tuple[str, ...]:
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ParameterError(f"kinds must be a non-empty subset of {KINDS}, not {kinds}")
    return kinds


def extract_all(
    data: Any, *, kinds: Sequence[str] = KINDS, text_column: str = "text"
) -> pd.DataFrame:
    """Run the extractors in ``kinds`` and concatenate their rows.

    Extra columns (``source``, ``domain``, ``rule``, ``category``, ``quote``) are kept and are
    empty for kinds that do not have them.

    Examples
    --------
    >>> df = extract_all("以思想“破冰”助力“三高四新”，如饥似渴。", kinds=("formula", "idiom"))
    >>> df[["item", "kind"]].values.tolist()
    [['三高四新', 'formula'], ['如饥似渴', 'idiom']]
    """
    kinds = _check_kinds(kinds)
    docs = base.documents(data, text_column)
    # Reports in batches, taken in doc_id order: every extractor reads one report at a time,
    # so the rows are the same, and each batch sorted on its own makes the sorted whole. Only
    # one batch's rows exist as Python objects at a time, and the table is not copied again to
    # be sorted (10,000 reports: 376,000 rows, 160 MB a copy).
    order = pd.Series([d for d, _ in docs]).sort_values(kind="stable").index
    # the columns of every kind asked for, whether or not it found anything: a corpus without
    # idioms still has an ``idiom_type`` column, so code that groups by it does not break
    columns: dict[str, None] = dict.fromkeys(base.COLUMNS)
    parts = []
    for start in range(0, max(len(docs), 1), EXTRACT_BATCH):
        batch = [docs[i] for i in order[start : start + EXTRACT_BATCH]]
        frame = pd.DataFrame({"doc_id": [d for d, _ in batch], "text": [t for _, t in batch]})
        found = [_EXTRACTORS[k](frame) for k in kinds]
        for part in found:
            columns.update(dict.fromkeys(part.columns))
        found = [part for part in found if len(part)]
        if found:
            rows = pd.concat(found, ignore_index=True)
            parts.append(rows.sort_values(["doc_id", "start", "end"], kind="stable"))
    if not parts:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(parts, ignore_index=True).reindex(columns=list(columns))


def _items_for(
    corpus: pd.DataFrame, by: str, kinds: tuple[str, ...], items: pd.DataFrame | None
) -> pd.DataFrame:
    if not isinstance(corpus, pd.DataFrame):
        raise ParameterError("corpus must be a DataFrame with doc_id, text and the group column")
    for col in ("doc_id", "text", by):
        if col not in corpus.columns:
            raise ParameterError(f"the corpus has no {col!r} column (by={by!r})")
    if items is None:
        items = extract_all(corpus, kinds=kinds)
    items = items[items["kind"].isin(kinds)]
    groups = corpus.set_index("doc_id")[by]
    return items.assign(group=items["doc_id"].map(groups))


SHARED_COLUMNS = ["item", "kind", "group", "docs", "count", "rate", "n_groups", "shared"]


def shared_rhetoric(
    corpus: pd.DataFrame,
    *,
    by: str = "program_type",
    kinds: Sequence[str] = ("formula", "idiom", "metaphor"),
    items: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Which rhetorical items the groups (program types) share, as a long (tidy) table.

    Parameters
    ----------
    corpus : DataFrame
        ``doc_id``, ``text`` and the ``by`` column.
    by : str
        Grouping column; documents with a missing value are left out.
    kinds : subset of ("formula", "idiom", "metaphor", "quoted")
    items : DataFrame, optional
        A precomputed :func:`extract_all` result for this corpus (saves re-extracting).

    Returns
    -------
    DataFrame
        One row per (item, kind, group) where the item occurs in the group: ``docs``
        (documents of the group containing it), ``count`` (occurrences), ``rate``
        (occurrences per 10,000 characters of the group's text), then for the item as a whole
        ``n_groups`` (groups it occurs in) and ``shared`` (``"all"``, ``"some"`` or
        ``"one"``). Sorted by ``n_groups``, the item's documents and occurrences (descending),
        then item and group. For a wide view, pivot it:
        ``table.pivot_table(index="item", columns="group", values="rate", fill_value=0)``.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "program_type": ["x", "y"],
    ...                        "text": ["干部充电加油，如饥似渴。", "党校充电加油。"]})
    >>> shared_rhetoric(corpus)[["item", "group", "docs", "shared"]].values.tolist()
    [['充电', 'x', 1, 'all'], ['充电', 'y', 1, 'all'], ['加油', 'x', 1, 'all'], ['加油', 'y', 1, 'all'], ['如饥似渴', 'x', 1, 'one']]
    """
    kinds = _check_kinds(kinds)
    found = _items_for(corpus, by, kinds, items)
    sub = corpus[corpus[by].notna()]
    n_groups_total = sub[by].nunique()
    chars = sub.groupby(by)["text"].apply(lambda s: sum(len(t or "") for t in s))
    found = found[found["group"].notna()]
    if found.empty:
        return pd.DataFrame(columns=SHARED_COLUMNS)
    table = (
        found.groupby(["item", "kind", "group"], sort=False)
        .agg(docs=("doc_id", "nunique"), count=("doc_id", "size"))
        .reset_index()
    )
    table["rate"] = [
        round(c / chars[g] * 10000, 3) if chars[g] else 0.0
        for c, g in zip(table["count"], table["group"], strict=True)
    ]
    per_item = table.groupby(["item", "kind"])
    table["n_groups"] = per_item["group"].transform("size")
    table["shared"] = [
        "all" if n == n_groups_total else ("one" if n == 1 else "some") for n in table["n_groups"]
    ]
    order = table.assign(
        _docs=per_item["docs"].transform("sum"), _count=per_item["count"].transform("sum")
    ).sort_values(
        ["n_groups", "_docs", "_count", "item", "group"],
        ascending=[False, False, False, True, True],
        key=lambda s: s.map(str) if s.name == "group" else s,
    )
    return table.loc[order.index, SHARED_COLUMNS].reset_index(drop=True)


def describe_shared(table: pd.DataFrame, *, examples: int = 5) -> list[str]:
    """Short sentences, with their numbers, that say what a :func:`shared_rhetoric` table
    shows: how many distinct items there are, how many every group uses, and the most
    widespread of them. Every figure comes from ``table``.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "program_type": ["x", "y"],
    ...                        "text": ["干部充电加油，如饥似渴。", "党校充电加油。"]})
    >>> describe_shared(shared_rhetoric(corpus))
    ['3 distinct items in 2 groups: 2 occur in every group, 0 in some, 1 in one group only.', 'Used by every group: 充电 (2 reports), 加油 (2 reports).']
    """
    if table.empty:
        return ["No formula, idiom or metaphor was found in the grouped reports."]
    items = table.drop_duplicates(["item", "kind"])
    level = items["shared"].value_counts()
    groups = table["group"].nunique()
    out = [
        f"{count_noun(len(items), 'distinct item')} in {count_noun(groups, 'group')}: "
        f"{count_noun(level.get('all', 0), 'occurs', 'occur')} in every group, "
        f"{level.get('some', 0)} in some, {level.get('one', 0)} in one group only."
    ]
    docs = table.groupby(["item", "kind"], sort=False)["docs"].sum()
    common = items[items["shared"] == "all"].head(examples)
    if len(common):
        listed = ", ".join(
            f"{r.item} ({count_noun(docs[(r.item, r.kind)], 'report')})"
            for r in common.itertuples()
        )
        out.append(f"Used by every group: {listed}.")
    return out


def rhetoric_overlap(
    corpus: pd.DataFrame,
    *,
    by: str = "program_type",
    kinds: Sequence[str] = ("formula", "idiom", "metaphor"),
    metric: str = "jaccard",
    items: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Group x group similarity of rhetoric profiles.

    ``metric="jaccard"``: |A ∩ B| / |A ∪ B| of the sets of items each group uses.
    ``metric="cosine"``: cosine of the vectors of item rates per 10,000 characters.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "program_type": ["x", "y"],
    ...                        "text": ["干部充电加油，如饥似渴。", "党校充电加油。"]})
    >>> round(float(rhetoric_overlap(corpus).loc["x", "y"]), 3)  # {充电, 加油} / {充电, 加油, 如饥似渴}
    0.667
    """
    if metric not in ("jaccard", "cosine"):
        raise ParameterError(f"metric must be 'jaccard' or 'cosine', not {metric!r}")
    table = shared_rhetoric(corpus, by=by, kinds=kinds, items=items)
    groups = sorted(corpus[by].dropna().unique(), key=str)
    import numpy as np

    mat = np.zeros((len(groups), len(groups)))
    wide = table.pivot_table(
        index=["item", "kind"], columns="group", values="rate", fill_value=0.0, aggfunc="sum"
    ).reindex(columns=groups, fill_value=0.0)
    rates = wide.to_numpy(float).T.reshape(len(groups), len(wide))
    for i in range(len(groups)):
        for j in range(len(groups)):
            a, b = rates[i], rates[j]
            if metric == "jaccard":
                union = np.count_nonzero((a > 0) | (b > 0))
                mat[i, j] = np.count_nonzero((a > 0) & (b > 0)) / union if union else 0.0
            else:
                norm = float(np.linalg.norm(a) * np.linalg.norm(b))
                mat[i, j] = float(a @ b) / norm if norm else 0.0
    return pd.DataFrame(mat.round(6), index=groups, columns=groups)


def describe_overlap(matrix: pd.DataFrame, *, metric: str = "Jaccard") -> list[str]:
    """One sentence, with its numbers, on a :func:`rhetoric_overlap` matrix: the range of the
    similarities between different groups and the most and least similar pair.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, 0.2, 0.05], [0.2, 1, 0.1], [0.05, 0.1, 1]],
    ...                  index=list("abc"), columns=list("abc"))
    >>> describe_overlap(m)
    ['Between different groups, Jaccard similarity ranges from 0.05 (a and c) to 0.20 (a and b).']
    """
    pairs = [
        (float(matrix.iloc[i, j]), str(matrix.index[i]), str(matrix.columns[j]))
        for i in range(len(matrix))
        for j in range(i + 1, len(matrix.columns))
    ]
    if not pairs:
        return [f"Only one group: no {metric} similarity between groups to report."]
    low, high = min(pairs), max(pairs)
    return [
        f"Between different groups, {metric} similarity ranges from {low[0]:.2f} "
        f"({low[1]} and {low[2]}) to {high[0]:.2f} ({high[1]} and {high[2]})."
    ]


def cooccurrence_graph(
    data: Any,
    *,
    kinds: Sequence[str] = ("formula", "idiom", "metaphor"),
    min_weight: int = 1,
    items: pd.DataFrame | None = None,
    text_column: str = "text",
) -> Any:
    """A networkx graph of rhetorical items that occur in the same sentence.

    Nodes are items (attributes ``kind``, ``count`` = occurrences, ``docs`` = documents);
    an edge's ``weight`` is the number of sentences in which both items occur. Edges lighter
    than ``min_weight`` are dropped (isolated nodes are kept).

    Examples
    --------
    >>> g = cooccurrence_graph("干部充电加油，如饥似渴。取到真经，充电加油。")
    >>> sorted(g.nodes), g["充电"]["如饥似渴"]["weight"], g["充电"]["加油"]["weight"]
    (['充电', '加油', '如饥似渴', '真经'], 1, 2)
    """
    import networkx as nx

    kinds = _check_kinds(kinds)
    if items is None:
        items = extract_all(data, kinds=kinds, text_column=text_column)
    items = items[items["kind"].isin(kinds)]
    graph = nx.Graph()
    nodes = items.groupby(["item", "kind"], sort=True)["doc_id"].agg(["size", "nunique"])
    for (item, kind), count, docs in zip(nodes.index, nodes["size"], nodes["nunique"], strict=True):
        graph.add_node(item, kind=kind, count=int(count), docs=int(docs))
    # the distinct items of each sentence, paired in table operations (a Python loop over the
    # sentences took 15 s on 10,000 reports)
    present = items[["doc_id", "sentence", "item"]].assign(
        group=items.groupby(["doc_id", "sentence"], sort=False).ngroup()
    )
    present = present.loc[present["group"] >= 0, ["group", "item"]].drop_duplicates()
    pairs = present.merge(present, on="group", suffixes=("_a", "_b"))
    pairs = pairs[pairs["item_a"] < pairs["item_b"]]
    weights = pairs.groupby(["item_a", "item_b"], sort=True).size()
    for (a, b), w in weights[weights >= min_weight].items():
        graph.add_edge(a, b, weight=int(w))
    return graph
