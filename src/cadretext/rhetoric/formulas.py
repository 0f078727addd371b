"""Numbered formulas (数字化提法): a hand-written grammar plus a list of known formulas.

No library knows the shapes of Chinese political formulations (三高四新, 两个维护, 十大攻坚战,
八项规定, 1+1+N), so the grammar is written here; its word tables (the heads that may follow
N个, N大, N条 ...) are versioned files in :mod:`cadretext.lexicons`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import pandas as pd

from . import base

__all__ = ["RULES", "Context", "formula_spans", "is_formula", "numbered_formulas"]


_NUM1 = "一二三四五六七八九十两双"  # single numerals that lead a formula (双: 双招双引, 双碳)
_NUM_PAIRED = base.NUMERALS  # _NUM1 and 百千万: paired patterns 百县千镇万村, 万人助万企
# a numeral followed, one or two characters later, by another: where a paired pattern may start
_RE_PAIRED_START = re.compile(f"[{_NUM_PAIRED}](?=[^{_NUM_PAIRED}\\W\\d]{{1,2}}[{_NUM_PAIRED}])")
_PRE_BAD = set("0123456789〇零一二三四五六七八九十百千万亿两第双每这那哪几各前后上下头另")
# characters that cannot be part of a formula's short segments (function words, units, time)
_SEG_BAD = set(
    "的了和与及或是在有对为把被等也都就而并从向到于以之其个名位些样起定直次天年月日夜周时分"
    # 间栋层座里: measure words (一栋两层楼, 三间牌楼, “五里拉帕送君琳”: five li of road)
    "秒岁元万亿千百多余第点批种又届间栋层座里"
)
_DIRECTIONS = set("东西南北上下左右前后内外中")
_QUANT_PAIR = set("年月日天夜周时次回遍趟个名位口元斤米里亩吨岁步点地方季餐家户")


@dataclass(frozen=True)
class _Tables:
    """The grammar's word tables, read from versioned lists in :mod:`cadretext.lexicons` (so
    the provenance hash stamped on the reports covers them)."""

    ge_heads: tuple[str, ...]  # N个 + head: 两个维护, 四个意识
    da_not_heads: frozenset[str]  # N大 + these: a party congress or a count, not a formula
    da_suffixes: frozenset[str]  # N大 + word + suffix: 五大发展理念
    policy_heads: tuple[str, ...]  # N条/项/件/招/张 + head, longest first: 20条措施, 八项规定
    counted_heads: frozenset[str]  # after N项 a count unless quoted: 三项措施 (八项规定 stays)
    re_productive: re.Pattern[str]  # numeral + productive ending: 五位一体, 三级联动
    place_names: tuple[str, ...]  # numeral-led nicknames of provinces: 八闽, 三秦 (not labels)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    from ..lexicons import load_wordlist

    def words(name: str) -> tuple[str, ...]:
        return load_wordlist(name).words

    productive = sorted(words("formula_productive"), key=len, reverse=True)
    policy = load_wordlist("formula_policy_heads")
    return _Tables(
        ge_heads=words("formula_ge_heads"),
        da_not_heads=frozenset(words("formula_da_not_heads")),
        da_suffixes=frozenset(words("formula_da_suffixes")),
        policy_heads=tuple(sorted(policy.words, key=len, reverse=True)),
        counted_heads=frozenset(w for w, tag in policy.tags.items() if tag == "counted"),
        re_productive=re.compile(rf"([{_NUM1}]{{1,2}})(?:{'|'.join(map(re.escape, productive))})"),
        place_names=words("formula_place_names"),
    )


_CN_NUM = "〇零一二三四五六七八九十百两"
_RE_GE = re.compile(rf"([{_CN_NUM[2:]}]{{1,2}})个")
# after N个 + head, one of these makes the whole a count of places (两个革命中心)
_PLACE_NOUNS = ("中心", "圣地", "根据地", "基地", "老区", "地区", "城市")
_RE_DA = re.compile("([两三四五六七八九十])大")
_RE_POLICY = re.compile(r"(\d{1,3}|[一二三四五六七八九十百两]{1,3})([条项件招张])")
_RE_DIGIT_PLUS = re.compile(
    r"(?<![0-9A-Za-z.+＋])(?:\d{1,2}(?:[+＋](?:\d{1,2}|[NXnx])){1,4}|[NX][+＋]\d{1,2})"
    r"(?![0-9A-Za-z.+＋%])"
)
_RE_MINUTE_CIRCLE = re.compile(rf"(?<![0-9])\d{{1,2}}分钟[{base.CJK}]{{2}}圈")  # 15分钟生活圈
_RE_DIGIT_RUN = re.compile(
    r"(?<![0-9A-Za-z.])12(?:3(?:4(?:5(?:6)?)?)?)?(?:[NX]|[+＋][NX])(?![0-9A-Za-z.])"
)
_RE_QUOTED_SHORT = re.compile(rf"[{_NUM1[1:]}][{base.CJK}]{{1,2}}")
# “3815”, “5加2”; not a year (“2035”), a short number (“618”) or a 12xxx service hotline (“12388”)
_RE_QUOTED_DIGITS = re.compile(r"(?!(?:19|20)\d\d$|12\d{3}$)\d{4,5}[A-Z]?|\d{1,2}加\d{1,2}")
# a numeral inside a short quotation, after a word it counts for: “以案四说”, “清四乱”, “村两委”
_INNER_NUMERALS = "二三四五六七八九十两双百千万"
_RE_QUOTED_INNER = re.compile(f"[{base.CJK}]{{1,3}}[{_INNER_NUMERALS}][{base.CJK}]{{1,2}}")
_NOT_BEFORE_INNER = set("第期周初高大星礼拜每这那几各")  # 第三方, 星期五, 初三, 高三
_PLACE_UNITS = set("省市区县州镇乡村国")
_PERSONS_COUNTED = set("杰贤英雄侠")


_RE_QUOTED_LONG = re.compile(f"[{_NUM_PAIRED}][{base.CJK}]{{1,6}}")
_RE_QUOTED_GE = re.compile(f"[二三四五六七八九十两]个[{base.CJK}]{{2,5}}")
# “四种储备”, “三类人员”: a quoted count of kinds names a list, as “N个X” does
_RE_QUOTED_KIND = re.compile(f"[二三四五六七八九十两][种类][{base.CJK}]{{2,4}}")
# “稳经济41条”, “金融16条”, “30条举措”: the nickname of a policy package by its count of
# articles, written in digits (the same in Chinese numerals, “招商十条”, is an inner numeral)
_RE_QUOTED_ARTICLES = re.compile(
    f"[{base.CJK}]{{1,6}}(?<!第)[1-9]\\d{{0,2}}条|[1-9]\\d{{0,2}}条[{base.CJK}]{{2,4}}"
)
# “十百千万人才培养工程”, “百千万工程”: a run of three or four different numerals labels the tiers
# of a program
_RE_QUOTED_NUMERAL_RUN = re.compile(f"([十百千万]{{3,4}})[{base.CJK}]{{2,8}}")
_PAIRED_SEG = f"([^{_NUM_PAIRED}\\W\\d]{{1,2}})"
_RE_QUOTED_PAIRED = re.compile(f"[{_NUM_PAIRED}]{_PAIRED_SEG}[{_NUM_PAIRED}]{_PAIRED_SEG}")
# “十七大” (a party congress), “十七大精神解读” (what follows a congress of two numerals is about
# it), “七一讲话”, “五四精神” (a date): numeral-led, never a formula
_RE_CONGRESS_OR_DATE = re.compile(
    f"(?:[一二三四五六七八九十]{{1,3}}大$|(?:十[一二三四五六七八九]|二十[一二]?)大"
    f"|(?:七一|八一|五一|五四|六一|十一|一二九)(?![{_NUM_PAIRED}]))"
)
# a numeral and one of these, with no second numeral, counts people or households (“三人军事
# 小组”, “一家人”), or the quotation is a bare count (“两大”, “三个”)
_COUNTED_FIRST = set("人户家口")
_BARE_COUNT = set("大个项条种类级批")


def _quoted_numeral_phrase(inner: str) -> bool:
    """A whole quotation of 2-7 characters led by a numeral is a formula (“十强产业”,
    “三六八九”, “百千万工程”, “一岗双责”, “一主两副多极”) unless the numeral counts something
    (“三天”, “两个月”, “一批”), 一 leads an ordinary word with no second numeral (“一刀切”,
    “一站式”, “一把手”). Quotations that label nothing (a metaphor of the lexicon such as
    “一盘棋”, a congress, a count) are set aside before, by :func:`_quoted_not_formula`. Reports
    put formulas in quotes far more often than anything else numeral-led, which is why quotes
    license the longer and freer shapes the unquoted grammar does not accept."""
    if not _RE_QUOTED_LONG.fullmatch(inner):
        return False
    rest = inner.lstrip(_NUM_PAIRED)
    if not rest:
        return len(inner) >= 3  # “三六八九”, not “五一”
    if rest[0] in _SEG_BAD:
        return False
    return not (inner[0] == "一" and not any(c in _NUM_PAIRED or c == "多" for c in inner[1:]))


def _quoted_inner_numeral(inner: str) -> bool:
    """A quotation of 3-5 characters with one numeral inside, neither first nor last, that is
    not part of an ordinary word: a label that counts what it names (“以案四说”, “清四乱”,
    “村两委”, “招商十条”), not an ordinal or a date (“第三方”, “星期五”), a count of places
    (“内五区”) nor a word that merely holds a numeral (“老百姓”, “金三角”: 百姓 and 三角 are
    words)."""
    if not _RE_QUOTED_INNER.fullmatch(inner):
        return False
    at = [i for i, c in enumerate(inner) if c in _NUM_PAIRED]
    if len(at) != 1:
        return False
    i = at[0]
    if inner[i - 1] in _NOT_BEFORE_INNER or inner[i + 1 :] in _PLACE_UNITS:
        return False  # 第三方, 星期五; “内五区”: five districts counted
    if inner[i + 1] in _PERSONS_COUNTED:
        return False  # “张氏三杰”, “竹林七贤”: people, not a label of measures
    return not (_ordinary_word(inner[i - 1 : i + 1]) or _ordinary_word(inner[i : i + 2]))


# the value of a single numeral: digits read one by one (“三一八”) and small counts (三大)
_NUMERAL_VALUES = {c: i for i, c in enumerate("〇一二三四五六七八九十")} | {"零": 0, "两": 2}
_DIGITS = "〇零一二三四五六七八九"


def _month_day(numerals: str) -> bool:
    """Three or four numerals read digit by digit as a month and a day: the names of dated
    events (“三一八”, “九一八”, “一二九”, “四一二”), not a formula's label (“三六八九”)."""
    if len(numerals) < 3 or not all(c in _DIGITS for c in numerals):
        return False  # two numerals: “五一” is in the list of dates, “八五” (普法) a plan
    digits = "".join(str(_NUMERAL_VALUES[c]) for c in numerals)
    return any(
        1 <= int(digits[:k]) <= 12 and 1 <= int(digits[k:]) <= 31 and digits[k] != "0"
        for k in (1, 2)
        if k < len(digits) and digits[0] != "0"
    )


