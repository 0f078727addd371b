"""How ``render_reports`` treats its output folder: built aside and swapped in whole, ``--only``
keeps the other pages (and the index lists them all), anything that is not a report page is
never lost, and a failed run leaves the previous report as it was.

Tiny stand-in notebooks keep these tests fast; tests/test_notebooks.py renders the real ones.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cadretext.errors import OutputError, ParameterError
from cadretext.report import NOTEBOOKS, REPORT_MANIFEST, NotebookError, render_reports
from cadretext.webfont import REPORT_FONT

from .conftest import SEEDS, font_characters

HEADER = """# %% tags=["parameters"]
CORPUS = "../seeds"
SEED = 0
UNIT = "paragraph"
K_MIN = 2
K_MAX = 6
OUT_DIR = "../reports"

"""


def _notebooks(
    folder: Path, *, marker: str = "RUN1", fail: str | None = None, word: str = ""
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for spec in NOTEBOOKS:
        body = f'# %%\nprint("{spec.stem} {marker}{word}")\n'
        if spec.stem == "03_topics":  # writes a page of its own beside the report
            body += (
                "# %%\nfrom pathlib import Path\n"
                f'Path(OUT_DIR, "03_topics_ldavis.html").write_text("ldavis {marker}")\n'
            )
        if spec.stem == fail:
            body += '# %%\nraise RuntimeError("broken on purpose")\n'
        (folder / f"{spec.stem}.py").write_text(HEADER + body, encoding="utf-8")
    return folder


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(SEEDS.glob("000_*.txt")), corpus)
    return corpus


def _pages(out: Path) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(out.iterdir())
        if p.is_file() and p.name != REPORT_FONT
    }


def test_a_new_run_replaces_the_whole_old_report(tmp_path: Path) -> None:
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    render_reports(corpus, out, notebooks=_notebooks(tmp_path / "nb1"), progress=False)
    assert (out / "03_topics_ldavis.html").read_text() == "ldavis RUN1"
    (out / "09_stale.html").write_text("a page of a notebook that no longer exists")
    manifest = json.loads((out / REPORT_MANIFEST).read_text())
    manifest["pages"].append({"stem": "09_stale", "files": ["09_stale.html"]})
    (out / REPORT_MANIFEST).write_text(json.dumps(manifest))
    (out / "my_notes.txt").write_text("a reader's notes")  # not a report page: kept
    written = render_reports(
        corpus, out, notebooks=_notebooks(tmp_path / "nb2", marker="RUN2"), progress=False
    )
    pages = _pages(out)
    assert "09_stale.html" not in pages  # no mix of old and new pages
    assert pages["my_notes.txt"] == "a reader's notes"
    assert pages["03_topics_ldavis.html"] == "ldavis RUN2"
    assert all("RUN1" not in pages[f"{s.stem}.html"] for s in NOTEBOOKS)
    assert [p.name for p in written] == [f"{s.stem}.html" for s in NOTEBOOKS] + ["index.html"]
    assert not list(tmp_path.glob(".out.*"))  # no staging or old folder left behind


def test_only_keeps_the_other_pages_and_the_index_lists_them_all(tmp_path: Path) -> None:
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    render_reports(corpus, out, notebooks=_notebooks(tmp_path / "nb1"), progress=False)
    before = _pages(out)
    render_reports(
        corpus,
        out,
        notebooks=_notebooks(tmp_path / "nb2", marker="RUN2"),
        only=["02_keywords"],
        progress=False,
    )
    after = _pages(out)
    assert "02_keywords RUN2" in after["02_keywords.html"]
    for spec in NOTEBOOKS:
        if spec.stem != "02_keywords":
            assert after[f"{spec.stem}.html"] == before[f"{spec.stem}.html"]
            assert f'href="{spec.stem}.html"' in after["index.html"]
    assert after["03_topics_ldavis.html"] == "ldavis RUN1"
    assert "more than one run" in after["index.html"]
    stems = [p["stem"] for p in json.loads(after[REPORT_MANIFEST])["pages"]]
    assert stems == [s.stem for s in NOTEBOOKS]


def test_the_folder_carries_a_font_for_the_chinese_of_every_page(tmp_path: Path) -> None:
    def covered() -> set[str]:
        return font_characters(out / REPORT_FONT)

    corpus, out = _corpus(tmp_path), tmp_path / "out"
    render_reports(corpus, out, notebooks=_notebooks(tmp_path / "nb1", word="党校"), progress=False)
    assert {"党", "校"} <= covered() and "挂" not in covered()
    render_reports(
        corpus,
        out,
        notebooks=_notebooks(tmp_path / "nb2", marker="RUN2", word="挂职"),
        only=["02_keywords"],
        progress=False,
    )
    # the kept pages still say 党校, the new one 挂职: the new font covers both
    assert {"党", "校", "挂", "职"} <= covered()
    assert REPORT_FONT not in json.loads((out / REPORT_MANIFEST).read_text())["pages"][0]["files"]


def test_a_failed_run_leaves_the_previous_report_untouched(tmp_path: Path) -> None:
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    render_reports(corpus, out, notebooks=_notebooks(tmp_path / "nb1"), progress=False)
    before = _pages(out)
    broken = _notebooks(tmp_path / "nb2", marker="RUN2", fail="04_program_types")
    with pytest.raises(NotebookError, match="04_program_types"):
        render_reports(corpus, out, notebooks=broken, progress=False)
    assert _pages(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "nb1", "nb2", "out"]


def test_a_folder_holding_other_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    corpus, out = _corpus(tmp_path), tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.docx").write_bytes(b"words")
    with pytest.raises(ParameterError, match=r"holds files that are not a cadretext report"):
        render_reports(corpus, out, notebooks=_notebooks(tmp_path / "nb"), progress=False)
    assert [p.name for p in out.iterdir()] == ["chapter1.docx"]
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        render_reports(corpus, tmp_path / "afile", notebooks=tmp_path / "nb", progress=False)


def test_a_report_from_before_the_manifest_is_recognised(tmp_path: Path) -> None:
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    render_reports(corpus, out, notebooks=_notebooks(tmp_path / "nb1"), progress=False)
    (out / REPORT_MANIFEST).unlink()  # what reports/ looked like before report.json
    render_reports(
        corpus,
        out,
        notebooks=_notebooks(tmp_path / "nb2", marker="RUN2"),
        only=["01_corpus"],
        progress=False,
    )
    pages = _pages(out)
    assert "01_corpus RUN2" in pages["01_corpus.html"]
    assert "05_shared_rhetoric RUN1" in pages["05_shared_rhetoric.html"]
    assert pages["03_topics_ldavis.html"] == "ldavis RUN1"


def test_a_preparation_that_fails_while_notebooks_run_leaves_the_old_report(
    tmp_path: Path, monkeypatch
) -> None:
    from cadretext.analysis import Analysis

    corpus, out = _corpus(tmp_path), tmp_path / "out"
    render_reports(corpus, out, notebooks=_notebooks(tmp_path / "nb1"), progress=False)
    before = _pages(out)
    # on a small corpus the notebooks run while the analysis is prepared; this one is slow
    finished = tmp_path / "finished"
    nb = _notebooks(tmp_path / "nb2", marker="RUN2")
    started = tmp_path / "started"
    (nb / "01_corpus.py").write_text(
        HEADER
        + "# %%\nimport time\nfrom pathlib import Path\n"
        + f"Path({str(started)!r}).touch()\ntime.sleep(60)\nPath({str(finished)!r}).touch()\n",
        encoding="utf-8",
    )

    def failing(self, *args, **kwargs):
        import time

        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # fails once the notebook runs
        raise RuntimeError("preparation failed on purpose")

    monkeypatch.setattr(Analysis, "prepare", failing)
    monkeypatch.setenv("CADRETEXT_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(RuntimeError, match="on purpose"):
        render_reports(corpus, out, notebooks=nb, progress=False)
    # the kernels were shut down at the failure: the running notebook did not run to its end
    assert started.exists() and not finished.exists()
    assert _pages(out) == before  # the old report as it was
    assert not list(tmp_path.glob(".out.*"))  # no staging folder left behind
