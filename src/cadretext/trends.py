"""Time and place: rates of items per period, their diffusion across places, and covariate effects.

Researchers who study 提法 ask when a formulation appears, where it is adopted first, how fast
it spreads, and whether a program type or a region talks differently once the year is held
fixed. This module answers from the long tables the other stages return (one row per
occurrence with ``doc_id`` and ``item``: :func:`cadretext.rhetoric.extract_all`, keyword hits,
program types) and a corpus with dates (:mod:`cadretext.dates`).

* :func:`item_rates`: per period (month, quarter or year, chosen from the corpus' span unless
  given) and optional group, the share of reports that use each item and its occurrences per
  10,000 characters, with confidence intervals from a **cluster bootstrap**: whole reports are
  resampled, so the many occurrences of one report count as one draw.
* :func:`diffusion` and :func:`adoption`: each item's first appearance (date, report, place),
  and the number of places (provinces or cities) that have used it, by period.
* :func:`effects`: an item's rate, or any per-unit outcome such as a topic's share, regressed
  on covariates (program type, year linearly or as a spline, region) with statsmodels'
  ordinary least squares and standard errors clustered by report; a tidy table of effects.

Places come from the report: the sending place :func:`cadretext.place_flow` reads, else the
province the report names most (:func:`cadretext.places`); the ``place_source`` column says
which.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .describe import count_noun
from .errors import ParameterError
from .validation import check_choice, check_int, check_number

__all__ = [
    "EFFECT_COLUMNS",
    "PERIODS",
    "RATE_COLUMNS",
    "adoption",
    "choose_period",
    "describe_diffusion",
    "describe_effects",
    "describe_rates",
    "diffusion",
    "effects",
    "item_rates",
    "period_of",
    "report_places",
    "report_rates",
    "site_province",
]

PERIODS = ("month", "quarter", "year")
RATE_COLUMNS = [
    "period",
    "group",
    "item",
    "n_reports",
    "reports_with",
    "share",
    "share_low",
    "share_high",
    "count",
    "chars",
    "per_10k",
    "per_10k_low",
    "per_10k_high",
]
EFFECT_COLUMNS = [
    "outcome",
    "term",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "p_value",
    "n",
    "n_clusters",
]
_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


# --------------------------------------------------------------------------- periods
def period_of(date: Any, period: str) -> str | None:
    """The period label of an ISO date (``2023-03-16`` -> ``2023-03``, ``2023Q1``, ``2023``);
    ``None`` when the date is missing or too coarse for the period (``2023`` has no month).

    >>> [period_of("2023-03-16", p) for p in ("month", "quarter", "year")]
    ['2023-03', '2023Q1', '2023']
    >>> period_of("2023", "month") is None
    True
    """
    check_choice("period", period, PERIODS)
    if date is None or (isinstance(date, float) and np.isnan(date)):
        return None
    m = _ISO.match(str(date).strip())
    if not m:
        return None
    if period == "year":
        return m["y"]
    if m["m"] is None:
        return None
    if period == "month":
        return f"{m['y']}-{m['m']}"
    return f"{m['y']}Q{(int(m['m']) - 1) // 3 + 1}"


def choose_period(dates: Sequence[Any]) -> str:
    """``month`` for a corpus spanning under two years, ``quarter`` under six, else ``year``
    (by the dated reports; ``year`` when fewer than two are dated).

    >>> choose_period(["2023-01-05", "2023-11-30"]), choose_period(["2015", "2023-02"])
    ('month', 'year')
    """
    years = [
        int(m["y"]) + (int(m["m"]) - 1) / 12 if m["m"] else int(m["y"])
        for m in (_ISO.match(str(d).strip()) for d in dates if d is not None and d == d)
        if m
    ]
    if len(years) < 2:
        return "year"
    span = max(years) - min(years)
    return "month" if span < 2 else "quarter" if span < 6 else "year"


# --------------------------------------------------------------------------- rates
def _check_corpus(corpus: pd.DataFrame, needed: Sequence[str]) -> None:
    if not isinstance(corpus, pd.DataFrame):
        raise ParameterError("corpus must be a DataFrame (load_corpus)")
    missing = [c for c in needed if c not in corpus.columns]
    if missing:
        raise ParameterError(f"the corpus has no {missing[0]!r} column")


def _check_items(items: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(items, pd.DataFrame) or not {"doc_id", "item"} <= set(items.columns):
        raise ParameterError("items must be a DataFrame with doc_id and item columns")
    if "weight" not in items.columns:
        items = items.assign(weight=1.0)
    return items


def item_rates(
    corpus: pd.DataFrame,
    items: pd.DataFrame,
    *,
    period: str = "auto",
    by: str | None = None,
    top: int | None = 20,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Share of reports using each item, and its rate per 10,000 characters, per period.

    Parameters
    ----------
    corpus : DataFrame
        ``doc_id``, ``date`` (ISO, as :func:`cadretext.load_corpus` gives), ``text`` and the
        ``by`` column if given.
    items : DataFrame
        One row per occurrence: ``doc_id``, ``item`` and optionally ``weight`` (a topic share,
        say; 1 per row otherwise).
    period : "auto", "month", "quarter" or "year"
        ``auto`` chooses from the span of the dated reports (:func:`choose_period`). Reports
        whose date is too coarse for the period (a year when months are asked) are left out.
    by : str, optional
        A grouping column (program type): one series per group.
    top : int or None
        Keep the ``top`` items by number of reports using them (all with ``None``).
    n_boot, level, seed
        Cluster bootstrap: ``n_boot`` resamples of whole reports within each period (and
        group), percentile interval at ``level``, random generator seeded with ``seed``.

    Returns
    -------
    DataFrame
        :data:`RATE_COLUMNS`: ``period, group`` (empty without ``by``), ``item``,
        ``n_reports`` (dated reports in the cell), ``reports_with``, ``share`` with its
        interval, ``count`` (summed weights), ``chars``, ``per_10k`` with its interval.
    """
    _check_corpus(corpus, ["doc_id", "date", "text", *([by] if by else [])])
    items = _check_items(items)
    check_int("n_boot", n_boot, minimum=1)
    check_number("level", level, minimum=0, maximum=1, exclusive=True)
    if top is not None:
        check_int("top", top, minimum=1)
    if period == "auto":
        period = choose_period(corpus["date"].tolist())
    check_choice("period", period, PERIODS)
    docs = corpus[["doc_id", "date", "text", *([by] if by else [])]].copy()
    docs["period"] = [period_of(d, period) for d in docs["date"]]
    docs["chars"] = docs["text"].fillna("").str.len()
    docs["group"] = docs[by].astype("string") if by else ""
    docs = docs[docs["period"].notna() & docs["group"].notna()]
    items = items[items["doc_id"].isin(docs["doc_id"])]
    chosen = items.groupby("item")["doc_id"].nunique().sort_values(ascending=False, kind="stable")
    if top is not None:
        chosen = chosen.head(top)
    names = list(chosen.index)
    if not names or docs.empty:
        return pd.DataFrame(columns=RATE_COLUMNS)
    counts = (
        items[items["item"].isin(names)]
        .pivot_table(index="doc_id", columns="item", values="weight", aggfunc="sum", fill_value=0)
        .reindex(index=docs["doc_id"], columns=names, fill_value=0)
    )
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    rows = []
    for (per, group), cell in docs.groupby(["period", "group"], sort=True):
        mat = counts.loc[cell["doc_id"]].to_numpy(float)  # reports x items
        chars = cell["chars"].to_numpy(float)
        n = len(cell)
        draws = rng.integers(0, n, size=(n_boot, n))  # whole reports, with replacement
        used = (mat > 0).astype(float)
        share_boot = used[draws].mean(axis=1)  # n_boot x items
        total_chars = chars[draws].sum(axis=1)[:, None]
        rate_boot = np.divide(
            mat[draws].sum(axis=1) * 10000, total_chars, out=np.zeros_like(share_boot),
            where=total_chars > 0,
        )  # fmt: skip
        total = chars.sum()
        for j, name in enumerate(names):
            rows.append(
                {
                    "period": per,
                    "group": group,
                    "item": name,
                    "n_reports": n,
                    "reports_with": int(used[:, j].sum()),
                    "share": used[:, j].mean(),
                    "share_low": np.quantile(share_boot[:, j], alpha),
                    "share_high": np.quantile(share_boot[:, j], 1 - alpha),
                    "count": float(mat[:, j].sum()),
                    "chars": int(total),
                    "per_10k": mat[:, j].sum() * 10000 / total if total else 0.0,
                    "per_10k_low": np.quantile(rate_boot[:, j], alpha),
                    "per_10k_high": np.quantile(rate_boot[:, j], 1 - alpha),
                }
            )
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


