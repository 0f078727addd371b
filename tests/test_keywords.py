from __future__ import annotations

import io
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse, stats
from scipy.stats import chi2_contingency

from cadretext.errors import ParameterError
from cadretext.keywords import keyness, keyness_by_group, kwic, tfidf, top_terms

from .conftest import DATA, SEEDS

# A hand-made table: (target count, reference count) per term; the filler word "x" brings the
# target to 200 tokens and the reference to 600. Terms cover large and small expected counts,
# a zero cell on each side and an exactly proportional term ("even").
TABLE = {
    "big": (40, 30),
    "mid": (12, 20),
    "rare": (3, 0),
    "ref": (1, 25),
    "gone": (0, 7),
    "even": (5, 15),
}
T_TOTAL, R_TOTAL = 200, 600


def _tokens_from_table(table=TABLE, t_total=T_TOTAL, r_total=R_TOTAL):
    target = [w for w, (a, _) in table.items() for _ in range(a)]
    reference = [w for w, (_, b) in table.items() for _ in range(b)]
    target += ["x"] * (t_total - len(target))
    reference += ["x"] * (r_total - len(reference))
    # split each side over two documents, to exercise the summing over rows
    tokens = [target[::2], target[1::2], reference[::2], reference[1::2]]
    groups = ["t", "t", "r", "r"]
    return tokens, groups


def _scipy_signed(a, b, *, correction, lambda_=None):
    obs = np.array([[a, b], [T_TOTAL - a, R_TOTAL - b]], dtype=float)
    res = chi2_contingency(obs, correction=correction, lambda_=lambda_)
    sign = 1.0 if a >= res.expected_freq[0, 0] else -1.0
    return sign * res.statistic, res.pvalue


def _by_term(frame: pd.DataFrame) -> dict[str, dict]:
    return {row["term"]: row for row in frame.to_dict("records")}


# --------------------------------------------------------------------------- chi2 and G2
@pytest.mark.parametrize(
    ("measure", "correction", "lambda_", "scipy_correction"),
    [
        ("chi2", "none", None, False),
        ("chi2", "yates", None, True),
        ("g2", "none", "log-likelihood", False),
        ("g2", "yates", "log-likelihood", True),
    ],
)
def test_chi2_and_g2_match_scipy(measure, correction, lambda_, scipy_correction) -> None:
    tokens, groups = _tokens_from_table()
    table = keyness(tokens, groups, "t", measure=measure, correction=correction, min_count=1)
    rows = _by_term(table)
    assert set(rows) == {*TABLE, "x"}
    for term, (a, b) in TABLE.items():
        expected_stat, expected_p = _scipy_signed(
            a, b, correction=scipy_correction, lambda_=lambda_
        )
        assert rows[term]["target_count"] == a and rows[term]["reference_count"] == b
        assert rows[term]["statistic"] == pytest.approx(expected_stat, rel=1e-9, abs=1e-12)
        assert rows[term]["p_value"] == pytest.approx(expected_p, rel=1e-9)
    # signed like quanteda: under-used in the target is negative
    assert rows["big"]["statistic"] > 0 and rows["ref"]["statistic"] < 0
    assert rows["gone"]["statistic"] < 0 and rows["gone"]["direction"] == "under"
    assert rows["even"]["statistic"] == pytest.approx(0.0, abs=1e-12)
    assert rows["even"]["direction"] == "even" and rows["even"]["p_value"] == pytest.approx(1.0)
    assert table["statistic"].is_monotonic_decreasing


def test_default_correction_is_yates_only_for_small_expected_chi2() -> None:
    tokens, groups = _tokens_from_table()
    default = _by_term(keyness(tokens, groups, "t", measure="chi2", min_count=1))
    for term, (a, b) in TABLE.items():
        expected = (a + b) * T_TOTAL / (T_TOTAL + R_TOTAL)  # the smallest expected cell here
        stat, _ = _scipy_signed(a, b, correction=expected < 5)
        assert default[term]["statistic"] == pytest.approx(stat, rel=1e-9, abs=1e-12), term
    # the table has both kinds of term, so the test tells the two rules apart
    assert default["rare"]["statistic"] != pytest.approx(_scipy_signed(3, 0, correction=False)[0])
    assert default["big"]["statistic"] == pytest.approx(_scipy_signed(40, 30, correction=False)[0])
    # G2 is not corrected by default (Dunning 1993)
    g2 = _by_term(keyness(tokens, groups, "t", measure="g2", min_count=1))
    stat, _ = _scipy_signed(3, 0, correction=False, lambda_="log-likelihood")
    assert g2["rare"]["statistic"] == pytest.approx(stat, rel=1e-9)