def _numeral_start_ok(text: str, i: int) -> bool:
    return i == 0 or text[i - 1] not in _PRE_BAD


def _segment_ok(seg: str, last: bool = False) -> bool:
    # 双 may close a pattern as a head (一主六双) but not sit inside one
    numerals = _NUM_PAIRED.replace("双", "") if last else _NUM_PAIRED
    return all(c not in _SEG_BAD and c not in numerals and "\u4e00" <= c <= "\u9fff" for c in seg)


def _paired_candidates(text: str, freq: dict[str, int]) -> list[tuple[int, int, int]]:
    """Spans of N X N Y (N X N Y N Z) patterns: 三高四新, 六比六拼, 一链一基金, 三去一降一补."""
    out = []
    for m in _RE_PAIRED_START.finditer(text):
        i = m.start()
        if not _numeral_start_ok(text, i):
            continue
        ends: list[tuple[int, list[str]]] = [(i, [])]
        spans = []
        for _part in range(3):
            nxt = []
            for pos, segs in ends:
                if pos >= len(text) or text[pos] not in _NUM_PAIRED:
                    continue
                if segs and text[pos] == "双" and text[i] != "双":
                    continue
                if segs and text[pos] in "百千万" and _ordinary_word(text[pos : pos + 2]):
                    continue  # 一方百姓: 百姓 is a word, its 百 counts nothing
                for n in (1, 2):
                    seg = text[pos + 1 : pos + 1 + n]
                    if len(seg) == n and _segment_ok(seg, last=bool(segs)):
                        nxt.append((pos + 1 + n, [*segs, seg]))
            for pos, segs in nxt:
                if len(segs) >= 2:
                    spans.append((pos, segs))
            ends = nxt
        for end, segs in spans:
            if segs[0] == "对" or _lists_nothing(segs[0], segs[1]):
                continue  # 一对一; 一审二审, 一垄一垄掰, 一级抓一级, 三天两夜, 两地三方
            if segs[0][0] == "要":
                continue  # 一要统一思想、二要…: an enumeration of demands, not 三严三实
            if (
                text[i] == "一"
                and len(segs) == 2
                and len(segs[0]) == len(segs[1]) == 1
                and freq.get(segs[0] + segs[1], 0) >= 100
            ):
                continue  # 一来一回, 一问一答, 一上一下: a word split in two, not 一村一品
            if len(segs) == 2 and len(segs[0]) == 1 and segs[1] in ("口", "人"):
                continue  # 一家三口, 一户五人: people counted
            if all(seg in _DIRECTIONS for seg in segs):
                continue  # 一北一南, 一东一西: a description of where things are
            if text[end - 2 : end] == "一行":
                continue  # 第四支部一行71位学员: 一行 is the party that travels
            out.append((i, end, len(segs)))
    return out


