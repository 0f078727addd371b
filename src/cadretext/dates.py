"""The date of each report, how precise it is, and where it came from.

Trends and diffusion need a date per report, and scraped pages state it in many places or not
at all. :func:`find_date` looks, in this order, at

``manifest``
    the date a metadata table gives (the researcher's word wins);
``header``
    a labelled or bare date line at the top of the page (``时间:2023-03-16``, a date under the
    headline), as :func:`cadretext.extract_metadata` reads it;
``url``
    a date in the page's address (``/2023/0316/``, ``/202303/t20230316_``, ``/2023-03/16/``,
    ``/art/2023/3/16/``); a month there (``/2024/04/``) takes its day from the text (4月16日);
``byline``
    a dateline at the start of the article (``本报讯（2023年3月16日）``, ``2023年3月16日讯``);
``text``
    dates of events in the body: the latest full date (``2023年3月16日``, ``2021-07-28``); a
    ``3月4日`` after the one year the page names; a month (``2022年9月``) or a year when the
    page names only one (years in ranges such as 2014-2017年 do not count).

Each result says its ``precision``: ``day``, ``month`` or ``year``. No library reads Chinese
datelines and URL date paths together with this order of trust, so the rules are written here;
``datetime`` checks every date is a real one.

Examples
--------
>>> find_date("干部培训班开班\\n时间:2023-03-16 来源:河南日报\\n正文。")
('2023-03-16', 'day', 'header')
>>> find_date("3月4日，全市年轻干部培训班在市委党校开班。", url="http://x.gov.cn/2022/0305/a.html")
('2022-03-05', 'day', 'url')
>>> find_date("2021年9月，该县选派10名干部赴杭州跟班学习。")
('2021-09', 'month', 'text')
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

__all__ = ["DATE_COLUMNS", "PRECISIONS", "SOURCES", "find_date"]

DATE_COLUMNS = ["date", "date_precision", "date_source"]
PRECISIONS = ("day", "month", "year")
SOURCES = ("manifest", "header", "url", "byline", "text")

_FULL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年\s*|[-/.])(?P<m>\d{1,2})\s*(?:月\s*|[-/.])"
    r"(?P<d>\d{1,2})(?:\s*日)?(?!\d)"
)
_MONTH_DAY = re.compile(r"(?<![\d年.\-/])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_YEAR_MONTH = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d{1,2}\s*日)"
)
_YEAR = re.compile(r"(?<![\d\-—至到~])(?P<y>(?:19|20)\d{2})(?![\d\-—至到~])")  # not in 2014-2017
_URL_DAY = re.compile(
    r"(?<!\d)(?P<y>20\d{2})(?:[-/_]?)(?P<m>0[1-9]|1[0-2])(?:[-/_]?)(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
_URL_SLASHED = re.compile(r"/(?P<y>20\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/")  # /art/2023/3/16/
_URL_MONTH = re.compile(r"/(?P<y>20\d{2})[-_/]?(?P<m>0[1-9]|1[0-2])/")
_BYLINE = re.compile(
    r"^.{0,40}?(?:[（(]\s*)?(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    r"(?:\s*[）)]|\s*讯|\s*电)"
)


def _real(y: int, m: int, d: int | None = None) -> bool:
    try:
        _dt.date(y, m, d or 1)
    except ValueError:
        return False
    return 1990 <= y <= _dt.date.today().year + 1


def _iso(y: int, m: int | None = None, d: int | None = None) -> str:
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else "")


def _precision(iso: str) -> str:
    return PRECISIONS[2 - iso.count("-")] if iso.count("-") <= 2 else "day"


def _from_manifest(value: Any) -> tuple[str, str] | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if not text:
        return None
    m = _FULL.search(text)
    if m and _real(int(m["y"]), int(m["m"]), int(m["d"])):
        iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
        return iso, "day"
    m = re.fullmatch(r"((?:19|20)\d{2})(?:\s*[-/.年]\s*(\d{1,2})\s*月?)?", text)
    if m:
        iso = _iso(int(m[1]), int(m[2]) if m[2] else None)
        return iso, _precision(iso)
    return None


def _from_url(url: str | None) -> tuple[str, str] | None:
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", str(url).strip(), flags=re.I)  # not the host name
    for m in [*_URL_SLASHED.finditer(path), *_URL_DAY.finditer(path)]:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if _real(y, mo, d):
            return _iso(y, mo, d), "day"
    m = _URL_MONTH.search(path)
    if m and _real(int(m["y"]), int(m["m"])):
        return _iso(int(m["y"]), int(m["m"])), "month"
    return None


def _from_byline(body: str) -> tuple[str, str] | None:
    for line in body.split("\n")[:8]:
        m = _BYLINE.search(line.strip())
        if m:
            full = _FULL.search(m["date"])
            if full and _real(int(full["y"]), int(full["m"]), int(full["d"])):
                return _iso(int(full["y"]), int(full["m"]), int(full["d"])), "day"
    return None


def _from_text(body: str) -> tuple[str, str] | None:
    """The latest full date of the body; else a month-day (3月4日) after a year named before it,
    when the body names no other year; else a year-month or a year, when the body names only
    one (a report that cites several years, 1982年 ... 2000年4月, is not dated by a guess)."""
    today = _dt.date.today()
    full = [
        (int(m["y"]), int(m["m"]), int(m["d"]))
        for m in _FULL.finditer(body)
        if _real(int(m["y"]), int(m["m"]), int(m["d"]))
    ]
    full = [f for f in full if _dt.date(*f) <= today]
    if full:
        return _iso(*max(full)), "day"
    found_years = [m for m in _YEAR.finditer(body) if 1990 <= int(m["y"]) <= today.year]
    years = {int(m["y"]) for m in found_years}
    if len(years) == 1:
        (year,) = years
        for m in _MONTH_DAY.finditer(body):
            if m.start() > found_years[0].start() and _real(year, int(m["m"]), int(m["d"])):
                return _iso(year, int(m["m"]), int(m["d"])), "day"
    months = {
        (int(m["y"]), int(m["m"]))
        for m in _YEAR_MONTH.finditer(body)
        if _real(int(m["y"]), int(m["m"]))
        and (int(m["y"]), int(m["m"])) <= (today.year, today.month)
    }
    if len(months) == 1 and len(years) == 1:
        return _iso(*months.pop()), "month"
    if len(years) == 1:
        return _iso(years.pop()), "year"
    return None


def _day_in_month(body: str, iso_month: str) -> str | None:
    """A month-day of the body in the month a URL gives (/2024/04/ + 4月16日 -> 2024-04-16)."""
    y, mo = (int(x) for x in iso_month.split("-"))
    for m in _MONTH_DAY.finditer(body):
        if int(m["m"]) == mo and _real(y, mo, int(m["d"])):
            return _iso(y, mo, int(m["d"]))
    return None


def find_date(
    raw_text: str,
    *,
    url: str | None = None,
    manifest: Any = None,
    header: str | None = None,
) -> tuple[str | None, str | None, str | None]:
    """``(date, precision, source)`` of one report; ``(None, None, None)`` when nothing dates it.

    Parameters
    ----------
    raw_text : str
        The page as scraped (header lines included); cleaned text works too, with fewer cues.
    url : str, optional
        The page's address.
    manifest : optional
        A date the metadata table gives (``2023-03-16``, ``2023-03``, ``2023``, ``2023年3月``).
    header : str, optional
        A date already read from the page header (:func:`cadretext.extract_metadata`); read
        from ``raw_text`` when not given.

    Returns
    -------
    tuple
        ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), precision (``day``, ``month``,
        ``year``) and source (one of :data:`SOURCES`).
    """
    found = _from_manifest(manifest)
    if found:
        return (*found, "manifest")
    if header is None:
        from .corpus import extract_metadata

        header = extract_metadata(raw_text or "")["date"]
    found = _from_manifest(header)
    if found:
        return (*found, "header")
    from .clean import to_simplified

    body = to_simplified(raw_text or "")
    found = _from_url(url)
    if found:
        if found[1] == "month":
            day = _day_in_month(body, found[0])
            if day:
                return day, "day", "url"
        return (*found, "url")
    found = _from_byline(body)
    if found:
        return (*found, "byline")
    found = _from_text(body)
    if found:
        return (*found, "text")
    return None, None, None
