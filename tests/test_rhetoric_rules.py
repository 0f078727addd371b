"""Each rule of the formula grammar on its own (cadretext.rhetoric.formulas.RULES), and the
package layout of cadretext.rhetoric."""

from __future__ import annotations

import pytest

from cadretext import idioms, metaphors, numbered_formulas
from cadretext.lexicons import available, load_wordlist
from cadretext.rhetoric import base, formulas

# (rule, text, expected items from that rule alone)
CASES = [
    (
        "paired",
        "实现三高四新目标，推进一村一品，一来一回，一北一南两个园区",
        ["三高四新", "一村一品"],
    ),
    (
        "N个+head",
        "增强四个意识，做到两个维护，这是一个伟大的时代，另一个革命圣地",
        ["四个意识", "两个维护"],
    ),
    ("N个+head", "建设“六个新高地”", ["六个新高地"]),
    (
        "N大+head",
        "打赢十大攻坚战，践行五大发展理念，学习二十大精神，构建四大核心阵地",
        ["十大攻坚战", "五大发展理念"],
    ),
    # a count of what the clause has just listed is not a label
    (
        "N大+head",
        "毛家川、甜水堡、甜水南三大煤矿加快推进，采用七大地理区域(华东、华北、华中、华南、西南、"
        "西北、东北)抽样，打赢十大攻坚战",
        ["十大攻坚战"],
    ),
    (
        "N条+policy",
        "落实八项规定和20条措施，办好十件实事，共有3条道路",
        ["八项规定", "20条措施", "十件实事"],
    ),
    ("productive", "统筹五位一体，三级联动，长三角一体化", ["五位一体", "三级联动"]),
    (
        "digits",
        "推行1+1+N模式，打造15分钟生活圈，“3815”精神，“2035”远景",
        ["1+1+N", "15分钟生活圈", "3815"],
    ),
    ("quoted", "落实“双减”，践行“两山”理念，用时“三天”", ["双减", "两山"]),
    # a quoted list of N个 labels; a quotation nested in another
    (
        "quoted",
        "锚定“两个上台阶、四个走前列、两个大提升”目标，学习“国民经济‘十一五’规划”",
        ["两个上台阶", "四个走前列", "两个大提升", "十一五"],
    ),
    # numerals read as a month and a day name a dated event, not a formula
    ("quoted", "纪念“三一八”“九一八”，推行“三六八九”", ["三六八九"]),
    # a numeral inside a short quotation; not an ordinal, a count of places or a word
    (
        "quoted",
        "运用“以案四说”，开展“清四乱”，引入“第三方”，率“内五区”之先，为“老百姓”",
        ["以案四说", "清四乱"],
    ),
    # each part of a quoted list of formulas, but not of a list with a plain word in it
    (
        "quoted",
        "做到“两手硬、两战赢”，重申“八严禁、八不准”，“三天、七个人”",
        ["两手硬", "两战赢", "八严禁", "八不准"],
    ),
    (
        "paired",
        "一级抓一级、一环扣一环，一栋两层楼，在基层的四季三餐中，靠一家一户，推进一村一品",
        ["一村一品"],
    ),
    ("quoted", "采用“三间牌楼”形式，落实“一个一个过”，推行“一岗双责”", ["一岗双责"]),
    (
        "N个+head",
        "是“一个信号”，“一个一个过”，实现“两个覆盖”和“六个新高地”",
        ["两个覆盖", "六个新高地"],
    ),
    # places counted after the head: 两个革命中心 (two revolutionary centres)
    ("N个+head", "在北京和广州两个革命中心各办党校，做到两个维护", ["两个维护"]),
    (
        "digits",
        "“5加2”“白加黑”，公布“12388”举报电话，“3815”精神",
        ["5加2", "3815"],
    ),
    # a party congress by its number; people counted; a count of kinds in quotes names a list
    ("N大+head", "党的七大明确提出，中共八大通过决议，打赢十大攻坚战", ["十大攻坚战"]),
    (
        "quoted",
        "十八户村的“张氏三杰”，“竹林七贤”，做足“四种储备”，抓好“三类人员”",
        ["四种储备", "三类人员"],
    ),
    # 一行 is a travelling party; 百姓 is a word whose 百 counts nothing
    (
        "paired",
        "第三分局、四支部一行71位学员，一片叶子富一方百姓，推进一村一品",
        ["一村一品"],
    ),
    # a policy package nicknamed by its count of articles in digits; a run of different
    # numerals naming tiers; not an article cited by number, a repeated numeral or five li
    (
        "quoted",
        "落实“30条举措”“稳经济41条”，实施“十百千万人才培养工程”，依照“第3条”，"
        "“万万千千的人”，“五里拉帕送君琳”",
        ["30条举措", "稳经济41条", "十百千万人才培养工程"],
    ),
    # counts of a report's own key words and districts (version 5 of formula_da_not_heads)
    ("N大+head", "聚焦三大关键词，划分为四大片区，打赢十大攻坚战", ["十大攻坚战"]),
    (
        "known",
        "坚持八八战略，编制十四五规划，回顾十一五，推进多规合一",
        ["八八战略", "十四五", "十一五", "多规合一"],
    ),
]