@lru_cache(maxsize=4)
def _known_formulas(name: str | None) -> tuple[Any, frozenset[str], tuple[str, ...]]:
    """The known-formula automaton, the ``not_formula`` entries of the same list (numeral
    words the grammar would otherwise take: 双赢, 双方, 两岸) and those of them that are words
    rather than numbers (千禧, not 十九), which also block the spans they begin."""
    if name is None:
        return base.automaton([]), frozenset(), ()
    from ..lexicons import load_wordlist

    wl = load_wordlist(name)
    stop = frozenset(w for w in wl.words if wl.tags.get(w) == "not_formula")
    words = tuple(sorted(w for w in stop if not all(c in base.NUMERALS for c in w)))
    return base.automaton((w, None) for w in wl.words if w not in stop), stop, words


Span = tuple[int, int, str]  # (start, end, rule)


@dataclass(frozen=True)
class Context:
    """What every grammar rule sees of one document: the text, its quotations and jieba."""

    doc: base.Doc
    known: str | None = "formulas"

    @property
    def text(self) -> str:
        return self.doc.text

    @cached_property
    def quotes(self) -> dict[tuple[int, int], str]:
        return base.quote_spans(self.doc.text)

    def quoted(self, s: int, e: int) -> bool:
        return (s, e) in self.quotes

    def aligned(self, s: int, e: int) -> bool:
        """On jieba token boundaries; a match may start a longer lexicon entry (三高四新战略)
        but not sit inside one (三角一体 in 长三角一体化)."""
        return base.aligned(self.doc, s, e, allow_lexicon="edge")