def test_williams_correction_by_hand() -> None:
    tokens, groups = _tokens_from_table()
    rows = _by_term(keyness(tokens, groups, "t", measure="g2", correction="williams", min_count=1))
    a, b = TABLE["mid"]
    c, d, n = T_TOTAL - a, R_TOTAL - b, T_TOTAL + R_TOTAL
    q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
    g2, _ = _scipy_signed(a, b, correction=False, lambda_="log-likelihood")
    assert rows["mid"]["statistic"] == pytest.approx(g2 / q, rel=1e-9)
    # a table with a zero cell is left alone (as quanteda)
    g2_rare, _ = _scipy_signed(3, 0, correction=False, lambda_="log-likelihood")
    assert rows["rare"]["statistic"] == pytest.approx(g2_rare, rel=1e-9)


# --------------------------------------------------------------------------- pmi and log-odds
def test_pmi_by_hand() -> None:
    tokens, groups = _tokens_from_table()
    rows = _by_term(keyness(tokens, groups, "t", measure="pmi", min_count=1))
    # big: 40 observed, expected 70 * 200 / 800 = 17.5
    assert rows["big"]["statistic"] == pytest.approx(math.log2(40 / 17.5))
    assert rows["gone"]["statistic"] == -np.inf
    assert np.isnan(rows["big"]["p_value"])


