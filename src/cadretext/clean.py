"""Cleaning scraped Chinese news text: pinyin glosses, script, boilerplate, normalisation, units.

Scraped reports arrive with page furniture (site footers, related-article lists, SEO place-name
lists, share-group numbers), sometimes in traditional characters, sometimes with pinyin glosses
inserted after each character (``學(xué)習(xí)``). :func:`clean_text` removes all of that and
**records every removal**, so a researcher can audit what the analysis did not see.
:func:`split_units` cuts documents into paragraphs or sentences, the units topic models and
classifiers need when a corpus has few documents.

The boilerplate rules are hand-written on purpose: no library knows Chinese news-site furniture
(trafilatura does this for HTML, but scraped reports mostly arrive as flattened text).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal, overload

from ._io import import_jionlp

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "clean_text",
    "is_spam_header",
    "normalize_script",
    "normalize_whitespace",
    "remove_pinyin_glosses",
    "replace_surrogates",
    "split_sentences",
    "split_units",
    "to_simplified",
]

# --------------------------------------------------------------------------- pinyin glosses
# A pinyin syllable: optional initial + final, tone marks on vowels or a tone digit. Written as a
# grammar rather than a table of 400 syllables; it is the structure that tells a gloss such as
# "(xué)" from real parenthesised text such as "(庄晓丽)" or "(GDP)".
_TONED = {
    "a": "āáǎà",
    "e": "ēéěè",
    "i": "īíǐì",
    "o": "ōóǒò",
    "u": "ūúǔù",
    "ü": "ǖǘǚǜ",
}
_DETONE = {toned: base for base, marks in _TONED.items() for toned in marks}
_INITIAL = r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINAL = (
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|üan|van|"
    r"ai|ei|ao|ou|an|en|er|in|un|ün|vn|ia|ie|iu|ua|uo|ui|üe|ve|ue|a|o|e|i|u|ü|v)"
)
_SYLLABLE = re.compile(rf"{_INITIAL}{_FINAL}r?[1-5]?")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# A gloss is a parenthesis with pinyin in it, after a CJK character or a CJK character and one
# space or tab; a space or tab after it goes with it when a CJK character follows ("個(ge) 人").
# The pattern's first character is one of " \t(（", which the engine finds by a fast scan; the
# character before is checked by lookbehinds once a parenthesis is there (a lookbehind as the
# pattern's first step was tried at every position, ten times slower). A space before a "(" is
# reached by the scan before the "(", so a match starts at the space whenever one stands there.
# Spaces inside are matched possessively (*+): a "(" followed by a long run of spaces, as
# flattened pages have, was retried at every split of the run (20,000 spaces took 195 s).
_GLOSS_CANDIDATE = re.compile(
    r"[ \t(（](?:(?<=[ \t])[(（])?"
    rf"(?:(?<=[{_CJK}][(（])|(?<=[{_CJK}][ \t][(（]))"
    r"[ \t]*+([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüv1-5' ]{1,40}?)[ \t]*+[)）]"
    rf"(?:[ \t](?=[{_CJK}]))?"
)


@lru_cache(maxsize=8192)  # glosses repeat ("(xué)" after every 学): decide each once
def _is_pinyin(content: str) -> bool:
    """True if ``content`` is one or more pinyin syllables (space-separated, or tone-marked).

    Untoned multi-syllable strings ("china") are *not* treated as pinyin, to protect English.
    """
    chunks = content.replace("'", " ").split()
    if not chunks:
        return False
    for chunk in chunks:
        base = "".join(_DETONE.get(ch, ch) for ch in chunk)
        if _SYLLABLE.fullmatch(base):
            continue
        if base != chunk and re.fullmatch(rf"(?:{_SYLLABLE.pattern})+", base):
            continue  # tone-marked run of syllables such as "xuéxí"
        return False
    return True


def remove_pinyin_glosses(text: str, *, removed: list[dict] | None = None) -> str:
    """Remove pinyin glosses inserted after Chinese characters, keep real parentheses.

    Parameters
    ----------
    text : str
    removed : list, optional
        If given, one ``{"kind": "pinyin_gloss", "text": ..., "line": ...}`` record is appended
        per removed gloss.

    Examples
    --------
    >>> remove_pinyin_glosses("學(xué)習(xí) 個(ge) 人 县(市、区) (庄晓丽) 数据(GDP)")  # the space after a gloss goes too
    '學習個人 县(市、区) (庄晓丽) 数据(GDP)'
    """
    if "(" not in text and "（" not in text:
        return text
    # re.sub builds the text in C; Python only decides whether the content is pinyin (a loop
    # that sliced and joined the pieces itself cost a third more on glossed text)
    if removed is None:
        return _GLOSS_CANDIDATE.sub(_keep_unless_pinyin, text)
    counted = [0, 1]  # newlines counted once, left to right: linear in the text, not per gloss

    def decide(match: re.Match[str]) -> str:
        if not _is_pinyin(match.group(1)):
            return match.group(0)
        start = match.start()
        counted[1] += text.count("\n", counted[0], start)
        counted[0] = start
        gloss = match.group(0).strip(" \t")
        removed.append({"kind": "pinyin_gloss", "text": gloss, "line": counted[1]})
        return ""

    return _GLOSS_CANDIDATE.sub(decide, text)


def _keep_unless_pinyin(match: re.Match[str]) -> str:
    return "" if _is_pinyin(match.group(1)) else match.group(0)


# --------------------------------------------------------------------------- script
@lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def _t2s_triggers() -> re.Pattern[str] | None:
    """The characters without which OpenCC's t2s changes nothing, as one character class, or
    None when the installed OpenCC is not the version the list was derived from (then every
    line is converted). See ``benchmarks/build_t2s_triggers.py``."""
    from importlib.metadata import PackageNotFoundError, version

    from .lexicons import load_wordlist

    triggers = load_wordlist("t2s_triggers")
    try:
        installed = version("opencc")
    except PackageNotFoundError:  # pragma: no cover - opencc is a dependency
        return None
    if triggers.version != f"opencc-{installed}":
        return None
    # Characters beyond the BMP are given as the one range of the CJK extension planes (a
    # superset, so still exact): listed one by one, the regex engine tests them in a row for
    # every character of the text that is not a trigger, 15 times slower than the whole step.
    bmp = "".join(re.escape(c) for c in triggers.words if ord(c) <= 0xFFFF)
    if any(not 0x20000 <= ord(c) <= 0x3FFFF for c in triggers.words if ord(c) > 0xFFFF):
        return None  # pragma: no cover - a list this code does not know how to compress
    return re.compile(f"[{bmp}\U00020000-\U0003ffff]")


def _t2s(text: str, config: str = "t2s") -> str:
    """OpenCC ``config`` over the lines that need it; the other lines are copied.

    OpenCC's cost grows with the text whether or not it is traditional. No phrase of its
    dictionaries spans a line break, so converting line by line gives the text converting the
    whole gives; a line without any trigger character provably stays as it is, and is skipped.
    """
    converter = _converter(config)
    triggers = _t2s_triggers() if config == "t2s" else None
    if triggers is None:
        return converter.convert(text)
    if "\n" not in text:
        return converter.convert(text) if triggers.search(text) else text
    lines = text.split("\n")
    todo = [i for i, line in enumerate(lines) if triggers.search(line)]
    if not todo:
        return text
    # the lines that need it are converted in one call, joined by the line breaks no phrase
    # spans: each call into OpenCC has a fixed cost, a tenth of this step when paid per line
    converted = converter.convert("\n".join([lines[i] for i in todo])).split("\n")
    if len(converted) != len(todo):  # pragma: no cover - OpenCC never adds or drops a break
        return converter.convert(text)
    for i, line in zip(todo, converted, strict=True):
        lines[i] = line
    return "\n".join(lines)


def to_simplified(text: str, *, config: str = "t2s") -> str:
    """Convert traditional characters to simplified with OpenCC (phrase-aware, not char-by-char).

    Examples
    --------
    >>> to_simplified("婁底市選派幹部學習")
    '娄底市选派干部学习'

    A lone surrogate (which OpenCC cannot take) comes out as U+FFFD.
    """
    return _t2s(replace_surrogates(text, None), config)


_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH_ALNUM.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH_ALNUM.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_SPACES = {0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x202F: " "}
_INVISIBLE = {0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None}
_TRANSLATE = {**_FULLWIDTH_ALNUM, **_SPACES, **_INVISIBLE}


_NEEDS_TRANSLATE = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_INVISIBLE_RE = re.compile("[" + "".join(chr(c) for c in _INVISIBLE) + "]")


def _normalize_chars(text: str) -> str:
    # NFKC would also fold full-width punctuation (，。：) into ASCII, so only digits, letters and
    # spaces are mapped; Chinese punctuation is kept as written. The checks before each step
    # skip work on text that needs none (most text): cleaning must not cost more than jieba.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _NEEDS_TRANSLATE.search(text):
        text = text.translate(_TRANSLATE)
    return _nfc(text)


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def normalize_script(text: str, *, to_simplified_: bool = True, remove_glosses: bool = True) -> str:
    """Character-level normalisation only: full-width alphanumerics, glosses, traditional script.

    Line structure is preserved, so line numbers still point into the raw file.
    """
    text = _normalize_chars(text)
    if remove_glosses:
        text = remove_pinyin_glosses(text)
    if to_simplified_:
        text = to_simplified(text)
    return text


_TABS_TO_SPACE = str.maketrans("\t\f\v", "   ")


def _wide(ch: str) -> bool:
    """CJK ideographs, CJK punctuation and full-width forms: no space is kept next to them."""
    return (
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\uf900" <= ch <= "\ufaff"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
    )


def _join_words(line: str) -> str:
    # Split at spaces and decide each gap from the characters on its two sides: a gap goes
    # between two wide characters, a digit and a wide character, or a wide character and a
    # digit ("企业19 家" -> "企业19家"), and stays elsewhere ("in Hangzhou"). This per-gap loop
    # replaced a lookbehind regex over the whole line, the slowest step of cleaning.
    if "\t" in line or "\f" in line or "\v" in line:
        line = line.translate(_TABS_TO_SPACE)
    parts = [p for p in line.split(" ") if p]
    if len(parts) < 2:
        return "".join(parts).strip()
    pieces = [parts[0]]
    for left, right in pairwise(parts):
        a, b = left[-1], right[0]
        wide_a = _wide(a)
        if not (((wide_a or a.isdecimal()) and _wide(b)) or (wide_a and b.isdecimal())):
            pieces.append(" ")
        pieces.append(right)
    return "".join(pieces).strip()


def normalize_whitespace(text: str) -> str:
    """Strip lines, drop empty ones, collapse runs of spaces, remove spaces between CJK characters.

    Examples
    --------
    >>> normalize_whitespace("  以思想破冰 引领发展突围 \\n\\n\\n 企业19 家 in  Hangzhou ")
    '以思想破冰引领发展突围\\n企业19家 in Hangzhou'
    """
    lines = []
    for line in text.split("\n"):
        if " " in line or "\t" in line or "\f" in line or "\v" in line:
            line = _join_words(line)
        if line:
            lines.append(line)
    return "\n".join(lines)


# --------------------------------------------------------------------------- boilerplate
_FOOTER = re.compile(
    r"^(?:主办单位|主办|承办单位|承办|协办单位|技术支持|技术服务|运营维护|版权所有|版权声明|"
    r"copyright|©|网站标识码|网站地图|联系我们|关于我们|免责声明|法律声明|"
    r"欢迎您?访问|欢迎光临|本站|网站声明|投稿邮箱|举报电话|违法和不良信息举报|"
    r"当前位置|您的位置|您现在的位置|(?:您|当前|本页|所在)[^:：>\n]{0,6}位置\s*[:：>]|"
    r"扫一扫在手机|【?打印(?:本页)?】|【?关闭(?:窗口)?】|"
    r"【字体|字体[:：]\s*[大中小]|"
    # accessibility furniture of government sites: skip links (按Enter到主內容區), the
    # accesskey anchor ":::" on a line of its own, 无障碍浏览 / 长者模式 switches
    r"按\s*enter\s*键?(?:到|至)主内容区?|跳转?(?:到|至)主要?内容|:{3}\s*$|"
    r"无障碍(?:浏览|阅读)|进入长者模式)",
    re.IGNORECASE,
)
# Footer phrases found anywhere in a line. Kept apart from the anchored list above (one pattern
# with both made the engine try the whole alternation at every position of every line), and
# only searched when a line has one of their characters 备证第量.
_FOOTER_ANYWHERE = re.compile(
    r"[Ii][Cc][Pp][备证]|公网安备|您是第.{0,12}位(?:来访者|访客|访问者)|访问量[:：]"
)
_EDITOR = re.compile(
    r"^[【\[(（]?\s*(?:责任编辑|责编|编辑|主编|审核|审校|审签|校对|编审|终审|初审|复审|"
    r"来源|文章来源|稿件来源|信息来源|作者|供稿|通讯员|摄影|摄像|标签|关键词|关键字|"
    r"分享到|扫一扫|打印本页|关闭窗口|字号)\s*[:：]"
)
_METADATA = re.compile(
    r"^(?:(?:发布|发表|更新|发稿)?(?:时间|日期)|文章来源|来源|作者|浏览次数|点击数|阅读量)\s*[:：]"
)
_DATE_ONLY = re.compile(
    r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_SHARE_GROUP = re.compile(r"(?:交流群|QQ群|微信群|读者群|粉丝群|群号)\s*[:：]?\s*\d{5,}", re.I)
_TAIL_MARKER = re.compile(
    r"^(?:相关信息|相关阅读|相关新闻|相关文章|相关链接|相关推荐|相关报道|推荐阅读|延伸阅读|"
    r"热门推荐|热点推荐|热门文章|猜你喜欢|精彩推荐|往期回顾|更多新闻|更多阅读|more\b|"
    r"上一篇|下一篇)",
    re.IGNORECASE,
)
_NAV_LINK = re.compile(r"^(?:上一篇|下一篇)\s*[:：]")
_PLACE_SUFFIX = re.compile(r"(?:省|市|县|区|州|旗|盟|镇|乡|岛)$")
_PUNCT = re.compile(r"[，。！？；、,.!?;:：“”\"'‘’《》()（）]")


_BAR = re.compile(r"[|｜]")
_NAV_WORD = re.compile(r"上一页|下一页|首页|尾页|末页")
_NAV_LINE = re.compile(r"(?:首页|上一页|下一页|尾页|末页|\d{1,3}|\s|[>»<«.…])+")


def _is_place_list(line: str) -> bool:
    bars = line.count("|") + line.count("｜")
    if bars < 4:
        return False  # five items at least (a cheap exact test: most lines have no bar)
    items = [it.strip() for it in _BAR.split(line) if it.strip()]
    if len(items) < 5 or len(items) < bars - 1:
        return False
    if any(len(it) > 8 or _PUNCT.search(it) for it in items):
        return False
    return sum(bool(_PLACE_SUFFIX.search(it)) for it in items) >= 0.7 * len(items)


def _is_pagination(line: str) -> bool:
    if len(line) <= 3 and line.isdecimal():  # a bare page number (what \d{1,3} matches)
        return True
    # every nav word has 页, which str's own search finds far faster than the alternation
    return "页" in line and bool(_NAV_WORD.search(line)) and bool(_NAV_LINE.fullmatch(line))


# SEO spam injected above a reposted article (国产…在线观看,…一区二区…): only the first lines of
# a page are tested, which is where every such header in the real reports sits, and a line
# counts only when it is dense with these words and holds no sentence, so prose that names one
# of them (亚洲, 欧美) is never removed.
_SPAM_WORD = re.compile(
    r"在线观看|视频在线|一区二区|二区三区|久久|[Aa][Vv]|成人|波多野|无码|人妻|少妇|熟女|午夜|三级|"
    r"国产|精品|亚洲|欧美|日韩|赛车|[Pp][Kk]10|彩票|娱乐城|博彩"
)


def is_spam_header(line: str) -> bool:
    """True if ``line`` reads as an injected SEO spam header: three or more distinct spam words
    (two in a line of 20 characters or less) and no sentence. :func:`clean_text` removes such
    lines among a page's first three; the title finder of :mod:`cadretext.corpus` passes over
    them.

    Examples
    --------
    >>> is_spam_header("国产在线观看,久久精品视频,一区二区三区")
    True
    >>> is_spam_header("某市选派干部赴亚洲、欧美等地学习考察，成人教育和精品课程也在其中。")
    False
    """
    if len(line) > 300 or "。" in line:
        return False
    found = set(_SPAM_WORD.findall(line))
    return len(found) >= 3 or (len(found) >= 2 and len(line) <= 20)


def _classify_line(line: str, index: int, n_lines: int, offset_share: float) -> str | None:
    """Return the boilerplate kind of one stripped line, or None for article text."""
    if index < 3 and is_spam_header(line):
        return "spam_header"
    if len(line) > 120 and "|" not in line and "｜" not in line:
        return None  # a long paragraph: no rule below applies to it
    short = len(line) <= 40
    if len(line) <= 80 and (
        _FOOTER.match(line)
        or (
            ("备" in line or "证" in line or "第" in line or "量" in line)
            and _FOOTER_ANYWHERE.search(line)
        )
    ):
        return "site_footer"
    if len(line) <= 120 and "群" in line and _SHARE_GROUP.search(line):  # every form has 群
        return "share_group"
    if _is_place_list(line):
        return "seo_place_list"
    if short and index < 6 and (_DATE_ONLY.match(line) or _METADATA.match(line)):
        return "metadata"
    if short and _EDITOR.match(line):
        return "editor_source_line"
    if _is_pagination(line):
        return "pagination"
    if len(line) <= 30 and offset_share >= 0.3 and _TAIL_MARKER.match(line):
        return "related_block"
    if offset_share >= 0.3 and _NAV_LINK.match(line):
        return "related_block"  # 上一篇：<title> … 下一篇：<title>, however long the titles
    return None


def _strip_boilerplate(text: str, removed: list[dict] | None, raw_lines: list[str]) -> str:
    lines = text.split("\n")
    total = max(sum(len(x) for x in lines), 1)
    keep: list[str] = []
    offset = 0
    in_tail = False
    prev_kind: str | None = None
    for index, raw_line in enumerate(lines):
        line = raw_line.strip()
        share = offset / total
        offset += len(raw_line)
        if not line:
            keep.append(raw_line)
            continue
        kind = "related_block" if in_tail else _classify_line(line, index, len(lines), share)
        if (
            kind is None
            and prev_kind == "metadata"
            and index < 6
            and len(line) <= 15
            and not _PUNCT.search(line)
        ):
            kind = "metadata"  # a bare site name printed under the date line
        if kind == "related_block":
            in_tail = True
        prev_kind = kind
        if kind is None:
            keep.append(raw_line)
        elif removed is not None:
            # the audit shows the line as it was in the file (before script conversion)
            original = raw_lines[index].strip() if index < len(raw_lines) else line
            removed.append({"kind": kind, "text": original, "line": index + 1})
    return "\n".join(keep)


# --------------------------------------------------------------------------- clean_text
_SURROGATE = re.compile("[\ud800-\udfff]")
# anything replace_surrogates or _normalize_chars would change, save NFC: a report without any
# of these (most reports) skips both
_ODD_CHAR = re.compile("[\r\ud800-\udfff" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")


def replace_surrogates(text: str, removed: list[dict] | None = None) -> str:
    """Lone UTF-16 surrogates (valid in JSON as ``"\\ud800"``, not encodable as UTF-8, fatal to
    OpenCC and to pandas' Arrow strings) become U+FFFD; with ``removed``, each is recorded there
    (the audit of :func:`clean_text`) with its line."""
    if _SURROGATE.search(text) is None:
        return text
    if removed is not None:
        line, counted = 1, 0  # newlines counted once, left to right (linear in the text)
        for m in _SURROGATE.finditer(text):
            line += text.count("\n", counted, m.start())
            counted = m.start()
            removed.append({"kind": "surrogate", "text": f"U+{ord(m.group()):04X}", "line": line})
    return _SURROGATE.sub("\ufffd", text)


def _count_changed(before: str, after: str) -> int:
    """Characters that differ position by position over the shorter of two texts."""
    import numpy as np

    # compared as code-point arrays: a Python loop over every character of every converted
    # report was 4 s of loading 10,000 reports
    m = min(len(before), len(after))
    a = np.frombuffer(before[:m].encode("utf-32-le"), dtype=np.uint32)
    b = np.frombuffer(after[:m].encode("utf-32-le"), dtype=np.uint32)
    return int(np.count_nonzero(a != b))


@overload
def clean_text(
    raw: str,
    *,
    to_simplified: bool = ...,
    remove_glosses: bool = ...,
    remove_boilerplate: bool = ...,
    normalize: bool = ...,
    return_removed: Literal[False] = ...,
) -> str: ...


@overload
def clean_text(
    raw: str,
    *,
    to_simplified: bool = ...,
    remove_glosses: bool = ...,
    remove_boilerplate: bool = ...,
    normalize: bool = ...,
    return_removed: Literal[True],
) -> tuple[str, list[dict]]: ...


def clean_text(
    raw: str,
    *,
    to_simplified: bool = True,
    remove_glosses: bool = True,
    remove_boilerplate: bool = True,
    normalize: bool = True,
    return_removed: bool = False,
) -> str | tuple[str, list[dict]]:
    """Clean one scraped report, optionally returning an audit of everything removed.

    Steps, in order: full-width digits/letters to ASCII and odd spaces to plain ones; pinyin
    glosses removed (``學(xué)習(xí)`` -> ``學習``, real parentheses kept); traditional ->
    simplified with OpenCC; boilerplate lines removed (site footers, editor/source lines,
    header metadata lines, SEO spam headers, share-group numbers, SEO place-name lists,
    pagination, and everything from a "相关信息/下一篇/MORE" marker in the latter part of the
    page to the end); whitespace normalised (one paragraph per line, no spaces between Chinese
    characters). Chinese punctuation is kept.

    Parameters
    ----------
    raw : str
        The text as read from the file.
    to_simplified, remove_glosses, remove_boilerplate, normalize : bool
        Switch each step off to study its effect.
    return_removed : bool
        If True, return ``(text, removed)`` where ``removed`` lists dicts with ``kind``
        (``pinyin_gloss``, ``site_footer``, ``editor_source_line``, ``metadata``,
        ``spam_header``, ``share_group``, ``seo_place_list``, ``pagination``,
        ``related_block``, and one ``t2s_converted`` summary), ``text`` (the removed line as
        it stands in ``raw``) and ``line`` (1-based line number in ``raw``).

    Returns
    -------
    str or (str, list of dict)

    Examples
    --------
    >>> clean_text("婁底市選派幹部學(xué)習(xí)\\n主辦單位:中共湖南省委組織部")
    '娄底市选派干部学习'
    >>> text, removed = clean_text("正文。\\nICP备案号:湘ICP备17016663号-1", return_removed=True)
    >>> removed[0]["kind"], removed[0]["line"]
    ('site_footer', 2)
    """
    removed: list[dict] | None = [] if return_removed else None
    if _ODD_CHAR.search(raw) is None:  # most reports: one scan instead of three
        text = _nfc(raw)
    else:
        text = replace_surrogates(raw, removed)
        if removed is not None and _INVISIBLE_RE.search(text):
            chars = _INVISIBLE_RE.findall(text)
            codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in chars}))
            removed.append(
                {"kind": "invisible", "text": f"{len(chars)} characters ({codes})", "line": None}
            )
        text = _normalize_chars(text)
    if remove_glosses:
        text = remove_pinyin_glosses(text, removed=removed)
    if to_simplified:
        converted = _t2s(text)
        if removed is not None and converted != text:
            n = _count_changed(text, converted)
            removed.append({"kind": "t2s_converted", "text": f"{n} characters", "line": None})
        text = converted
    if remove_boilerplate:
        # the audit quotes removed lines as the file has them, lone surrogates excepted (they
        # are recorded on their own above, and no UTF-8 writer takes them)
        raw_lines = (
            []
            if removed is None
            else replace_surrogates(raw).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        )
        text = _strip_boilerplate(text, removed, raw_lines)
    if normalize:
        text = normalize_whitespace(text)
    if return_removed:
        assert removed is not None
        return text, removed
    return text


# --------------------------------------------------------------------------- units
@lru_cache(maxsize=1)
def split_sentences(text: str) -> list[str]:
    """Split Chinese text into sentences with jionlp (closing quotes stay with their sentence).

    Every character of ``text`` except line breaks ends up in exactly one sentence, so offsets
    can be recovered by accumulating lengths over the lines.

    Examples
    --------
    >>> split_sentences("他说：“好。”我们走吧！真的吗?")
    ['他说：“好。”', '我们走吧！', '真的吗?']
    """
    out: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            out.extend(
                s for s in import_jionlp().split_sentence(line, criterion="coarse") if s.strip()
            )
    return out


_HEADING_MAX = 20
_SENTENCE_END = re.compile(r"[。！？!?…；;][”」』\"’]*$")


def _paragraphs(text: str, merge_headings: bool) -> list[str]:
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if not merge_headings:
        return paras
    # Short lines without final punctuation are section headings ("跟班学习", "寻发展良方");
    # alone they make useless units, so they are prefixed to the paragraph that follows.
    out: list[str] = []
    pending: list[str] = []
    for para in paras:
        if len(para) <= _HEADING_MAX and not _SENTENCE_END.search(para):
            pending.append(para)
            continue
        out.append("\n".join([*pending, para]) if pending else para)
        pending = []
    if pending:
        out.append("\n".join(pending))
    return out


def split_units(
    corpus: pd.DataFrame,
    unit: Literal["paragraph", "sentence", "document"] = "paragraph",
    *,
    text_column: str = "text",
    merge_headings: bool = True,
    min_chars: int = 1,
) -> pd.DataFrame:
    """One row per paragraph or sentence, keeping each document's metadata.

    Parameters
    ----------
    corpus : DataFrame
        As returned by :func:`cadretext.load_corpus` (needs ``doc_id`` and ``text_column``).
    unit : {"paragraph", "sentence", "document"}
        Paragraphs are the lines of the cleaned text, with short heading lines merged into the
        paragraph they introduce (``merge_headings``). ``"document"`` returns one unit per row.
    min_chars : int
        Units shorter than this are dropped (headings are merged first, so nothing is lost
        with the default of 1).

    Returns
    -------
    DataFrame
        ``unit_id`` (``"<doc_id>#p3"`` / ``"#s12"``), ``doc_id``, ``position`` (0-based within
        the document), ``text``, then the document's other columns except ``raw_text`` and
        ``removed``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"doc_id": ["a"], "text": ["跟班学习\\n干部赴常州学习。他们很认真。"]})
    >>> split_units(df)["text"].tolist()
    ['跟班学习\\n干部赴常州学习。他们很认真。']
    >>> split_units(df, "sentence")["unit_id"].tolist()
    ['a#s0', 'a#s1', 'a#s2']
    """
    from .errors import ParameterError
    from .validation import check_choice

    check_choice("unit", unit, ("paragraph", "sentence", "document"))
    for col in ("doc_id", text_column):
        if col not in corpus.columns:
            raise ParameterError(f"split_units needs a {col!r} column in the corpus")
    meta_cols = [
        c for c in corpus.columns if c not in {"doc_id", text_column, "raw_text", "removed"}
    ]
    tag = {"paragraph": "p", "sentence": "s", "document": "d"}[unit]
    rows: list[dict] = []
    for record in corpus.to_dict("records"):
        text = record[text_column] or ""
        if unit == "paragraph":
            pieces = _paragraphs(text, merge_headings)
        elif unit == "sentence":
            pieces = split_sentences(text)
        else:
            pieces = [text]
        position = 0
        for piece in pieces:
            if len(piece) < min_chars:
                continue
            row = {
                "unit_id": f"{record['doc_id']}#{tag}{position}",
                "doc_id": record["doc_id"],
                "position": position,
                "text": piece,
            }
            row.update({c: record[c] for c in meta_cols})
            rows.append(row)
            position += 1
    columns = ["unit_id", "doc_id", "position", "text", *meta_cols]
    import pandas as pd  # here, not at the top: tokenizer workers import this module

    texts = pd.Series([row.pop("text") for row in rows], dtype=object)
    units = pd.DataFrame(rows, columns=[c for c in columns if c != "text"])
    # plain Python strings, as in load_corpus: Arrow strings refuse a lone surrogate
    units.insert(3, "text", texts)
    return units
