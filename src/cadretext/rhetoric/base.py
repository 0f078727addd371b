"""What the rhetoric extractors share: documents, dictionaries, token boundaries, quotations.

Everything here is public to the modules of :mod:`cadretext.rhetoric` and to
:mod:`cadretext.locations` (one place for the shared helpers, none imported privately across
modules). Users normally need none of it: the extractors accept a text, a list of texts or a
corpus DataFrame themselves.

* :class:`Doc` holds one text and finds the sentence around a position (jionlp's sentence
  splitter, via :mod:`cadretext.clean`).
* :func:`documents` turns any accepted input into ``(doc_id, text)`` pairs in simplified
  script, every character in its place (:func:`same_length_simplified`).
* :func:`automaton` / :func:`scan` wrap ahocorasick_rs: all ~31,000 jionlp idioms, the metaphor
  lexicon, the known formulas and the place gazetteer are found in one compiled pass per text (a
  Python loop over windows or a 30,000-branch regex is 10-100x slower on a 10k-report corpus).
* :func:`segmenter` / :func:`tokens` / :func:`aligned`: jieba, loaded with the cadretext
  lexicons as :func:`cadretext.tokenize` is, supplies token boundaries, used to reject matches
  inside longer words.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from .._io import import_jionlp
from .._jieba import clear as clear_jieba
from .._jieba import new_pos_tokenizer, new_tokenizer
from ..errors import ParameterError
from ..validation import as_texts

KINDS = ("formula", "idiom", "metaphor", "quoted")
COLUMNS = ["doc_id", "item", "kind", "start", "end", "sentence"]
CJK = "\u4e00-\u9fff"
#: A run of CJK characters (``CJK_WORD.fullmatch(w)``: ``w`` is all Chinese).
CJK_WORD = re.compile(f"[{CJK}]+")
#: Chinese numerals that start or pair in a numbered formula (三高四新, 双招双引, 百县千镇万村)
NUMERALS = "一二三四五六七八九十两双百千万"
LEXICON_FREQ = 2000  # same rule as cadretext.tokenize: lexicon entries stay whole in context

logging.getLogger("jieba").setLevel(logging.WARNING)


# --------------------------------------------------------------------------- input and documents
def documents(data: Any, text_column: str = "text") -> list[tuple[Any, str]]:
    """(doc_id, text) pairs from a string, an iterable of strings, or a corpus DataFrame.

    Each text comes back in simplified script, every character in its place (see
    :func:`same_length_simplified`).
    """
    return [(d, same_length_simplified(t)) for d, t in raw_documents(data, text_column)]


def raw_documents(data: Any, text_column: str) -> list[tuple[Any, str]]:
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


def same_length_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC) without moving any character.

    The lexicons and the grammar are simplified; a report in traditional script (幹部學習,
    三區一中心) would otherwise yield nothing. Offsets must still point into the text the user
    gave, so the conversion has to keep the length: OpenCC's phrase-aware conversion nearly
    always does; where it does not, characters are converted one by one.
    """
    from ..clean import to_simplified

    converted = to_simplified(text)
    if len(converted) == len(text):
        return converted
    out = []
    for ch in text:
        c = to_simplified(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


# Every extractor of extract_all reads the same batch of reports: the sentences of each are
# split once, not once per extractor (the cache holds more reports than a batch).
@lru_cache(maxsize=2048)
def _sentence_spans(text: str) -> list[tuple[int, int]]:
    from ..clean import split_sentences

    spans: list[tuple[int, int]] = []
    pos = 0
    for sent in split_sentences(text):
        i = text.find(sent, pos)
        if i < 0:  # cannot happen with split_sentences; keep going rather than fail
            continue
        spans.append((i, i + len(sent)))
        pos = i + len(sent)
    return spans


class Doc:
    """One text with lazily computed sentence spans (jionlp, via cadretext.clean)."""

    def __init__(self, doc_id: Any, text: str):
        self.doc_id = doc_id
        self.text = text
        self._starts: list[int] | None = None
        self._spans: list[tuple[int, int]] = []

    def _split(self) -> None:
        self._spans = _sentence_spans(self.text)
        self._starts = [s for s, _ in self._spans]

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

    def sentence_spans(self) -> list[tuple[int, int]]:
        """``(start, end)`` of every sentence, in order."""
        if self._starts is None:
            self._split()
        return list(self._spans)

    def sentence(self, pos: int) -> str:
        s, e = self.sentence_span(pos)
        return self.text[s:e]


def frame(rows: list[dict], extra: Sequence[str] = ()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=[*COLUMNS, *extra])
    if len(df):
        df = df.sort_values(["doc_id", "start", "end"], kind="stable").reset_index(drop=True)
    return df.astype({"start": "int64", "end": "int64"})


# --------------------------------------------------------------------------- shared resources
class Automaton:
    """A fixed dictionary of strings, each with a value, found in a text in one pass.

    ahocorasick_rs (Rust) finds the matches; on the ~32,000 idioms it scans a report about 19x
    faster than pyahocorasick did (0.05 s against 0.98 s on 1,000 synthetic reports), whose
    per-character cost grows with the fan-out of the dictionary's first characters.
    A word added twice keeps its last value; empty words are ignored.
    """

    def __init__(self, words: Iterable[tuple[str, Any]]):
        entries: dict[str, Any] = {}
        for word, value in words:
            if word:
                entries[word] = value
        self.entries = entries
        self.values = list(entries.values())
        self._finder: Any = None
        if entries:
            import ahocorasick_rs

            self._finder = ahocorasick_rs.AhoCorasick(list(entries))

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, word: object) -> bool:
        return word in self.entries

    def scan(self, text: str) -> list[tuple[int, int, Any]]:
        """Every ``(start, end, value)`` occurrence, overlapping ones included, in the order of
        their end and, at one end, longest first."""
        if self._finder is None:
            return []
        values = self.values
        found = self._finder.find_matches_as_indexes(text, overlapping=True)
        found.sort(key=lambda m: (m[2], m[1]))
        return [(start, end, values[i]) for i, start, end in found]

    def values_found(self, text: str) -> list[Any]:
        """The values of the words that occur in ``text``, each once (no spans, no order:
        cheaper than :meth:`scan` when only presence counts)."""
        if self._finder is None:
            return []
        values = self.values
        found = {i for i, _, _ in self._finder.find_matches_as_indexes(text, overlapping=True)}
        return [values[i] for i in found]