def test_logodds_matches_hand_computation() -> None:
    # target: a a a b c (5 tokens); reference: a b b b b c c (7 tokens); corpus: a 4, b 5, c 3
    tokens = [["a", "a", "a", "b", "c"], ["a", "b", "b", "b", "b", "c", "c"]]
    table = keyness(tokens, ["T", "R"], "T", measure="logodds", min_count=1)
    rows = _by_term(table)
    # default prior: alpha_w = corpus count, alpha0 = 12
    # a: delta = ln((3+4)/(5+12-3-4)) - ln((1+4)/(7+12-1-4)) = ln(0.7) - ln(5/14)
    delta_a = math.log(7 / 10) - math.log(5 / 14)
    assert rows["a"]["statistic"] == pytest.approx(delta_a / math.sqrt(1 / 7 + 1 / 5))
    # b: ln((1+5)/(17-1-5)) - ln((4+5)/(19-4-5))
    delta_b = math.log(6 / 11) - math.log(9 / 10)
    assert rows["b"]["statistic"] == pytest.approx(delta_b / math.sqrt(1 / 6 + 1 / 9))
    z = rows["a"]["statistic"]
    assert rows["a"]["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert table.attrs["prior"] == 12
    # an explicit prior alpha0 = 1.2 spreads 1.2 over the words by corpus share
    rows = _by_term(keyness(tokens, ["T", "R"], "T", measure="logodds", prior=1.2, min_count=1))
    al = 1.2 * 4 / 12
    delta = math.log((3 + al) / (5 + 1.2 - 3 - al)) - math.log((1 + al) / (7 + 1.2 - 1 - al))
    assert rows["a"]["statistic"] == pytest.approx(delta / math.sqrt(1 / (3 + al) + 1 / (1 + al)))


def test_rates_and_log_ratio() -> None:
    tokens, groups = _tokens_from_table()
    rows = _by_term(keyness(tokens, groups, "t", min_count=1))
    assert rows["big"]["target_rate"] == pytest.approx(40 / 200 * 10_000)
    assert rows["big"]["reference_rate"] == pytest.approx(30 / 600 * 10_000)
    assert rows["rare"]["log_ratio"] == pytest.approx(math.log2((3.5 / 200) / (0.5 / 600)))
    rows = _by_term(keyness(tokens, groups, "t", min_count=1, smoothing=0))
    assert rows["big"]["log_ratio"] == pytest.approx(2.0)  # 0.2 vs 0.05
    assert rows["gone"]["log_ratio"] == -np.inf


# --------------------------------------------------------------------------- behaviour
def _two_group_corpus():
    common = ["工作", "干部", "学习", "发展"]
    secondment = [["跟班", "挂职", *common, "跟班"], ["挂职", "跟班", *common], ["跟班", *common]]
    party = [["党校", "理论", *common, "党校"], ["党校", "课堂", *common], ["理论", *common]]
    return secondment + party, ["s"] * 3 + ["p"] * 3


@pytest.mark.parametrize("measure", ["g2", "chi2", "pmi", "logodds"])
def test_distinctive_words_come_first(measure) -> None:
    tokens, groups = _two_group_corpus()
    table = keyness(tokens, groups, "s", measure=measure, min_count=1)
    assert set(table["term"].head(2)) == {"跟班", "挂职"}
    assert set(table["term"].tail(3)) == {"党校", "理论", "课堂"}
    assert (table.tail(3)["direction"] == "under").all()
    flipped = keyness(tokens, groups, "p", measure=measure, min_count=1)
    assert flipped["term"].iloc[0] == "党校"


def test_min_count_filters_rare_terms_but_not_totals() -> None:
    tokens, groups = _two_group_corpus()
    full = keyness(tokens, groups, "s", min_count=1)
    cut = keyness(tokens, groups, "s", min_count=4)
    counts = dict(zip(full["term"], full["target_count"] + full["reference_count"], strict=True))
    assert set(cut["term"]) == {t for t, c in counts.items() if c >= 4}
    assert "课堂" not in set(cut["term"]) and "跟班" in set(cut["term"])
    assert cut.attrs["target_tokens"] == full.attrs["target_tokens"] == 18
    stat = dict(zip(full["term"], full["statistic"], strict=True))
    for row in cut.to_dict("records"):
        assert row["statistic"] == pytest.approx(stat[row["term"]])


def test_reference_groups_and_generators() -> None:
    tokens, groups = _two_group_corpus()
    tokens = [*tokens, ["外加", "外加", "跟班"]]
    groups = [*groups, "other"]
    limited = keyness(tokens, groups, "s", reference="p", min_count=1)
    assert "外加" not in set(limited["term"])  # only in the "other" group: in neither side
    assert limited.attrs["reference"] == ["p"] and limited.attrs["reference_tokens"] == 18
    everything = keyness(tokens, groups, "s", min_count=1)
    assert everything.attrs["reference"] == ["other", "p"]
    assert everything.attrs["reference_tokens"] == 21
    # a one-shot generator (e.g. cadretext.scale.iter_tokens) gives the same table as a list
    streamed = keyness((list(t) for t in tokens), groups, "s", reference="p", min_count=1)
    pd.testing.assert_frame_equal(streamed, limited)
    # words of documents in neither group are not listed, even with min_count=0
    assert "外加" not in set(keyness(tokens, groups, "s", reference="p", min_count=0)["term"])
    # missing group labels are in neither side
    with_missing = keyness(tokens, [*groups[:-1], None], "s", min_count=1)
    assert with_missing.attrs["reference_tokens"] == 18


def test_keyness_errors_name_the_parameter() -> None:
    tokens, groups = _two_group_corpus()
    with pytest.raises(ParameterError, match=r"measure must be one of 'g2', 'chi2', 'pmi'"):
        keyness(tokens, groups, "s", measure="tfidf")
    with pytest.raises(ParameterError, match="correction"):
        keyness(tokens, groups, "s", correction="holm")
    with pytest.raises(ParameterError, match=r"target 'x' is not a value of groups.*'p', 's'"):
        keyness(tokens, groups, "x")
    with pytest.raises(ParameterError, match="6 labels"):
        keyness([*tokens, ["多"]], groups, "s")
    with pytest.raises(ParameterError, match="plain string"):
        keyness(["跟班学习", "党校"], ["s", "p"], "s")
    with pytest.raises(ParameterError, match="both target and reference"):
        keyness(tokens, groups, "s", reference=["s", "p"])
    with pytest.raises(ParameterError, match="no reference documents"):
        keyness(tokens, ["s"] * 6, "s")
    with pytest.raises(ParameterError, match="min_count"):
        keyness(tokens, groups, "s", min_count=-1)
    with pytest.raises(ParameterError, match="prior"):
        keyness(tokens, groups, "s", measure="logodds", prior=0)
    with pytest.raises(ParameterError, match="no tokens"):
        keyness([[], [], *tokens[3:]], ["s", "s", "p", "p", "p"], "s")
    assert keyness(tokens, groups, "s", measure="lr").attrs["measure"] == "g2"


# --------------------------------------------------------------------------- TF-IDF
def test_tfidf_values_and_defaults() -> None:
    m, vocab = tfidf([["甲", "甲", "乙"], ["乙"]])
    assert list(vocab) == ["乙", "甲"]
    # sublinear tf (1 + ln 2) and smooth idf (ln(3/2) + 1) for 甲; 乙 is in both: idf 1
    w_jia, w_yi = (1 + math.log(2)) * (1 + math.log(1.5)), 1.0
    norm = math.hypot(w_jia, w_yi)
    assert m[0, 1] == pytest.approx(w_jia / norm) and m[0, 0] == pytest.approx(w_yi / norm)
    assert m[1, 0] == pytest.approx(1.0) and m[1, 1] == 0
    # keyword arguments reach TfidfVectorizer; a generator is read once
    m2, vocab2 = tfidf((t for t in [["甲", "乙"], ["乙"], ["乙", "丙"]]), min_df=2)
    assert list(vocab2) == ["乙"] and m2.shape == (3, 1)
    m3, _ = tfidf([["甲", "甲", "乙"], ["乙"]], sublinear_tf=False, norm=None)
    assert m3[0, 1] == pytest.approx(2 * (1 + math.log(1.5)))


def test_tfidf_errors() -> None:
    with pytest.raises(ParameterError, match="analyzer"):
        tfidf([["甲"]], analyzer="char")
    with pytest.raises(ParameterError, match="plain string"):
        tfidf(["甲乙丙"])
    with pytest.raises(ParameterError, match="tfidf"):
        tfidf([["甲"], ["乙"]], min_df=3)
    with pytest.raises(ParameterError, match=r"no words|tfidf"):
        tfidf([[], []])
    with pytest.raises(ParameterError, match="list of token lists"):
        tfidf("甲乙")


def test_top_terms_per_group_is_the_group_mean() -> None:
    m, vocab = tfidf([["甲", "乙"], ["甲", "丙"], ["丁", "丁", "乙"]])
    dense = m.toarray()
    col = {t: i for i, t in enumerate(vocab)}
    out = top_terms(m, vocab, by=["g1", "g1", "g2"], n=2)
    assert list(out["group"]) == ["g1", "g1", "g2", "g2"]
    assert list(out["rank"]) == [1, 2, 1, 2]
    first = out.iloc[0]
    assert first["term"] == "甲"
    assert first["score"] == pytest.approx(dense[:2, col["甲"]].mean())
    assert list(out[out["group"] == "g2"]["term"]) == ["丁", "乙"]
    # the mean counts absent terms as 0: 乙 appears in one of g1's two rows
    full = top_terms(m, vocab, by=["g1", "g1", "g2"], n=10)
    g1 = full[full["group"] == "g1"].set_index("term")["score"]
    assert g1["乙"] == pytest.approx(dense[0, col["乙"]] / 2)
    assert "丁" not in g1.index  # zero scores are not listed


def test_top_terms_per_document_with_ids_and_dense_input() -> None:
    m, vocab = tfidf([["甲", "乙", "乙"], ["丙"]])
    out = top_terms(m, vocab, ids=["docA", "docB"], n=1)
    assert out.to_dict("list")["group"] == ["docA", "docB"]
    assert list(out["term"]) == ["乙", "丙"]
    # a matrix with duplicate entries is summed, without touching the caller's matrix
    dup = sparse.csr_matrix((np.array([0.2, 0.3]), np.array([0, 0]), np.array([0, 2])), (1, 3))
    assert top_terms(dup, vocab, n=1)["score"].tolist() == [pytest.approx(0.5)]
    assert dup.nnz == 2
    by_row = top_terms(m.toarray(), vocab, n=5)
    assert list(by_row["group"]) == [0, 0, 1]
    with pytest.raises(ParameterError, match="vocab has 2 terms"):
        top_terms(m, ["甲", "乙"])
    with pytest.raises(ParameterError, match="by has 1 labels"):
        top_terms(m, vocab, by=["x"])
    with pytest.raises(ParameterError, match="n must be"):
        top_terms(m, vocab, n=0)


# --------------------------------------------------------------------------- KWIC
def test_kwic_positions_match_the_text() -> None:
    corpus = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "text": ["干部跟班学习，跟班期间\n认真。", "没有这个词", "跟班学习"],
        }
    )
    out = kwic(corpus, "跟班", window=4)
    assert list(out["doc_id"]) == ["a", "a", "c"]
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    for row in out.to_dict("records"):
        text = texts[row["doc_id"]]
        assert text[row["start"] : row["end"]] == row["term"] == "跟班"
        assert row["left"] == text[max(0, row["start"] - 4) : row["start"]]
        assert row["right"] == text[row["end"] : row["end"] + 4]
    assert out.iloc[1]["left"] == "班学习，" and out.iloc[1]["right"] == "期间\n认"
    # several terms: the longer one wins where they overlap
    many = kwic(corpus, ["跟班", "跟班学习"], window=2)
    assert list(many["term"]) == ["跟班学习", "跟班", "跟班学习"]


