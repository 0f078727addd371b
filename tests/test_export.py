"""cadretext.export: the tokenized corpus for R (quanteda / stm / tidy)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from scipy.io import mmread

from cadretext import load_corpus, tokenize
from cadretext.errors import OutputError, ParameterError
from cadretext.export import export_corpus

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds():
    corpus = load_corpus(ROOT / "seeds")
    return corpus, tokenize(corpus["text"].tolist(), cache=False)


def test_dfm_round_trips_through_matrix_market(seeds, tmp_path):
    corpus, tokens = seeds
    written = export_corpus(corpus, tmp_path, to="quanteda", tokens=tokens)
    assert set(written) == {"dfm.mtx", "features.txt", "docvars.csv", "tokens.txt", "README.md"}
    matrix = mmread(tmp_path / "dfm.mtx").tocsr()
    features = (tmp_path / "features.txt").read_text("utf-8").splitlines()
    docvars = pd.read_csv(tmp_path / "docvars.csv")
    assert matrix.shape == (len(corpus), len(features))  # documents as rows
    assert docvars["doc_id"].tolist() == corpus["doc_id"].tolist()
    assert {"date", "date_precision", "program_type"} <= set(docvars.columns)
    assert "text" not in docvars.columns and "raw_text" not in docvars.columns
    column = {f: j for j, f in enumerate(features)}
    for i, toks in enumerate(tokens):
        for feature, n in Counter(toks).items():
            assert matrix[i, column[feature]] == n
        assert matrix[i].sum() == len(toks)
    lines = (tmp_path / "tokens.txt").read_text("utf-8").splitlines()
    assert [line.split(" ") for line in lines] == tokens
    assert "readMM" in (tmp_path / "README.md").read_text("utf-8")


def test_tidy_tables_and_stm_readme(seeds, tmp_path):
    corpus, tokens = seeds
    export_corpus(corpus, tmp_path / "tidy", to="tidy", tokens=tokens)
    counts = pd.read_csv(tmp_path / "tidy" / "counts.csv")
    long = pd.read_csv(tmp_path / "tidy" / "tokens.csv")
    assert counts["count"].sum() == len(long) == sum(map(len, tokens))
    assert long.groupby("doc_id")["position"].max().add(1).tolist() == [len(t) for t in tokens]
    export_corpus(corpus, tmp_path / "stm", to="stm", tokens=tokens)
    assert 'convert(d, to = "stm")' in (tmp_path / "stm" / "README.md").read_text("utf-8")


def test_bad_targets_and_outputs(seeds, tmp_path):
    corpus, tokens = seeds
    with pytest.raises(ParameterError, match="to"):
        export_corpus(corpus, tmp_path, to="spss", tokens=tokens)
    with pytest.raises(ParameterError, match="lists"):
        export_corpus(corpus, tmp_path, tokens=tokens[:2])
    a_file = tmp_path / "x.txt"
    a_file.write_text("keep", "utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        export_corpus(corpus, a_file, tokens=tokens)
    assert a_file.read_text("utf-8") == "keep"


def test_cli_export(tmp_path, capsys):
    from cadretext import cli

    assert cli.main(["export", str(ROOT / "seeds"), str(tmp_path / "r"), "--to", "tidy"]) == 0
    assert (tmp_path / "r" / "counts.csv").is_file()
    assert "wrote" in capsys.readouterr().err