@pytest.mark.parametrize(("rule", "text", "expected"), CASES)
def test_each_formula_rule_alone(rule, text, expected):
    doc = base.Doc(0, text)
    found = formulas.RULES[rule](formulas.Context(doc))
    assert all(r == rule for _, _, r in found)
    assert [text[s:e] for s, e, _ in sorted(found)] == expected


def test_rules_are_named_as_their_output():
    # the ``rule`` column of numbered_formulas names the rule that found the item
    df = formulas.numbered_formulas("实现三高四新，增强四个意识，坚持八八战略，推行1+X")
    assert dict(zip(df["item"], df["rule"], strict=True)) == {
        "三高四新": "paired",
        "四个意识": "N个+head",
        "八八战略": "known",
        "1+X": "digits",
    }


def test_not_formula_entries_are_dropped_even_when_a_rule_takes_them():
    doc = base.Doc(0, "实现工作和锻炼干部的“双赢”")
    ctx = formulas.Context(doc)
    assert [doc.text[s:e] for s, e, _ in formulas.RULES["quoted"](ctx)] == ["双赢"]
    assert formulas.formula_spans(doc) == []
    assert "双赢" in load_wordlist("formulas").words
    # nor a span that such a word begins: 千禧 (millennium) counts nothing in 千禧一代
    doc = base.Doc(0, "高扬“千禧”帆，千禧一代是最具创新热情的青年，坚持“两山”理念")
    assert formulas.RULES["paired"](formulas.Context(doc))  # the shape alone takes 千禧一代
    assert [doc.text[s:e] for s, e, _ in formulas.formula_spans(doc)] == ["两山"]
    # a number of the list (十九) blocks itself only, not the spans it begins
    doc = base.Doc(0, "出台十九条措施")
    assert [doc.text[s:e] for s, e, _ in formulas.formula_spans(doc)] == ["十九条措施"]
    assert load_wordlist("formulas").tags["双赢"] == "not_formula"


def test_grammar_word_tables_are_versioned_packaged_lists():
    # the tables the grammar reads are lexicon files, so the provenance hash covers them
    for name in (
        "formula_ge_heads",
        "formula_da_not_heads",
        "formula_da_suffixes",
        "formula_policy_heads",
        "formula_productive",
        "province_abbreviations",
        "place_generic_aliases",
    ):
        assert name in available()
        wl = load_wordlist(name)
        assert wl.version and len(wl) > 5
    assert load_wordlist("province_abbreviations").tags["湘"] == "湖南省"


def test_public_names_stay_importable():
    import cadretext
    from cadretext import locations, rhetoric

    for name in rhetoric.__all__:
        assert getattr(rhetoric, name) is not None
    assert rhetoric.places is locations.places is cadretext.places
    assert rhetoric.place_flow is locations.place_flow is cadretext.place_flow


def test_quoted_numeral_phrases_that_label_nothing():
    # a congress and what follows it, people counted, a bare count, a province's nickname and
    # a metaphor of the lexicon are not formulas; real quoted labels still are
    for text in [
        "鞠院长作了“十七大精神解读”的报告。",
        "感受了“三人军事小组”的高瞻远瞩。",
        "三大政治学院在建制上已变成了「两大」。",
        "2016年由“八闽首邑”来到了六盘山。",
        "着力解决“二传手”“踢皮球”问题，我使出了“三板斧”。",
        "在一家三口的生活里，故乡有了新的含义。",
        "探索更新的两大典型路径。",
    ]:
        assert numbered_formulas(text).empty, text
    got = numbered_formulas("坚持“三高四新”“双招双引”，实施“十大战略”，争做“四有”好老师。")
    assert got["item"].tolist() == ["三高四新", "双招双引", "十大战略", "四有"]


def test_a_metaphor_word_inside_an_idiom_is_left_to_the_idiom():
    text = "干部要刀刃向内、滚石上山，在基层生根发芽，到党校充电。"
    assert idioms(text)["item"].tolist() == ["刀刃向内", "滚石上山", "生根发芽"]
    assert metaphors(text)["item"].tolist() == ["充电"]


