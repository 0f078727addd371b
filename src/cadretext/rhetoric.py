"""Shared rhetoric: numbered formulas, idioms, quoted slogans, metaphors, places.

Local reports on cadre training repeat formulations (提法) from higher-level discourse: numbered
slogans (三高四新, 两个维护, “1+1+N”), set phrases (如饥似渴, 他山之石), quoted catchwords
(“金钥匙”, “肠梗阻”) and metaphors of refuelling, pilgrimage, ice-breaking or war. This module
extracts them with character offsets, so a notebook can show each one in context, and compares
them across program types.

Every extractor takes one cleaned text, a list of texts, or a corpus DataFrame (``doc_id`` +
``text``) and returns a DataFrame with ``doc_id, item, kind, start, end, sentence`` (plus
extractor-specific columns). ``text[start:end] == item`` always holds, with ``text`` the cleaned
text the extractor was given; text in traditional script is matched in its simplified form (a
conversion that keeps every character in place), so items and sentences are reported in
simplified script and ``start``/``end`` still point at the same characters of the input.

Libraries used, and why:

* **pyahocorasick** finds all ~31,000 jionlp idioms, the jieba idiom list, the metaphor lexicon,
  the known-formula list and the place gazetteer in one C-speed pass per text; a Python loop
  over windows or a 30,000-branch regex would be 10-100x slower on a 10k-document corpus.
* **jionlp** provides the idiom dictionary (``chinese_idiom_loader``), the administrative
  gazetteer (``china_location_loader``) and sentence splitting (via :mod:`cadretext.clean`).
  jionlp's own ``recognize_location`` is not used: it returns no offsets and took ~28 s on one
  seed report.
* **jieba** (loaded with the cadretext lexicons, as :func:`cadretext.tokenize` is) supplies
  token boundaries, used to reject matches inside longer words, and the ``i``/``l`` tags of its
  dictionary as a second idiom source.

The grammar of numbered formulas and the sending/host place cues are hand-written: no library
knows Chinese political formulations.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from ._io import import_jionlp
from .errors import ParameterError
from .validation import as_texts

__all__ = [
    "KINDS",
    "cooccurrence_graph",
    "extract_all",
    "idioms",
    "metaphors",
    "numbered_formulas",
    "place_flow",
    "places",
    "quoted_phrases",
    "rhetoric_overlap",
    "shared_rhetoric",
]

KINDS = ("formula", "idiom", "metaphor", "quoted")
COLUMNS = ["doc_id", "item", "kind", "start", "end", "sentence"]
_CJK = "\u4e00-\u9fff"
_LEXICON_FREQ = 2000  # same rule as cadretext.tokenize: lexicon entries stay whole in context

logging.getLogger("jieba").setLevel(logging.WARNING)


# --------------------------------------------------------------------------- input and documents
def _documents(data: Any, text_column: str = "text") -> list[tuple[Any, str]]:
    """(doc_id, text) pairs from a string, an iterable of strings, or a corpus DataFrame.

    Each text comes back in simplified script, every character in its place (see
    :func:`_same_length_simplified`).
    """
    return [(d, _same_length_simplified(t)) for d, t in _raw_documents(data, text_column)]


def _raw_documents(data: Any, text_column: str) -> list[tuple[Any, str]]:
    if isinstance(data, str):
        return [(0, data)]
    if isinstance(data, pd.DataFrame):
        for col in ("doc_id", text_column):
            if col not in data.columns:
                raise ParameterError(f"the corpus DataFrame needs a {col!r} column")
        texts = as_texts(data[text_column], text_column)
        return list(zip(data["doc_id"], texts, strict=True))
    if isinstance(data, pd.Series):
        return list(zip(data.index, as_texts(data, "texts"), strict=True))
    if isinstance(data, Iterable):  # missing texts are empty, as everywhere (validation)
        return list(enumerate(as_texts(data, "texts")))
    raise ParameterError(
        f"expected a text, a list of texts or a corpus DataFrame, not {type(data).__name__}"
    )


def _same_length_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC) without moving any character.

    The lexicons and the grammar are simplified; a report in traditional script (幹部學習,
    三區一中心) would otherwise yield nothing. Offsets must still point into the text the user
    gave, so the conversion has to keep the length: OpenCC's phrase-aware conversion nearly
    always does; where it does not, characters are converted one by one.
    """
    from .clean import to_simplified

    converted = to_simplified(text)
    if len(converted) == len(text):
        return converted
    out = []
    for ch in text:
        c = to_simplified(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


class _Doc:
    """One text with lazily computed sentence spans (jionlp, via cadretext.clean)."""

    def __init__(self, doc_id: Any, text: str):
        self.doc_id = doc_id
        self.text = text
        self._starts: list[int] | None = None
        self._spans: list[tuple[int, int]] = []

    def _split(self) -> None:
        from .clean import split_sentences

        spans: list[tuple[int, int]] = []
        pos = 0
        for sent in split_sentences(self.text):
            i = self.text.find(sent, pos)
            if i < 0:  # cannot happen with split_sentences; keep going rather than fail
                continue
            spans.append((i, i + len(sent)))
            pos = i + len(sent)
        self._spans = spans
        self._starts = [s for s, _ in spans]

    def sentence_span(self, pos: int) -> tuple[int, int]:
        if self._starts is None:
            self._split()
        assert self._starts is not None
        k = bisect.bisect_right(self._starts, pos) - 1
        if k >= 0 and self._spans[k][0] <= pos < self._spans[k][1]:
            return self._spans[k]
        # a position on a line break or outside every sentence: use the line
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        return start, len(self.text) if end < 0 else end

    def sentence(self, pos: int) -> str:
        s, e = self.sentence_span(pos)
        return self.text[s:e]


def _frame(rows: list[dict], extra: Sequence[str] = ()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=[*COLUMNS, *extra])
    if len(df):
        df = df.sort_values(["doc_id", "start", "end"], kind="stable").reset_index(drop=True)
    return df.astype({"start": "int64", "end": "int64"})


# --------------------------------------------------------------------------- shared resources
def _automaton(words: Iterable[tuple[str, Any]]) -> Any:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for word, value in words:
        if word:
            auto.add_word(word, (len(word), value))
    if len(auto):
        auto.make_automaton()
    return auto


def _scan(auto: Any, text: str) -> list[tuple[int, int, Any]]:
    """All (start, end, value) occurrences, overlapping ones included."""
    if not len(auto):
        return []
    return [(end + 1 - n, end + 1, value) for end, (n, value) in auto.iter(text)]


def _longest_first(matches: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Leftmost-longest non-overlapping subset of ``matches``."""
    out: list[tuple[int, int, Any]] = []
    last_end = -1
    for m in sorted(matches, key=lambda m: (m[0], -(m[1] - m[0]))):
        if m[0] >= last_end:
            out.append(m)
            last_end = m[1]
    return out


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def _segmenter() -> tuple[Any, frozenset[str]]:
    """A private jieba tokenizer with cadretext's default lexicon (domain words + metaphors)."""
    import jieba

    from .lexicons import as_wordlist

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    with contextlib.redirect_stderr(io.StringIO()):
        tk.initialize()
    lex = as_wordlist(None, ("domain_words", "metaphors"))
    assert lex is not None
    for word in lex.words:
        tk.add_word(word, freq=max(int(tk.suggest_freq(word, False)), _LEXICON_FREQ))
    return tk, frozenset(lex.words)


@lru_cache(maxsize=20000)
def _tokens(sentence: str) -> tuple[tuple[str, int, int], ...]:
    tk, _ = _segmenter()
    return tuple(tk.tokenize(sentence))


def _aligned(doc: _Doc, start: int, end: int, allow_lexicon: bool | str = False) -> bool:
    """True if ``text[start:end]`` starts and ends on jieba token boundaries of its sentence.

    With ``allow_lexicon``, a match inside a longer token is also accepted when that token is a
    cadretext lexicon entry (十大攻坚战 contains the metaphor 攻坚战 by design); with
    ``allow_lexicon="edge"`` only if the match also starts where that token does (三高四新 in
    三高四新战略, but not 三角一体 or 三角一体化 in 长三角一体化).
    """
    s0, s1 = doc.sentence_span(start)
    if end > s1:
        return False
    _, lexicon = _segmenter()
    for word, a, b in _tokens(doc.text[s0:s1]):
        a += s0
        b += s0
        if b <= start or a >= end:
            continue
        if (a < start or b > end) and not (
            allow_lexicon and word in lexicon and (allow_lexicon is True or a == start)
        ):
            return False
    return True


# --------------------------------------------------------------------------- idioms
@lru_cache(maxsize=1)
def _jionlp_idioms() -> frozenset[str]:
    return frozenset(w for w in import_jionlp().chinese_idiom_loader() if len(w) >= 4)


@lru_cache(maxsize=1)
def _idiom_supplement() -> dict[str, str]:
    """The packaged supplement (``lexicons/idioms_supplement.txt``): idiom -> its type,
    ``chengyu`` or ``political_set_phrase``."""
    from .lexicons import load_wordlist

    supplement = load_wordlist("idioms_supplement")
    return {w: supplement.tags.get(w, "chengyu") for w in supplement.words}


@lru_cache(maxsize=1)
def _idiom_automaton() -> Any:
    jion = _jionlp_idioms()
    extra = _idiom_supplement()
    entries: dict[str, tuple[str, str]] = {w: ("jionlp", "chengyu") for w in jion}
    for w, kind in extra.items():
        if kind == "not_idiom":  # in jionlp's list, but not an idiom (无论如何)
            entries.pop(w, None)
        else:
            entries[w] = ("both", kind) if w in jion else ("supplement", kind)
    return _automaton(entries.items())


_SOURCES = ("jionlp", "supplement")


def _idiom_matches(doc: _Doc, sources: tuple[str, ...]) -> list[tuple[int, int, str, str, str]]:
    """(start, end, idiom, source, idiom_type) for one document."""
    out = []
    for start, end, (origin, kind) in _scan(_idiom_automaton(), doc.text):
        word = doc.text[start:end]
        found_by = {"jionlp", "supplement"} if origin == "both" else {origin}
        found_by &= set(sources)
        if not found_by:
            continue
        # a dictionary idiom straddling two words of a longer phrase (成为|全国...) is a
        # chance match: keep it only where jieba's words start and end with it, or where no
        # word boundary falls inside it
        s0, s1 = doc.sentence_span(start)
        cuts = {a + s0 for _, a, _ in _tokens(doc.text[s0:s1])} | {s1}
        inner = [c for c in range(start + 1, end) if c in cuts]
        if (start not in cuts or end not in cuts) and inner:
            continue
        source = "both" if len(found_by) == 2 else found_by.pop()
        out.append((start, end, word, source, kind))
    # overlapping chance matches (一心一意 / 心一意...): keep the longer or earlier; an idiom
    # nested inside a longer one (他山之石 in 他山之石，可以攻玉) is kept as well
    out.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    kept: list[tuple[int, int, str, str, str]] = []
    for m in out:
        if any(k[0] < m[1] and m[0] < k[1] and not (k[0] <= m[0] and m[1] <= k[1]) for k in kept):
            continue
        kept.append(m)
    return kept


def idioms(
    data: Any, *, sources: Sequence[str] = _SOURCES, text_column: str = "text"
) -> pd.DataFrame:
    """Chinese idioms: 成语 and the set phrases of official writing, found in dictionaries only.

    A candidate counts only if a dictionary knows it: jionlp's dictionary of ~31,000 idioms
    (entries of 4+ characters), or cadretext's packaged, versioned supplement
    (``lexicons/idioms_supplement.txt``: 成语 jionlp lacks, such as 单打独斗 and 饶有兴趣, and
    the set phrases of official writing, such as 保驾护航, 真抓实干, 纾困解难, each tagged
    ``chengyu`` or ``political_set_phrase``). jieba's part-of-speech tags no longer make an
    idiom: its ``i``/``l`` lists pass compositional phrases (党的建设, 无论如何, 进一步提高). A
    dictionary match that straddles a word boundary inside a longer phrase is dropped. Add
    your own entries with a word list passed to :func:`cadretext.tokenize` and to the
    supplement file's format (``phrase type`` per line).

    Parameters
    ----------
    data : str, list of str, or DataFrame with ``doc_id`` and ``text``
    sources : subset of ("jionlp", "supplement")
    text_column : str

    Returns
    -------
    DataFrame
        ``doc_id, item, kind ("idiom"), start, end, sentence, source, idiom_type`` where
        ``source`` is ``"jionlp"``, ``"supplement"`` or ``"both"`` and ``idiom_type`` is
        ``"chengyu"`` or ``"political_set_phrase"``.

    Examples
    --------
    >>> df = idioms("学员们如饥似渴地学习，讨论如火如荼，为企业保驾护航。")
    >>> df[["item", "start", "source", "idiom_type"]].values.tolist()
    [['如饥似渴', 3, 'jionlp', 'chengyu'], ['如火如荼', 13, 'jionlp', 'chengyu'], ['保驾护航', 21, 'supplement', 'political_set_phrase']]
    """
    sources = tuple(sources)
    bad = [s for s in sources if s not in _SOURCES]
    if bad or not sources:
        hint = " (jieba's tags are no longer a source of idioms)" if "jieba" in bad else ""
        raise ParameterError(
            f"sources must be a non-empty subset of {_SOURCES}, not {sources}{hint}"
        )
    rows = []
    for doc_id, text in _documents(data, text_column):
        doc = _Doc(doc_id, text)
        for start, end, word, source, kind in _idiom_matches(doc, sources):
            rows.append(_row(doc, word, "idiom", start, end, source=source, idiom_type=kind))
    return _frame(rows, ["source", "idiom_type"])


def _row(doc: _Doc, item: str, kind: str, start: int, end: int, **extra: Any) -> dict:
    return {
        "doc_id": doc.doc_id,
        "item": item,
        "kind": kind,
        "start": start,
        "end": end,
        "sentence": doc.sentence(start),
        **extra,
    }


# --------------------------------------------------------------------------- metaphors
@lru_cache(maxsize=8)
def _metaphor_lexicon(name: str) -> tuple[Any, dict[str, str], str]:
    from .lexicons import load_wordlist

    wl = load_wordlist(name)
    auto = _automaton((w, wl.tags.get(w, "")) for w in wl.words)
    return auto, dict(wl.tags), wl.version


def metaphors(data: Any, *, lexicon: str = "metaphors", text_column: str = "text") -> pd.DataFrame:
    """Conventional metaphors from a packaged, versioned lexicon grouped by source domain.

    The lexicon (``lexicons/metaphors.txt``, version 2, 245 entries) maps each metaphor to the domain it
    borrows from: learning as refuelling (充电, 补钙), pilgrimage (取经, 真经), keys (金钥匙),
    ice and breakthrough (破冰, 突围), war and contest (攻坚战, 赛马), medicine (把脉, 肠梗阻),
    building (蓝图, 添砖加瓦) and more. Entries are atomic (充电加油 gives 充电 and 加油);
    matching is leftmost-longest (领头雁 rather than 头雁).
    A match inside a longer ordinary word is rejected using jieba's segmentation (充电 in
    充电宝, 火花 in 火花塞, 密码 in 密码锁); inside a longer cadretext lexicon entry it is kept
    (攻坚战 in 十大攻坚战). Literal uses that are whole words (疏通河道) cannot be told from
    metaphorical ones by a lexicon; in training reports they are rare.

    Parameters
    ----------
    data : str, list of str, or DataFrame with ``doc_id`` and ``text``
    lexicon : str
        Packaged list name or path of a ``word domain`` file.

    Returns
    -------
    DataFrame
        ``doc_id, item, kind ("metaphor"), start, end, sentence, domain``.

    Examples
    --------
    >>> metaphors("到党校充电加油，取到真经，修好火花塞。")[["item", "domain"]].values.tolist()
    [['充电', 'refuel'], ['加油', 'refuel'], ['真经', 'pilgrimage']]
    """
    auto, _tags, _ = _metaphor_lexicon(str(lexicon))
    rows = []
    for doc_id, text in _documents(data, text_column):
        doc = _Doc(doc_id, text)
        for start, end, domain in _longest_first(_scan(auto, text)):
            if _aligned(doc, start, end, allow_lexicon=True):
                rows.append(_row(doc, text[start:end], "metaphor", start, end, domain=domain))
    return _frame(rows, ["domain"])


# --------------------------------------------------------------------------- numbered formulas
_NUM1 = "一二三四五六七八九十两双"  # single numerals that lead a formula (双: 双招双引, 双碳)
_NUM_PAIRED = _NUM1 + "百千万"  # also in paired patterns: 百县千镇万村, 万人助万企
# a numeral followed, one or two characters later, by another: where a paired pattern may start
_RE_PAIRED_START = re.compile(f"[{_NUM_PAIRED}](?=[^{_NUM_PAIRED}\\W\\d]{{1,2}}[{_NUM_PAIRED}])")
_PRE_BAD = set("0123456789〇零一二三四五六七八九十百千万亿两第双每这那哪几各前后上下头")
# characters that cannot be part of a formula's short segments (function words, units, time)
_SEG_BAD = set(
    "的了和与及或是在有对为把被等也都就而并从向到于以之其个名位些样起定直次天年月日夜周时分"
    "秒岁元万亿千百多余第点批种"
)
_QUANT_PAIR = set("年月日天夜周时次回遍趟个名位口元斤米里亩吨岁步点地方")
# N个 + one of these heads is a formula (两个维护, 四个意识, 三个代表, 六个必须坚持)
_GE_HEADS = [
    "意识",
    "自信",
    "维护",
    "确立",
    "全面",
    "代表",
    "务必",
    "必须",
    "优先",
    "坚持",
    "伟大",
    "一百年",
    "结合",
    "着力",
    "表率",
    "作表率",
    "走在前列",
    "没想到",
    "不摘",
    "新高地",
    "高地",
    "统筹",
    "一批",
    "聚焦",
    "倍增",
    "率先",
    "转变",
    "相统一",
    "振兴",
    "不吃亏",
    "不让",
    "清单",
    "提升",
    "示范",
    "先行",
    "融合",
    "体系",
    "工程",
    "革命",
    "一以贯之",
    "更加",
    "注重",
    "之问",
    "主体",
]
# N大 + head: heads after which 大 is the party congress or an adjective, not a formula
_DA_NOT_HEAD = set(
    [
        "精神",
        "报告",
        "以来",
        "召开",
        "代表",
        "胜利",
        "期间",
        "会议",
        "开幕",
        "闭幕",
        "主题",
        "提出",
        "部署",
        "强调",
        "首次",
        "明确",
        "作出",
        "擘画",
        "确定",
        "指出",
        "概率",
        "多数",
        "部分",
        "方面",
        "问题",
        "作用",
        "进展",
        "成绩",
        "成就",
        "贡献",
        "以上",
        "以后",
        "之后",
        "前后",
        "中央委员会",
        "党章",
        "决策",
        "重大",
        "修改",
    ]
)
_DA_SUFFIX = set(
    [
        "理念",
        "战略",
        "工程",
        "行动",
        "任务",
        "体系",
        "机制",
        "产业",
        "集群",
        "平台",
        "计划",
        "举措",
        "板块",
        "领域",
        "片区",
        "基地",
        "功能",
        "攻坚战",
        "保卫战",
        "专项行动",
        "品牌",
        "优势",
        "难题",
        "目标",
    ]
)
# numeral + 条/项/件/招/张 + a policy head: 20条措施, 八项规定, 十件实事, 四张清单
_POLICY_HEADS = sorted(
    [
        "措施",
        "硬措施",
        "举措",
        "意见",
        "规定",
        "禁令",
        "清单",
        "负面清单",
        "政策",
        "新政",
        "铁律",
        "准则",
        "实事",
        "民生实事",
        "惠民实事",
        "大事",
        "要事",
        "工程",
        "行动",
        "承诺",
        "红线",
        "要求",
        "规范",
        "机制",
        "纪律",
        "原则",
        "改革",
        "网",
        "名片",
        "牌",
        "王牌",
    ],
    key=len,
    reverse=True,
)
# numeral + a productive ending: 五位一体, 多规合一-type N合一, 三级联动, 双轮驱动, 八字方针
_PRODUCTIVE = sorted(
    [
        "位一体",
        "合一",
        "级联动",
        "轮驱动",
        "驾马车",
        "化同步",
        "化融合",
        "化协同",
        "字方针",
        "字诀",
        "字要诀",
        "字工作法",
        "步走",
        "篇文章",
        "张牌",
        "张清单",
        "张网",
        "张名片",
        "维护",
        "确立",
    ],
    key=len,
    reverse=True,
)
_CN_NUM = "〇零一二三四五六七八九十百两"
_RE_GE = re.compile(rf"([{_CN_NUM[2:]}]{{1,2}})个")
_RE_DA = re.compile("([两三四五六七八九十])大")
_RE_POLICY = re.compile(r"(\d{1,3}|[一二三四五六七八九十百两]{1,3})([条项件招张])")
_RE_PRODUCTIVE = re.compile(rf"([{_NUM1}]{{1,2}})(?:{'|'.join(map(re.escape, _PRODUCTIVE))})")
_RE_DIGIT_PLUS = re.compile(
    r"(?<![0-9A-Za-z.+＋])(?:\d{1,2}(?:[+＋](?:\d{1,2}|[NXnx])){1,4}|[NX][+＋]\d{1,2})"
    r"(?![0-9A-Za-z.+＋%])"
)
_RE_DIGIT_RUN = re.compile(
    r"(?<![0-9A-Za-z.])12(?:3(?:4(?:5(?:6)?)?)?)?(?:[NX]|[+＋][NX])(?![0-9A-Za-z.])"
)
_RE_QUOTED_SHORT = re.compile(rf"[{_NUM1[1:]}][{_CJK}]{{1,2}}")
_RE_QUOTED_DIGITS = re.compile(r"(?!(?:19|20)\d\d$)\d{3,5}[A-Z]?")  # “3815”, not “2035”


_RE_QUOTED_LONG = re.compile(f"[{_NUM_PAIRED}][{_CJK}]{{1,6}}")


def _quoted_numeral_phrase(inner: str) -> bool:
    """A whole quotation of 2-7 characters led by a numeral is a formula (“十强产业”,
    “三六八九”, “百千万工程”, “一岗双责”, “一主两副多极”) unless the numeral counts something
    (“三天”, “两个月”, “一批”), 一 leads an ordinary word with no second numeral (“一刀切”,
    “一站式”, “一把手”), or the quotation is a metaphor of the lexicon (“一盘棋”). Reports put
    formulas in quotes far more often than anything else numeral-led, which is why quotes
    license the longer and freer shapes the unquoted grammar does not accept."""
    if not _RE_QUOTED_LONG.fullmatch(inner):
        return False
    rest = inner.lstrip(_NUM_PAIRED)
    if not rest:
        return len(inner) >= 3  # “三六八九”, not “五一”
    if rest[0] in _SEG_BAD:
        return False
    if inner[0] == "一" and not any(c in _NUM_PAIRED or c == "多" for c in inner[1:]):
        return False
    auto, _tags, _ = _metaphor_lexicon("metaphors")
    return inner not in auto


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
                for n in (1, 2):
                    seg = text[pos + 1 : pos + 1 + n]
                    if len(seg) == n and _segment_ok(seg, last=bool(segs)):
                        nxt.append((pos + 1 + n, [*segs, seg]))
            for pos, segs in nxt:
                if len(segs) >= 2:
                    spans.append((pos, segs))
            ends = nxt
        for end, segs in spans:
            if segs[0] == "对" or segs[0] == segs[1]:
                continue  # 一对一, 一审二审
            if segs[0] in _QUANT_PAIR and segs[1] in _QUANT_PAIR:
                continue  # 三天两夜, 两地三方: quantities
            if (
                text[i] == "一"
                and len(segs) == 2
                and len(segs[0]) == len(segs[1]) == 1
                and freq.get(segs[0] + segs[1], 0) >= 100
            ):
                continue  # 一来一回, 一问一答, 一上一下: a word split in two, not 一村一品
            out.append((i, end, len(segs)))
    return out


def _quote_spans(text: str) -> dict[tuple[int, int], str]:
    """Inner spans of short quotations: (start, end) -> quote style."""
    spans = {}
    for m in _RE_QUOTES.finditer(text):
        for g in range(1, m.re.groups + 1):
            if m.group(g) is not None:
                spans[m.span(g)] = _QUOTE_STYLES[g - 1]
    return spans


@lru_cache(maxsize=4)
def _known_formulas(name: str | None) -> Any:
    if name is None:
        return _automaton([])
    from .lexicons import load_wordlist

    return _automaton((w, None) for w in load_wordlist(name).words)


def _formula_matches(doc: _Doc, known: str | None) -> list[tuple[int, int, str]]:
    """(start, end, rule) candidates in one document, overlaps resolved longest-first."""
    text = doc.text
    quotes = _quote_spans(text)
    tk, _ = _segmenter()
    cands: list[tuple[int, int, str]] = []

    def quoted(s: int, e: int) -> bool:
        return (s, e) in quotes

    # 1. N X N Y: aligned with jieba tokens, or exactly a quotation
    by_start: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, e, parts in _paired_candidates(text, tk.FREQ):
        by_start[s].append((parts, e))
    for s, options in by_start.items():
        # most numeral parts first (百县千镇万村), then the shortest segments
        for _parts, e in sorted(options, key=lambda o: (-o[0], o[1])):
            if quoted(s, e) or _aligned(doc, s, e, allow_lexicon="edge"):
                cands.append((s, e, "paired"))
                break
    # 2. N个 + head
    for m in _RE_GE.finditer(text):
        s = m.start()
        if not _numeral_start_ok(text, s):
            continue
        rest = text[m.end() : m.end() + 6]
        head = next((h for h in _GE_HEADS if rest.startswith(h)), None)
        if head:
            cands.append((s, m.end() + len(head), "N个+head"))
            continue
        for (qs, qe), _style in quotes.items():
            inner = text[m.end() : qe]
            if qs == s and qe - s <= 8 and re.fullmatch(f"[{_CJK}]+", inner):
                cands.append((s, qe, "N个+head"))
    # 3. N大 + head token(s)
    for m in _RE_DA.finditer(text):
        s = m.start()
        if not _numeral_start_ok(text, s):
            continue
        toks = tk.lcut(text[m.end() : m.end() + 12])
        if not toks or len(toks[0]) < 2 or not re.fullmatch(f"[{_CJK}]+", toks[0]):
            continue
        if toks[0] in _DA_NOT_HEAD or toks[0][0] in "的和与及是在":
            continue
        head = toks[0]
        if len(toks) > 1 and toks[1] in _DA_SUFFIX and len(head) + len(toks[1]) <= 6:
            head += toks[1]
        cands.append((s, m.end() + len(head), "N大+head"))
    # 4. numeral + 条/项/件/招/张 + policy head
    for m in _RE_POLICY.finditer(text):
        s = m.start()
        if not _numeral_start_ok(text, s) or (s and text[s - 1] in "0123456789"):
            continue
        rest = text[m.end() : m.end() + 6]
        head = next((h for h in _POLICY_HEADS if rest.startswith(h)), None)
        if head is None or (len(head) == 1 and m.group(2) != "张"):
            continue
        cands.append((s, m.end() + len(head), "N条+policy"))
    # 5. productive endings
    for m in _RE_PRODUCTIVE.finditer(text):
        s, e = m.span()
        if _numeral_start_ok(text, s) and (
            quoted(s, e) or _aligned(doc, s, e, allow_lexicon="edge")
        ):  # not 三角一体化 in 长三角一体化
            cands.append((s, e, "productive"))
    # 6. digit codes
    for rx in (_RE_DIGIT_PLUS, _RE_DIGIT_RUN):
        for m in rx.finditer(text):
            cands.append((m.start(), m.end(), "digits"))
    # 7. quoted numeral phrases: “两山”, “三引”, “双减”, “十强产业”, “百千万工程”, “一干多支”
    for (qs, qe), _style in quotes.items():
        inner = text[qs:qe]
        short = _RE_QUOTED_SHORT.fullmatch(inner) and not any(c in _SEG_BAD for c in inner[1:])
        if short or _quoted_numeral_phrase(inner):
            cands.append((qs, qe, "quoted"))
        elif _RE_QUOTED_DIGITS.fullmatch(inner):
            cands.append((qs, qe, "digits"))
    # 8. known formulas (lexicons/formulas.txt)
    for s, e, _ in _scan(_known_formulas(known), text):
        if _numeral_start_ok(text, s) or text[s] not in _NUM1:
            cands.append((s, e, "known"))
    idioms_set = _jionlp_idioms()
    kept = []
    for s, e, rule in _longest_first(cands):
        if text[s:e] in idioms_set:
            continue  # 三心二意, 四面八方, 一心一意: idioms, not formulas
        kept.append((s, e, rule))
    return kept


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
    for doc_id, text in _documents(data, text_column):
        doc = _Doc(doc_id, text)
        for s, e, rule in _formula_matches(doc, known):
            rows.append(_row(doc, text[s:e], "formula", s, e, rule=rule))
    return _frame(rows, ["rule"])


# --------------------------------------------------------------------------- quoted phrases
_QUOTE_STYLES = ("“”", "‘’", "「」", "『』", '""', "''")
_RE_QUOTES = re.compile(
    r"“([^“”\n]{1,40})”|‘([^‘’\n]{1,40})’|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』"
    r"|\"([^\"\n]{1,40})\"|(?<![A-Za-z])'([^'\n]{1,40})'(?![A-Za-z])"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")


def _categorize(phrase: str) -> str:
    quoted = _Doc(0, f"“{phrase}”")  # the formula grammar accepts some shapes only in quotes
    forms = _formula_matches(quoted, "formulas")
    if any(s == 1 and e == len(phrase) + 1 for s, e, _ in forms):
        return "formula"
    doc = _Doc(0, phrase)
    auto, _, _ = _metaphor_lexicon("metaphors")
    if any(_aligned(doc, s, e, allow_lexicon=True) for s, e, _ in _scan(auto, phrase)):
        return "metaphor"
    if _idiom_supplement().get(phrase) == "not_idiom":
        return "other"
    if phrase in _jionlp_idioms() or phrase in _idiom_supplement():
        return "idiom"
    return "other"


def quoted_phrases(
    data: Any, *, max_chars: int = 12, min_chars: int = 2, text_column: str = "text"
) -> pd.DataFrame:
    """Short phrases in quotation marks, classified as formula / metaphor / idiom / other.

    Reports put slogans and metaphors in quotes (“金钥匙”, “破冰”, “真经”, “肠梗阻”). Quotes
    recognised: “ ”, ‘ ’ (also nested inside “ ”), 「 」, 『 』, and straight ASCII quotes,
    paired in order within a line (a straight-quoted span must contain a Chinese character;
    single ASCII quotes next to Latin letters are apostrophes). Longer quotations (speech) are
    skipped by ``max_chars``, one-character emphasis (在准备上做“足”) by ``min_chars``.
    ``start``/``end`` delimit the text inside the quotes.

    The category comes from the other extractors: ``formula`` if the whole phrase is a numbered
    formula, ``metaphor`` if it contains a metaphor-lexicon entry, ``idiom`` if it is an idiom,
    else ``other``.

    Returns
    -------
    DataFrame
        ``doc_id, item, kind ("quoted"), start, end, sentence, category, quote``.

    Examples
    --------
    >>> df = quoted_phrases("找到“金钥匙”，取到‘真经’，落实“三个优先”，他说：“这次学习收获很大，很值得。”")
    >>> df[["item", "category"]].values.tolist()
    [['金钥匙', 'metaphor'], ['真经', 'metaphor'], ['三个优先', 'formula']]
    """
    if not isinstance(max_chars, int) or max_chars < 1:
        raise ParameterError("max_chars must be a positive integer")
    if not isinstance(min_chars, int) or min_chars < 1:
        raise ParameterError("min_chars must be a positive integer")
    rows = []
    cache: dict[str, str] = {}
    for doc_id, text in _documents(data, text_column):
        doc = _Doc(doc_id, text)
        for (s, e), style in sorted(_quote_spans(text).items()):
            inner = text[s:e]
            if not min_chars <= e - s <= max_chars or not _CJK_CHAR.search(inner):
                continue
            if inner != inner.strip():
                continue
            if inner[0] in "，。、；：！？,.;:!?" or inner[-1] in "，、；：,;:":
                continue  # a mispaired straight quote spans the text between two quotations
            if inner not in cache:
                cache[inner] = _categorize(inner)
            rows.append(_row(doc, inner, "quoted", s, e, category=cache[inner], quote=style))
    return _frame(rows, ["category", "quote"])


# --------------------------------------------------------------------------- all / shared
_EXTRACTORS = {
    "formula": numbered_formulas,
    "idiom": idioms,
    "metaphor": metaphors,
    "quoted": quoted_phrases,
}


def _check_kinds(kinds: Sequence[str] | str) -> tuple[str, ...]:
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ParameterError(f"kinds must be a non-empty subset of {KINDS}, not {kinds}")
    return kinds


def extract_all(
    data: Any, *, kinds: Sequence[str] = KINDS, text_column: str = "text"
) -> pd.DataFrame:
    """Run the extractors in ``kinds`` and concatenate their rows.

    Extra columns (``source``, ``domain``, ``rule``, ``category``, ``quote``) are kept and are
    empty for kinds that do not have them.

    Examples
    --------
    >>> df = extract_all("以思想“破冰”助力“三高四新”，如饥似渴。", kinds=("formula", "idiom"))
    >>> df[["item", "kind"]].values.tolist()
    [['三高四新', 'formula'], ['如饥似渴', 'idiom']]
    """
    kinds = _check_kinds(kinds)
    docs = _documents(data, text_column)
    frame = pd.DataFrame({"doc_id": [d for d, _ in docs], "text": [t for _, t in docs]})
    parts = [_EXTRACTORS[k](frame) for k in kinds]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["doc_id", "start", "end"], kind="stable").reset_index(drop=True)


def _items_for(
    corpus: pd.DataFrame, by: str, kinds: tuple[str, ...], items: pd.DataFrame | None
) -> pd.DataFrame:
    if not isinstance(corpus, pd.DataFrame):
        raise ParameterError("corpus must be a DataFrame with doc_id, text and the group column")
    for col in ("doc_id", "text", by):
        if col not in corpus.columns:
            raise ParameterError(f"the corpus has no {col!r} column (by={by!r})")
    if items is None:
        items = extract_all(corpus, kinds=kinds)
    items = items[items["kind"].isin(kinds)]
    groups = corpus.set_index("doc_id")[by]
    return items.assign(group=items["doc_id"].map(groups))


def shared_rhetoric(
    corpus: pd.DataFrame,
    *,
    by: str = "program_type",
    kinds: Sequence[str] = ("formula", "idiom", "metaphor"),
    items: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Which rhetorical items the groups (program types) share, with frequencies.

    Parameters
    ----------
    corpus : DataFrame
        ``doc_id``, ``text`` and the ``by`` column.
    by : str
        Grouping column; documents with a missing value are left out.
    kinds : subset of ("formula", "idiom", "metaphor", "quoted")
    items : DataFrame, optional
        A precomputed :func:`extract_all` result for this corpus (saves re-extracting).

    Returns
    -------
    DataFrame
        One row per (item, kind): ``n_groups`` (groups it occurs in), ``shared`` (``"all"``,
        ``"some"`` or ``"one"``), ``n_docs``, ``count``, then per group ``g``: ``docs[g]``
        (documents containing it) and ``rate[g]`` (occurrences per 10,000 characters of the
        group's text). Sorted by ``n_groups``, then ``n_docs``, descending.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "program_type": ["x", "y"],
    ...                        "text": ["干部充电加油，如饥似渴。", "党校充电加油。"]})
    >>> shared_rhetoric(corpus)[["item", "n_groups", "shared"]].values.tolist()
    [['充电', 2, 'all'], ['加油', 2, 'all'], ['如饥似渴', 1, 'one']]
    """
    kinds = _check_kinds(kinds)
    found = _items_for(corpus, by, kinds, items)
    sub = corpus[corpus[by].notna()]
    group_names = sorted(sub[by].unique(), key=str)
    chars = sub.groupby(by)["text"].apply(lambda s: sum(len(t or "") for t in s))
    found = found[found["group"].notna()]
    cols = ["item", "kind", "n_groups", "shared", "n_docs", "count"]
    for g in group_names:
        cols += [f"docs[{g}]", f"rate[{g}]"]
    if found.empty:
        return pd.DataFrame(columns=cols)
    counts = found.groupby(["item", "kind", "group"]).size()
    docs = found.groupby(["item", "kind", "group"])["doc_id"].nunique()
    rows = []
    for (item, kind), _ in found.groupby(["item", "kind"], sort=False):
        row: dict[str, Any] = {"item": item, "kind": kind}
        present = 0
        n_docs = 0
        total = 0
        for g in group_names:
            c = int(counts.get((item, kind, g), 0))
            d = int(docs.get((item, kind, g), 0))
            present += c > 0
            n_docs += d
            total += c
            row[f"docs[{g}]"] = d
            row[f"rate[{g}]"] = round(c / chars[g] * 10000, 3) if chars[g] else 0.0
        row.update(n_groups=present, n_docs=n_docs, count=total)
        row["shared"] = (
            "all" if present == len(group_names) else ("one" if present == 1 else "some")
        )
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(
        ["n_groups", "n_docs", "count", "item"], ascending=[False, False, False, True]
    ).reset_index(drop=True)


def rhetoric_overlap(
    corpus: pd.DataFrame,
    *,
    by: str = "program_type",
    kinds: Sequence[str] = ("formula", "idiom", "metaphor"),
    metric: str = "jaccard",
    items: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Group x group similarity of rhetoric profiles.

    ``metric="jaccard"``: |A ∩ B| / |A ∪ B| of the sets of items each group uses.
    ``metric="cosine"``: cosine of the vectors of item rates per 10,000 characters.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "program_type": ["x", "y"],
    ...                        "text": ["干部充电加油，如饥似渴。", "党校充电加油。"]})
    >>> round(float(rhetoric_overlap(corpus).loc["x", "y"]), 3)  # {充电, 加油} / {充电, 加油, 如饥似渴}
    0.667
    """
    if metric not in ("jaccard", "cosine"):
        raise ParameterError(f"metric must be 'jaccard' or 'cosine', not {metric!r}")
    table = shared_rhetoric(corpus, by=by, kinds=kinds, items=items)
    groups = sorted(corpus[by].dropna().unique(), key=str)
    import numpy as np

    mat = np.zeros((len(groups), len(groups)))
    rates = np.array([table[f"rate[{g}]"].to_numpy(float) for g in groups]).reshape(
        len(groups), len(table)
    )
    for i in range(len(groups)):
        for j in range(len(groups)):
            a, b = rates[i], rates[j]
            if metric == "jaccard":
                union = np.count_nonzero((a > 0) | (b > 0))
                mat[i, j] = np.count_nonzero((a > 0) & (b > 0)) / union if union else 0.0
            else:
                norm = float(np.linalg.norm(a) * np.linalg.norm(b))
                mat[i, j] = float(a @ b) / norm if norm else 0.0
    return pd.DataFrame(mat.round(6), index=groups, columns=groups)


def cooccurrence_graph(
    data: Any,
    *,
    kinds: Sequence[str] = ("formula", "idiom", "metaphor"),
    min_weight: int = 1,
    items: pd.DataFrame | None = None,
    text_column: str = "text",
) -> Any:
    """A networkx graph of rhetorical items that occur in the same sentence.

    Nodes are items (attributes ``kind``, ``count`` = occurrences, ``docs`` = documents);
    an edge's ``weight`` is the number of sentences in which both items occur. Edges lighter
    than ``min_weight`` are dropped (isolated nodes are kept).

    Examples
    --------
    >>> g = cooccurrence_graph("干部充电加油，如饥似渴。取到真经，充电加油。")
    >>> sorted(g.nodes), g["充电"]["如饥似渴"]["weight"], g["充电"]["加油"]["weight"]
    (['充电', '加油', '如饥似渴', '真经'], 1, 2)
    """
    import networkx as nx

    kinds = _check_kinds(kinds)
    if items is None:
        items = extract_all(data, kinds=kinds, text_column=text_column)
    items = items[items["kind"].isin(kinds)]
    graph = nx.Graph()
    for (item, kind), grp in items.groupby(["item", "kind"], sort=True):
        graph.add_node(item, kind=kind, count=len(grp), docs=grp["doc_id"].nunique())
    weights: Counter[tuple[str, str]] = Counter()
    for _, grp in items.groupby(["doc_id", "sentence"], sort=False):
        present = sorted(set(grp["item"]))
        for i, a in enumerate(present):
            for b in present[i + 1 :]:
                weights[(a, b)] += 1
    for (a, b), w in sorted(weights.items()):
        if w >= min_weight:
            graph.add_edge(a, b, weight=w)
    return graph


# --------------------------------------------------------------------------- places
_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_ABBR_PROVINCE = dict(
    zip(
        _ABBR,
        [
            "北京市",
            "天津市",
            "上海市",
            "重庆市",
            "河北省",
            "河南省",
            "云南省",
            "辽宁省",
            "黑龙江省",
            "湖南省",
            "安徽省",
            "山东省",
            "新疆维吾尔自治区",
            "江苏省",
            "浙江省",
            "江西省",
            "湖北省",
            "广西壮族自治区",
            "甘肃省",
            "山西省",
            "内蒙古自治区",
            "陕西省",
            "吉林省",
            "福建省",
            "贵州省",
            "广东省",
            "青海省",
            "西藏自治区",
            "四川省",
            "宁夏回族自治区",
            "海南省",
        ],
        strict=True,
    )
)
_RE_ABBR_RUN = re.compile(f"[{_ABBR}]{{2,4}}")


_GENERIC_ALIASES = {"新区", "城区", "郊区", "矿区", "市区", "林区", "开发区", "高新区", "经开区"}


@lru_cache(maxsize=1)
def _gazetteer() -> Any:
    """Aho-Corasick automaton: place name -> (canonical name, level, province, city)."""
    import jieba.posseg

    tk, _ = _segmenter()
    tags = jieba.posseg.POSTokenizer(tk).word_tag_tab
    entries: dict[str, tuple[tuple[str, str, str, str], bool]] = {}

    def add(name: str, value: tuple[str, str, str, str], *, alias: bool = False) -> None:
        if len(name) < 2 or name in entries:
            return
        if alias and (
            name in _GENERIC_ALIASES or (value[1] == "county" and tags.get(name) != "ns")
        ):
            return  # county short names that are ordinary words (和平) or unknown to jieba
        entries[name] = (value, alias)

    def aliases(node: dict) -> list[str]:
        a = node.get("_alias") or []
        return [a] if isinstance(a, str) else list(a)

    loc = import_jionlp().china_location_loader(detail=False)
    levels: list[tuple[str, str, dict, str, str]] = []
    for prov, pnode in loc.items():
        levels.append(("province", prov, pnode, prov, ""))
        for city, cnode in pnode.items():
            if city.startswith("_"):
                continue
            levels.append(("city", city, cnode, prov, city))
            for county, knode in cnode.items():
                if not county.startswith("_"):
                    levels.append(("county", county, knode, prov, city))
    order = {"province": 0, "city": 1, "county": 2}
    for level, name, _node, prov, city in sorted(levels, key=lambda x: order[x[0]]):
        add(name, (name, level, prov, city))
    for level, name, node, prov, city in sorted(levels, key=lambda x: order[x[0]]):
        for a in aliases(node):
            add(a, (name, level, prov, city), alias=True)
    return _automaton(entries.items())


_SMALLER_PLACE = re.compile("[镇乡村街路桥湖港园]")
_ABBR_CONTEXT_BEFORE = re.compile("(?:赴|到|在|与|和|同|向|、)$")
_ABBR_CONTEXT_AFTER = re.compile("^(?:地区|两地|三地|等地|一带|跟班|学习|考察|挂职|合作|发展)")


def _place_mentions(text: str) -> list[tuple[int, int, tuple[str, str, str, str]]]:
    matches = []
    doc = _Doc(None, text)
    for s, e, (value, alias) in _scan(_gazetteer(), text):
        if alias and e < len(text) and _SMALLER_PLACE.match(text, e):
            continue  # 横山 in 横山桥镇: part of a smaller place's name
        if (alias or value[1] == "county") and not _aligned(doc, s, e):
            continue  # 新平 in 创新平台, 朝天 in 热火朝天
        matches.append((s, e, value))
    tk, _ = _segmenter()
    for m in _RE_ABBR_RUN.finditer(text):
        run = m.group(0)
        if run in tk.FREQ and run not in ("沪浙", "沪苏浙", "京津冀", "江浙沪"):
            continue  # 新晋, 青川: ordinary words
        if len(run) < 3 and not (
            _ABBR_CONTEXT_BEFORE.search(text[max(0, m.start() - 1) : m.start()])
            or _ABBR_CONTEXT_AFTER.match(text, m.end())
        ):
            continue  # 冯苏蒙说: a person's name
        for k, ch in enumerate(run):
            prov = _ABBR_PROVINCE[ch]
            matches.append((m.start() + k, m.start() + k + 1, (prov, "province", prov, "")))
    return _longest_first(matches)


def places(data: Any, *, text_column: str = "text") -> pd.DataFrame:
    """Chinese provinces, cities and counties mentioned, with positions and counts.

    Names come from jionlp's administrative gazetteer: full names (河南省, 商丘市, 睢阳区), their
    short forms (河南, 商丘; county short forms only where jieba tags them as place names), and
    runs of one-character province abbreviations (沪浙, 鄂沪浙, 京津冀). Overlaps are resolved
    leftmost-longest (江苏省常州市 gives 江苏省 and 常州市).

    Returns
    -------
    DataFrame
        ``doc_id, item`` (as written), ``name`` (official name), ``level`` (province, city,
        county), ``province``, ``city``, ``start``, ``end``, ``count`` (mentions of ``name`` in
        the document).

    Examples
    --------
    >>> places("商丘市选派干部赴常州跟班学习，商丘干部赴沪浙。")[["item", "name", "count"]].values.tolist()
    [['商丘市', '商丘市', 2], ['常州', '常州市', 1], ['商丘', '商丘市', 2], ['沪', '上海市', 1], ['浙', '浙江省', 1]]
    """
    rows = []
    for doc_id, text in _documents(data, text_column):
        found = _place_mentions(text)
        counts = Counter(v[0] for _, _, v in found)
        for s, e, (name, level, prov, city) in found:
            rows.append(
                {
                    "doc_id": doc_id,
                    "item": text[s:e],
                    "name": name,
                    "level": level,
                    "province": prov,
                    "city": city or (name if level == "city" else ""),
                    "start": s,
                    "end": e,
                    "count": counts[name],
                }
            )
    cols = ["doc_id", "item", "name", "level", "province", "city", "start", "end", "count"]
    return pd.DataFrame(rows, columns=cols)


_HOST_BEFORE = re.compile(r"(?:赴|到|前往|来到|走进|远赴|奔赴)$")
_HOST_AFTER = re.compile(
    r"^[^，。；！？,;]{0,16}?(?:跟班|挂职|学习|培训|党校|考察|研修|锻炼|跟岗|竞学|取经)"
)
_SEND_AFTER = re.compile(
    r"^(?:[市省县区州]?委)?(?:组织部)?[^，。；！？,;“”]{0,8}?"
    r"(?:选派|派出|外派|启动|分批|组织[^，。；！？,;]{0,10}?(?:赴|到|前往))"
    r"|^(?:[市省县区州]?委)?[^，。；！？,;“”]{0,3}?赴"
)


def place_flow(data: Any, *, text_column: str = "text") -> pd.DataFrame:
    """Best guess of the sending and host places of secondment / study-tour reports.

    Cues, counted per sentence: a place followed (within a few characters) by 选派, 派出, 外派,
    分批, 组织, 启动, 赴 or 到 (optionally after 市委/省委, 组织部) is a sending candidate
    (商丘市选派..., 湖北省委启动..., 娄底市委分批选派...); a place right after 赴, 到, 前往,
    来到 and followed by 跟班, 挂职, 学习, 培训, 党校, 考察... is a host candidate (赴常州跟班学习,
    到杭州市委党校, 赴沪浙跟班学习). Counties are reported at city level. Sending: the places
    with the highest score; hosts: places scoring at least half the best host score, without
    the sending places and without a province whose city is also a host.

    Returns
    -------
    DataFrame
        ``doc_id, send, host`` (names joined with ``;``, empty if no cue), ``send_score``,
        ``host_score``, ``evidence`` (the first sentence with a host cue).

    Examples
    --------
    >>> place_flow("商丘市选派10名年轻干部到江苏省常州市跟班学习。")[["send", "host"]].values.tolist()
    [['商丘市', '常州市']]
    """
    rows = []
    for doc_id, text in _documents(data, text_column):
        doc = _Doc(doc_id, text)
        send: Counter[str] = Counter()
        host: Counter[str] = Counter()
        evidence = ""
        mentions = _place_mentions(text)
        for k, (s, e, (name, level, _prov, city)) in enumerate(mentions):
            nxt = mentions[k + 1] if k + 1 < len(mentions) else None
            if nxt and nxt[0] == e and name in (nxt[2][2], nxt[2][3]) and nxt[2][0] != name:
                continue  # 江苏省常州市: the cue belongs to the most specific place of a chain
            key = city if level == "county" and city else name
            chain_start = s
            j = k
            while j > 0 and mentions[j - 1][1] == mentions[j][0]:
                j -= 1
                chain_start = mentions[j][0]
            s0, s1 = doc.sentence_span(s)
            before = text[max(s0, chain_start - 2) : chain_start]
            after = text[e:s1]
            if _HOST_BEFORE.search(before) and _HOST_AFTER.search(after):
                host[key] += 1
                evidence = evidence or text[s0:s1]
            elif _SEND_AFTER.search(after) and not _HOST_BEFORE.search(before):
                send[key] += 1
        for name in list(host):
            if name in send:
                if send[name] >= host[name]:
                    del host[name]
                else:
                    del send[name]
        best_send = max(send.values(), default=0)
        senders = sorted(n for n, c in send.items() if c == best_send and c > 0)
        best_host = max(host.values(), default=0)
        hosts = [n for n, c in host.items() if c > 0 and c >= best_host / 2]
        host_cities = set(hosts)
        prov_of_city = {n: p for n, p in ((n, _province_of(n)) for n in host_cities)}
        hosts = sorted(
            h for h in hosts if not any(prov_of_city.get(o) == h and o != h for o in host_cities)
        )
        rows.append(
            {
                "doc_id": doc_id,
                "send": ";".join(senders),
                "host": ";".join(hosts),
                "send_score": best_send,
                "host_score": best_host,
                "evidence": evidence,
            }
        )
    return pd.DataFrame(
        rows, columns=["doc_id", "send", "host", "send_score", "host_score", "evidence"]
    )


@lru_cache(maxsize=4096)
def _province_of(name: str) -> str:
    for _, _, (value, _alias) in _scan(_gazetteer(), name):
        if value[0] == name:
            return value[2]
    return ""
