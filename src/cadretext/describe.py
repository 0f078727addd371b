"""Sentences that state what a stage's table shows, for the report pages and your own write-up.

Every sentence a report page states about *its* corpus comes from a function like these (the
rhetoric, place and diffusion stages have theirs in their own modules:
:func:`cadretext.rhetoric.describe_shared`, :func:`cadretext.locations.describe_flows`,
:func:`cadretext.trends.describe_rates` ...). Each takes the table the stage returns, computes
the numbers it quotes from it, and returns a list of short sentences: nothing in them is
written for a particular corpus, so a page never contradicts its own figures.

These are written here rather than taken from a library because they are the domain's
reading of the tables (which numbers a researcher quotes), not a general-purpose summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .validation import check_columns

__all__ = [
    "count_noun",
    "describe_corpus",
    "describe_doc_topics",
    "describe_keyness",
    "describe_labels",
    "describe_paragraph_labels",
    "describe_prevalence",
    "describe_removals",
    "describe_sweep",
]


def count_noun(n: int, word: str, plural: str | None = None) -> str:
    """``n`` with thousands separators and the noun in the right number, for the sentences
    of every ``describe_*`` function.

    >>> count_noun(1, "report"), count_noun(10_000, "report"), count_noun(2, "is", "are")
    ('1 report', '10,000 reports', '2 are')
    """
    return f"{int(n):,} {word if n == 1 else (plural or word + 's')}"


def _counts(values: pd.Series) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in values.value_counts().items())


def describe_corpus(corpus: pd.DataFrame) -> list[str]:
    """Size, sources, dates, lengths and program types of a corpus (:func:`load_corpus`'s frame).

    Examples
    --------
    >>> df = pd.DataFrame({"doc_id": ["a", "b", "c"], "source": ["人民网", None, "人民网"],
    ...     "date": ["2021-03-01", "2023-05-02", None], "n_chars": [1000, 2000, 3000],
    ...     "program_type": ["secondment", "other", None]})
    >>> for s in describe_corpus(df): print(s)
    3 reports from 1 source (1 report names none).
    2 reports are dated, from 2021 to 2023; 1 is not.
    After cleaning, a report has 2,000 characters at the median (1,000 to 3,000).
    Program types: secondment 1, other 1; 1 report has none.
    """
    check_columns(corpus, ["doc_id"], "describe_corpus")
    n = len(corpus)
    out: list[str] = []
    if n == 0:
        return ["The corpus is empty."]
    if "source" in corpus.columns:
        sources = corpus["source"].dropna()
        sources = sources[sources.astype(str).str.strip() != ""]
        k = sources.nunique()
        missing = n - len(sources)
        tail = (
            f" ({count_noun(missing, 'report')} name{'s' if missing == 1 else ''} none)"
            if missing
            else ""
        )
        out.append(f"{count_noun(n, 'report')} from {count_noun(k, 'source')}{tail}.")
    else:
        out.append(f"{count_noun(n, 'report')}.")
    if "date" in corpus.columns:
        years = pd.to_datetime(corpus["date"], errors="coerce", format="mixed").dt.year.dropna()
        undated = n - len(years)
        if len(years):
            lo, hi = int(years.min()), int(years.max())
            span = f"in {lo}" if lo == hi else f"from {lo} to {hi}"
            tail = f"; {undated:,} {'is' if undated == 1 else 'are'} not" if undated else ""
            verb = "is" if len(years) == 1 else "are"
            out.append(f"{count_noun(len(years), 'report')} {verb} dated, {span}{tail}.")
        else:
            out.append("No report is dated.")
    if "n_chars" in corpus.columns:
        chars = corpus["n_chars"].astype(float)
        out.append(
            f"After cleaning, a report has {chars.median():,.0f} characters at the median "
            f"({chars.min():,.0f} to {chars.max():,.0f})."
        )
    if "program_type" in corpus.columns:
        types = corpus["program_type"].dropna()
        missing = n - len(types)
        source = ""
        if "program_type_source" in corpus.columns:
            predicted = int((corpus["program_type_source"] == "predicted").sum())
            if predicted:
                source = f" ({predicted:,} of them predicted by the classifier)"
        if len(types):
            tail = (
                f"; {count_noun(missing, 'report')} {'has' if missing == 1 else 'have'} none"
                if missing
                else ""
            )
            out.append(f"Program types{source}: {_counts(types)}{tail}.")
        else:
            out.append("No report has a program type.")
    return out


def describe_removals(summary: pd.DataFrame, *, n: int = 3) -> list[str]:
    """What cleaning removed, from :func:`cadretext.corpus.removal_summary`.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "b"], "raw_chars": [1000, 500],
    ...     "clean_chars": [800, 500], "site_footer": [2, 0], "pagination": [1, 0]})
    >>> for x in describe_removals(s): print(x)
    Cleaning removed 200 of 1,500 characters (13%); 1 of 2 reports lost something.
    Most frequent removals: site_footer 2, pagination 1.
    The report that lost most is a (200 characters, 20% of it).
    """
    check_columns(summary, ["doc_id", "raw_chars", "clean_chars"], "describe_removals")
    if summary.empty:
        return []
    raw = int(summary["raw_chars"].sum())
    lost = (summary["raw_chars"] - summary["clean_chars"]).clip(lower=0)
    kinds = [
        c
        for c in summary.columns
        if c not in {"doc_id", "raw_chars", "clean_chars", "t2s_converted"}
        and pd.api.types.is_numeric_dtype(summary[c])
    ]
    touched = (
        int(((lost > 0) | (summary[kinds].sum(axis=1) > 0)).sum())
        if kinds
        else int((lost > 0).sum())
    )
    share = lost.sum() / raw if raw else 0.0
    out = [
        f"Cleaning removed {int(lost.sum()):,} of {raw:,} characters ({share:.0%}); "
        f"{touched:,} of {len(summary):,} reports lost something."
    ]
    totals = summary[kinds].sum().sort_values(ascending=False) if kinds else pd.Series(dtype=int)
    totals = totals[totals > 0].head(n)
    if len(totals):
        out.append(
            "Most frequent removals: "
            + ", ".join(f"{k} {int(v):,}" for k, v in totals.items())
            + "."
        )
    if lost.max() > 0:
        i = int(lost.to_numpy().argmax())
        row = summary.iloc[i]
        out.append(
            f"The report that lost most is {row['doc_id']} ({int(lost.iloc[i]):,} characters, "
            f"{lost.iloc[i] / max(int(row['raw_chars']), 1):.0%} of it)."
        )
    if "t2s_converted" in summary.columns and (summary["t2s_converted"] > 0).any():
        k = int((summary["t2s_converted"] > 0).sum())
        out.append(
            f"{count_noun(k, 'report')} {'was' if k == 1 else 'were'} converted from traditional script."
        )
    return out


def describe_keyness(table: pd.DataFrame, *, n: int = 3, measure: str = "G²") -> list[str]:
    """The top ``n`` terms of each group in a :func:`cadretext.keywords.keyness_by_group` table.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["a", "a", "b"], "term": ["跟班学习", "常州", "党校"],
    ...     "statistic": [40.5, 12.25, 9.0], "target_count": [26, 8, 5]})
    >>> describe_keyness(t)
    ['a: 跟班学习 (G² 40.5, 26 uses), 常州 (G² 12.2, 8 uses).', 'b: 党校 (G² 9.0, 5 uses).']
    """
    check_columns(table, ["group", "term", "statistic"], "describe_keyness")
    out = []
    for group, sub in table.groupby("group", sort=True):
        sub = sub[sub["statistic"] > 0].sort_values("statistic", ascending=False).head(n)
        if sub.empty:
            out.append(f"{group}: no word is used significantly more than in the other types.")
            continue
        parts = []
        for rec in sub.to_dict("records"):
            uses = f", {int(rec['target_count']):,} uses" if "target_count" in rec else ""
            parts.append(f"{rec['term']} ({measure} {rec['statistic']:.1f}{uses})")
        out.append(f"{group}: " + ", ".join(parts) + ".")
    return out


def describe_sweep(sweep: pd.DataFrame, chosen: int) -> list[str]:
    """Where each coherence measure peaks and how stability moves across K, from
    :func:`cadretext.topics.sweep_k`'s table, and the K the rule chose.

    Examples
    --------
    >>> s = pd.DataFrame({"k": [2, 3, 4], "c_v": [0.40, 0.45, 0.42],
    ...     "stability": [0.5, 0.4, 0.3]})
    >>> for x in describe_sweep(s, 3): print(x)
    c_v is highest at K = 3 (0.45).
    Stability across seeds goes from 0.50 at K = 2 to 0.30 at K = 4.
    The selection rule (best mean rank of the coherence measures and stability, the smaller K on ties) chose K = 3.
    """
    check_columns(sweep, ["k"], "describe_sweep")
    out = []
    for m in ("c_v", "c_npmi", "u_mass"):
        if m in sweep.columns and sweep[m].notna().any():
            best = sweep.loc[sweep[m].idxmax()]
            out.append(f"{m} is highest at K = {int(best['k'])} ({best[m]:.2f}).")
    if "stability" in sweep.columns and len(sweep) > 1:
        first, last = sweep.iloc[0], sweep.iloc[-1]
        out.append(
            f"Stability across seeds goes from {first['stability']:.2f} at K = {int(first['k'])} "
            f"to {last['stability']:.2f} at K = {int(last['k'])}."
        )
    out.append(
        "The selection rule (best mean rank of the coherence measures and stability, the "
        f"smaller K on ties) chose K = {int(chosen)}."
    )
    return out


def describe_prevalence(
    prevalence: pd.DataFrame, labels: Mapping[str, str] | None = None
) -> list[str]:
    """For each group, the topic with the highest mean share (and its interval when there is
    one), from :func:`cadretext.topics.topic_prevalence`.

    Examples
    --------
    >>> p = pd.DataFrame({"topic": ["t0", "t1", "t0", "t1"], "group": ["a", "a", "b", "b"],
    ...     "mean": [0.7, 0.3, 0.2, 0.8], "ci_low": [0.6, 0.2, None, None],
    ...     "ci_high": [0.8, 0.4, None, None], "n_clusters": [3, 3, 1, 1]})
    >>> for x in describe_prevalence(p): print(x)
    a: topic t0 has the largest mean share, 0.70 (95% interval 0.60–0.80, 3 reports).
    b: topic t1 has the largest mean share, 0.80 (1 report: no interval).
    """
    check_columns(prevalence, ["topic", "group", "mean"], "describe_prevalence")
    labels = dict(labels or {})
    out = []
    for group, sub in prevalence.groupby("group", sort=True):
        top = sub.loc[sub["mean"].idxmax()]
        name = labels.get(str(top["topic"]), str(top["topic"]))
        n = int(top["n_clusters"]) if "n_clusters" in top and pd.notna(top["n_clusters"]) else None
        if "ci_low" in top and pd.notna(top["ci_low"]) and pd.notna(top["ci_high"]):
            extra = f" (95% interval {top['ci_low']:.2f}–{top['ci_high']:.2f}"
            extra += f", {count_noun(n, 'report')})" if n is not None else ")"
        elif n is not None:
            extra = f" ({count_noun(n, 'report')}: no interval)"
        else:
            extra = ""
        out.append(f"{group}: topic {name} has the largest mean share, {top['mean']:.2f}{extra}.")
    return out


def describe_doc_topics(per_doc: pd.DataFrame, *, threshold: float = 0.5) -> list[str]:
    """How concentrated reports are on one topic, from a reports x topics table of mean shares.

    Examples
    --------
    >>> d = pd.DataFrame({"t0": [0.9, 0.3, 0.6], "t1": [0.1, 0.7, 0.4]}, index=list("abc"))
    >>> describe_doc_topics(d)
    ['In 3 of 3 reports one topic holds more than half of the text (t0 in 2, t1 in 1).']
    """
    if per_doc.empty:
        return []
    top = per_doc.idxmax(axis=1)
    dominant = per_doc.max(axis=1) > threshold
    k = int(dominant.sum())
    parts = ", ".join(f"{t} in {c}" for t, c in top[dominant].value_counts().items())
    tail = f" ({parts})" if parts else ""
    return [
        f"In {k:,} of {len(per_doc):,} reports one topic holds more than "
        f"{'half' if threshold == 0.5 else f'{threshold:.0%}'} of the text{tail}."
    ]


def describe_labels(
    labels: pd.DataFrame, manifest: Sequence[str | None] | pd.Series | None = None
) -> list[str]:
    """Predicted program types, how many are uncertain and (with the researcher's labels)
    how many agree, from :func:`cadretext.classify_corpus`'s table.

    Examples
    --------
    >>> t = pd.DataFrame({"label": ["other", "secondment", "other"],
    ...     "uncertain": [False, True, False]})
    >>> for x in describe_labels(t, ["other", "party_school", None]): print(x)
    Predicted: other 2, secondment 1.
    1 of 3 reports is uncertain: read it before trusting counts by type.
    1 of 2 labels in the manifest agree with the prediction.
    """
    check_columns(labels, ["label"], "describe_labels")
    out = [f"Predicted: {_counts(labels['label'])}."]
    if "uncertain" in labels.columns:
        k = int(labels["uncertain"].sum())
        it = "it" if k == 1 else "them"
        verb = "is" if k == 1 else "are"
        out.append(
            f"{k:,} of {len(labels):,} reports {verb} uncertain"
            + (f": read {it} before trusting counts by type." if k else ".")
        )
    if manifest is not None:
        given = pd.Series(list(manifest), index=labels.index)
        has = given.notna() & (given.astype(str) != "")
        if has.any():
            agree = int((given[has] == labels.loc[has, "label"]).sum())
            out.append(
                f"{agree:,} of {int(has.sum()):,} labels in the manifest agree with the prediction."
            )
    return out


def describe_paragraph_labels(by_paragraph: pd.DataFrame) -> list[str]:
    """How much of each report carries program evidence, from paragraph-level labels
    (:func:`cadretext.classify_corpus` with ``unit="paragraph"``).

    Examples
    --------
    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b", "b"],
    ...     "label": ["other", "secondment", "secondment", "party_school"]})
    >>> for x in describe_paragraph_labels(t): print(x)
    25% of the 4 paragraphs are labelled other (no program evidence); in 0 of 2 reports they are the majority.
    1 of 2 reports has paragraphs of more than one program type.
    """
    check_columns(by_paragraph, ["doc_id", "label"], "describe_paragraph_labels")
    if by_paragraph.empty:
        return []
    is_other = by_paragraph["label"] == "other"
    per_doc = is_other.groupby(by_paragraph["doc_id"]).mean()
    majority = int((per_doc > 0.5).sum())
    types = by_paragraph[~is_other].groupby("doc_id")["label"].nunique()
    mixed = int((types > 1).sum())
    n_docs = len(per_doc)
    return [
        f"{is_other.mean():.0%} of the {len(by_paragraph):,} paragraphs are labelled other (no "
        f"program evidence); in {majority:,} of {n_docs:,} reports they are the majority.",
        f"{mixed:,} of {n_docs:,} report{'s' if n_docs != 1 else ''} "
        f"{'has' if mixed == 1 else 'have'} paragraphs of more than one program type.",
    ]