def test_kwic_literal_terms_units_and_errors() -> None:
    units = pd.DataFrame(
        {"unit_id": ["a#p0", "a#p1"], "doc_id": ["a", "a"], "text": ["1+1=2。", "a.b"]}
    )
    out = kwic(units, ["1+1", "."], window=0)
    assert list(out.columns) == ["doc_id", "unit_id", "start", "end", "left", "term", "right"]
    assert list(out["term"]) == ["1+1", "."] and list(out["unit_id"]) == ["a#p0", "a#p1"]
    empty = kwic(units, "跟班")
    assert empty.empty and "left" in empty.columns
    with pytest.raises(ParameterError, match="term"):
        kwic(units, "")
    with pytest.raises(ParameterError, match="'body'"):
        kwic(units, "a", text_column="body")
    with pytest.raises(ParameterError, match="window"):
        kwic(units, "a", window=-1)


# --------------------------------------------------------------------------- the seeds
@pytest.fixture(scope="module")
def seed_tokens(seed_corpus):
    from cadretext import tokenize

    return tokenize(seed_corpus["text"].tolist(), cache=None)


def test_seed_keyness_secondment(seed_corpus, seed_tokens) -> None:
    table = keyness(seed_tokens, seed_corpus["program_type"], "secondment")
    top = table.iloc[0]
    # both secondment reports are about 跟班学习, which no other seed mentions
    assert top["term"] == "跟班学习" and top["reference_count"] == 0
    in_target = seed_corpus["program_type"].eq("secondment").to_numpy()
    n = sum(t.count("跟班学习") for t, keep in zip(seed_tokens, in_target, strict=True) if keep)
    assert top["target_count"] == n >= 20
    assert top["p_value"] < 1e-6
    # the party-school and closed-training reports speak of 培训 (training); secondment does not
    last = table.iloc[-1]
    assert last["term"] == "培训" and last["direction"] == "under" and last["target_count"] == 0
    # KWIC shows the keyword in the secondment texts
    lines = kwic(seed_corpus, "跟班学习", window=10)
    assert len(lines) == sum(t.count("跟班学习") for t in seed_corpus["text"])
    assert set(lines["doc_id"]) <= set(seed_corpus.loc[in_target, "doc_id"])


