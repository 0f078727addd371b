"""A Chinese font that travels with the report folder, so its pages read on any machine.

The pages ask for the reader's own CJK fonts first (Noto Sans CJK SC, PingFang SC, Microsoft
YaHei ...). A machine without any, such as a server or a container where the report is read
in headless Chromium, drew every Chinese character as an empty box. ``cadretext report`` now
writes :data:`REPORT_FONT` beside the pages: the packaged Noto Sans SC (``pylopdf-fonts-zh-cn``,
SIL Open Font License, the font the figures use) cut down with fontTools' subsetter to the
Chinese characters the pages hold, as WOFF. Every page names it last in its CJK font stack,
through an ``@font-face`` rule limited to CJK code points, so a reader who has a Chinese font
keeps it and Latin text keeps the system's font.

Examples
--------
>>> "cadretext CJK" in FONT_FACE_CSS and REPORT_FONT in FONT_FACE_CSS
True
>>> sorted(cjk_characters(["党校 in Hangzhou，“充电”"]))
['“', '”', '充', '党', '校', '电', '，']
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ._io import atomic_write_bytes
from .errors import CadretextError

__all__ = [
    "FONT_FACE_CSS",
    "FONT_FAMILY",
    "FONT_STACK",
    "REPORT_FONT",
    "cjk_characters",
    "cjk_font_path",
    "subset_font",
    "write_report_font",
]

#: The font file written beside the pages (a name no notebook output starts with).
REPORT_FONT = "cadretext-cjk.woff"
#: The family name the pages give it.
FONT_FAMILY = "cadretext CJK"

# CJK radicals to ideographs (with the CJK punctuation block), compatibility ideographs, CJK
# compatibility forms, full-width forms, and the supplementary ideograph planes.
_RANGES = (
    (0x2E80, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
# Curly quotes and the ellipsis are set in the Chinese font too: a Latin font's glyphs are
# half-width beside Chinese text.
_PUNCTUATION = "‘’“”…—"
_UNICODE_RANGE = ", ".join(f"U+{lo:X}-{hi:X}" for lo, hi in _RANGES) + "".join(
    f", U+{ord(c):X}" for c in _PUNCTUATION
)

#: Fonts for Chinese first (Chromium picks Japanese glyphs for Han characters on a page that
#: does not say it is Chinese), then the report's own, then the system's; the pages declare
#: ``lang="zh-Hans"``.
FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
    f'"Microsoft YaHei", "WenQuanYi Micro Hei", "{FONT_FAMILY}", system-ui, sans-serif'
)

#: The ``@font-face`` rule every page carries.
FONT_FACE_CSS = (
    f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{REPORT_FONT}") format("woff"); '
    f"unicode-range: {_UNICODE_RANGE}; font-display: swap; }}"
)

_CJK = re.compile(
    "[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _RANGES) + re.escape(_PUNCTUATION) + "]"
)


def cjk_characters(texts: Iterable[str]) -> set[str]:
    """The characters of ``texts`` that the report font covers (see :data:`FONT_FACE_CSS`)."""
    found: set[str] = set()
    for text in texts:
        found.update(_CJK.findall(text))
    return found


def cjk_font_path() -> str:
    """The packaged Noto Sans SC (``pylopdf-fonts-zh-cn``): the figures' font and the source of
    the report font."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise CadretextError(
            "the CJK font package is missing: pip install pylopdf-fonts-zh-cn"
        ) from exc
    return str(pylopdf_fonts_zh_cn.sans_path())


def subset_font(characters: Iterable[str]) -> bytes:
    """Noto Sans SC cut down to ``characters``, as WOFF bytes (deterministic: no timestamp is
    recalculated, so the same characters give the same bytes)."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]  # vertical forms and the like stay with their glyphs
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = subset.load_font(cjk_font_path(), options)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in characters}))
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    finally:
        font.close()
    return out.getvalue()


def write_report_font(folder: str | os.PathLike[str]) -> Path | None:
    """Write :data:`REPORT_FONT` into ``folder``, holding the Chinese characters of every
    ``.html`` file there (pages, index, topic map); None when they hold none. About 0.2 MB for
    a thousand distinct characters, under a second."""
    folder = Path(folder)
    characters = cjk_characters(
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.glob("*.html"))
        if path.is_file()
    )
    if not characters:
        return None
    target = folder / REPORT_FONT
    atomic_write_bytes(target, subset_font(characters))
    return target
