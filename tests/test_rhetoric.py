"""Tests for cadretext.rhetoric: formulas, idioms, quoted phrases, metaphors, sharing, places."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from cadretext import load_corpus, tokenize
from cadretext.errors import ParameterError
from cadretext.lexicons import load_wordlist
from cadretext.rhetoric import (
    cooccurrence_graph,
    describe_overlap,
    describe_shared,
    extract_all,
    idioms,
    metaphors,
    numbered_formulas,
    place_flow,
    places,
    quoted_phrases,
    rhetoric_overlap,
    shared_rhetoric,
)
from cadretext.rhetoric.compare import SHARED_COLUMNS
from cadretext.rhetoric.metaphors import FAMILIES, METAPHOR_RULES

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def seeds() -> pd.DataFrame:
    corpus = load_corpus(ROOT / "seeds")
    corpus["short"] = corpus["doc_id"].str[:3]
    return corpus


def _text(corpus: pd.DataFrame, short: str) -> str:
    return corpus.loc[corpus["short"] == short, "text"].iloc[0]


def _check_offsets(df: pd.DataFrame, corpus: pd.DataFrame) -> None:
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    for row in df.itertuples():
        text = texts[row.doc_id]
        assert text[row.start : row.end] == row.item
        assert text[row.start : row.end] in row.sentence


# --------------------------------------------------------------------------- formulas
SEED_FORMULAS = {
    "000": ["1234N", "1+1+N", "五位一体", "双招双引", "六个新高地"],
    "002": ["八八战略", "一乡一业", "一链一基金", "两山"],
    "003": ["三高四新", "三个优先", "三引", "20条措施"],
    "004": ["六比六拼", "十大攻坚战", "三级四岗"],
}


def test_formulas_on_seeds_found_where_they_occur(seeds):
    df = numbered_formulas(seeds)
    _check_offsets(df, seeds)
    by_doc = df.assign(short=df["doc_id"].str[:3]).groupby("short")["item"].apply(set)
    for short, expected in SEED_FORMULAS.items():
        missing = set(expected) - by_doc.get(short, set())
        assert not missing, (short, missing)
    # 十大攻坚战 is in 004 six times, 三引 in 003 twice
    counts = Counter(zip(df["doc_id"].str[:3], df["item"], strict=True))
    assert counts[("004", "十大攻坚战")] == 6
    assert counts[("003", "三引")] == 2


def test_formulas_exclude_plain_quantities_on_seeds(seeds):
    items = set(numbered_formulas(seeds)["item"])
    for quantity in ["10名", "6个月", "3000多家", "2022年", "12个课题", "二十大", "一把手", "三天"]:
        assert not any(quantity in item or item in quantity for item in items), quantity
    assert all(not item.isdigit() for item in items)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("坚决做到两个维护，增强四个意识。", ["两个维护", "四个意识"]),
        ("统筹推进五位一体总体布局。", ["五位一体"]),
        ("推行“1+X”模式和1+3+N工作法。", ["1+X", "1+3+N"]),
        ("出台关于促进民营经济发展的20条措施。", ["20条措施"]),
        ("打好三大攻坚战，深入实施八大发展战略。", ["三大攻坚战", "八大发展战略"]),
        ("深化“放管服”改革，推行一户一策、一村一品。", ["放管服", "一户一策", "一村一品"]),
        ("落实“两不愁三保障”，深入开展“万人助万企”。", ["两不愁三保障", "万人助万企"]),
        ("发扬“三牛”精神，推进“四下基层”。", ["三牛", "四下基层"]),
        ("传达全国两会精神，做好三农工作，村两委一肩挑。", ["两会", "三农", "两委", "一肩挑"]),
        ("严守“十项规定”，深入贯彻中央八项规定精神。", ["十项规定", "八项规定"]),
    ],
)
def test_formula_grammar_positives(text, expected):
    assert numbered_formulas(text)["item"].tolist() == expected


@pytest.mark.parametrize(
    "text",
    [
        "选派10名干部开展为期6个月的跟班学习，走访3000多家企业。",
        "2022年9月，第三批学员到达，一是提高站位，二是虚心求教。",
        "一个重要目的是一起研究，一直坚持，一定做到，一些干部一样参加。",
        "深入学习贯彻党的二十大精神和十九大精神，一大批干部参加。",
        "这两个环节很重要，共安排12个专题、两个月的学习和三天的培训。",
        "一审和二审的程序，一对一帮扶，三天两夜的行程，梳理线索110余条。",
        "学员们三心二意不可取，要五湖四海广交朋友，一心一意谋发展。",
        "一张一弛，一来一回，一问一答，一上一下，两地三方签约。",
        "代表们热议三年行动计划，十四届全国人大一次会议召开，第一书记参加。",
        "推动一二三产业融合，三四线城市，五六十人，从四个方面提出三个方面的问题。",
        "一天比一天好，一步一个脚印，十个指头弹钢琴，3人一组，收入5.6亿元，二〇二三年。",
        "书记提出要求：一要统一思想，二要加强领导；两省区一届接着一届抓。",
        "学员自学“十七大”党章和“七一讲话”，弘扬“五四”精神。",
        "落实三项措施，开展六项行动，复制192项政策，完善四项机制。",
        "这类组合有两大特点，履行三大职能，参观七大礼堂。",
    ],
)
def test_formula_grammar_negatives(text):
    assert numbered_formulas(text).empty, numbered_formulas(text)["item"].tolist()


def _precision_recall(path: Path, key: str, extractor) -> tuple[float, float]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    out = extractor([r["text"] for r in rows])
    tp = fp = fn = 0
    for i, row in enumerate(rows):
        pred = Counter(out.loc[out["doc_id"] == i, "item"])
        gold = Counter(row[key])
        hit = sum((pred & gold).values())
        # then an item that contains an annotated one or sits inside it (一张蓝图 / 蓝图,
        # 新征程 / 征程): the same figure with its boundary drawn differently, as
        # benchmarks/rhetoric_quality.py counts "overlap"
        left_pred, left_gold = list((pred - gold).elements()), list((gold - pred).elements())
        for item in left_pred:
            match = next((g for g in left_gold if item in g or g in item), None)
            if match is not None:
                left_gold.remove(match)
                hit += 1
        tp += hit
        fp += sum(pred.values()) - hit
        fn += sum(gold.values()) - hit
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


# Measured on three hand-annotated sets (137 report-style sentences from many provinces).
# rhetoric_heldout.jsonl was written after the grammar and not used to tune it.
# rhetoric_blind2.jsonl (45 sentences, 5 in traditional script) was written by an annotator who
# never saw the code or lexicons. On first contact it scored P/R formulas 0.92/0.80, idioms
# 0.94/0.82, metaphors 1.00/0.62; the general fixes it prompted (traditional script matched in
# simplified form, quoted numeral phrases, no formula inside 长三角一体化, metaphor lexicon v2)
# bring it to 1.00/1.00, 0.95/0.98, 1.00/0.98 -- it is a development set now. The eval set's
# convention was aligned with that annotator's: 抓手 and 问诊 count as metaphors. Issue 15 made the
# set phrases of official writing idioms (真抓实干 is its example); the six such phrases in these
# sets (凝心聚力, 真抓实干, 勇毅前行, 勇挑重担, 久久为功, 艰苦奋斗) were added to their idioms then,
# and with supplement version 2 eleven more the guide counts (担当作为 is its example; 敢闯敢试,
# 急难险重, 走深走实, 互学互鉴, 学深悟透, 学思践悟, 干事创业, 比学赶超, 拒腐防变).
# Supplement versions 6 and 7 follow the blind annotators of the real pages, who list 正风肃纪
# and 量身定制 as idioms: the two eval sentences that hold them list them too.
# Items are matched as benchmarks/rhetoric_quality.py does: exactly, or one containing the other.
# Metaphor lexicon v3 (families, ~950 entries) finds figures these older sets did not annotate
# but the guide counts (一线 for the front line of work, 舞台, 筑牢, 锚定): their metaphor floors
# fell from 0.95-0.97 to the values now measured (eval 0.89/0.95, heldout 0.79/0.83, blind2
# 0.95/0.97); the blind real-report annotation below is the measure of record. Lexicon v9
# follows the blind annotators of the real pages where these sentences, written here, disagree
# with them: 蹚出 added (both annotators of a pool page): heldout metaphors 0.79/0.83 ->
# 0.75/0.83.
# The floors sit just under the measured values, so a regression fails.
@pytest.mark.parametrize(
    "key, extractor, floors",
    [
        (
            "formulas",
            numbered_formulas,
            {"eval": (0.97, 0.97), "heldout": (0.95, 0.9), "blind2": (0.97, 0.97)},
        ),
        (
            "idioms",
            idioms,
            {"eval": (0.97, 0.97), "heldout": (0.97, 0.9), "blind2": (0.97, 0.97)},
        ),
        (
            "metaphors",
            metaphors,
            {"eval": (0.87, 0.93), "heldout": (0.73, 0.8), "blind2": (0.93, 0.95)},
        ),
    ],
)
def test_precision_recall_on_annotated_sentences(key, extractor, floors):
    for name, (p_min, r_min) in floors.items():
        p, r = _precision_recall(DATA / f"rhetoric_{name}.jsonl", key, extractor)
        print(f"{key} on rhetoric_{name}.jsonl: precision {p:.3f} recall {r:.3f}")  # with -s
        assert p >= p_min and r >= r_min, (key, name, round(p, 3), round(r, 3))


# --------------------------------------------------------------------------- idioms
def test_idioms_on_seeds(seeds):
    df = idioms(seeds)
    _check_offsets(df, seeds)
    found = set(zip(df["doc_id"].str[:3], df["item"], strict=True))
    for doc, idiom in [("002", "如饥似渴"), ("004", "如饥似渴"), ("000", "如火如荼"),
                       ("004", "如火如荼"), ("000", "他山之石"), ("002", "他山之石")]:  # fmt: skip
        assert (doc, idiom) in found
    assert set(df["source"]) <= {"jionlp", "supplement", "both"}
    assert set(df["idiom_type"]) <= {"chengyu", "political_set_phrase"}
    sources = dict(zip(df["item"], df["source"], strict=False))
    assert sources["如饥似渴"] == "jionlp"
    assert sources["受益匪浅"] == "supplement"  # not in jionlp's dictionary
    # compositional phrases jieba tags l, lexicon terms and formulas are not idioms
    assert not set(df["item"]) & {"联席会议", "落到实处", "挂职锻炼", "五位一体", "很感兴趣"}


@pytest.mark.parametrize(
    "phrase", ["无论如何", "党的建设", "进一步提高", "从今年起", "引体向上", "统分结合", "党的基本"]
)
def test_jieba_tags_alone_no_longer_make_an_idiom(phrase):
    # issue 15: all of these came out as idioms on real reports through jieba's i/l tags
    assert idioms(f"我们认为{phrase}是重要的。").empty


def test_idioms_from_the_supplement():
    df = idioms("为企业纾困解难、保驾护航，清正廉洁，饶有兴趣地看了原汁原味的节目。")
    found = dict(zip(df["item"], df["idiom_type"], strict=True))
    assert found["纾困解难"] == found["保驾护航"] == "political_set_phrase"
    assert found["清正廉洁"] == found["饶有兴趣"] == found["原汁原味"] == "chengyu"


def test_idioms_sources_parameter():
    text = "学员们如饥似渴地学习，受益匪浅，为企业保驾护航。"
    assert idioms(text, sources=["jionlp"])["item"].tolist() == ["如饥似渴"]
    assert idioms(text, sources=["supplement"])["item"].tolist() == ["受益匪浅", "保驾护航"]
    with pytest.raises(ParameterError, match="sources"):
        idioms(text, sources=["wordnet"])
    with pytest.raises(ParameterError, match="no longer a source"):
        idioms(text, sources=["jieba"])


# --------------------------------------------------------------------------- metaphors
def test_every_metaphor_is_one_token_and_found_in_context():
    lexicon = load_wordlist("metaphors")
    assert lexicon.version == "13" and len(lexicon) >= 900
    families = {lexicon.tags[w].partition(":")[0] for w in lexicon.words}  # every entry has one
    assert families <= {*FAMILIES, "not_metaphor"}
    entries = {w for w in lexicon.words if lexicon.tags[w] != "not_metaphor"}
    rows = [
        line.split("\t")
        for line in (DATA / "rhetoric_metaphor_sentences.tsv").read_text("utf-8").splitlines()
    ]
    assert {w for w, _ in rows} == entries
    sentences = [s for _, s in rows]
    tokens = tokenize(sentences)
    found = metaphors(sentences)
    for i, ((word, sentence), toks) in enumerate(zip(rows, tokens, strict=True)):
        assert word in toks, (word, sentence, toks)
        assert word in found.loc[found["doc_id"] == i, "item"].tolist(), (word, sentence)


def test_metaphors_boundaries_and_domains(seeds):
    df = metaphors(seeds)
    _check_offsets(df, seeds)
    got = set(zip(df["item"], df["domain"], strict=True))
    for pair in [("金钥匙", "key"), ("真经", "journey"), ("肠梗阻", "medicine"),
                 ("充电", "energy"), ("破冰", "ice"), ("排头兵", "war"), ("蹲苗", "agriculture")]:  # fmt: skip
        assert pair in got
    assert set(df["rule"]) <= set(METAPHOR_RULES)
    # inside a longer ordinary word: rejected; inside a cadretext lexicon entry: kept
    assert metaphors("检查汽车的火花塞和密码锁。").empty
    assert metaphors("打赢这场攻坚战。")["item"].tolist() == ["攻坚战"]
    # one kind per item: inside the formula 十大攻坚战 it is not a metaphor as well
    assert metaphors("打赢十大攻坚战。").empty


# --------------------------------------------------------------------------- quoted phrases
def test_quoted_phrases_are_classified(seeds):
    df = quoted_phrases(seeds)
    texts = dict(zip(seeds["doc_id"], seeds["text"], strict=True))
    for row in df.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.item
        assert texts[row.doc_id][row.start - 1] + texts[row.doc_id][row.end] == row.quote
    category = dict(zip(df["item"], df["category"], strict=False))
    for item, cat in [("金钥匙", "metaphor"), ("破冰", "metaphor"), ("真经", "metaphor"),
                      ("肠梗阻", "metaphor"), ("三高四新", "formula"), ("三引", "formula"),
                      ("十大攻坚战", "formula"), ("无中生有", "idiom"), ("沉浸式", "other")]:  # fmt: skip
        assert category[item] == cat, item
    assert df["item"].str.len().max() <= 12
    assert "足" not in set(df["item"])  # one-character emphasis quotes are skipped
    # a not_metaphor entry of the lexicon (一线城市, a city tier) is no metaphor in quotes either
    quoted = quoted_phrases("入选“一线城市”名单，当好“店小二”")
    assert quoted[["item", "category"]].values.tolist() == [
        ["一线城市", "other"], ["店小二", "metaphor"]
    ]  # fmt: skip


def test_quoted_phrases_styles_and_lengths():
    text = '他说:"金钥匙"很重要,『三高四新』和「两山」理念;I\'m fine,“这是一段很长很长的讲话内容，超过了长度”。'
    df = quoted_phrases(text)
    assert df[["item", "quote"]].values.tolist() == [
        ["金钥匙", '""'],
        ["三高四新", "『』"],
        ["两山", "「」"],
    ]
    assert len(quoted_phrases(text, max_chars=30)) == 4
    with pytest.raises(ParameterError, match="max_chars"):
        quoted_phrases(text, max_chars=0)


# --------------------------------------------------------------------------- shared / overlap
def test_shared_rhetoric_on_seeds(seeds):
    items = extract_all(seeds)
    table = shared_rhetoric(seeds, items=items)
    groups = sorted(seeds["program_type"].unique())
    assert list(table.columns) == SHARED_COLUMNS
    assert not any("[" in c for c in table.columns)  # no column names built from group names
    # recompute every row from the items themselves
    chars = seeds.groupby("program_type")["text"].apply(lambda s: s.str.len().sum())
    found = items[items["kind"].isin(["formula", "idiom", "metaphor"])].merge(
        seeds[["doc_id", "program_type"]], on="doc_id"
    )
    for row in table.sample(min(len(table), 40), random_state=0).itertuples():
        hits = found[(found["item"] == row.item) & (found["program_type"] == row.group)]
        assert row.count == len(hits) and row.docs == hits["doc_id"].nunique()
        assert row.rate == pytest.approx(len(hits) / chars[row.group] * 10000, abs=1e-3)
        n = found.loc[found["item"] == row.item, "program_type"].nunique()
        assert row.n_groups == n
        assert row.shared == ("all" if n == len(groups) else "one" if n == 1 else "some")
    assert table.set_index("item").loc["三高四新", "shared"] == "one"
    assert table["n_groups"].is_monotonic_decreasing
    everywhere = table[table["shared"] == "all"]
    assert len(everywhere) and (everywhere.groupby("item")["group"].nunique() == len(groups)).all()
    # the same table without precomputed items
    pd.testing.assert_frame_equal(table, shared_rhetoric(seeds))
    lines = describe_shared(table)
    n_items = len(table.drop_duplicates(["item", "kind"]))
    assert lines[0].startswith(f"{n_items} distinct items in {len(groups)} groups")
    first = everywhere["item"].iloc[0]
    assert first in lines[1]
    # one of everything reads as English: no "1 groups", "(1 reports)"
    one = pd.DataFrame({"doc_id": ["a"], "program_type": ["x"], "text": ["干部到党校充电。"]})
    assert describe_shared(shared_rhetoric(one)) == [
        "1 distinct item in 1 group: 1 occurs in every group, 0 in some, 0 in one group only.",
        "Used by every group: 充电 (1 report).",
    ]


def test_rhetoric_overlap_jaccard_and_cosine(seeds):
    toy = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "program_type": ["x", "y", "y"],
            "text": ["干部充电加油，如饥似渴。", "党校充电加油。", "取到真经。"],
        }
    )
    jac = rhetoric_overlap(toy)
    assert jac.loc["x", "y"] == pytest.approx(2 / 4)  # {充电, 加油, 如饥似渴} vs {充电, 加油, 真经}
    cos = rhetoric_overlap(toy, metric="cosine")
    assert 0 < cos.loc["x", "y"] < 1 and cos.loc["x", "x"] == pytest.approx(1.0)
    seeds_m = rhetoric_overlap(seeds, metric="jaccard")
    assert (seeds_m.values == seeds_m.values.T).all()
    off = [seeds_m.iloc[i, j] for i in range(3) for j in range(3) if i < j]
    (line,) = describe_overlap(seeds_m)
    assert f"from {min(off):.2f}" in line and f"to {max(off):.2f}" in line
    assert list(seeds_m.index) == ["closed_training", "party_school", "secondment"]
    with pytest.raises(ParameterError, match="metric"):
        rhetoric_overlap(toy, metric="dice")
    with pytest.raises(ParameterError, match="region"):
        shared_rhetoric(toy, by="region")


def test_cooccurrence_graph():
    g = cooccurrence_graph(
        ["干部充电加油，如饥似渴。充电加油，取到真经。", "充电加油，取到真经，头脑风暴。"]
    )
    assert isinstance(g, nx.Graph)
    assert g["充电"]["真经"]["weight"] == 2
    assert g["充电"]["如饥似渴"]["weight"] == 1
    assert g.nodes["充电"]["count"] == 3 and g.nodes["充电"]["docs"] == 2
    assert g.nodes["如饥似渴"]["kind"] == "idiom"
    docs = ["充电加油，取到真经。", "充电加油，取到真经。", "学员如饥似渴，取到真经。"]
    heavy = cooccurrence_graph(docs, min_weight=2)
    assert heavy["充电"]["真经"]["weight"] == 2
    assert not heavy.has_edge("如饥似渴", "真经") and "如饥似渴" in heavy  # node kept
    assert cooccurrence_graph(docs)["如饥似渴"]["真经"]["weight"] == 1


def test_extract_all_and_errors():
    df = extract_all("以“三高四新”为引领，如饥似渴，找到“金钥匙”。")
    assert set(df["kind"]) == {"formula", "idiom", "metaphor", "quoted"}
    assert df["start"].is_monotonic_increasing
    assert extract_all("今天天气不错。").columns.tolist()[:6] == [
        "doc_id", "item", "kind", "start", "end", "sentence",
    ]  # fmt: skip
    # every kind's own columns are there even when it found nothing (a small corpus without
    # idioms broke notebook 05's grouping by idiom_type), and nowhere else
    full = df.columns.tolist()
    assert {"rule", "source", "idiom_type", "domain", "category", "quote"} <= set(full)
    assert extract_all("今天天气不错。").columns.tolist() == full
    assert extract_all("学员到党校充电。").columns.tolist() == full
    assert extract_all(pd.DataFrame({"doc_id": [], "text": []})).columns.tolist() == full
    assert "idiom_type" not in extract_all("到党校充电。", kinds=("metaphor",)).columns
    with pytest.raises(ParameterError, match="kinds"):
        extract_all("文本", kinds=("slogan",))
    with pytest.raises(ParameterError, match="doc_id"):
        numbered_formulas(pd.DataFrame({"text": ["三高四新"]}))
    with pytest.raises(ParameterError, match=r"texts\[\d+\] is an? \w+, not a text string"):
        idioms(["如饥似渴", 3])
    # deterministic
    pd.testing.assert_frame_equal(
        extract_all("三高四新，如饥似渴。"), extract_all("三高四新，如饥似渴。")
    )


# --------------------------------------------------------------------------- places
def test_places_on_seeds(seeds):
    df = places(seeds)
    for row in df.itertuples():
        text = _text(seeds, row.doc_id[:3])
        assert text[row.start : row.end] == row.item
    names = df.assign(short=df["doc_id"].str[:3]).groupby("short")["name"].apply(set)
    assert {"商丘市", "常州市"} <= names["000"]
    assert {"娄底市", "杭州市"} <= names["003"]
    assert {"湖北省", "上海市", "浙江省"} <= names["002"]
    d000 = df[df["doc_id"].str.startswith("000")]
    assert d000.loc[d000["name"] == "商丘市", "count"].iloc[0] == _text(seeds, "000").count("商丘")
    # an alias inside a longer word is not a place (创新平台 is not 新平县, 热火朝天 not 朝天区)
    assert places("搭建创新平台，气氛热火朝天。").empty


def test_place_flow_on_seeds(seeds):
    flow = place_flow(seeds).assign(short=lambda d: d["doc_id"].str[:3]).set_index("short")
    assert (flow.loc["000", "send"], flow.loc["000", "host"]) == ("商丘市", "常州市")
    assert (flow.loc["003", "send"], flow.loc["003", "host"]) == ("娄底市", "杭州市")
    assert (flow.loc["002", "send"], flow.loc["002", "host"]) == ("湖北省", "上海市;浙江省")
    assert "跟班学习" in flow.loc["000", "evidence"]
    assert flow.loc["004", "host"] == ""  # a closed course at home: no host cue
    from cadretext.locations import describe_flows

    table = place_flow(seeds).merge(
        seeds[["doc_id", "send_place", "host_place"]].rename(
            columns={"send_place": "manifest_send", "host_place": "manifest_host"}
        ),
        on="doc_id",
    )
    assert describe_flows(table) == [
        "Of 5 reports, 3 name a sending place and 3 a host place in the text.",
        "The manifest records both places for 5 reports; the text gives the same flow for 3 of "
        "them and no flow for 2.",
    ]


def test_cli_rhetoric_items_shared_table_and_flow(tmp_path, capsys):

    from cadretext import cli

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    out = tmp_path / "items.jsonl"
    assert cli.main(["rhetoric", str(seeds), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {"doc_id", "item", "kind", "start", "end", "sentence"} <= set(records[0])
    assert {"formula", "idiom", "metaphor", "quoted"} <= {r["kind"] for r in records}
    assert cli.main(["rhetoric", str(seeds), "--by", "program_type", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("item,kind,group,docs,count,rate,n_groups,shared")
    assert cli.main(["rhetoric", str(seeds), "--flow", "--format", "csv"]) == 0
    assert "商丘市,常州市" in capsys.readouterr().out
    assert cli.main(["rhetoric", str(seeds), "--kinds", "slogan"]) == 2
    assert "--kinds" in capsys.readouterr().err


def test_traditional_script_is_matched_in_simplified_form():
    text = "堅持“八八戰略”，推進「兩個先行」，學員們如飢似渴，這是一把金鑰匙。"
    out = extract_all(text, kinds=("formula", "idiom", "metaphor"))
    assert out["item"].tolist() == ["八八战略", "两个先行", "如饥似渴", "金钥匙"]
    # offsets point at the same characters of the text as given
    assert [text[s:e] for s, e in zip(out["start"], out["end"], strict=True)] == [
        "八八戰略", "兩個先行", "如飢似渴", "金鑰匙"
    ]  # fmt: skip


def test_quoted_numeral_phrases_and_lexicon_compounds():
    text = "围绕“十强产业”“一干多支”和“百千万工程”，推进长三角一体化，不搞“一刀切”，休息“三天”。"
    assert numbered_formulas(text)["item"].tolist() == ["十强产业", "一干多支", "百千万工程"]


REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real_reports.jsonl"


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data is not here")
def test_rhetoric_on_blind_annotated_real_reports():
    """164 real reports annotated blind from tests/data/RHETORIC_GUIDE.md (issue 15), matched
    by overlap (benchmarks/rhetoric_quality.py). The floors sit just under the held-out scores of
    benchmarks/RHETORIC_QUALITY.txt, so a regression fails; issue 15's targets (P >= 0.90;
    R >= 0.85, metaphors 0.65) are above them on the held-out split."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "rhetoric_quality.py"
    spec = importlib.util.spec_from_file_location("rhetoric_quality", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.score(REAL)
    floors = {  # (split, kind): (precision, recall)
        ("dev", "formulas"): (0.95, 0.85),
        ("dev", "idioms"): (0.93, 0.93),
        ("dev", "metaphors"): (0.9, 0.73),
        ("heldout", "formulas"): (0.55, 0.75),
        ("heldout", "idioms"): (0.85, 0.8),
        ("heldout", "metaphors"): (0.7, 0.55),
    }
    for (split, key), (p_min, r_min) in floors.items():
        c = result[(key, split, "overlap")]
        p = c["tp"] / max(c["tp"] + c["fp"], 1)
        r = c["hit"] / max(c["hit"] + c["fn"], 1)
        assert p >= p_min and r >= r_min, (split, key, round(p, 3), round(r, 3))


def test_extract_all_in_batches_gives_the_same_rows(monkeypatch) -> None:
    from pathlib import Path

    from cadretext import load_corpus
    from cadretext.rhetoric import compare

    corpus = load_corpus(Path(__file__).resolve().parents[1] / "seeds")
    corpus = corpus.sample(frac=1.0, random_state=3)  # not in doc_id order
    # the definition: every extractor on every report, rows sorted by report and position
    found = [compare._EXTRACTORS[k](corpus) for k in compare.KINDS]
    expected = pd.concat(found, ignore_index=True).sort_values(
        ["doc_id", "start", "end"], kind="stable", ignore_index=True
    )
    whole = compare.extract_all(corpus)
    monkeypatch.setattr(compare, "EXTRACT_BATCH", 2)
    batched = compare.extract_all(corpus)
    assert len(whole) > 50 and whole["doc_id"].nunique() == len(corpus)
    pd.testing.assert_frame_equal(whole, expected)
    pd.testing.assert_frame_equal(batched, expected)


# --------------------------------------------------------------------------- shared resources
def _scan_by_windows(words: dict[str, object], text: str) -> list[tuple[int, int, object]]:
    """Every occurrence of every word by brute force, in the automaton's order."""
    found = [
        (i, i + len(w), v)
        for w, v in words.items()
        for i in range(len(text) - len(w) + 1)
        if text.startswith(w, i)
    ]
    return sorted(found, key=lambda m: (m[1], m[0]))


def test_automaton_finds_every_overlapping_occurrence() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cadretext.rhetoric import base

    alphabet = st.sampled_from(list("三高四新一体化\U00020000a "))  # a character beyond the BMP too

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.text(alphabet, min_size=0, max_size=4), max_size=8), st.text(alphabet))
    def check(words: list[str], text: str) -> None:
        pairs = [(w, i) for i, w in enumerate(words)]
        auto = base.automaton(pairs)
        expected = {w: i for w, i in pairs if w}  # a word given twice keeps its last value
        assert len(auto) == len(expected)
        assert all(w in auto for w in expected) and "\x00" not in auto
        assert base.scan(auto, text) == _scan_by_windows(expected, text)

    check()