def test_seed_tfidf_top_terms_by_program_type(seed_corpus, seed_tokens) -> None:
    m, vocab = tfidf(seed_tokens)
    out = top_terms(m, vocab, by=seed_corpus["program_type"], n=10)
    assert list(pd.unique(out["group"])) == list(pd.unique(seed_corpus["program_type"]))
    tops = {g: set(frame["term"]) for g, frame in out.groupby("group")}
    assert "跟班学习" in tops["secondment"]
    assert "红旗渠干部学院" in tops["closed_training"]


# --------------------------------------------------------------------------- CLI
def test_cli_keyness(tmp_path: Path, capsys) -> None:
    from cadretext import cli

    if not hasattr(cli, "cmd_keyness"):
        pytest.skip("the keyness subcommand is not wired into cadretext.cli yet")
    out = tmp_path / "k.csv"
    argv = ["keyness", str(SEEDS), "--by", "program_type", "--target", "secondment"]
    assert cli.main([*argv, "--n", "5", "--no-cache", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == 5 and table["term"].iloc[0] == "跟班学习"
    assert cli.main([*argv, "--format", "jsonl", "--measure", "logodds", "--no-cache"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[0]["term"] == "跟班学习"
    assert cli.main([*argv[:-1], "nonexistent", "--no-cache"]) == 2


def test_cli_keyness_of_an_unlabelled_folder_groups_by_predicted_type(
    tmp_path: Path, capsys
) -> None:
    # no manifest: the program types come from the default classifier, as in the report, and
    # stderr says so; a column other than program_type must hold values
    from cadretext import cli

    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("manifest*"))
    argv = ["keyness", str(folder), "--target", "secondment", "--n", "3", "--no-cache"]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert "program_type predicted by the default classifier for 5 of 5 reports" in captured.err
    assert len(pd.read_csv(io.StringIO(captured.out))) == 3
    undated = tmp_path / "undated"
    undated.mkdir()
    for i, text in enumerate(["干部赴深圳挂职锻炼，学习先进经验。", "在市委党校主体班学习理论。"]):
        (undated / f"{i}.txt").write_text(text, encoding="utf-8")
    assert cli.main([argv[0], str(undated), *argv[2:], "--by", "date"]) == 2
    assert "column 'date' has no values" in capsys.readouterr().err


def test_fixture_corpus_by_paragraph(tmp_path: Path) -> None:
    from cadretext import load_corpus, split_units, tokenize

    corpus = load_corpus(DATA / "keywords_corpus.jsonl")
    units = split_units(corpus, "paragraph")
    tokens = tokenize(units["text"].tolist(), cache=None)
    table = keyness(tokens, units["program_type"], "secondment", min_count=2)
    assert table["term"].iloc[0] == "跟班学习"
    assert table.attrs["reference"] == ["party_school"]


def test_keyness_by_group_stacks_each_group_against_the_rest() -> None:
    toks = [
        ["跟班", "学习", "常州"],
        ["跟班", "挂职"],
        ["党校", "学习"],
        ["党校", "课堂"],
        ["早操"],
    ]
    groups = ["s", "s", "p", "p", None]  # a document without a group is in no reference
    table = keyness_by_group(toks, groups, n=2, measure="logodds", min_count=1)
    for target in ("p", "s"):
        alone = keyness(toks, groups, target, measure="logodds", min_count=1).head(2)
        part = table[table["group"] == target].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone)
    one = keyness_by_group(toks, ["s"] * 5, n=2)
    assert one.empty and "group" in one.columns and "nothing to compare" in one.attrs["note"]


def test_keyness_by_group_counts_once_and_takes_a_generator() -> None:
    toks = [["跟班", "学习", "商丘"], ["党校", "学习"], ["跟班", "锻炼"], ["党校", "培训", "学习"]]
    groups = ["s", "p", "s", "p"]
    by_group = keyness_by_group((t for t in toks), groups, min_count=1, n=10)
    for target in ("p", "s"):
        alone = keyness(toks, groups, target, min_count=1).head(10)
        mine = by_group[by_group["group"] == target].drop(columns="group")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone, check_like=False)