def automaton(words: Iterable[tuple[str, Any]]) -> Automaton:
    """An :class:`Automaton` of ``(word, value)`` pairs."""
    return Automaton(words)


def scan(auto: Automaton, text: str) -> list[tuple[int, int, Any]]:
    """All (start, end, value) occurrences, overlapping ones included."""
    return auto.scan(text)


def longest_first(matches: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Leftmost-longest non-overlapping subset of ``matches``."""
    out: list[tuple[int, int, Any]] = []
    last_end = -1
    for m in sorted(matches, key=lambda m: (m[0], -(m[1] - m[0]))):
        if m[0] >= last_end:
            out.append(m)
            last_end = m[1]
    return out


@lru_cache(maxsize=1)
def segmenter() -> tuple[Any, frozenset[str]]:
    """A private jieba tokenizer with cadretext's default lexicon (domain words + metaphors)."""
    from ..lexicons import as_wordlist

    tk = new_tokenizer()  # one load of jieba's dictionary per process (cadretext._jieba)
    lex = as_wordlist(None, ("domain_words", "metaphors"))
    assert lex is not None
    for word in lex.words:
        tk.add_word(word, freq=max(int(tk.suggest_freq(word, False)), LEXICON_FREQ))
    return tk, frozenset(lex.words)


def clear_caches() -> None:
    """Let go of the dictionaries and caches the extractors and the place finder loaded in this
    process (jieba with the lexicons, its tag table, segmented sentences, split reports); the
    next use loads them again. The gazetteer and the idiom lists stay (small)."""
    from .._parallel import return_freed_memory

    for cached in (segmenter, pos_segmenter, tokens, _sentence_spans):
        cached.cache_clear()
    clear_jieba()

    return_freed_memory()


@lru_cache(maxsize=1)
def pos_segmenter() -> Any:
    """jieba's part-of-speech tokenizer over :func:`segmenter`'s tokenizer, built once (it reads
    jieba's whole tag table, about half a second)."""
    tk, _ = segmenter()
    return new_pos_tokenizer(tk)


@lru_cache(maxsize=20000)
def tokens(sentence: str) -> tuple[tuple[str, int, int], ...]:
    tk, _ = segmenter()
    return tuple(tk.tokenize(sentence))


def aligned(doc: Doc, start: int, end: int, allow_lexicon: bool | str = False) -> bool:
    """True if ``text[start:end]`` starts and ends on jieba token boundaries of its sentence.

    With ``allow_lexicon``, a match inside a longer token is also accepted when that token is a
    cadretext lexicon entry (十大攻坚战 contains the metaphor 攻坚战 by design); with
    ``allow_lexicon="edge"`` only if the match also starts where that token does (三高四新 in
    三高四新战略, but not 三角一体 or 三角一体化 in 长三角一体化).
    """
    s0, s1 = doc.sentence_span(start)
    if end > s1:
        return False
    _, lexicon = segmenter()
    for word, a, b in tokens(doc.text[s0:s1]):
        a += s0
        b += s0
        if b <= start or a >= end:
            continue
        if (a < start or b > end) and not (
            allow_lexicon and word in lexicon and (allow_lexicon is True or a == start)
        ):
            return False
    return True


def row(doc: Doc, item: str, kind: str, start: int, end: int, **extra: Any) -> dict:
    return {
        "doc_id": doc.doc_id,
        "item": item,
        "kind": kind,
        "start": start,
        "end": end,
        "sentence": doc.sentence(start),
        **extra,
    }


# --------------------------------------------------------------------------- dictionaries
@lru_cache(maxsize=1)
def jionlp_idioms() -> frozenset[str]:
    return frozenset(w for w in import_jionlp().chinese_idiom_loader() if len(w) >= 4)


@lru_cache(maxsize=1)
def idiom_supplement() -> dict[str, str]:
    """The packaged supplement (``lexicons/idioms_supplement.txt``): idiom -> its type,
    ``chengyu`` or ``political_set_phrase``."""
    from ..lexicons import load_wordlist

    supplement = load_wordlist("idioms_supplement")
    return {w: supplement.tags.get(w, "chengyu") for w in supplement.words}


@lru_cache(maxsize=8)
def metaphor_lexicon(name: str) -> tuple[Any, dict[str, str], str]:
    from ..lexicons import load_wordlist

    wl = load_wordlist(name)
    auto = automaton((w, wl.tags.get(w, "")) for w in wl.words)
    return auto, dict(wl.tags), wl.version


# --------------------------------------------------------------------------- quotations
QUOTE_STYLES = ("“”", "‘’", "「」", "『』", '""', "''")
RE_QUOTES = re.compile(
    r"“([^“”\n]{1,40})”|‘([^‘’\n]{1,40})’|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』"
    r"|\"([^\"\n]{1,40})\"|(?<![A-Za-z])'([^'\n]{1,40})'(?![A-Za-z])"
)


def quote_spans(text: str) -> dict[tuple[int, int], str]:
    """Inner spans of short quotations: (start, end) -> quote style, a quotation nested in
    another of a different style included (“…‘十一五’规划”)."""
    spans = {}
    for m in RE_QUOTES.finditer(text):
        g = m.lastindex  # one group per style, and only the matching one is set
        s, e = m.span(g)
        spans[(s, e)] = QUOTE_STYLES[g - 1]
        for n in RE_QUOTES.finditer(text, s, e):
            spans[n.span(n.lastindex)] = QUOTE_STYLES[n.lastindex - 1]
    return spans
