from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadretext import clean_text, normalize_whitespace, remove_pinyin_glosses, split_units
from cadretext.errors import ParameterError

GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+[)）]")


# --------------------------------------------------------------------------- pinyin glosses
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("學(xué)習(xí)", "學習"),
        ("個(ge) 人", "個人"),
        ("個(ge)人", "個人"),
        ("發(fā)展（fā）", "發展"),
        ("學習(xuéxí)", "學習"),
        ("学(xue2)习", "学习"),
        ("县(市、区)", "县(市、区)"),
        ("(庄晓丽)", "(庄晓丽)"),
        ("国内生产总值(GDP)", "国内生产总值(GDP)"),
        ("中国(china)", "中国(china)"),
        ("第一条(一)", "第一条(一)"),
        ("编号(2023)", "编号(2023)"),
    ],
)
def test_pinyin_glosses(raw: str, expected: str) -> None:
    assert remove_pinyin_glosses(raw) == expected


def test_gloss_audit_records_each_gloss() -> None:
    removed: list[dict] = []
    remove_pinyin_glosses("學(xué)習(xí)\n個(ge) 人", removed=removed)
    assert [(r["text"], r["line"]) for r in removed] == [("(xué)", 1), ("(xí)", 1), ("(ge)", 2)]


# --------------------------------------------------------------------------- seeds
def test_003_becomes_simplified_without_glosses(seed_raw) -> None:
    text = clean_text(seed_raw["003"])
    assert not GLOSS.search(text)
    for traditional in "學習婁選競發質黨區縣為":
        assert traditional not in text
    assert "娄底市委分批选派县处级优秀年轻干部到杭州市委党校主体班沉浸式竞学" in text
    assert "“三高四新”美好蓝图" in text
    assert text.startswith("娄底市:外派竞学为干部提能发展提质\n")


@pytest.mark.parametrize("key", ["002", "003"])
def test_footers_and_place_list_removed(seed_raw, key: str) -> None:
    text = clean_text(seed_raw[key])
    for junk in [
        "主办单位",
        "技术支持",
        "ICP",
        "欢迎您访问",
        "来访者",
        "交流群",
        "2223934",
        "红河县",
        "德惠市",
        "相关信息",
        "MORE",
        "下一篇",
        "凉水河论坛",
        "治国理政",
        "编辑:",
        "来源:",
        "标签",
    ]:
        assert junk not in text, junk
    last = text.rstrip().split("\n")[-1]
    assert last.endswith("。"), last  # the article's own last paragraph ends the text


def test_002_keeps_its_article(seed_raw) -> None:
    text = clean_text(seed_raw["002"])
    assert text.startswith("以思想破冰引领发展突围\n导语:")
    assert "● 跟班学习有利于深化合作" in text
    assert text.endswith("打造全域协同重要增长极。")


EXPECTED_REMOVALS = {
    "000": [("metadata", 3), ("editor_source_line", 66)],
    "001": [("editor_source_line", 31)],
    "004": [],
}


@pytest.mark.parametrize("key", sorted(EXPECTED_REMOVALS))
def test_clean_articles_keep_every_paragraph(seed_raw, key: str) -> None:
    raw = seed_raw[key]
    text, removed = clean_text(raw, return_removed=True)
    assert [(r["kind"], r["line"]) for r in removed] == EXPECTED_REMOVALS[key]
    removed_lines = {r["line"] for r in removed}
    paragraphs = text.split("\n")
    kept = [
        normalize_whitespace(line)
        for i, line in enumerate(raw.split("\n"), start=1)
        if line.strip() and i not in removed_lines
    ]
    assert paragraphs == kept


def test_removed_audit_quotes_the_raw_file(seed_raw) -> None:
    raw = seed_raw["003"]
    _, removed = clean_text(raw, return_removed=True)
    lines = raw.split("\n")
    kinds = {r["kind"] for r in removed}
    assert {"pinyin_gloss", "t2s_converted", "metadata", "site_footer", "seo_place_list"} <= kinds
    for r in removed:
        if r["kind"] not in ("pinyin_gloss", "t2s_converted"):
            assert lines[r["line"] - 1].strip() == r["text"]
    footer = [r["text"] for r in removed if r["kind"] == "site_footer"]
    assert "主辦單位:中共湖南省委組織部" in footer  # quoted as written, traditional


def test_clean_text_switches(seed_raw) -> None:
    raw = seed_raw["003"]
    assert "婁底" in clean_text(raw, to_simplified=False)
    assert "(xué)" in clean_text(raw, remove_glosses=False, to_simplified=False)
    assert "主办单位" in clean_text(raw, remove_boilerplate=False)


