"""Metaphors: a versioned lexicon of source-domain families, plus general evidence.

A word list finds the metaphors it lists and nothing else; many figurative words are also
literal words (练兵 of real troops, 播种 of real seed, 舞台 of a real stage). So every lexicon
entry belongs to a **family** of source domains (war, sport, theatre, school, medicine,
building, journey, energy, key, ice, agriculture, monument, machine, people, forge, nature,
treasure) and is marked either plain (almost always figurative in these reports: 充电, 取经,
破冰) or ``ambiguous`` (often literal). Each hit carries the ``rule`` that found it:

``lexicon``
    a plain entry, on jieba word boundaries.
``context``
    an ambiguous entry whose sentence holds no literal cue of its family (no 部队/官兵 next
    to 练兵, no 种植/农田 next to 播种): the word's literal domain does not fit the sentence,
    which is about cadres, work or development.
``quote``
    an ambiguous entry, or a compound on a family head (below), that is a whole quotation
    (“赶考”, “娘家”, “致富桥”): the quotation marks flag the figure.
``frame``
    a simile or role frame licenses the word whatever its context: 像/如/犹如…一样/般 (the
    vehicle between them), 当好/争当/争做/甘当/甘做 + a quotation or entry (当好“店小二”,
    争当排头兵), 是/成为/成了…的 + a quotation or entry (党校是干部的“加油站”), and the
    genitive X之Y that names an abstraction by a thing (智慧之门, 思想之舵: the heads Y and
    their families are ``metaphor_genitive_heads.txt``; not after a place, 泰山之巅).
``head``
    a word built on a family head (桥, 苗, 堡, 石 …: 致富桥, 连心桥, 新苗, 磨刀石), in a
    sentence without a literal cue, when jieba does not know the word as an ordinary one.

The family tables (``lexicons/metaphors.txt``, ``metaphor_heads.txt``,
``metaphor_genitive_heads.txt``, ``metaphor_literal_cues.txt``) are versioned files: the
domain logic here is hand-written because no library models Chinese political metaphor, but
every word it relies on can be read and edited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from ..errors import ParameterError
from . import base
from .formulas import formula_spans
from .idioms import idiom_spans

__all__ = ["FAMILIES", "METAPHOR_RULES", "metaphors"]

FAMILIES = (
    "war",
    "sport",
    "theatre",
    "school",
    "medicine",
    "building",
    "journey",
    "energy",
    "key",
    "ice",
    "agriculture",
    "monument",
    "machine",
    "people",
    "forge",
    "nature",
    "treasure",
    "other",
)
METAPHOR_RULES = ("lexicon", "context", "quote", "frame", "head")

# 像/如/犹如 … 一样/一般/般/似的: the vehicle is the 2-6 characters before the closing word
_RE_SIMILE = re.compile(
    rf"(?:像|好像|就像|如同|犹如|宛如|好比|仿佛)(?P<v>[{base.CJK}]{{2,6}}?)(?:一样|一般|般|似的)"
)
# role frames: 当好“店小二”, 争当排头兵, 甘当孺子牛
_RE_ROLE = re.compile(r"(?:当好|争当|争做|甘当|甘做|勇当|做好|当起|争作)$")
# copula frames: 是/成为/成了 … 的 X (党校是干部的“加油站”)
_RE_COPULA = re.compile(rf"(?:是|成为|成了|变成|作为|当作|打造成)[{base.CJK}]{{0,10}}的$")
# words a simile compares with that carry no figure (像往常一样, 像其他学员一样)
_SIMILE_NOT = frozenset(
    [
        "往常",
        "平时",
        "平常",
        "过去",
        "以往",
        "以前",
        "从前",
        "往年",
        "今天",
        "昨天",
        "现在",
        "大家",
        "别人",
        "他人",
        "其他",
        "我们",
        "他们",
        "你们",
        "自己",
        "同事",
        "学员",
        "干部",
        "党员",
        "同志",
        "老师",
        "一样",
        "这样",
        "那样",
        "上次",
        "往届",
        "原来",
    ]
)


@dataclass(frozen=True)
class _Lexicon:
    auto: Any  # word -> (family, ambiguous)
    families: dict[str, str]
    ambiguous: frozenset[str]
    heads: dict[str, str]  # head -> family
    genitive: Any  # compiled X之Y frame over the genitive heads
    genitive_heads: dict[str, str]  # genitive head -> family
    cues: dict[str, frozenset[str]]  # family -> literal cue words
    version: str
    terms: frozenset[str] = frozenset()  # the domain lexicon's terms: quoted, they are terms


@lru_cache(maxsize=8)
def _lexicon(name: str) -> _Lexicon:
    from ..lexicons import load_wordlist

    wl = load_wordlist(name)
    families: dict[str, str] = {}
    ambiguous = set()
    blockers = set()
    for w in wl.words:
        fam, _, flag = wl.tags.get(w, "other").partition(":")
        if fam == "not_metaphor":
            blockers.add(w)  # 一线城市: wins over 一线 (leftmost-longest), then dropped
            continue
        families[w] = fam
        if flag == "ambiguous":
            ambiguous.add(w)
    heads_wl = load_wordlist("metaphor_heads")
    cues_wl = load_wordlist("metaphor_literal_cues")
    gen_wl = load_wordlist("metaphor_genitive_heads")
    gen_heads = sorted(gen_wl.words, key=len, reverse=True)
    cues: dict[str, set[str]] = {}
    for w in cues_wl.words:
        for fam in cues_wl.tags.get(w, "").split(","):
            cues.setdefault(fam, set()).add(w)
    auto = base.automaton(
        [(w, (families[w], w in ambiguous)) for w in families]
        + [(w, ("not_metaphor", False)) for w in blockers]
    )
    return _Lexicon(
        auto=auto,
        families=families,
        ambiguous=frozenset(ambiguous),
        heads={h: heads_wl.tags.get(h, "other") for h in heads_wl.words},
        genitive=re.compile(rf"([{base.CJK}]{{2}})之({'|'.join(map(re.escape, gen_heads))})"),
        genitive_heads={h: gen_wl.tags.get(h, "other") for h in gen_wl.words},
        cues={f: frozenset(ws) for f, ws in cues.items()},
        version=wl.version,
        terms=frozenset(load_wordlist("domain_words").words) - families.keys(),
    )


# where a cue word is itself figurative, so no evidence of a literal topic: inside quotation
# marks (如同“特种部队”), after a simile marker (犹如战场上), or in 有一种…的感觉 (有一种战士要奔赴
# 沙场的感觉)
_RE_FIGURATIVE_CUE = re.compile(
    rf"“[^”]{{1,12}}”|\"[^\"]{{1,12}}\"|「[^」]{{1,12}}」"
    rf"|(?:如同|犹如|宛如|好比|仿佛|好像|就像)[“\"「]?[{base.CJK}]{{1,8}}"
    rf"|有一种[{base.CJK}]{{1,12}}的感觉"
)


def _without_figures(text: str) -> str:
    """``text`` with the stretches where a cue would be figurative blanked out."""
    return _RE_FIGURATIVE_CUE.sub(lambda m: " " * len(m.group()), text)


def _literal(lex: _Lexicon, sentence: str, family: str) -> bool:
    """True if the sentence holds a literal cue of ``family`` (练兵 next to 部队), outside the
    stretches where the cue would itself be a figure (:func:`_without_figures`)."""
    cues = lex.cues.get(family, ())
    if not any(cue in sentence for cue in cues):
        return False
    sentence = _without_figures(sentence)
    return any(cue in sentence for cue in cues)


def _literal_families(lex: _Lexicon, text: str, least: int = 3) -> frozenset[str]:
    """Families the whole report is literally about: ``least`` or more occurrences of their
    cues (a report on a real military drill, 军训 ... 教官 ... 迷彩, makes every ambiguous war
    word in it literal, as the annotation guide has it for 练兵 in an army-training article)."""
    return frozenset(
        fam
        for fam, cues in lex.cues.items()
        # a cue that is itself a lexicon entry (马拉松, 种子) is not counted: it is the figure
        if sum(text.count(cue) for cue in cues if cue not in lex.families) >= least
    )


# a match followed by one of these is part of an institution's or event's name
# (红色大本营培训中心, 领头雁工作室)
_RE_NAME_SUFFIX = re.compile("(?:培训中心|教育中心|学院|基地|工作室|论坛|协会|公司|大学|学校)")


def _head_family(lex: _Lexicon, word: str, *, quoted: bool = False) -> str | None:
    """The family of the head ``word`` ends with, if it is a compound on a family head that
    jieba does not know as an ordinary word (致富桥, 新苗; not 大桥, 石桥, 树苗). One-character
    heads count only in a quotation: unquoted, 侯典军 and 许红兵 are names, not armies."""
    n = len(word)
    if not (2 if quoted else 3) <= n <= 5:
        return None
    # the head first (longest first): it is a dictionary lookup, and almost every word of a
    # report has none (this runs on every token of every report)
    heads = lex.heads
    if n > 3 and word[-3:] in heads:
        head = word[-3:]
    elif n > 2 and word[-2:] in heads:
        head = word[-2:]
    elif quoted and word[-1:] in heads:  # n >= 2
        head = word[-1:]
    else:
        head = None
    if head is None or not base.CJK_WORD.fullmatch(word):
        return None
    tk, _ = base.segmenter()
    if tk.FREQ.get(word, 0) > 0 and word not in lex.families:
        return None  # an ordinary dictionary word: 大桥, 立交桥, 树苗
    return lex.heads[head]


@lru_cache(maxsize=4096)
def _common_noun(word: str) -> bool:
    """jieba (with the cadretext lexicons) reads ``word`` as one common noun (钉子, 螺丝钉),
    not a name (德吉: nr), a place (ns) or a phrase."""
    _, lexicon = base.segmenter()
    pairs = list(base.pos_segmenter().cut(word, HMM=False))
    if word in lexicon:
        return True
    return len(pairs) == 1 and pairs[0].flag in ("n", "ng")


@lru_cache(maxsize=4096)
def _names_a_place(word: str) -> bool:
    """jieba tags ``word`` as a place (泰山, 长江), not an abstraction. (Its person-name tag is
    not asked: jieba's dictionary tags 智慧 nr.)"""
    return any(p.flag == "ns" for p in base.pos_segmenter().cut(word, HMM=False))


def _frame_before(text: str, start: int, s0: int) -> bool:
    """A role or copula frame ends right before ``start`` (a quotation mark may sit between)."""
    before = text[max(s0, start - 16) : start].rstrip("“‘「『\"'")
    return bool(_RE_ROLE.search(before) or _RE_COPULA.search(before))


def _doc_metaphors(doc: base.Doc, lex: _Lexicon, rules: frozenset[str]) -> list[dict]:
    text = doc.text
    quotes = base.quote_spans(text)
    literal_doc: frozenset[str] | None = None  # needed by few reports: found when first asked
    cands: list[tuple[int, int, tuple[str, str]]] = []
    # 1. lexicon entries: plain ones always, ambiguous ones with evidence
    for s, e, (family, ambiguous) in base.longest_first(base.scan(lex.auto, text)):
        if family == "not_metaphor" or not base.aligned(doc, s, e, allow_lexicon=True):
            continue
        if (s, e) not in quotes and _RE_NAME_SUFFIX.match(text, e):
            continue
        s0, s1 = doc.sentence_span(s)
        if not ambiguous:
            rule = "lexicon"
        elif (s, e) in quotes:
            rule = "quote"
        elif _frame_before(text, s, s0):
            rule = "frame"
        else:
            if literal_doc is None:
                literal_doc = _literal_families(lex, text)
            if family in literal_doc or _literal(
                lex,
                text[s0:s] + " " + text[e:s1],
                family,  # 施工 in 施工图 is not a cue
            ):
                continue
            rule = "context"
        cands.append((s, e, (family, rule)))
    # 2. quoted compounds on a family head, and quotations in a role/copula frame
    for (s, e), _style in quotes.items():
        word = text[s:e]
        family = _head_family(lex, word, quoted=True)
        if family and not _literal(lex, doc.sentence(s), family):
            cands.append((s, e, (family, "quote")))
        elif 2 <= len(word) <= 5 and base.CJK_WORD.fullmatch(word):
            s0, _ = doc.sentence_span(s)
            if (
                _frame_before(text, s - 1, s0)
                and word not in base.jionlp_idioms()
                and not word.endswith("员")  # 当好“宣传员”: a real role, not a figure
                # 是邮政事业发展的“关键少数”, 「形式主义」问题: a political term or a program
                # name of the domain lexicon, quoted as a term, not a figure
                and word not in lex.terms
                and _common_noun(word)  # 当作工作的“第一需要”: a phrase, not a figure
            ):
                cands.append((s, e, (lex.families.get(word, "other"), "frame")))
    # 3. similes: the vehicle of 像…一样 / 如…般
    for m in _RE_SIMILE.finditer(text):
        s, e = m.span("v")
        vehicle = m.group("v")
        if (
            vehicle in _SIMILE_NOT
            or any(c in "的了着地得是在" for c in vehicle)
            or vehicle in base.jionlp_idioms()
            or not _common_noun(vehicle)
        ):
            continue  # 像往常一样, 像德吉一样 (a name): no figure
        cands.append((s, e, (lex.families.get(vehicle, "other"), "frame")))
    # 3b. the genitive frame X之Y: 精神之钙, 智慧之门, 思想之舵 (not 泰山之巅: a place)
    for m in lex.genitive.finditer(text):
        if _names_a_place(m.group(1)):
            continue
        cands.append((m.start(1), m.end(), (lex.genitive_heads[m.group(2)], "frame")))
    # 4. unquoted compounds on a family head, taken from jieba's words
    if "head" in rules:
        for s0, s1 in doc.sentence_spans():
            for word, a, b in base.tokens(text[s0:s1]):
                family = _head_family(lex, word)
                if family and word not in lex.families and not _literal(lex, text[s0:s1], family):
                    cands.append((s0 + a, s0 + b, (family, "head")))
    rows = []
    formulas = None
    idiom_cover = idiom_spans(doc) if cands else []
    for s, e, (family, rule) in base.longest_first(cands):
        if any(c in base.NUMERALS for c in text[max(0, s - 3) : e]):
            if formulas is None:
                formulas = formula_spans(doc)
            if any(fs <= s and e <= fe for fs, fe, _ in formulas):
                continue  # 攻坚战 in 六大攻坚战, 双轮驱动: formulas first (one kind per item)
        if any(i_s <= s and e <= i_e for i_s, i_e in idiom_cover):
            continue  # 刀刃 in 刀刃向内: idioms before metaphors (one kind per item)
        if rule in rules:
            rows.append(base.row(doc, text[s:e], "metaphor", s, e, domain=family, rule=rule))
    return rows


def metaphors(
    data: Any,
    *,
    lexicon: str = "metaphors",
    rules: Sequence[str] = METAPHOR_RULES,
    text_column: str = "text",
) -> pd.DataFrame:
    """Metaphors: lexicon entries by source-domain family, plus frames, quotes and heads.

    The versioned lexicon (``lexicons/metaphors.txt``) maps each metaphor to its family
    (:data:`FAMILIES`: war 出征/练兵/主战场, sport 接力棒/第一棒, theatre 舞台/拉开帷幕, school
    赶考/必修课, medicine 把脉/造血, building 基石/压舱石, journey 取经/新征程, energy
    充电/补钙, key 金钥匙, ice 破冰, agriculture 蹲苗/孵化, monument 丰碑/烙印, machine
    龙头/引擎, people 店小二/领头雁, forge 淬火/熔炉, nature 灯塔/源头活水, treasure 金名片) and
    marks the entries that are often literal as ambiguous. How each hit was found is in the
    ``rule`` column (see the module docstring): ``lexicon``, ``context``, ``quote``, ``frame``
    or ``head``; pass ``rules=`` to keep only some (``rules=("lexicon",)`` is the plain word
    list). Matching is leftmost-longest (取真经 rather than 真经); a match inside a longer
    ordinary word is rejected using jieba's segmentation (充电 in 充电宝, 密码 in 密码锁), and so
    is a match inside a formula or an idiom (攻坚战 in 十大攻坚战, 刀刃 in 刀刃向内): an item counts
    under the first kind that fits.

    Parameters
    ----------
    data : str, list of str, or DataFrame with ``doc_id`` and ``text``
    lexicon : str
        Packaged list name or path of a ``word family[:ambiguous]`` file.
    rules : subset of :data:`METAPHOR_RULES`

    Returns
    -------
    DataFrame
        ``doc_id, item, kind ("metaphor"), start, end, sentence, domain, rule``; ``domain`` is
        the family.

    Examples
    --------
    >>> df = metaphors("到党校充电加油，取到真经。部队官兵在训练场练兵。学员们争当“店小二”。")
    >>> df[["item", "domain", "rule"]].values.tolist()
    [['充电', 'energy', 'lexicon'], ['加油', 'energy', 'context'], ['真经', 'journey', 'lexicon'], ['店小二', 'people', 'lexicon']]
    >>> metaphors("在乡村振兴的战场上练兵。")[["item", "rule"]].values.tolist()
    [['战场', 'context'], ['练兵', 'context']]
    """
    if isinstance(rules, str):
        rules = (rules,)
    bad = [r for r in rules if r not in METAPHOR_RULES]
    if bad or not rules:
        raise ParameterError(f"rules must be a non-empty subset of {METAPHOR_RULES}, not {rules}")
    lex = _lexicon(str(lexicon))
    rows = []
    for doc_id, text in base.documents(data, text_column):
        rows += _doc_metaphors(base.Doc(doc_id, text), lex, frozenset(rules))
    return base.frame(rows, ["domain", "rule"])