def test_quoted_paired_shapes_and_words_led_by_large_numerals():
    # in quotes, N X N Y is a label whatever its segments; a reduplicated count (一垄一垄) and an
    # ordinary word led by 万/百/千 with no second numeral are not
    got = numbered_formulas("落实“一定三有”工作机制，推进“三治融合”，开启“第二个百年”新征程。")
    assert got["item"].tolist() == ["一定三有", "三治融合", "第二个百年"]
    for text in [
        "我们七个人每人占一个垄，一垄一垄掰，一下子加快了收割的速度。",
        "让“万事好通”成为企业和群众有感可及的金字招牌。",
        "每天服药“一天两次”。",
    ]:
        assert numbered_formulas(text).empty, text
    assert numbered_formulas("推进一村一品，实现三高四新")["item"].tolist() == [
        "一村一品",
        "三高四新",
    ]


def test_idiom_supplement_version_5():
    text = "千家万户辞旧迎新之际，这是为数不多的新鲜事物，他深有感触，倡导合作共赢。"
    assert idioms(text)["item"].tolist() == ["千家万户", "辞旧迎新", "为数不多", "合作共赢"]


def test_idiom_supplement_version_7():
    text = "他百忙之中来到村里，做到内化于心，开阔眼界，走遍东西南北，谈治国理政。"
    assert idioms(text)["item"].tolist() == ["百忙之中", "内化于心"]


def test_idiom_supplement_version_8_and_sayings_written_without_their_mark():
    text = "要学懂弄通，人心齐泰山移，吃水不忘挖井人，此情此景遥不可及；我们人心齐，泰山移。"
    assert idioms(text)["item"].tolist() == [
        "学懂弄通",
        "人心齐泰山移",
        "吃水不忘挖井人",
        "此情此景",
        "遥不可及",
        "人心齐，泰山移",
    ]
    assert int(load_wordlist("idioms_supplement").version) >= 8


def test_idiom_supplement_version_9():
    # added from the eighth pool; 永不褪色 dropped; 热锅上的蚂蚁, a saying its annotators list
    # as a metaphor, is no idiom (the metaphor lexicon has it); slogans stay out
    text = (
        "老同志们老有所为，挑灯夜读、受益终身，红色传统永不褪色；干部急得像热锅上的蚂蚁，牢记使命。"
    )
    assert idioms(text)["item"].tolist() == ["老有所为", "挑灯夜读", "受益终身"]
    assert metaphors(text)["item"].tolist() == ["热锅上的蚂蚁"]
    assert load_wordlist("idioms_supplement").version == "9"


def test_idiom_supplement_version_6():
    # added from the third and fourth pools; reduplications and the slogan's 绿水青山 dropped
    text = "他们日日夜夜正风肃纪，千千万万人对号入座，守护绿水青山，红脸出汗。"
    assert idioms(text)["item"].tolist() == ["正风肃纪", "对号入座", "红脸出汗"]


def test_a_literal_cue_inside_a_figure_is_no_evidence():
    # 部队 and 战士 are literal cues of the war family, unless they are figures themselves
    # (quoted, after a simile marker, in 有一种…的感觉): then 战场 stays a metaphor
    for text in [
        "第一书记们如同“特种部队”，带着政策、项目、资金奔赴脱贫战场，解决了燃眉之急。",
        "从省直机关来到乡村振兴的战场，忽然间有一种战士要出征的感觉。",
    ]:
        assert "战场" in metaphors(text)["item"].tolist(), text
    assert metaphors("部队官兵奋战在抗洪战场。").empty


def test_genitive_frame_names_an_abstraction_by_a_thing():
    # X之Y with Y a genitive head of lexicons/metaphor_genitive_heads.txt; not after a place
    text = "补足精神之钙，打开智慧之门，把稳思想之舵。考察团来到长江之源，走上发展之路。"
    df = metaphors(text)
    assert df[["item", "domain", "rule"]].values.tolist() == [
        ["精神之钙", "energy", "lexicon"],  # an entry of the lexicon already
        ["智慧之门", "key", "frame"],
        ["思想之舵", "journey", "frame"],
    ]
    assert load_wordlist("metaphor_genitive_heads").version == "1"


def test_a_two_clause_saying_is_found_whatever_mark_divides_it():
    # jionlp holds 不求有功，但求无过 and 眼观四路，耳听八方 with a full-width comma; pages write
    # 、 or an ASCII comma too
    for text in ("不求有功、但求无过", "不求有功,但求无过", "眼观四路、耳听八方"):
        assert text in idioms(f"他常说{text}。")["item"].tolist()
    assert idioms("内化于心，外化于行")["item"].tolist() == ["内化于心"]


def test_metaphor_lexicon_version_13_hubs_of_transport_are_literal():
    # 枢纽 (a hub) is a figure for a person or an office, not in the names of real hubs
    text = "社区书记是连接群众与政府的枢纽。加快国家物流枢纽建设，建设交通枢纽城市，发展枢纽经济。"
    assert metaphors(text)["item"].tolist() == ["枢纽"]
    assert load_wordlist("metaphors").version == "13"