def rule_paired(ctx: Context) -> list[Span]:
    """N X N Y (N Z): 三高四新, 六比六拼, 百县千镇万村; on token boundaries or a whole quotation."""
    tk, _ = base.segmenter()
    by_start: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, e, parts in _paired_candidates(ctx.text, tk.FREQ):
        by_start[s].append((parts, e))
    out = []
    for s, options in by_start.items():
        # most numeral parts first (百县千镇万村), then the shortest segments
        for _parts, e in sorted(options, key=lambda o: (-o[0], o[1])):
            if ctx.quoted(s, e) or (ctx.aligned(s, e) and not _starts_with_name(ctx, s, e)):
                out.append((s, e, "paired"))
                break
    return out


def _starts_with_name(ctx: Context, s: int, e: int) -> bool:
    """The span opens with a frequent noun that merely starts with a numeral: a place or a
    name (四川六省市, 两汉三国, 百度百科), not the first part of a formula (三级四岗, 百县千镇)."""
    tk, _ = base.segmenter()
    first = next(iter(base.pos_segmenter().cut(ctx.text[s:e], HMM=False)), None)
    return (
        first is not None
        and len(first.word) >= 2
        and first.flag in ("n", "ns", "nt", "nr", "nz")
        and tk.FREQ.get(first.word, 0) >= 150
    )