# --------------------------------------------------------------------------- places
# full pinyin names of provinces as they appear in site addresses (www.hunan.gov.cn,
# zhejiang.gov.cn); abbreviations (hn, zj) are left out: hn is Henan, Hunan or Hainan
_PINYIN_PROVINCES = {
    "beijing": "北京市", "tianjin": "天津市", "shanghai": "上海市", "chongqing": "重庆市",
    "hebei": "河北省", "shanxi": "山西省", "liaoning": "辽宁省", "jilin": "吉林省",
    "heilongjiang": "黑龙江省", "jiangsu": "江苏省", "zhejiang": "浙江省", "anhui": "安徽省",
    "fujian": "福建省", "jiangxi": "江西省", "shandong": "山东省", "henan": "河南省",
    "hubei": "湖北省", "hunan": "湖南省", "guangdong": "广东省", "hainan": "海南省",
    "sichuan": "四川省", "guizhou": "贵州省", "yunnan": "云南省", "shaanxi": "陕西省",
    "gansu": "甘肃省", "qinghai": "青海省", "guangxi": "广西壮族自治区",
    "neimenggu": "内蒙古自治区", "xizang": "西藏自治区", "ningxia": "宁夏回族自治区",
    "xinjiang": "新疆维吾尔自治区",
}  # fmt: skip


