"""Header metadata (title, date, source) read from a report's own first and last lines."""

from __future__ import annotations

import re
from typing import Any

from ..clean import normalize_script
from .base import missing

# --------------------------------------------------------------------------- header metadata
DATE_PATTERN = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
)
_DATE_LABEL = re.compile(r"(?:发布|发表|更新|发稿)?(?:时间|日期)\s*[:：]\s*")
_SOURCE = re.compile(r"(?:文章来源|稿件来源|信息来源|来源)\s*[:：]\s*(?P<src>[^\s|,，;；]{2,30})")
_TITLE_END = re.compile(r"[。！？!?…；;,，]$")
_LABEL_LINE = re.compile(r"^(?:文章来源|来源|时间|日期|发布时间|编辑|责任编辑|作者)\s*[:：]")


def iso_date(match: re.Match[str]) -> str | None:
    y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
    if 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def extract_metadata(raw: str) -> dict[str, str | None]:
    """Read title, date, source and site from a report's header and footer lines.

    Recognises the layouts scraped reports show: ``时间:2023-03-16  来源:河南日报``;
    ``文章来源: 紅星云  時間: 2024-01-29 15:20`` (traditional script is converted first);
    a bare date line under the title followed by the site name; a trailing ``来源:闽南网``.
    The title is the first line if it is short and does not end like a sentence.

    Examples
    --------
    >>> meta = extract_metadata("以思想破冰 引领发展突围\\n2021-07-28\\n中国电源产业网\\n正文。\\n来源:房县文学")
    >>> meta["title"], meta["date"], meta["source"], meta["site"]
    ('以思想破冰 引领发展突围', '2021-07-28', '房县文学', '中国电源产业网')
    """
    text = normalize_script(raw)
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    head = lines[:6]
    meta: dict[str, str | None] = {"title": None, "date": None, "source": None, "site": None}
    first = lines[0] if lines else ""
    if (
        first
        and len(first) <= 60
        and not _TITLE_END.search(first)
        and not _LABEL_LINE.match(first)
        and not DATE_PATTERN.fullmatch(first)
    ):
        meta["title"] = re.sub(r"\s+", " ", lines[0])
    for i, line in enumerate(head):
        if meta["date"] is None:
            labelled = _DATE_LABEL.search(line)
            match = DATE_PATTERN.search(line, labelled.end()) if labelled else None
            bare = DATE_PATTERN.match(line) if len(line) <= 25 and i > 0 else None
            found = match or bare
            if found and (labelled is None or found.start() - labelled.end() <= 2):
                meta["date"] = iso_date(found)
                if bare and i + 1 < len(lines):
                    nxt = lines[i + 1]
                    if len(nxt) <= 15 and not re.search(r"[，。:：,]", nxt):
                        meta["site"] = nxt
    # Source: a labelled line in the header, else the last short labelled line of the page
    # (footers sit above related-article blocks, so the whole page is searched from the end).
    for line in head + lines[6:][::-1]:
        if len(line) > 60:
            continue
        src = _SOURCE.search(line)
        if src:
            meta["source"] = src["src"]
            break
    return meta


def normalise_date(value: Any) -> str | None:
    """ISO ``YYYY-MM-DD`` where the day is known, ``YYYY-MM`` / ``YYYY`` for partial dates."""
    if missing(value):
        return None
    text = str(value).strip()
    full = DATE_PATTERN.search(normalize_script(text))
    if full:
        return iso_date(full) or text
    partial = re.fullmatch(r"((?:19|20)\d{2})(?:[-/.年](\d{1,2})月?)?", text)
    if partial:
        return partial[1] + (f"-{int(partial[2]):02d}" if partial[2] else "")
    return text