def rule_ge(ctx: Context) -> list[Span]:
    """N个 + a formula head (两个维护, 四个意识), or a whole quotation “N个X” (“六个新高地”)."""
    text, out = ctx.text, []
    for m in _RE_GE.finditer(text):
        s = m.start()
        if not _numeral_start_ok(text, s):
            continue
        rest = text[m.end() : m.end() + 6]
        head = next((h for h in _tables().ge_heads if rest.startswith(h)), None)
        if head and m.group(1) == "一" and rest[len(head) : len(head) + 1] == "的":
            continue  # 一个伟大的时代, 一个革命的...: a noun phrase, not 一个中心
        if head and rest[len(head) :].startswith(_PLACE_NOUNS):
            continue  # 两个革命中心, 两个革命根据地: places counted, not 两个维护
        if head:
            out.append((s, m.end() + len(head), "N个+head"))
            continue
        if m.group(1) == "一":
            continue  # “一个信号”, “一个一个过”: one of something, not a label like “六个新高地”
        for qs, qe in ctx.quotes:
            inner = text[m.end() : qe]
            if qs == s and qe - s <= 8 and base.CJK_WORD.fullmatch(inner):
                out.append((s, qe, "N个+head"))
    return out


_RE_CLAUSE_BREAK = re.compile(r"[，。；：！？,;:!?\n（(《]")
_RE_PAREN_LIST = re.compile(r"[^，。；：！？,;:!?\n（(]{2,12}[（(]([^）)\n]{2,60})[）)]")


def _counts_a_list(text: str, s: int, value: int) -> bool:
    """The numeral at ``s`` counts the items the clause has just listed: 毛家川、甜水堡、甜水南
    三大煤矿, “粮、果、畜、菜”四大主导产业 (``value - 1`` enumeration commas since the clause
    began), or lists right after in parentheses (七大地理区域(华东、华北、…)): a summary of the
    report's own list rather than a label such as 十大攻坚战."""
    if value < 2:
        return False
    start = s
    while start > 0 and s - start < 60 and not _RE_CLAUSE_BREAK.match(text[start - 1]):
        start -= 1
    if text.count("、", start, s) == value - 1:
        return True
    # or lists them right after, in parentheses: 七大地理区域(华东、华北、…)
    m = _RE_PAREN_LIST.match(text, s)
    return m is not None and m.group(1).count("、") == value - 1


def rule_da(ctx: Context) -> list[Span]:
    """N大 + the next word (+ a suffix word): 十大攻坚战, 五大发展理念; not 二十大精神."""
    tk, _ = base.segmenter()
    tables, text, out = _tables(), ctx.text, []
    for m in _RE_DA.finditer(text):
        s = m.start()
        if not _numeral_start_ok(text, s):
            continue
        toks = tk.lcut(text[m.end() : m.end() + 12])
        if not toks or len(toks[0]) < 2 or not base.CJK_WORD.fullmatch(toks[0]):
            continue
        if toks[0] in tables.da_not_heads or toks[0][0] in "的和与及是在":
            continue
        if text[max(0, s - 2) : s] in ("党的", "中共") or text[s - 1 : s] == "党":
            continue  # 党的七大明确提出, 中共八大: a party congress, whatever follows
        if _counts_a_list(text, s, _NUMERAL_VALUES[m.group(1)]):
            continue  # 毛家川、甜水堡、甜水南三大煤矿: the three just listed, counted
        head = toks[0]
        if len(toks) > 1 and toks[1] in tables.da_suffixes and len(head) + len(toks[1]) <= 6:
            head += toks[1]
        out.append((s, m.end() + len(head), "N大+head"))
    return out


