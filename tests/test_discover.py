"""cadretext.discover: candidate terms and formulas, and the round trip through lexicon=."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cadretext import clean_text, load_corpus, tokenize
from cadretext.discover import DISCOVER_COLUMNS, discover
from cadretext.errors import InputFileError, ParameterError
from cadretext.lexicons import as_wordlist

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real_reports.jsonl"


def _round_trip(texts: list[str], table: pd.DataFrame, tmp_path: Path) -> tuple[int, int]:
    """(terms that come out whole after adding the table, terms that occur) - and none of them
    came out whole before."""
    path = tmp_path / "candidates.csv"
    table.to_csv(path, index=False)
    before = tokenize(texts, cache=False, stopwords=False, min_chars=1)
    after = tokenize(
        texts, lexicon=("domain_words", "metaphors", str(path)), cache=False, stopwords=False,
        min_chars=1,
    )  # fmt: skip
    whole = occurring = 0
    for term in table["term"]:
        docs = [i for i, t in enumerate(texts) if term in t]
        if not docs:
            continue
        occurring += 1
        assert not any(term in before[i] for i in docs), term  # jieba split it before
        whole += any(term in after[i] for i in docs)
    return whole, occurring


def test_discover_on_seeds_proposes_split_terms_that_then_stay_whole(tmp_path):
    corpus = load_corpus(ROOT / "seeds")
    table = discover(corpus, min_count=3, min_docs=2)
    assert list(table.columns) == DISCOVER_COLUMNS
    terms = table[table["kind"] == "term"]
    assert len(terms) >= 5
    assert (terms["count"] >= 3).all() and (terms["n_docs"] >= 2).all()
    assert terms["jieba"].str.contains("|", regex=False).all()  # jieba splits them today
    assert terms["score"].is_monotonic_decreasing
    for row in terms.itertuples():
        assert row.term in row.example_1 and row.term in row.example_2
    whole, occurring = _round_trip(corpus["text"].tolist(), terms, tmp_path)
    assert occurring == len(terms) and whole == occurring


def test_discover_finds_a_planted_term_and_formula():
    texts = [
        f"第{i}期学员参加云端研学，落实七比七拼要求，云端研学让人难忘，{w}。"
        for i, w in enumerate(
            ["收获很大", "受益匪浅", "感触很深", "深受教育", "很有意义", "倍感振奋"]
        )
    ]
    table = discover(texts, min_count=3, min_docs=2)
    assert "云端研学" in set(table.loc[table["kind"] == "term", "term"])
    assert not {"端研学", "云端研"} & set(table["term"])  # only ever inside 云端研学
    formulas = table[table["kind"] == "formula"]
    assert formulas["term"].tolist() == ["七比七拼"]
    assert formulas["n_docs"].tolist() == [6]


def test_rejected_rows_are_left_out_and_bad_tables_are_named(tmp_path):
    good = tmp_path / "c.csv"
    good.write_text("term,accept\n半军事化,yes\n饕餮盛宴,no\n手机入柜,\n", encoding="utf-8")
    assert as_wordlist(good, "domain_words").words == ("半军事化", "手机入柜")
    merged = as_wordlist(("domain_words", str(good)), "domain_words")
    assert "半军事化" in merged and "跟班学习" in merged and "饕餮盛宴" not in merged
    bad = tmp_path / "bad.csv"
    bad.write_text("word\n半军事化\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="'term' column"):
        as_wordlist(bad, "domain_words")
    with pytest.raises(ParameterError, match="kinds"):
        discover(["文本"], kinds=("metaphor",))
    assert discover(["abc"]).empty


def test_cli_writes_the_csv(tmp_path, capsys):
    from cadretext import cli

    out = tmp_path / "cand.csv"
    assert cli.main(["discover", str(ROOT / "seeds"), "--min-count", "3", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == DISCOVER_COLUMNS and len(table) >= 5
    assert "wrote" in capsys.readouterr().err


@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/data")
def test_discover_on_real_reports_round_trip(tmp_path):
    texts = [clean_text(json.loads(line)["text"]) for line in REAL.open(encoding="utf-8")]
    table = discover(texts, top=40)
    terms = table[table["kind"] == "term"]
    assert len(terms) == 40
    whole, occurring = _round_trip(texts, terms, tmp_path)
    assert occurring == 40 and whole >= 38  # jieba's path may still prefer another split
