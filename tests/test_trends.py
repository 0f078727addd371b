"""cadretext.trends: rates over time with cluster-bootstrap intervals, diffusion, effects.

The corpora are synthetic, with a planted trend, a planted effect and a planted spread, which
the functions must recover."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cadretext.errors import ParameterError
from cadretext.trends import (
    EFFECT_COLUMNS,
    RATE_COLUMNS,
    adoption,
    choose_period,
    diffusion,
    effects,
    item_rates,
    period_of,
)


def _trend_corpus(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """120 reports a year, 2019-2022; the share using "新提法" rises 0.1 -> 0.7."""
    rng = np.random.default_rng(seed)
    truth = {"2019": 0.1, "2020": 0.3, "2021": 0.5, "2022": 0.7}
    docs, items = [], []
    for year, share in truth.items():
        for i in range(120):
            doc_id = f"{year}-{i}"
            month = 1 + i % 12
            docs.append(
                {"doc_id": doc_id, "date": f"{year}-{month:02d}-15", "text": "字" * 1000,
                 "program_type": "secondment" if i % 2 else "party_school"}
            )  # fmt: skip
            if rng.random() < share:
                items += [{"doc_id": doc_id, "item": "新提法"}] * int(rng.integers(1, 4))
            items.append({"doc_id": doc_id, "item": "老提法"})
    return pd.DataFrame(docs), pd.DataFrame(items), truth


def test_periods():
    assert period_of("2023-11-02", "quarter") == "2023Q4"
    assert period_of("2023-11", "year") == "2023"
    assert period_of(None, "year") is None and period_of("2023", "quarter") is None
    assert choose_period(["2020-01", "2023-06-01"]) == "quarter"
    with pytest.raises(ParameterError, match="period"):
        period_of("2023", "week")


def test_item_rates_recover_a_planted_trend_with_intervals_that_cover_it():
    corpus, items, truth = _trend_corpus()
    rates = item_rates(corpus, items, period="year", n_boot=500)
    assert list(rates.columns) == RATE_COLUMNS
    new = rates[rates["item"] == "新提法"].set_index("period")
    assert list(new.index) == list(truth)
    assert new["share"].is_monotonic_increasing
    for year, share in truth.items():
        row = new.loc[year]
        assert row["share_low"] <= share <= row["share_high"], (year, row.to_dict())
        assert row["share_low"] <= row["share"] <= row["share_high"]
        assert row["n_reports"] == 120
    old = rates[rates["item"] == "老提法"]
    assert (old["share"] == 1).all() and (old["share_low"] == 1).all()
    assert old["per_10k"].tolist() == [10.0] * 4  # one per 1,000 characters
    # the same seed gives the same intervals
    again = item_rates(corpus, items, period="year", n_boot=500)
    pd.testing.assert_frame_equal(rates, again)


def test_cluster_bootstrap_resamples_reports_not_occurrences():
    """One report holding 50 occurrences: its period's rate interval must be wide (the draw
    either has that report or not), not the narrow interval of 50 independent hits."""
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(20)],
            "date": ["2023-05-01"] * 20,
            "text": ["字" * 500] * 20,
        }
    )
    items = pd.DataFrame({"doc_id": ["d0"] * 50, "item": ["提法"] * 50})
    row = item_rates(docs, items, period="year", n_boot=2000).iloc[0]
    assert row["per_10k"] == pytest.approx(50 / 10000 * 10000)
    assert row["per_10k_low"] == 0.0  # many resamples leave d0 out
    assert row["per_10k_high"] > 2 * row["per_10k"]


def test_item_rates_by_group_and_coarse_dates():
    corpus, items, _ = _trend_corpus()
    corpus.loc[0, "date"] = "2019"  # a year only: no month, left out of monthly rates
    rates = item_rates(corpus, items, period="month", by="program_type", n_boot=50, top=1)
    assert set(rates["group"]) == {"secondment", "party_school"}
    assert set(rates["item"]) == {"老提法"}  # the item most reports use
    assert rates.groupby("period")["n_reports"].sum().sum() == len(corpus) - 1
    with pytest.raises(ParameterError, match="date"):
        item_rates(corpus.drop(columns="date"), items)


def _place_corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    """ "三高四新" starts in Hunan in 2020, reaches Henan in 2021 and Hubei in 2022."""
    rows = [
        ("a", "2020-03-01", "湖南省长沙市选派干部赴上海跟班学习，落实三高四新。"),
        ("b", "2020-06-01", "湖南省娄底市干部学习三高四新。"),
        ("c", "2021-02-01", "河南省郑州市举办培训班，学习三高四新。"),
        ("d", "2021-09-01", "河南省商丘市举办培训班。"),
        ("e", "2022-04-01", "湖北省武汉市举办培训班，提到三高四新。"),
        ("f", "2022-05-01", "培训班开班，没有地名，提到三高四新。"),
    ]
    corpus = pd.DataFrame(rows, columns=["doc_id", "date", "text"])
    items = pd.DataFrame(
        [(d, "三高四新") for d, _, t in rows if "三高四新" in t], columns=["doc_id", "item"]
    )
    return corpus, items


def test_diffusion_and_adoption_recover_a_planted_spread():
    corpus, items = _place_corpus()
    first = diffusion(corpus, items).set_index("item").loc["三高四新"]
    assert (first["first_date"], first["first_doc"], first["first_place"]) == (
        "2020-03-01", "a", "湖南省"
    )  # fmt: skip
    assert first["place_source"] == "send"  # 湖南省长沙市选派...: the sending place
    assert first["n_reports"] == 5 and first["n_places"] == 3
    curve = adoption(corpus, items, period="year")
    assert curve["period"].tolist() == ["2020", "2021", "2022"]
    assert curve["new_places"].tolist() == [1, 1, 1]
    assert curve["places"].tolist() == [1, 2, 3]


def test_effects_recover_a_planted_effect_with_clustered_errors():
    rng = np.random.default_rng(1)
    rows = []
    for doc in range(300):
        kind = "closed" if doc % 3 == 0 else "party"
        year = 2018 + doc % 6
        shock = rng.normal(0, 2)  # shared by the paragraphs of one report
        for _para in range(5):
            rate = 1 + 3 * (kind == "closed") + 0.5 * (year - 2018) + shock + rng.normal(0, 0.5)
            rows.append({"doc_id": doc, "kind": kind, "year": year, "rate": rate})
    data = pd.DataFrame(rows)
    out = effects(data, "rate", ["kind"], year="year").set_index("term")
    assert sorted(out.reset_index().columns) == sorted(EFFECT_COLUMNS)
    est = out.loc["kind[T.party]"]
    assert est["ci_low"] <= -3 <= est["ci_high"]
    assert out.loc["year", "ci_low"] <= 0.5 <= out.loc["year", "ci_high"]
    assert out["n"].iloc[0] == 1500 and out["n_clusters"].iloc[0] == 300
    # clustering by report widens the interval against treating paragraphs as independent
    naive = effects(
        data.assign(unit=range(len(data))), "rate", ["kind"], cluster="unit", year="year"
    )
    assert est["std_error"] > 1.5 * naive.set_index("term").loc["kind[T.party]", "std_error"]
    spline = effects(data, "rate", ["kind"], year="year", spline_df=4)
    assert spline["term"].str.startswith("bs(year").sum() == 4
    with pytest.raises(ParameterError, match="spline_df"):
        effects(data, "rate", ["kind"], year="year", spline_df=1)


def test_site_province_is_the_last_place_source():
    from cadretext.trends import report_places, site_province

    assert site_province("http://www.hunan.gov.cn/a/b.html") == "湖南省"
    assert site_province("https://shaanxi.gov.cn/x") == "陕西省"  # not 山西
    assert site_province("http://www.hn.gov.cn/x") == ""  # Henan, Hunan or Hainan?
    assert site_province("http://x.cn/hunan/a.html") == ""  # a path, not the site
    corpus = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "url": ["http://www.hunan.gov.cn/1.html", "http://www.hunan.gov.cn/2.html", ""],
            "text": ["干部培训班开班。", "河南省干部培训班开班。", "培训班开班。"],
        }
    )
    got = report_places(corpus).set_index("doc_id")
    assert got.loc["a"].tolist() == ["湖南省", "site"]
    assert got.loc["b"].tolist() == ["河南省", "mentions"]  # the text wins over the site
    assert got.loc["c"].tolist() == ["", ""]


def test_report_places_reads_each_report_on_its_own():
    from cadretext import place_flow
    from cadretext.trends import report_places

    corpus = pd.DataFrame(
        {
            "doc_id": ["s", "m", "n", "t"],
            "text": [
                "商丘市选派10名干部到江苏省常州市跟班学习。",
                "湖北省召开会议。武汉市、宜昌市干部参加。湖北干部培训班开班。",
                "培训班开班。",
                "河南干部赴深圳挂职。郑州市、洛阳市干部参加。",
            ],
        }
    )
    got = report_places(corpus)
    assert got["doc_id"].tolist() == ["s", "m", "n", "t"]
    assert got.set_index("doc_id").loc["m"].tolist() == ["湖北省", "mentions"]
    assert got.set_index("doc_id").loc["n"].tolist() == ["", ""]
    assert got.loc[got["doc_id"] == "s", "place_source"].item() == "send"
    # a flow table computed once (as Analysis.flows) gives the same places
    pd.testing.assert_frame_equal(report_places(corpus, flow=place_flow(corpus)), got)


def test_describe_rates_names_the_reports_behind_a_single_period():
    from cadretext.trends import describe_rates

    rates = pd.DataFrame(
        {"period": ["2023"], "group": [""], "item": ["x"], "n_reports": [3], "reports_with": [3],
         "share": [1.0], "share_low": [1.0], "share_high": [1.0]}
    )  # fmt: skip
    assert describe_rates(rates) == [
        "1 period 2023, 3 dated reports.",
        "x: used by 100% of reports in 2023 (95% interval 100%-100%, 3 reports).",
    ]


def test_empty_descriptions_do_not_repeat_each_other():
    """Notebook 06 says both on a corpus without dated items: two different sentences."""
    from cadretext.trends import describe_diffusion, describe_rates

    rates, first = describe_rates(pd.DataFrame()), describe_diffusion(pd.DataFrame())
    assert len(rates) == len(first) == 1 and rates != first
    assert "first use" in first[0] and "over time" in rates[0]