def test_normalisation_of_width_and_space() -> None:
    text = clean_text("２０２３年　ＡＢＣ公司\u200b发布\r\n\r\n  第二段　 内容，保留标点！ ")
    # spaces between Chinese and Latin script are kept; between Chinese characters they go
    assert text == "2023年 ABC公司发布\n第二段内容，保留标点！"


def test_related_marker_early_in_page_is_not_a_tail() -> None:
    raw = "相关链接\n" + "这是正文第一段，内容很长。" * 20 + "\n这是正文第二段。"
    assert "这是正文第二段" in clean_text(raw)


# --------------------------------------------------------------------------- units
def test_split_units_paragraphs_merge_headings(seed_corpus) -> None:
    units = split_units(seed_corpus, "paragraph")
    assert units["unit_id"].is_unique
    assert set(units["doc_id"]) == set(seed_corpus["doc_id"])
    one = units[units["doc_id"].str.startswith("000")]
    assert list(one["position"]) == list(range(len(one)))
    heading = one[one["text"].str.startswith("跟班学习\n寻发展良方\n")]
    assert len(heading) == 1 and heading.iloc[0]["text"].endswith("跟班学习的10名干部。")
    quoted_heading = one[one["text"].str.startswith("在真锤实炼中勤修“内功”\n一路奔波")]
    assert len(quoted_heading) == 1
    assert (units["program_type"].notna()).all()
    assert "raw_text" not in units.columns


def test_split_units_sentences_cover_the_text(seed_corpus) -> None:
    units = split_units(seed_corpus, "sentence")
    for doc_id, group in units.groupby("doc_id"):
        text = seed_corpus.set_index("doc_id").loc[doc_id, "text"]
        assert "".join(group["text"]) == text.replace("\n", "")
    assert len(units) > 5 * 20


def test_split_units_bad_unit() -> None:
    with pytest.raises(ParameterError, match="unit"):
        split_units(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}), "chapter")


def test_common_page_furniture_removed() -> None:
    raw = (
        "当前位置：首页 > 新闻中心 > 干部工作\n"
        "市委组织部选派干部赴深圳跟班学习\n"
        "发布时间：2022-05-10  来源：组工网  字体：大 中 小\n"
        "为提升干部能力，市委组织部选派20名干部赴深圳跟班学习三个月。\n"
        "【打印本页】【关闭窗口】\n"
        "扫一扫在手机打开当前页\n"
    )
    text, removed = clean_text(raw, return_removed=True)
    assert (
        text
        == "市委组织部选派干部赴深圳跟班学习\n为提升干部能力，市委组织部选派20名干部赴深圳跟班学习三个月。"
    )
    assert [r["line"] for r in removed] == [1, 3, 5, 6]


def test_breadcrumb_lines_in_their_many_wordings_are_removed() -> None:
    # 您当前的位置, 您现在所在的位置, 本页位置 ... followed by a colon or an arrow: the site's
    # breadcrumb trail; a sentence about a position is kept
    raw = (
        "您当前的位置 : 东北网 > 经济\n"
        "您现在所在的位置:首页\n"
        "本页位置: 首页 → 新闻中心\n"
        "当前我国所处的历史位置决定了干部培训的方向。\n"
        "市委组织部选派干部赴深圳跟班学习。"
    )
    text, removed = clean_text(raw, return_removed=True)
    assert (
        text == "当前我国所处的历史位置决定了干部培训的方向。\n市委组织部选派干部赴深圳跟班学习。"
    )
    assert [(r["kind"], r["line"]) for r in removed] == [("site_footer", i) for i in (1, 2, 3)]


def test_accessibility_furniture_of_government_sites_is_removed() -> None:
    # Taiwanese and mainland government pages open with a skip link, accesskey anchors
    # (":::") and accessibility switches; a sentence that mentions 无障碍 is kept
    raw = (
        "按Enter到主內容區\n"
        ":::\n"
        "无障碍浏览| 进入长者模式| 设为首页 | 加入收藏\n"
        "跳转到主要内容\n"
        "海峽交流基金會舉辦台商座談\n"
        ":::\n"
        "无障碍环境建设是县委党校培训的一个专题。"
    )
    text, removed = clean_text(raw, return_removed=True)
    assert text == "海峡交流基金会举办台商座谈\n无障碍环境建设是县委党校培训的一个专题。"
    assert [(r["kind"], r["line"]) for r in removed if r["kind"] != "t2s_converted"] == [
        ("site_footer", i) for i in (1, 2, 3, 4, 6)
    ]


# The rule normalize_whitespace implements, written as the regular expression it replaced (the
# per-gap loop is several times faster on long lines); the loop must agree with it everywhere.
_WIDE = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_GAP_RULE = re.compile(rf"(?<=[{_WIDE}\d])[ \t]+(?=[{_WIDE}])|(?<=[{_WIDE}])[ \t]+(?=\d)")