def rule_policy(ctx: Context) -> list[Span]:
    """A numeral + 条/项/件/招/张 + a policy head: 20条措施, 八项规定, 十件实事, 四张清单."""
    text, out = ctx.text, []
    for m in _RE_POLICY.finditer(text):
        s = m.start()
        if not _numeral_start_ok(text, s) or (s and text[s - 1] in "0123456789"):
            continue
        rest = text[m.end() : m.end() + 6]
        head = next((h for h in _tables().policy_heads if rest.startswith(h)), None)
        if head is None or (len(head) == 1 and m.group(2) != "张"):
            continue
        if m.group(1) == "一":
            continue  # 一项措施, 一件实事: one of something, not a label
        if m.group(1).isdigit() and int(m.group(1)) >= 100:
            continue  # 192项政策: a tally, not a package with a name
        if (
            m.group(2) == "项"
            and head in _tables().counted_heads
            and not ctx.quoted(s, m.end() + len(head))
        ):
            continue  # 三项措施, 六项行动, 四项机制: the report counts its measures (八项规定 stays)
        out.append((s, m.end() + len(head), "N条+policy"))
    return out


def rule_productive(ctx: Context) -> list[Span]:
    """A numeral + a productive ending: 五位一体, 三级联动, 双轮驱动 (not 三角一体化 in 长三角一体化)."""
    out = []
    for m in _tables().re_productive.finditer(ctx.text):
        s, e = m.span()
        if _numeral_start_ok(ctx.text, s) and (ctx.quoted(s, e) or ctx.aligned(s, e)):
            out.append((s, e, "productive"))
    return out


def rule_digits(ctx: Context) -> list[Span]:
    """Digit codes: 1+1+N, 1+X, 5+2, 1234N, 15分钟生活圈, and a quoted code (“3815”, not “2035”)."""
    out = [
        (m.start(), m.end(), "digits")
        for rx in (_RE_DIGIT_PLUS, _RE_DIGIT_RUN, _RE_MINUTE_CIRCLE)
        for m in rx.finditer(ctx.text)
    ]
    out += [(s, e, "digits") for s, e in ctx.quotes if _RE_QUOTED_DIGITS.fullmatch(ctx.text[s:e])]
    return out


def _ordinary_word(word: str) -> bool:
    """jieba's dictionary knows ``word`` as a common word (frequency 100 or more: 万事, 百姓,
    千年; not 百强, 千村)."""
    tk, _ = base.segmenter()
    return tk.FREQ.get(word, 0) >= 100


def _quoted_paired(inner: str) -> bool:
    """A whole quotation of the paired shape N X N Y, whatever its segments (“一定三有”: 定 and
    有 are function characters the unquoted grammar refuses, but in quotes the shape labels a
    list), unless the segments are equal or both quantities (“一天两次”)."""
    m = _RE_QUOTED_PAIRED.fullmatch(inner)
    return m is not None and not _lists_nothing(m.group(1), m.group(2))


def _lists_nothing(x: str, y: str) -> bool:
    """N x N y whose segments list nothing: the same unit twice (一审二审, 一级抓一级,
    “一个一个过”) or two quantities (三天两夜, 两地三方, “一天两次”, 四季三餐中: a segment that
    starts with a unit counts). Shared by the unquoted and the quoted shape."""
    return x[0] == y[0] or (x[0] in _QUANT_PAIR and y[0] in _QUANT_PAIR)


