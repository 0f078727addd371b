"""Execute the notebooks on the seeds and check the rendered HTML as a reader would get it."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from cadretext.report import NOTEBOOKS, NotebookError, render_reports

from .conftest import SEEDS

EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//"
    r"|import\(\s*[\"']https?://",
    re.I,
)
SECTIONS = {
    "01_corpus": [
        "1. The corpus",
        "Documents",
        "What cleaning removed",
        "Near-duplicates",
        "Places",
        "Words",
    ],
    "02_keywords": [
        "2. Keywords",
        "TF-IDF: top terms per document",
        "TF-IDF: top terms per program type",
        "Keyness: each program type against the rest",
        "Keywords in context",
    ],
    "03_topics": [
        "3. Topics",
        "Choosing the number of topics",
        "The chosen model's topics",
        "Reading the topics",
        "Topics in documents",
        "Topic prevalence by program type",
        "Seeded topics",
        "Interactive view (pyLDAvis)",
    ],
    "04_program_types": [
        "4. Program types",
        "Labels and probabilities",
        "Evidence",
        "Paragraphs: where a report mixes formats",
        "How far to trust the labels",
        "Reports to read by hand",
        "Validation: code a sample by hand",
    ],
    "05_shared_rhetoric": [
        "5. Shared rhetoric",
        "Numbered formulas",
        "Idioms",
        "Quoted phrases",
        "Metaphors",
        "Shared and specific rhetoric",
        "Overlap between program types",
        "Co-occurrence network",
        "Who learns from whom",
    ],
    "06_diffusion": [
        "6. How formulations spread",
        "Dates",
        "Rates over time",
        "Where formulations are used first, and how they spread",
        "Does program type matter once the year is held fixed?",
    ],
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Iterator[Path]:
    # a store of its own for the module: the render is cold, and the module's later renders
    # read what it stored
    out = tmp_path_factory.mktemp("reports")
    cache = tmp_path_factory.mktemp("cache")
    with mock.patch.dict(os.environ, {"CADRETEXT_CACHE_DIR": str(cache)}):
        render_reports(SEEDS, out, progress=False)
        yield out


def test_a_cold_render_prepares_each_step_once_while_the_notebooks_run(rendered: Path) -> None:
    from cadretext.analysis import STEPS

    info = json.loads((rendered / "report.json").read_text(encoding="utf-8"))["timings"]
    # the seeds are small: the notebooks ran beside the preparation, in this process alone
    assert info["overlapped"] is True and info["serial_prepare"] is True
    # every step was computed here, once: a notebook that had not waited for a result would
    # have computed and stored it first, and this process would have read it back
    assert info["computed"] == {**dict.fromkeys(STEPS, 1), "page": len(NOTEBOOKS)}
    # the first notebooks started before the preparation ended
    assert min(info["notebooks_started_s"].values()) < info["prepare_s"]


def test_every_notebook_has_a_report_and_the_index_links_them(rendered: Path) -> None:
    index = (rendered / "index.html").read_text(encoding="utf-8")
    for spec in NOTEBOOKS:
        assert (rendered / f"{spec.stem}.html").is_file()
        assert f'href="{spec.stem}.html"' in index


@pytest.mark.parametrize("stem", [s.stem for s in NOTEBOOKS])
def test_report_is_complete_and_self_contained(rendered: Path, stem: str) -> None:
    page = (rendered / f"{stem}.html").read_text(encoding="utf-8")
    for heading in SECTIONS.get(stem, []):
        assert re.search(rf"<h\d[^>]*>{re.escape(heading)}", page), heading
    assert "data:image/png;base64," in page
    assert not EXTERNAL.search(page)
    assert "Provenance." in page and "lexicon version" in page
    # the stamp is one paragraph of small print that wraps the long lexicon version: the
    # Markdown renderer once closed <small> before it, and the version ran off the page
    stamp = re.search(r'<p class="provenance">(.*?)</p>', page, re.S)
    assert stamp and "lexicon version" in stamp.group(1) and "metaphors:" in stamp.group(1)
    assert "Traceback" not in page
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page  # no printed warnings
    assert not re.search(r'class="highlight hl-ipython3', page)  # code hidden by default
    assert "findfont" not in page and "Glyph" not in page
    # stable cell ids: re-rendering unchanged notebooks does not rewrite every page
    ids = re.findall(r'id="cell-id=([^"]+)"', page)
    assert ids and ids == [f"{stem}-{i}" for i in range(len(ids))]


def check_page(folder: Path, stem: str) -> str:
    """What every page must be, on any corpus: Chinese-tagged, titled, navigable, its tables
    short with CSVs that exist, its figures captioned, under 2 MB. Returns the page."""
    path = folder / f"{stem}.html"
    page = path.read_text(encoding="utf-8")
    spec = next(s for s in NOTEBOOKS if s.stem == stem)
    number = [s.stem for s in NOTEBOOKS].index(stem) + 1
    assert path.stat().st_size < 2_000_000, f"{stem}: {path.stat().st_size} bytes"
    assert '<html lang="zh-Hans">' in page
    assert f"<title>{number}. {spec.title} — cadretext report</title>" in page
    assert "Noto Sans CJK SC" in page
    nav = re.search(r'<nav class="ct-nav">(.*?)</nav>', page, re.S).group(1)
    for other in NOTEBOOKS:
        assert f'href="{other.stem}.html"' in nav
    assert 'href="index.html"' in nav
    # the topic map is linked when it exists (not when no topic model could be fitted)
    assert ('href="03_topics_ldavis.html"' in nav) == (folder / "03_topics_ldavis.html").is_file()
    toc = re.search(r'<nav class="ct-toc">(.*?)</nav>', page, re.S)
    assert (toc is None) == ("<h2" not in page)  # contents, when there are sections
    for anchor in re.findall(r'href="#([^"]+)"', toc.group(1) if toc else ""):
        assert f'id="{anchor}"' in page
    for csv in re.findall(r'href="([^"]+\.csv)"', page):
        assert (folder / csv).is_file(), csv
    for table in re.findall(r'<table class="ct-table">(.*?)</table>', page, re.S):
        assert table.count("<tr>") <= 31  # header + 30 rows
        assert "\\n" not in table and ">nan<" not in table and ">NaN<" not in table
    assert '<table class="dataframe' not in page  # every table goes through the page helper
    images = len(re.findall(r"<img [^>]*src=\"data:image/png;base64,", page))
    figures = re.findall(r'<figure class="ct-fig"[^>]*>(.*?)</figure>', page, re.S)
    assert len(figures) == images  # every image is a numbered figure
    for number, figure in enumerate(figures, 1):
        assert re.search(r'<img [^>]*alt="[^"]{10,}"', figure)
        assert f"<b>Figure {number}.</b>" in figure
    return page


@pytest.mark.parametrize("stem", [s.stem for s in NOTEBOOKS])
def test_page_chrome_tables_and_figures(rendered: Path, stem: str) -> None:
    check_page(rendered, stem)


def test_the_index_leads_with_computed_findings(rendered: Path) -> None:
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in index and 'class="caveat"' in index
    assert "5 reports: read every figure as a description" in index
    lists = re.findall(r'<ul class="findings">(.*?)</ul>', index, re.S)
    assert len(lists) == len(NOTEBOOKS)
    assert all(1 <= item.count("<li>") <= 3 for item in lists)
    assert "5 reports from" in lists[0]
    manifest = json.loads((rendered / "report.json").read_text(encoding="utf-8"))
    assert all(page["findings"] for page in manifest["pages"])
    assert not list(rendered.glob("*_findings.json"))


def test_seed_notes_appear_on_the_seed_corpus(rendered: Path) -> None:
    for stem in ("01_corpus", "02_keywords", "03_topics"):
        page = (rendered / f"{stem}.html").read_text(encoding="utf-8")
        assert 'class="seed-note"' in page, stem


def test_document_text_is_escaped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(SEEDS.glob("000_*.txt")), corpus / "a.txt")
    (corpus / "evil.txt").write_text(
        '<script>alert("pwned")</script>\n选派干部赴常州跟班学习。<img src=x onerror=alert(1)>\n',
        encoding="utf-8",
    )
    render_reports(corpus, tmp_path / "out", only=["01_corpus"], progress=False, show_code=True)
    page = (tmp_path / "out" / "01_corpus.html").read_text(encoding="utf-8")
    assert '<script>alert("pwned")' not in page
    assert "<img src=x" not in page
    assert re.search(r'class="highlight hl-ipython3', page)  # --show-code keeps the code


def test_failing_cell_names_notebook_and_cell(tmp_path: Path) -> None:
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    (nb_dir / "01_corpus.py").write_text(
        '# %% tags=["parameters"]\nCORPUS = ""\n\n# %%\nx = 1\n\n# %%\n1 / 0\n',
        encoding="utf-8",
    )
    with pytest.raises(NotebookError, match=r"notebook 01_corpus\.py, cell \d+: ZeroDivisionError"):
        render_reports(
            SEEDS, tmp_path / "out", notebooks=nb_dir, only=["01_corpus"], progress=False
        )


def _render_seed_files(tmp_path: Path, prefixes: tuple[str, ...], only: list[str]) -> Path:
    """Render ``only`` on a folder holding the seed files with these prefixes, no manifest."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for prefix in prefixes:
        shutil.copy(next(SEEDS.glob(f"{prefix}*.txt")), corpus)
    render_reports(corpus, tmp_path / "out", only=only, progress=False)
    return tmp_path / "out"