def test_extractors_build_the_tag_table_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """jieba's part-of-speech tokenizer reads its whole tag table when built (half a second):
    the formula and metaphor rules that ask for a word's tag share one."""
    from cadretext.rhetoric import base

    base.pos_segmenter.cache_clear()
    built = []
    original = base.new_pos_tokenizer

    def counting(tk: object) -> object:
        built.append(1)
        return original(tk)

    monkeypatch.setattr(base, "new_pos_tokenizer", counting)
    # 四川六省市 opens with a place name (a tag lookup); the similes ask for common nouns
    texts = [
        "四川六省市干部像蜜蜂一样学习。",
        "两汉三国的“领头雁”像灯塔一样。",
        "百度百科像钉子一样。",
    ]
    numbered_formulas(texts)
    metaphors(texts)
    assert len(built) == 1
    base.pos_segmenter.cache_clear()


def test_clear_caches_lets_the_dictionaries_go_and_they_come_back() -> None:
    from cadretext.rhetoric import base

    text = "干部赴常州“充电”，如饥似渴，助力“三高四新”。"
    before = extract_all(text)
    assert base.tokens.cache_info().currsize > 0 and base.segmenter.cache_info().currsize == 1
    base.clear_caches()
    assert base.tokens.cache_info().currsize == 0 and base.segmenter.cache_info().currsize == 0
    assert base.pos_segmenter.cache_info().currsize == 0
    pd.testing.assert_frame_equal(extract_all(text), before)


def test_lexicons_follow_the_annotators_of_real_pages():
    """Metaphor lexicon v5 and idiom supplement v3: what blind annotators of real pages listed
    (脱贫攻坚战, 各条战线, 决战决胜 as an idiom) and what they did not (开局, 携手, 攻坚 inside
    the policy name 脱贫攻坚, 牢记使命, 解放思想)."""
    found = metaphors(
        [
            "坚决打赢脱贫攻坚战，来自各条战线的干部齐聚一堂。",
            "实现开局良好，两地携手共进。",
            "全力推进脱贫攻坚工作，集中力量攻坚，打好攻坚战。",
        ]
    )
    assert set(found.loc[found["doc_id"] == 0, "item"]) == {"脱贫攻坚战", "各条战线"}
    assert found.loc[found["doc_id"] == 1].empty
    assert found.loc[found["doc_id"] == 2, "item"].tolist() == ["攻坚", "攻坚战"]
    items = idioms("决战决胜脱贫攻坚，不忘初心，牢记使命，解放思想，时光荏苒。")["item"].tolist()
    assert items == ["决战决胜", "不忘初心", "时光荏苒"]