def _whitespace_by_regex(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if re.search(r"[ \t\f\v]", line):  # lines without spaces are kept as they are
            line = _GAP_RULE.sub("", re.sub(r"[ \t\f\v]+", " ", line).strip())
        lines.append(line)
    return "\n".join(line for line in lines if line)


def test_normalize_whitespace_matches_the_gap_rule() -> None:
    import random

    rng = random.Random(7)
    alphabet = [*"学习 \t\f\v\n \u3000,，。a1b２٣\u2028\x85（)Z-", " ", " ", "\t"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert normalize_whitespace(text) == _whitespace_by_regex(text), repr(text)


def test_gloss_audit_lines_counted_left_to_right() -> None:
    raw = "學(xué)習(xí)\n\n幹部(gàn bù)\n選派(xuǎn pài)"
    text, removed = clean_text(raw, return_removed=True, to_simplified=False)
    glosses = [r for r in removed if r["kind"] == "pinyin_gloss"]
    assert [g["line"] for g in glosses] == [1, 1, 3, 4]
    assert text == "學習\n幹部\n選派"


def test_zero_width_characters_are_removed_with_an_audit_entry() -> None:
    text, removed = clean_text("干\u200b部\u200b赴\ufeff深圳", return_removed=True)
    assert text == "干部赴深圳"
    assert {"kind": "invisible", "text": "3 characters (U+200B, U+FEFF)", "line": None} in removed
    assert clean_text("干部赴深圳", return_removed=True)[1] == []


def test_previous_next_links_are_page_furniture_however_long():
    body = "选派干部赴常州跟班学习，深入企业调研，收获很大。" * 4
    nav = (
        "上一篇:天长市开展“新时代领头雁——基层党组织书记论坛”选派第一书记[ 06-30 ] "
        "下一篇:天长市:“三项举措”推动公务员履职能力提升培训提质增效[ 07-01 ]"
    )
    assert clean_text(f"{body}\n{body}\n{nav}") == f"{body}\n{body}"
    # the same words early in a page, as prose, stay
    early = f"上一篇:文章说，{body}\n{body}\n{body}"
    assert clean_text(early).startswith("上一篇")


def test_t2s_audit_counts_the_converted_characters() -> None:
    raw = "婁底市選派幹部到長沙學習。" * 40 + "没有变化的简体字。"
    text, removed = clean_text(raw, return_removed=True)
    summary = [r for r in removed if r["kind"] == "t2s_converted"]
    expected = sum(a != b for a, b in zip(raw, text, strict=False))
    assert summary == [{"kind": "t2s_converted", "text": f"{expected} characters", "line": None}]
    assert expected == 6 * 40


# --------------------------------------------------------------------------- speed paths
# The gloss remover as it stood before two speed-ups (its runs of spaces matched possessively,
# after a "(" followed by 20,000 spaces took 195 s; the scan and the result built by re.sub,
# with the checks around the parenthesis in the pattern): written out plainly, it is the
# specification the fast version must meet, removal by removal.
_CANDIDATE_BEFORE = re.compile(
    r"[(（][ \t]*([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüv1-5' ]{1,40}?)[ \t]*[)）]"
)
_CJK_BEFORE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _glosses_removed_plainly(text: str) -> tuple[str, list[dict]]:
    from cadretext.clean import _is_pinyin

    pieces, removed, last = [], [], 0
    for match in _CANDIDATE_BEFORE.finditer(text):
        start, end = match.span()
        before = start - 1
        if before >= 0 and text[before] in " \t":
            before -= 1
        if before < 0 or not _CJK_BEFORE.match(text, before) or not _is_pinyin(match.group(1)):
            continue
        if before == start - 2:
            start -= 1
        if end < len(text) - 1 and text[end] in " \t" and _CJK_BEFORE.match(text, end + 1):
            end += 1
        line = text.count("\n", 0, start) + 1
        removed.append({"kind": "pinyin_gloss", "text": match.group(0), "line": line})
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return "".join(pieces), removed


_GLOSS_ALPHABET = [
    *"學習个人党校abcegnouxzhíǐüǖǘv '\t()（）12345,市、区\nGDP",
    "xué",
    "(xí)",
    " (ge) ",
    "  (ge)",
    "zhuàng",
    "china",
    "gàn bù",
    "(lü3)",
    "xi'an",
]


@given(st.lists(st.sampled_from(_GLOSS_ALPHABET), max_size=30).map("".join))
@settings(max_examples=3000, deadline=None)
def test_gloss_remover_removes_what_the_plain_one_does(text: str) -> None:
    expected, found_plainly = _glosses_removed_plainly(text)
    removed: list[dict] = []
    assert remove_pinyin_glosses(text, removed=removed) == expected
    assert remove_pinyin_glosses(text) == expected
    assert removed == found_plainly


def test_gloss_remover_on_the_seeds_matches_the_plain_one(seed_raw) -> None:
    for raw in seed_raw.values():
        removed: list[dict] = []
        expected, found_plainly = _glosses_removed_plainly(raw)
        assert remove_pinyin_glosses(raw, removed=removed) == expected
        assert removed == found_plainly


def test_t2s_triggers_file_is_what_opencc_dictionaries_give() -> None:
    """The packaged trigger list is rebuilt from the installed OpenCC's own dictionaries."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "build_t2s_triggers", root / "benchmarks" / "build_t2s_triggers.py"
    )
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    if not (builder.opencc_home() / "bin" / "opencc_dict").is_file():
        pytest.skip("the opencc wheel has no opencc_dict tool here")
    packaged = root / "src" / "cadretext" / "lexicons" / "t2s_triggers.txt"
    assert packaged.read_text(encoding="utf-8").splitlines() == builder.derive()


_T2S_ALPHABET = [
    *"學習干部党校坏回覆深沈一目瞭然藉口甦生海哩函\n。",
    "回覆",
    "深沈",
    "意志消沈",
    "反反覆覆",
    "一目瞭然",
    "以免藉口",
    "選派幹部",
    "\U00020000",
    "\uf900",
    "乾隆",
]


@given(st.lists(st.sampled_from(_T2S_ALPHABET), max_size=40).map("".join))
@settings(max_examples=3000, deadline=None)
def test_t2s_line_by_line_equals_opencc_on_the_whole_text(text: str) -> None:
    from cadretext.clean import _converter, _t2s, _t2s_triggers

    assert _t2s_triggers() is not None  # the installed OpenCC is the one the list knows
    assert _t2s(text) == _converter("t2s").convert(text)


def test_t2s_converts_everything_for_another_opencc(monkeypatch) -> None:
    import cadretext.clean as clean_module

    monkeypatch.setattr(clean_module, "_t2s_triggers", lambda: None)
    seen: list[str] = []

    class Spy:
        def convert(self, text: str) -> str:
            seen.append(text)
            return text

    monkeypatch.setattr(clean_module, "_converter", lambda config: Spy())
    clean_module._t2s("简体\n简体")
    assert seen == ["简体\n简体"]


@given(st.text(alphabet="学習 \r\n\t\u3000０Ａ\u200b\ufeff\ud800e\u0301é", max_size=20))
@settings(max_examples=2000, deadline=None)
def test_clean_text_fast_path_equals_the_full_steps(text: str) -> None:
    """Reports without odd characters skip surrogate and width handling: same result."""
    from cadretext.clean import _normalize_chars, replace_surrogates

    slow = clean_text(
        _normalize_chars(replace_surrogates(text)), remove_boilerplate=False, to_simplified=False
    )
    assert clean_text(text, remove_boilerplate=False, to_simplified=False) == slow


def test_spam_header_removed_prose_that_names_its_words_kept() -> None:
    spam = "国产在线观看,久久精品视频,一区二区三区免费看"
    body = "近日，某市选派干部赴亚洲、欧美等地学习考察，成人教育和精品课程也在其中。"
    text, removed = clean_text(f"{spam}\n{body}", return_removed=True)
    assert text == body
    assert [(r["kind"], r["line"], r["text"]) for r in removed] == [("spam_header", 1, spam)]
    assert clean_text("某市赛车pk10单吊\n" + body) == body  # short and dense: two words suffice
    # below the header, or in a sentence, such words are the article's
    lower = "\n".join([body, body, body, spam])
    assert clean_text(lower) == lower
    assert clean_text(spam + "。\n" + body).startswith(spam)


def test_audit_of_a_removed_line_with_a_lone_surrogate_can_be_written() -> None:
    # the removed line is quoted as the file has it, but a lone surrogate (recorded on its own)
    # is U+FFFD there: the report writes the audit as UTF-8
    text, removed = clean_text(
        "干部培训开班。\n版权所有\udc81：某某网站\n正文。", return_removed=True
    )
    assert text == "干部培训开班。\n正文。"
    assert {"kind": "surrogate", "text": "U+DC81", "line": 2} in removed
    footer = next(r for r in removed if r["kind"] == "site_footer")
    assert footer["text"] == "版权所有\ufffd：某某网站" and footer["line"] == 2
    json.dumps(removed, ensure_ascii=False).encode("utf-8")