def _quoted_not_formula(inner: str) -> bool:
    """A numeral-led quotation that labels nothing: a congress or a date (“十七大精神解读”,
    “七一讲话”, “三一八”), a count of people or a bare count (“三人军事小组”, “两大”), a numeral-led
    nickname of a province (“八闽首邑”, ``formula_place_names``), an ordinary word led by
    百/千/万 with no second numeral (“万事好通”), or a metaphor of the lexicon (“二传手”,
    “三板斧”)."""
    if _RE_CONGRESS_OR_DATE.match(inner) or _month_day(inner):
        return True  # “三一八”, “九一八”: a dated event
    rest = inner.lstrip(_NUM_PAIRED)
    second = any(c in _NUM_PAIRED for c in rest)
    if rest and not second and (rest[0] in _COUNTED_FIRST or rest in _BARE_COUNT):
        return True
    if not second and any(inner.startswith(p) for p in _tables().place_names):
        return True
    if not second and inner[0] in "百千万" and _ordinary_word(inner[:2]):
        return True  # “万事好通”, “百姓”: 万事 and 百姓 are words, their 万 and 百 count nothing
    auto, _tags, _ = base.metaphor_lexicon("metaphors")
    return inner in auto


def rule_quoted(ctx: Context) -> list[Span]:
    """A whole quotation led by a numeral (“两山”, “三引”, “双减”, “十强产业”, “百千万工程”) or
    holding one inside (“以案四说”, “清四乱”), and each part of a quoted list of them
    (“两手硬、两战赢”)."""
    out = []
    for qs, qe in ctx.quotes:
        # a quoted list of formulas (“两手硬、两战赢”, “八严禁、八不准”) counts each part
        # when every part has a formula's shape
        parts, start = [], qs
        for part in ctx.text[qs:qe].split("、"):
            parts.append((start, start + len(part)))
            start += len(part) + 1
        in_list = len(parts) > 1
        if len(parts) > 3 or not all(_quoted_label(ctx.text[s:e], in_list) for s, e in parts):
            continue
        out += [(s, e, "quoted") for s, e in parts]
    return out


def _quoted_label(inner: str, in_list: bool = False) -> bool:
    """The whole of a quotation (or of one part of a quoted list) is a formula's label; in a
    list, N个X too (“两个上台阶、四个走前列”: a whole “N个X” is :func:`rule_ge`'s)."""
    run = _RE_QUOTED_NUMERAL_RUN.fullmatch(inner)
    if run and len(set(run.group(1))) == len(run.group(1)):  # not “万万千千的人”
        return True  # before the counts of people: “十百千万人才培养工程” counts no 人
    if not inner or _quoted_not_formula(inner):
        return False
    if (in_list and _RE_QUOTED_GE.fullmatch(inner)) or _RE_QUOTED_KIND.fullmatch(inner):
        return True
    if _RE_QUOTED_ARTICLES.fullmatch(inner):
        return True
    short = _RE_QUOTED_SHORT.fullmatch(inner) and not any(c in _SEG_BAD for c in inner[1:])
    return bool(
        short
        or _quoted_numeral_phrase(inner)
        or _quoted_paired(inner)
        or _quoted_inner_numeral(inner)
    )


def rule_known(ctx: Context) -> list[Span]:
    """The packaged list of known formulas (``lexicons/formulas.txt``): 八八战略, 十四五, 放管服."""
    return [
        (s, e, "known")
        for s, e, _ in base.scan(_known_formulas(ctx.known)[0], ctx.text)
        if _numeral_start_ok(ctx.text, s) or ctx.text[s] not in _NUM1
    ]


#: The grammar, one function per rule; each returns ``(start, end, rule)`` candidates.
RULES = {
    "paired": rule_paired,
    "N个+head": rule_ge,
    "N大+head": rule_da,
    "N条+policy": rule_policy,
    "productive": rule_productive,
    "digits": rule_digits,
    "quoted": rule_quoted,
    "known": rule_known,
}


@lru_cache(maxsize=1)
def _idiom_words() -> frozenset[str]:
    """jionlp's idioms and the supplement's (built once: the union of ~32,000 words took most
    of the time of a report's formulas when it was built per call)."""
    supplement = {w for w, kind in base.idiom_supplement().items() if kind != "not_idiom"}
    return base.jionlp_idioms() | supplement


