"""cadretext.dates.find_date and the date columns of load_corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadretext import load_corpus
from cadretext.dates import DATE_COLUMNS, find_date

ROOT = Path(__file__).resolve().parents[1]
HAND = ROOT / "tests" / "data" / "dates_hand.jsonl"
REAL = ROOT.parent / "shared" / "data" / "real_reports.jsonl"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # the manifest wins, whatever the page says
        (
            {"raw_text": "时间:2023-03-16\n正文", "manifest": "2022-05"},
            ("2022-05", "month", "manifest"),
        ),
        ({"raw_text": "正文", "manifest": "2021年7月28日"}, ("2021-07-28", "day", "manifest")),
        (
            {"raw_text": "标题\n发布时间：2023年3月16日 10:20\n正文"},
            ("2023-03-16", "day", "header"),
        ),
        ({"raw_text": "标题\n2021-07-28\n中国电源产业网\n正文。"}, ("2021-07-28", "day", "header")),
        (
            {"raw_text": "正文", "url": "http://www.x.gov.cn/art/2023/3/16/art_1.html"},
            ("2023-03-16", "day", "url"),
        ),
        (
            {"raw_text": "正文", "url": "http://www.x.gov.cn/2023/0316/c1.html"},
            ("2023-03-16", "day", "url"),
        ),
        (
            {"raw_text": "正文", "url": "http://x.cn/202303/t20230316_5.html"},
            ("2023-03-16", "day", "url"),
        ),
        (
            {"raw_text": "正文", "url": "http://x.cn/2023-03/16/content_1.htm"},
            ("2023-03-16", "day", "url"),
        ),
        (
            {"raw_text": "正文", "url": "http://x.cn/news/202303/a.html"},
            ("2023-03", "month", "url"),
        ),
        ({"raw_text": "正文", "url": "http://20230316.x.cn/a.html"}, None),  # a host, not a path
        (
            {"raw_text": "本报讯（2023年3月16日）记者报道，培训班开班。2019年5月1日曾举办。"},
            ("2023-03-16", "day", "byline"),
        ),
        (
            {"raw_text": "培训于2021年7月28日开班，2021年8月2日结业。"},
            ("2021-08-02", "day", "text"),
        ),
        ({"raw_text": "2023年，全市选派干部。3月4日，培训班开班。"}, ("2023-03-04", "day", "text")),
        ({"raw_text": "2022年计划，2023年实施。3月4日，培训班开班。"}, None),  # which year?
        ({"raw_text": "2021年9月，该县选派10名干部赴杭州跟班学习。"}, ("2021-09", "month", "text")),
        ({"raw_text": "培训在2023年2月30日举办。"}, ("2023", "year", "text")),  # no such day
        ({"raw_text": "《2014-2017年规划》印发。"}, None),  # a range dates nothing
        (
            {"raw_text": "4月16日讯：培训开班。", "url": "http://x.com/2024/04/post_16.html"},
            ("2024-04-16", "day", "url"),
        ),
        ({"raw_text": "到2099年1月1日建成。"}, None),  # the future dates no report
        ({"raw_text": "培训班开班，学员认真学习。"}, None),
        ({"raw_text": "時間：2024年1月29日\n正文"}, ("2024-01-29", "day", "header")),
    ],
)
def test_find_date_sources_in_order_of_trust(kwargs, expected):
    assert find_date(**kwargs) == (expected or (None, None, None))


def test_load_corpus_gives_every_report_a_date_with_precision_and_source(tmp_path):
    records = [
        {"id": "a", "url": "http://x.cn/2023/0316/a.html", "text": "干部培训班开班。"},
        {"id": "b", "text": "标题\n时间:2022-05-06\n干部培训班开班。"},
        {"id": "c", "date": "2021-07", "text": "时间:2022-05-06\n正文。"},
        {"id": "d", "text": "干部培训班开班。"},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    corpus = load_corpus(path).set_index("doc_id")
    assert set(DATE_COLUMNS) <= set(corpus.columns)
    got = corpus[DATE_COLUMNS].to_dict("index")
    assert got["a"] == {"date": "2023-03-16", "date_precision": "day", "date_source": "url"}
    assert got["b"] == {"date": "2022-05-06", "date_precision": "day", "date_source": "header"}
    assert got["c"] == {"date": "2021-07", "date_precision": "month", "date_source": "manifest"}
    assert corpus.loc["d", DATE_COLUMNS].isna().all()


@pytest.mark.skipif(not (REAL.exists() and HAND.exists()), reason="needs ../shared/data")
def test_dates_agree_with_a_hand_check_of_real_reports():
    """tests/data/dates_hand.jsonl: dates a reader found by hand on a sample of the real
    reports (benchmarks/dates_quality.py prints the agreement; the floors sit under it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "dates_quality", ROOT / "benchmarks" / "dates_quality.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.score(REAL, HAND)
    assert result["dated_right"] >= FLOOR_RIGHT
    assert result["wrong"] <= CEILING_WRONG


# benchmarks/DATES_QUALITY.txt, all 80: exact or consistent 0.825, wrong or spurious 0.103
FLOOR_RIGHT = 0.80
CEILING_WRONG = 0.13
