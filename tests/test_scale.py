from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cadretext import load_corpus, tokenize
from cadretext.errors import NoDocumentsError, ParameterError
from cadretext.scale import iter_tokens, list_files, read_tokens, tokenize_to_parquet

from .conftest import SEEDS

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    """The seeds plus 20 small reports made from their paragraphs: 25 files."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, folder, dirs_exist_ok=True)
    paragraphs = [
        p
        for f in sorted(SEEDS.glob("*.txt"))
        for p in f.read_text("utf-8").split("\n")
        if len(p) > 40
    ]
    for i in range(20):
        text = "\n".join(paragraphs[i * 3 : i * 3 + 3])
        (folder / f"extra_{i:02d}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_dask_tokens_equal_in_process_tokens(corpus_dir: Path, client, tmp_path: Path) -> None:
    out = tokenize_to_parquet(
        corpus_dir, tmp_path / "tokens.parquet", client=client, files_per_task=2
    )
    assert len(list(out.glob("*.parquet"))) == 13  # 25 files / 2 per task, in order
    frame = read_tokens(out)
    expected = load_corpus(corpus_dir, duplicate_threshold=None)
    assert list(frame["doc_id"]) == list(expected["doc_id"])
    assert list(frame["tokens"]) == tokenize(expected["text"])
    labels = frame.set_index("doc_id")["program_type"]
    assert labels["004_e242e050fae2ef48"] == "closed_training"  # manifest applied in workers
    assert list(iter_tokens(out, batch_size=3)) == list(frame["tokens"])


def test_settings_reach_the_workers(corpus_dir: Path, client, tmp_path: Path) -> None:
    out = tokenize_to_parquet(
        corpus_dir / "004_e242e050fae2ef48.txt",
        tmp_path / "t.parquet",
        client=client,
        stopwords=False,
        backend="rjieba",
    )
    (tokens,) = read_tokens(out)["tokens"]
    text = load_corpus(corpus_dir / "004_e242e050fae2ef48.txt")["text"]
    assert tokens == tokenize(text, stopwords=False, backend="rjieba")[0]
    assert "我们" in tokens


def test_files_listing_and_errors(corpus_dir: Path, tmp_path: Path) -> None:
    files = list_files(corpus_dir)
    assert len(files) == 25 and not any(f.endswith("manifest.csv") for f in files)
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoDocumentsError):
        tokenize_to_parquet(tmp_path / "empty", tmp_path / "x.parquet")
    with pytest.raises(ParameterError, match="files_per_task"):
        tokenize_to_parquet(corpus_dir, tmp_path / "x.parquet", files_per_task=0)