def test_reports_on_a_corpus_without_program_types(tmp_path: Path, capfd) -> None:
    # a researcher's own folder of scraped reports has no manifest: the comparisons between
    # program types then use the classifier's labels, and the report says so
    prefixes = tuple(path.name[:4] for path in sorted(SEEDS.glob("*.txt")))
    out = _render_seed_files(tmp_path, prefixes, ["02_keywords", "05_shared_rhetoric"])
    terminal = capfd.readouterr()
    # the kernels' start-up notices and library warnings stay off the terminal
    assert "Kernel is running" not in terminal.err and "Warning" not in terminal.err
    page = (out / "02_keywords.html").read_text(encoding="utf-8")
    assert "5 reports have no program type in the manifest" in page
    assert "Traceback" not in page
    for heading in SECTIONS["02_keywords"]:
        assert re.search(rf"<h\d[^>]*>{re.escape(heading)}", page), heading


def test_keyword_report_on_a_corpus_of_one_program_type(tmp_path: Path) -> None:
    # the two secondment reports only
    out = _render_seed_files(tmp_path, ("000_", "002_"), ["02_keywords"])
    page = check_page(out, "02_keywords")
    assert "nothing to compare" in page and "Traceback" not in page
    # two of the five seeds are not the seed corpus: no note written for the seeds
    assert 'class="seed-note"' not in page and "On the seed" not in page
    assert "one program type only" in page


