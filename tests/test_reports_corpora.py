"""The report on corpora that are not the seeds, as a user's folder would be.

A few hundred synthetic reports (``benchmarks/generate.py``) and the real reports of
``../shared/data`` loaded without their labels (skipped when that folder is absent): no page
may carry a sentence written for the seeds, every page must pass the checks every page passes
(size, title, navigation, table rows, CSV links, captioned figures), and the per-report
figures must have turned into per-group ones.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cadretext.report import NOTEBOOKS, render_reports

from .conftest import ROOT
from .test_notebooks import check_page

REAL = ROOT.parent / "shared" / "data" / "real_reports.jsonl"


def _no_seed_prose(folder: Path) -> None:
    for spec in NOTEBOOKS:
        page = check_page(folder, spec.stem)
        assert 'class="seed-note"' not in page and "On the seed" not in page, spec.stem
        assert "Traceback" not in page


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("synthetic")
    corpus = base / "corpus"
    corpus.mkdir()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--docs",
            "150",
            "--out",
            str(corpus / "reports.jsonl"),
        ],
        check=True,
        capture_output=True,
    )
    render_reports(corpus, base / "out", progress=False, k_max=4)
    return base / "out"


def test_synthetic_reports_have_no_seed_prose_and_readable_pages(synthetic: Path) -> None:
    _no_seed_prose(synthetic)
    index = (synthetic / "index.html").read_text(encoding="utf-8")
    assert "150 reports: enough to describe the corpus" in index
    topics = (synthetic / "03_topics.html").read_text(encoding="utf-8")
    assert "Mean topic share of the reports of each program type" in topics  # not per report
    corpus_page = (synthetic / "01_corpus.html").read_text(encoding="utf-8")
    assert "Distribution of report lengths" in corpus_page
    assert "30 of 150 rows shown" in corpus_page
    documents = (synthetic / "01_corpus_documents.csv").read_text(encoding="utf-8")
    assert documents.count("\n") == 151  # header + every report


@pytest.mark.skipif(not REAL.is_file(), reason="needs ../shared/data/real_reports.jsonl")
def test_real_reports_without_labels_have_no_seed_prose(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    # a user's unlabelled folder: ids, addresses and texts only (40 reports keep the test short)
    with (corpus / "reports.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records[::4][:40]:
            fh.write(
                json.dumps(
                    {"id": rec["id"], "url": rec["url"], "text": rec["text"]}, ensure_ascii=False
                )
                + "\n"
            )
    render_reports(corpus, tmp_path / "out", progress=False, k_max=4)
    _no_seed_prose(tmp_path / "out")
    labels = (tmp_path / "out" / "02_keywords.html").read_text(encoding="utf-8")
    assert re.search(r"40 reports have no program type in the manifest", labels)


def test_a_corpus_without_a_topic_model_gets_every_page_and_says_why(tmp_path: Path) -> None:
    """Three reports that repeat one paragraph: no word is rare enough for a topic model. The
    topics page ends after saying so (Page.stop), the five other pages are rendered as usual,
    and no page links to a topic map that was never made."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraph = "市委党校举办中青年干部培训班，学员赴浙江跟班学习。"
    for i in range(3):
        (corpus / f"{i}.txt").write_text(f"{paragraph}\n\n{paragraph}\n", encoding="utf-8")
    out = tmp_path / "out"
    written = render_reports(corpus, out, progress=False, k_max=4)
    assert [p.name for p in written] == [f"{s.stem}.html" for s in NOTEBOOKS] + ["index.html"]
    _no_seed_prose(out)
    assert not (out / "03_topics_ldavis.html").exists()
    topics = (out / "03_topics.html").read_text(encoding="utf-8")
    assert "No topic model can be fitted on this corpus: every word occurs in more than half" in (
        topics
    )
    # the page ends there: none of the later sections, no traceback of the stop
    assert "Choosing the number of topics" not in topics and "SystemExit" not in topics
    manifest = json.loads((out / "report.json").read_text(encoding="utf-8"))
    found = {p["stem"]: p["findings"] for p in manifest["pages"]}
    assert found["03_topics"][0].startswith("No topic model can be fitted on this corpus")
    assert found["04_program_types"]  # the other pages say what they found
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "03_topics_ldavis.html" not in index and "No topic model can be fitted" in index