def formula_spans(doc: base.Doc, known: str | None = "formulas") -> list[Span]:
    """``(start, end, rule)`` of the formulas in one document: every rule of :data:`RULES`,
    overlaps resolved leftmost-longest, numeral idioms (三心二意, 四面八方; but not the
    productive shapes, 三位一体) and the list's
    ``not_formula`` entries (双赢, 双方) dropped, with the spans a word among them begins
    (千禧一代: the numeral of 千禧 counts nothing, so the shape N X N Y is not there; but
    十九条措施 stays, since 十九 is a number)."""
    ctx = Context(doc, known)
    cands = [span for rule in RULES.values() for span in rule(ctx)]
    idioms_set = _idiom_words()
    _, not_formulas, words = _known_formulas(known)
    return [
        (s, e, r)
        for s, e, r in base.longest_first(cands)
        if (doc.text[s:e] not in idioms_set or r == "productive")
        and doc.text[s:e] not in not_formulas
        and not doc.text.startswith(words, s, e)
    ]


@lru_cache(maxsize=4096)
def is_formula(item: str) -> bool:
    """True if the grammar takes the whole of ``item`` as a formula (三位一体 is an idiom of
    jionlp's dictionary too, and a formula first: the kinds are exclusive in that order)."""
    return any(s == 0 and e == len(item) for s, e, _ in formula_spans(base.Doc(0, item)))


def numbered_formulas(
    data: Any, *, known: str | None = "formulas", text_column: str = "text"
) -> pd.DataFrame:
    """Numeral-led political formulations (数字化提法) found by a regex grammar.

    What the grammar matches (N: a Chinese numeral 一...十, 两 or 双; overlaps are resolved
    leftmost-longest):

    * paired numerals ``N X N Y`` / ``N X N Y N Z`` with one- or two-character segments:
      三高四新, 六比六拼, 三严三实, 两学一做, 一乡一业, 一链一基金, 三级四岗, 双招双引,
      三去一降一补; the span must fall on jieba token boundaries or be a whole quotation;
    * ``N个`` + a formula head (意识, 自信, 维护, 确立, 全面, 代表, 优先, 务必, 坚持,
      新高地...): 两个维护, 四个意识, 三个优先; or any ``N个X`` that is a whole quotation
      (“五个区”, “六个新高地”);
    * ``N大`` + the next word(s): 十大攻坚战, 三大攻坚战, 五大发展理念;
    * a numeral (Chinese or up to 3 digits) + 条/项/件/招/张 + a policy head: 20条措施, 八项规定,
      十件实事, 四张清单;
    * productive endings: 五位一体, 三级联动, 双轮驱动, 八字方针, 两步走, 三篇文章;
    * digit codes: 1+1+N, 1+X, 5+2, 1234N, 123N;
    * short quoted numeral phrases: “两山”, “三引”, “双减”;
    * the packaged list ``lexicons/formulas.txt`` of known formulas (八八战略, 十四五, 一带一路,
      放管服...), unless ``known=None``.

    What it does not match: plain quantities (10名干部, 6个月, 12个课题, 3000多家, 110余条,
    2022年, 45天), ordinals and enumerations (第三, 第一批, 一是/二是), 一 + measure words
    (一个, 一些, 一批, 一起, 一定, 一直, 一样, 一把手, 一大批), party congresses (二十大精神,
    十九大), demonstratives (这两个环节), quantity pairs (三天两夜, 一审二审, 一对一) and numeral
    idioms from jionlp's dictionary (三心二意, 四面八方, 一心一意).

    Parameters
    ----------
    data : str, list of str, or DataFrame with ``doc_id`` and ``text``
    known : str or None
        Packaged list name or path of known formulas (a second source); None: grammar only.

    Returns
    -------
    DataFrame
        ``doc_id, item, kind ("formula"), start, end, sentence, rule``.

    Examples
    --------
    >>> text = "实现“三高四新”蓝图，以“六比六拼”打赢十大攻坚战，选派10名干部开展为期6个月的学习。"
    >>> numbered_formulas(text)["item"].tolist()
    ['三高四新', '六比六拼', '十大攻坚战']
    """
    rows = []
    for doc_id, text in base.documents(data, text_column):
        doc = base.Doc(doc_id, text)
        for s, e, rule in formula_spans(doc, known):
            rows.append(base.row(doc, text[s:e], "formula", s, e, rule=rule))
    return base.frame(rows, ["rule"])