def test_rendering_again_changes_only_the_time_stamp(
    rendered: Path, tmp_path: Path, monkeypatch
) -> None:
    # a new cache folder: every step and notebook is computed again, not read back
    monkeypatch.setenv("CADRETEXT_CACHE_DIR", str(tmp_path / "cache"))
    stems = ["02_keywords", "03_topics"]
    render_reports(SEEDS, tmp_path / "again", only=stems, progress=False, n_jobs=1)
    timings = json.loads((tmp_path / "again" / "report.json").read_text(encoding="utf-8"))
    assert timings["timings"]["computed"]["page"] == 2
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
    for stem in stems:
        first = stamp.sub("", (rendered / f"{stem}.html").read_text(encoding="utf-8"))
        second = stamp.sub("", (tmp_path / "again" / f"{stem}.html").read_text(encoding="utf-8"))
        assert first == second, stem
        for csv in sorted(rendered.glob(f"{stem}_*.csv")):
            assert csv.read_bytes() == (tmp_path / "again" / csv.name).read_bytes(), csv.name
    assert (rendered / "03_topics_ldavis.html").read_bytes() == (
        tmp_path / "again" / "03_topics_ldavis.html"
    ).read_bytes()


def test_a_second_render_computes_nothing(rendered: Path, tmp_path: Path, monkeypatch) -> None:
    # same files, same settings, same store as the fixture's render: every step and every
    # executed notebook is read back (counters, not times), and no kernel is started
    from cadretext import kernels

    started = []
    monkeypatch.setattr(kernels.KernelSlots, "get", lambda self: started.append(1))
    monkeypatch.setattr(kernels, "warm_up", lambda *a, **k: started.append(1))
    render_reports(SEEDS, tmp_path / "warm", progress=False)
    info = json.loads((tmp_path / "warm" / "report.json").read_text(encoding="utf-8"))
    assert info["timings"]["computed"] == {}
    assert started == []
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
    for page in NOTEBOOKS:
        first = stamp.sub("", (rendered / f"{page.stem}.html").read_text(encoding="utf-8"))
        again = stamp.sub("", (tmp_path / "warm" / f"{page.stem}.html").read_text(encoding="utf-8"))
        assert first == again, page.stem
    assert sorted(p.name for p in rendered.glob("*.csv")) == sorted(
        p.name for p in (tmp_path / "warm").glob("*.csv")
    )


def test_a_report_on_a_dask_cluster_has_the_same_tables(
    rendered: Path, tmp_path: Path, monkeypatch
) -> None:
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("CADRETEXT_CACHE_DIR", str(tmp_path / "cache"))  # computed afresh
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        render_reports(
            SEEDS,
            tmp_path / "dask",
            only=["03_topics"],
            progress=False,
            scheduler=cluster.scheduler_address,
        )
    csvs = sorted(rendered.glob("03_topics_*.csv"))
    assert csvs
    for csv in csvs:
        assert csv.read_bytes() == (tmp_path / "dask" / csv.name).read_bytes(), csv.name
