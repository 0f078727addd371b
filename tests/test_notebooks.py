"""Execute the notebooks on the seeds and check the rendered HTML as a reader would get it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

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
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    render_reports(SEEDS, out, progress=False)
    return out


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
    assert "Traceback" not in page
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page  # no printed warnings
    assert not re.search(r'class="highlight hl-ipython3', page)  # code hidden by default
    assert "findfont" not in page and "Glyph" not in page
    # stable cell ids: re-rendering unchanged notebooks does not rewrite every page
    ids = re.findall(r'id="cell-id=([^"]+)"', page)
    assert ids and ids == [f"{stem}-{i}" for i in range(len(ids))]


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


def test_reports_on_a_corpus_without_program_types(tmp_path: Path) -> None:
    # a researcher's own folder of scraped reports has no manifest: the comparisons between
    # program types then use the classifier's labels, and the report says so
    prefixes = tuple(path.name[:4] for path in sorted(SEEDS.glob("*.txt")))
    out = _render_seed_files(tmp_path, prefixes, ["02_keywords", "05_shared_rhetoric"])
    page = (out / "02_keywords.html").read_text(encoding="utf-8")
    assert "5 reports have no program type in the manifest" in page
    assert "Traceback" not in page
    for heading in SECTIONS["02_keywords"]:
        assert re.search(rf"<h\d[^>]*>{re.escape(heading)}", page), heading


def test_keyword_report_on_a_corpus_of_one_program_type(tmp_path: Path) -> None:
    # the two secondment reports only
    out = _render_seed_files(tmp_path, ("000_", "002_"), ["02_keywords"])
    page = (out / "02_keywords.html").read_text(encoding="utf-8")
    assert "nothing to compare" in page and "Traceback" not in page
