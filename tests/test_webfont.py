"""The Chinese font a report folder carries (cadretext.webfont)."""

from __future__ import annotations

from pathlib import Path

from cadretext.site import decorate, index_html
from cadretext.webfont import (
    FONT_FACE_CSS,
    FONT_FAMILY,
    FONT_STACK,
    REPORT_FONT,
    cjk_characters,
    write_report_font,
)

from .conftest import font_characters


def test_the_font_holds_exactly_the_chinese_characters_of_the_pages(tmp_path: Path) -> None:
    (tmp_path / "01_corpus.html").write_text("<p>党校学员“充电”in Hangzhou</p>", "utf-8")
    (tmp_path / "index.html").write_text("<p>挂职锻炼，半军事化……</p>", "utf-8")
    (tmp_path / "notes.txt").write_text("鳄", "utf-8")  # not a page: not read
    path = write_report_font(tmp_path)
    assert path == tmp_path / REPORT_FONT
    assert path.read_bytes()[:4] == b"wOFF"
    expected = set("党校学员“充电”挂职锻炼，半军事化…")
    assert font_characters(path) == expected
    first = path.read_bytes()
    write_report_font(tmp_path)  # deterministic: the same pages give the same file
    assert path.read_bytes() == first


def test_pages_without_chinese_get_no_font(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>no Chinese here</p>", "utf-8")
    assert write_report_font(tmp_path) is None
    assert not (tmp_path / REPORT_FONT).exists()
    assert cjk_characters(["abc", "Ａ１"]) == {"Ａ", "１"}  # full-width forms are CJK


def test_every_page_names_the_font_after_the_readers_own() -> None:
    stack = FONT_STACK.split(", ")
    assert stack.index(f'"{FONT_FAMILY}"') > stack.index('"Noto Sans CJK SC"')
    assert stack[-1] == "sans-serif"
    assert f'url("{REPORT_FONT}")' in FONT_FACE_CSS and "unicode-range" in FONT_FACE_CSS
    from cadretext.report import NOTEBOOKS

    body = "<html><head><title>x</title></head><body><h1>t</h1></body></html>"
    page = decorate(body, NOTEBOOKS[0])
    info = {
        "corpus": "c",
        "documents": 1,
        "corpus_hash": "h",
        "seed": 0,
        "lexicon_version": "v",
        "lexicon_sha256": "s",
        "rendered_utc": "now",
        "versions": {},
    }
    index = index_html([{"stem": NOTEBOOKS[0].stem}], info)
    for html in (page, index):
        assert FONT_FACE_CSS in html and FONT_STACK in html