def site_province(url: Any) -> str:
    """The province a site's address names in full pinyin (``www.hunan.gov.cn`` -> 湖南省),
    or ``""``.

    >>> site_province("http://www.zjhz.gov.cn/a.html"), site_province("https://hunan.gov.cn/x")
    ('', '湖南省')
    """
    if not isinstance(url, str) or "//" not in url:
        return ""
    host = url.split("//", 1)[1].split("/", 1)[0].lower()
    for label in re.split(r"[.\-]", host):
        for name in sorted(_PINYIN_PROVINCES, key=len, reverse=True):
            if label == name or (
                label.startswith(name)
                and label[len(name) :] in ("gov", "daily", "news", "dj", "rb")
            ):
                return _PINYIN_PROVINCES[name]
    return ""


def report_places(
    corpus: pd.DataFrame, *, level: str = "province", flow: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One place per report: ``doc_id, place, place_source``.

    The sending place :func:`cadretext.place_flow` reads (``send``: the report's own place in
    a secondment or study-tour report), else the place the report names most often
    (``mentions``), at ``level`` (``province`` or ``city``), else the province the site's
    address names (``site``, :func:`site_province`, provinces only); empty when none does.
    ``flow`` is :func:`cadretext.place_flow` of this corpus when it has been computed already.
    """
    from .locations import place_flow, places

    check_choice("level", level, ("province", "city"))
    _check_corpus(corpus, ["doc_id", "text"])
    flow = place_flow(corpus) if flow is None else flow
    sends = dict(zip(flow["doc_id"], flow["send"].fillna(""), strict=True))
    found = places(corpus)
    key = "province" if level == "province" else "city"
    # Table operations, then one dictionary lookup per report (a table per report cost 15 s
    # on 10,000 reports): the place of each (report, name) at its first mention, and each
    # report's most mentioned place, ties going to the one mentioned first (value_counts).
    first_place = {
        (d, n): p
        for d, n, p in found.drop_duplicates(["doc_id", "name"])[
            ["doc_id", "name", key]
        ].itertuples(index=False)
    }
    named = found.loc[found[key] != "", ["doc_id", key]]
    named = named.assign(position=np.arange(len(named)))
    ranked = (
        named.groupby(["doc_id", key], sort=False)["position"]
        .agg(["size", "min"])
        .reset_index()
        .sort_values(["doc_id", "size", "min"], ascending=[True, False, True], kind="stable")
        .drop_duplicates("doc_id")
    )
    most = dict(zip(ranked["doc_id"], ranked[key], strict=True))
    urls = (
        dict(zip(corpus["doc_id"], corpus["url"], strict=True)) if "url" in corpus.columns else {}
    )
    rows = []
    for doc_id in corpus["doc_id"]:
        send = sends.get(doc_id, "")
        place, source = "", ""
        if send:
            first = send.split(";")[0]
            place = first_place.get((doc_id, first)) or first
            source = "send"
        elif doc_id in most:
            place, source = most[doc_id], "mentions"
        if not place and level == "province" and "url" in corpus.columns:
            place = site_province(urls.get(doc_id))
            source = "site" if place else ""
        rows.append({"doc_id": doc_id, "place": place, "place_source": source})
    return pd.DataFrame(rows, columns=["doc_id", "place", "place_source"])


def diffusion(
    corpus: pd.DataFrame, items: pd.DataFrame, *, places: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each item's first appearance: ``item, first_date, first_doc, first_place,
    place_source, n_reports, n_places``, earliest first (reports without a date are left out;
    ties broken by ``doc_id``). ``places`` is a :func:`report_places` table (computed when not
    given)."""
    _check_corpus(corpus, ["doc_id", "date"])
    items = _check_items(items)
    if places is None:
        places = report_places(corpus)
    dated = corpus[["doc_id", "date"]].dropna().merge(places, on="doc_id", how="left")
    dated["key"] = dated["date"].astype(str)
    hits = items[["doc_id", "item"]].drop_duplicates().merge(dated, on="doc_id")
    if hits.empty:
        return pd.DataFrame(
            columns=[
                "item", "first_date", "first_doc", "first_place", "place_source",
                "n_reports", "n_places",
            ]
        )  # fmt: skip
    hits = hits.sort_values(["key", "doc_id"], kind="stable")
    first = hits.groupby("item", sort=False).head(1).set_index("item")
    spread = hits.groupby("item").agg(
        n_reports=("doc_id", "nunique"),
        n_places=("place", lambda s: s[s.fillna("") != ""].nunique()),
    )
    out = pd.DataFrame(
        {
            "item": first.index,
            "first_date": first["date"].to_numpy(),
            "first_doc": first["doc_id"].to_numpy(),
            "first_place": first["place"].fillna("").to_numpy(),
            "place_source": first["place_source"].fillna("").to_numpy(),
        }
    ).merge(spread, left_on="item", right_index=True)
    return out.sort_values(["first_date", "item"], kind="stable").reset_index(drop=True)


def adoption(
    corpus: pd.DataFrame,
    items: pd.DataFrame,
    *,
    period: str = "auto",
    places: pd.DataFrame | None = None,
    top: int | None = 10,
) -> pd.DataFrame:
    """The adoption curve of each item: per period, ``new_places`` (places using it for the
    first time) and ``places`` (cumulative), for the ``top`` items by number of places.
    Periods run over the corpus' whole dated span, so a curve is flat where nobody adopts."""
    _check_corpus(corpus, ["doc_id", "date"])
    items = _check_items(items)
    if period == "auto":
        period = choose_period(corpus["date"].tolist())
    check_choice("period", period, PERIODS)
    if places is None:
        places = report_places(corpus)
    docs = corpus[["doc_id", "date"]].merge(places, on="doc_id", how="left")
    docs["period"] = [period_of(d, period) for d in docs["date"]]
    docs = docs[docs["period"].notna() & (docs["place"].fillna("") != "")]
    hits = items[["doc_id", "item"]].drop_duplicates().merge(docs, on="doc_id")
    columns = ["item", "period", "new_places", "places"]
    if hits.empty:
        return pd.DataFrame(columns=columns)
    reach = hits.groupby("item")["place"].nunique().sort_values(ascending=False, kind="stable")
    names = list(reach.index[:top] if top else reach.index)
    all_periods = sorted(docs["period"].unique())
    rows = []
    for name in names:
        firsts = hits[hits["item"] == name].groupby("place")["period"].min()
        new = firsts.value_counts()
        total = 0
        for per in all_periods:
            total += int(new.get(per, 0))
            rows.append(
                {"item": name, "period": per, "new_places": int(new.get(per, 0)), "places": total}
            )
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- effects
def effects(
    data: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    *,
    cluster: str = "doc_id",
    year: str | None = None,
    spline_df: int | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Regress ``outcome`` on ``covariates`` (OLS) with standard errors clustered by ``cluster``.

    The question of stm's ``estimateEffect`` in Python: how does a topic's share or an item's
    rate differ by program type or region once the year is held fixed? Categorical
    covariates (text columns) enter as treatment-coded dummies against their first level in
    sorted order; numeric ones linearly. ``year`` names a numeric column entered linearly, or
    as a B-spline with ``spline_df`` degrees of freedom. Standard errors are clustered by
    ``cluster`` (paragraphs of one report are not independent); with one row per report this
    is the heteroskedasticity-robust estimate.

    Parameters
    ----------
    data : DataFrame
        One row per unit (report or paragraph): the outcome, the covariates and ``cluster``.
    outcome : str
    covariates : sequence of str
    cluster : str
    year : str, optional
    spline_df : int, optional
        At least 3; ``None`` for a linear year.
    level : float

    Returns
    -------
    DataFrame
        :data:`EFFECT_COLUMNS`: ``outcome, term, estimate, std_error, ci_low, ci_high,
        p_value, n, n_clusters``, one row per coefficient (intercept included).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"doc_id": range(8), "rate": [1, 2, 1, 2, 5, 6, 5, 6],
    ...                    "type": ["a"] * 4 + ["b"] * 4})
    >>> out = effects(df, "rate", ["type"])
    >>> out.loc[out["term"] == "type[T.b]", "estimate"].round(2).tolist()
    [4.0]
    """
    import statsmodels.formula.api as smf

    covariates = list(covariates)
    needed = [outcome, cluster, *covariates, *([year] if year else [])]
    _check_corpus(data, needed)
    check_number("level", level, minimum=0, maximum=1, exclusive=True)
    if spline_df is not None:
        check_int("spline_df", spline_df, minimum=3)
    frame = data[needed].dropna().copy()
    if frame.empty:
        raise ParameterError(f"no rows with {', '.join(needed)} all present")
    terms = []
    rename = {}
    for i, col in enumerate([*covariates, *([year] if year else [])]):
        safe = f"x{i}"
        rename[safe] = col
        frame[safe] = frame[col]
        if col == year:
            frame[safe] = pd.to_numeric(frame[safe])
            terms.append(f"bs({safe}, df={spline_df})" if spline_df else safe)
        elif pd.api.types.is_numeric_dtype(frame[safe]):
            terms.append(safe)
        else:
            frame[safe] = frame[safe].astype(str)
            terms.append(f"C({safe})")
    frame["_y"] = pd.to_numeric(frame[outcome])
    formula = "_y ~ " + (" + ".join(terms) if terms else "1")
    groups = pd.factorize(frame[cluster])[0]
    fit = smf.ols(formula, data=frame).fit(cov_type="cluster", cov_kwds={"groups": groups})
    ci = fit.conf_int(alpha=1 - level)
    rows = []
    for term in fit.params.index:
        label = term
        for safe, col in rename.items():
            label = re.sub(rf"C\({safe}\)\[T\.", f"{col}[T.", label)
            label = re.sub(rf"\b{safe}\b", col, label)
        rows.append(
            {
                "outcome": outcome,
                "term": label,
                "estimate": float(fit.params[term]),
                "std_error": float(fit.bse[term]),
                "ci_low": float(ci.loc[term, 0]),
                "ci_high": float(ci.loc[term, 1]),
                "p_value": float(fit.pvalues[term]),
                "n": int(fit.nobs),
                "n_clusters": len(set(groups)),
            }
        )
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


# --------------------------------------------------------------------------- sentences
def describe_rates(rates: pd.DataFrame) -> list[str]:
    """Sentences, with their numbers, on an :func:`item_rates` table: the periods covered and,
    for the most used item, its share of reports in the first and last period with intervals.

    >>> rates = pd.DataFrame({"period": ["2020", "2021"], "group": ["", ""], "item": ["x", "x"],
    ...     "n_reports": [10, 12], "reports_with": [1, 6], "share": [0.1, 0.5],
    ...     "share_low": [0.0, 0.25], "share_high": [0.3, 0.75]})
    >>> describe_rates(rates)[1]
    'x: used by 10% of reports in 2020 (95% interval 0%-30%, 10 reports) and 50% in 2021 (25%-75%, 12 reports).'
    """
    if rates.empty:
        return ["No dated report uses any of these items: nothing to show over time."]
    periods = sorted(rates["period"].unique())
    n_reports = rates.drop_duplicates(["period", "group"])["n_reports"].sum()
    span = f"{periods[0]}" if len(periods) == 1 else f"from {periods[0]} to {periods[-1]}"
    out = [f"{count_noun(len(periods), 'period')} {span}, {count_noun(n_reports, 'dated report')}."]
    top = rates.groupby("item")["reports_with"].sum().sort_values(ascending=False).index[0]
    mine = rates[(rates["item"] == top) & (rates["group"] == rates["group"].iloc[0])]
    # compare the earliest and latest periods that hold a fair number of reports
    enough = mine[mine["n_reports"] >= min(5, mine["n_reports"].max())]
    first, last = enough.iloc[0], enough.iloc[-1]
    if first["period"] == last["period"]:
        out.append(
            f"{top}: used by {first['share']:.0%} of reports in {first['period']} "
            f"(95% interval {first['share_low']:.0%}-{first['share_high']:.0%}, "
            f"{count_noun(first['n_reports'], 'report')})."
        )
    else:
        out.append(
            f"{top}: used by {first['share']:.0%} of reports in {first['period']} (95% interval "
            f"{first['share_low']:.0%}-{first['share_high']:.0%}, {count_noun(first['n_reports'], 'report')}) "
            f"and {last['share']:.0%} in {last['period']} ({last['share_low']:.0%}-"
            f"{last['share_high']:.0%}, {count_noun(last['n_reports'], 'report')})."
        )
    return out


def describe_diffusion(table: pd.DataFrame, *, n: int = 3) -> list[str]:
    """Sentences on a :func:`diffusion` table: the items that reached the most places, each
    with its first appearance.

    >>> t = pd.DataFrame({"item": ["x"], "first_date": ["2020-03-01"], "first_doc": ["a"],
    ...     "first_place": ["湖南省"], "place_source": ["send"], "n_reports": [5], "n_places": [3]})
    >>> describe_diffusion(t)
    ['x: first in report a (2020-03-01, 湖南省, from its sending place); used in 5 reports from 3 places.']
    """
    if table.empty:
        return ["No item has a dated report: no first use to place, no spread to trace."]
    source = {
        "send": "from its sending place",
        "mentions": "the place it names most",
        "": "no place",
    }
    out = []
    for row in table.sort_values(["n_places", "n_reports"], ascending=False).head(n).itertuples():
        where = f"{row.first_place}, {source.get(row.place_source, row.place_source)}"
        if not row.first_place:
            where = "no place read"
        out.append(
            f"{row.item}: first in report {row.first_doc} ({row.first_date}, {where}); used in "
            f"{count_noun(row.n_reports, 'report')} from {count_noun(row.n_places, 'place')}."
        )
    return out


def describe_effects(table: pd.DataFrame, *, level: float = 0.95) -> list[str]:
    """Sentences on an :func:`effects` table: each non-intercept term whose interval excludes
    zero, or a sentence saying none does.

    >>> t = pd.DataFrame({"outcome": ["rate"] * 2, "term": ["Intercept", "type[T.b]"],
    ...     "estimate": [1.0, 4.0], "ci_low": [0.5, 3.0], "ci_high": [1.5, 5.0],
    ...     "n": [8, 8], "n_clusters": [8, 8]})
    >>> describe_effects(t)
    ['rate: type[T.b] 4.00 (95% interval 3.00 to 5.00; 8 units in 8 reports).']
    """
    if table.empty:
        return ["No effects to describe."]
    terms = table[table["term"] != "Intercept"]
    clear = terms[(terms["ci_low"] > 0) | (terms["ci_high"] < 0)]
    if clear.empty:
        return [
            f"{table['outcome'].iloc[0]}: no term's {level:.0%} interval excludes zero "
            f"({count_noun(table['n'].iloc[0], 'unit')} in "
            f"{count_noun(table['n_clusters'].iloc[0], 'report')})."
        ]
    return [
        f"{r.outcome}: {r.term} {r.estimate:.2f} ({level:.0%} interval {r.ci_low:.2f} to "
        f"{r.ci_high:.2f}; {count_noun(r.n, 'unit')} in {count_noun(r.n_clusters, 'report')})."
        for r in clear.itertuples()
    ]


def report_rates(corpus: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """One row per report: ``doc_id, year, count`` (occurrences of the items, or summed
    ``weight``) and ``per_10k`` (per 10,000 characters of its text), beside the corpus'
    other columns but ``text`` and ``raw_text``: the table :func:`effects` regresses.

    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "date": ["2021-05-01", None],
    ...                        "text": ["字" * 1000, "字" * 500]})
    >>> items = pd.DataFrame({"doc_id": ["a", "a", "b"], "item": ["x", "y", "x"]})
    >>> report_rates(corpus, items)[["doc_id", "year", "count", "per_10k"]].values.tolist()
    [['a', 2021.0, 2.0, 20.0], ['b', nan, 1.0, 20.0]]
    """
    _check_corpus(corpus, ["doc_id", "text"])
    items = _check_items(items)
    out = corpus.drop(columns=[c for c in ("text", "raw_text", "removed") if c in corpus.columns])
    out = out.copy()
    dates = corpus["date"] if "date" in corpus.columns else pd.Series(None, index=corpus.index)
    out["year"] = pd.to_numeric(dates.astype("string").str[:4], errors="coerce").astype("float64")
    counts = items.groupby("doc_id")["weight"].sum()
    out["count"] = out["doc_id"].map(counts).fillna(0).astype(float)
    chars = corpus["text"].fillna("").str.len().clip(lower=1)
    out["per_10k"] = out["count"] * 10000 / chars
    return out.reset_index(drop=True)
