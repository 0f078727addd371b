"""Discovery of new lexicon entries in a researcher's own corpus: terms and numbered formulas.

A lexicon written on one set of reports misses the program names, slogans and formulas of
another province. :func:`discover` proposes candidates from the corpus itself:

* **terms**: character strings of 2-8 characters that recur (frequency), hold together (their
  cohesion: the lowest pointwise mutual information over the ways to cut them in two) and
  stand free (left and right boundary entropy: many different characters before and after
  them), and that jieba, with the current lexicon, cuts into several tokens today;
* **formulas**: numeral-led formulations that cadretext's formula grammar finds in at least
  ``min_docs`` reports and that the packaged list of known formulas does not hold yet.

Each candidate comes with its counts, scores, how jieba splits it, and two example sentences
from different reports. Write the table as CSV (``cadretext discover CORPUS -o
candidates.csv``), delete the rows you reject (or mark an ``accept`` column ``no``), and pass
the file back as a lexicon: ``tokenize(texts, lexicon=("domain_words", "metaphors",
"candidates.csv"))`` keeps every accepted term as one token.

The counting uses scikit-learn's ``CountVectorizer`` (character n-grams with document
frequencies, in C-backed sparse matrices). The scores are written here: jionlp's
``new_word_discovery`` reads a file, stops at four characters and returns no document counts
or examples, and no other library scores Chinese strings this way.

Examples
--------
>>> texts = ["学员参加云端研学活动，云端研学效果很好。", "云端研学让学员受益。"] * 3
>>> df = discover(texts, min_count=3, min_docs=2, min_cohesion=1, kinds=("term",))
>>> df.loc[df["term"] == "云端研学", ["count", "n_docs", "jieba"]].values.tolist()
[[9, 6, '云端|研学']]
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .errors import ParameterError
from .validation import check_int

__all__ = ["DISCOVER_COLUMNS", "discover"]

DISCOVER_COLUMNS = [
    "term",
    "kind",
    "count",
    "n_docs",
    "cohesion",
    "left_entropy",
    "right_entropy",
    "score",
    "jieba",
    "example_1",
    "example_2",
]
_RE_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
# a term does not start or end with a function word, pronoun, demonstrative or measure word,
# and holds no 的/了/们 (学员们, 本次培训, 名学员, 党的二十大 are phrases, not terms)
_BAD_START = set(
    "的了们在是和与及或也都就而并从向到于以之其把被让给对着过这那我你他她它每各该本此等为将所次名个位天年月日"
)
_BAD_END = set(
    "的了们在是和与及或也都就而并从向到于以之其把被让给着过这那我你他她它每各该本此等为将所地得吗呢吧啊"
)
_BAD_INSIDE = set("的了们")


def _entropy(counts: Sequence[int], boundary: int) -> float:
    """Entropy (bits) of the neighbours of a string; each time it touches a text or
    punctuation boundary counts as a neighbour of its own (a boundary is maximal freedom)."""
    total = sum(counts) + boundary
    if total == 0:
        return 0.0
    h = -sum(c / total * math.log2(c / total) for c in counts if c)
    if boundary:
        h += boundary * (1 / total) * math.log2(total)
    return max(h, 0.0)  # not -0.0


def _sentences(docs: list[tuple[Any, str]], terms: list[str]) -> list[list[str]]:
    """The sentences of every document that holds one of ``terms`` (others: ``[]``), split
    once for all the terms and every use (jionlp, via :mod:`cadretext.clean`)."""
    from .clean import split_sentences

    return [split_sentences(text) if any(t in text for t in terms) else [] for _, text in docs]


def _examples(
    docs: list[tuple[Any, str]], sentences: list[list[str]], term: str, n: int = 2
) -> list[str]:
    out: list[str] = []
    for (_, text), split in zip(docs, sentences, strict=True):
        if term in text:
            sentence = next((s for s in split if term in s), "")
            if len(sentence) > 120:  # a window of 120 characters around the term
                i = max(0, min(sentence.find(term) - 50, len(sentence) - 120))
                sentence = sentence[i : i + 120]
            out.append(sentence)
            if len(out) == n:
                break
    return out + [""] * (n - len(out))


def discover(
    data: Any,
    *,
    kinds: Sequence[str] = ("term", "formula"),
    min_count: int = 5,
    min_docs: int = 2,
    max_len: int = 8,
    min_cohesion: float = 3.0,
    min_entropy: float = 1.0,
    top: int | None = 300,
    lexicon: Any = None,
    text_column: str = "text",
) -> pd.DataFrame:
    """Propose new lexicon entries (terms and numbered formulas) from a corpus.

    Parameters
    ----------
    data : str, list of str, or corpus DataFrame (``doc_id`` + ``text``)
    kinds : subset of ("term", "formula")
    min_count, min_docs : int
        A candidate must occur at least ``min_count`` times in at least ``min_docs`` reports.
    max_len : int
        Longest term, in characters (2-12).
    min_cohesion : float
        Lowest pointwise mutual information (bits) over the cuts of a term in two.
    min_entropy : float
        Lowest left and right boundary entropy (bits).
    top : int or None
        Keep the ``top`` best terms by score (formulas are all kept).
    lexicon :
        The lexicon jieba uses (as :func:`cadretext.tokenize`): terms it already keeps whole
        are not proposed.

    Returns
    -------
    DataFrame
        :data:`DISCOVER_COLUMNS`: ``term, kind ("term" or "formula"), count, n_docs,
        cohesion, left_entropy, right_entropy, score`` (``log2(count) * cohesion *
        min(entropies)`` for terms, empty for formulas), ``jieba`` (the tokens jieba makes of
        it today, joined by ``|``) and two example sentences from different reports. Terms
        come first, best score first; then formulas by ``n_docs``.
    """
    from .rhetoric.base import documents

    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    if not kinds or any(k not in ("term", "formula") for k in kinds):
        raise ParameterError(
            f"kinds must be a non-empty subset of ('term', 'formula'), not {kinds}"
        )
    check_int("min_count", min_count, minimum=1)
    check_int("min_docs", min_docs, minimum=1)
    check_int("max_len", max_len, minimum=2, maximum=12)
    if top is not None:
        check_int("top", top, minimum=1)
    docs = documents(data, text_column)
    parts = []
    if "term" in kinds:
        parts.append(
            _terms(docs, min_count, min_docs, max_len, min_cohesion, min_entropy, top, lexicon)
        )
    if "formula" in kinds:
        parts.append(_formulas(docs, min_docs, lexicon))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=DISCOVER_COLUMNS)
    return pd.concat(parts, ignore_index=True)[DISCOVER_COLUMNS]


def _terms(
    docs: list[tuple[Any, str]],
    min_count: int,
    min_docs: int,
    max_len: int,
    min_cohesion: float,
    min_entropy: float,
    top: int | None,
    lexicon: Any,
) -> pd.DataFrame:
    from sklearn.feature_extraction.text import CountVectorizer

    # runs of Chinese characters, one per "word" for char_wb: n-grams never cross punctuation,
    # and the padding space marks where a run starts or ends (a boundary for the entropies)
    runs = [" ".join(r for r in _RE_NOT_CJK.split(text) if r) for _, text in docs]
    if not any(runs):
        return pd.DataFrame(columns=DISCOVER_COLUMNS)
    vec = CountVectorizer(analyzer="char_wb", ngram_range=(1, max_len + 1), lowercase=False)
    matrix = vec.fit_transform(runs).tocsc()
    counts = matrix.sum(axis=0).A1
    dfs = (matrix > 0).sum(axis=0).A1
    vocab = vec.get_feature_names_out()
    count = {}
    n_docs = {}
    left: dict[str, Counter[str]] = defaultdict(Counter)
    right: dict[str, Counter[str]] = defaultdict(Counter)
    edge_left: Counter[str] = Counter()
    edge_right: Counter[str] = Counter()
    for gram, c, d in zip(vocab, counts, dfs, strict=True):
        core = gram.strip(" ")
        if not core:
            continue
        if gram == core:
            count[core] = int(c)
            n_docs[core] = int(d)
            if len(core) >= 3:  # neighbours of the strings inside it
                right[core[:-1]][core[-1]] += int(c)
                left[core[1:]][core[0]] += int(c)
        else:  # padded by char_wb: the string touches a run boundary
            if gram.startswith(" "):
                edge_left[core] += int(c)
            if gram.endswith(" "):
                edge_right[core] += int(c)
    total = sum(c for g, c in count.items() if len(g) == 1)
    rows = []
    for term, c in count.items():
        if not 2 <= len(term) <= max_len or c < min_count or n_docs[term] < min_docs:
            continue
        if term[0] in _BAD_START or term[-1] in _BAD_END or _BAD_INSIDE & set(term):
            continue
        p = c / total
        cohesion = min(
            math.log2(p / ((count[term[:i]] / total) * (count[term[i:]] / total)))
            for i in range(1, len(term))
        )
        if cohesion < min_cohesion:
            continue
        le = _entropy(list(left[term].values()), edge_left[term])
        re_ = _entropy(list(right[term].values()), edge_right[term])
        if min(le, re_) < min_entropy:
            continue
        rows.append(
            {
                "term": term,
                "kind": "term",
                "count": c,
                "n_docs": n_docs[term],
                "cohesion": round(cohesion, 3),
                "left_entropy": round(le, 3),
                "right_entropy": round(re_, 3),
                "score": round(math.log2(c) * cohesion * min(le, re_), 3),
            }
        )
    terms = [r["term"] for r in rows]
    sentences = _sentences(docs, terms)
    cuts = _cuts_in_context(terms, docs, sentences, lexicon)
    kept = []
    for row, (cut, whole, aligned) in zip(rows, cuts, strict=True):
        # jieba keeps it whole already; a fragment of longer words (委书记 in 市委书记, 南省
        # in 河南省) starts inside a word; a phrase ends on a function word (结束|后)
        if whole >= 0.5 or aligned < 0.5 or _function_piece(cut):
            continue
        row["jieba"] = cut
        kept.append(row)
    rows = kept
    table = pd.DataFrame(rows, columns=DISCOVER_COLUMNS[:9])
    if table.empty:
        return pd.DataFrame(columns=DISCOVER_COLUMNS)
    table = _drop_nested(table)
    table = table.sort_values(["score", "term"], ascending=[False, True], kind="stable")
    if top is not None:
        table = table.head(top)
    examples = [_examples(docs, sentences, t) for t in table["term"]]
    table["example_1"] = [e[0] for e in examples]
    table["example_2"] = [e[1] for e in examples]
    return table.reset_index(drop=True)


# one-character pieces that make a phrase, not a term (结束|后, 更|多, 岁|以下)
_FUNCTION_PIECES = set("后前中内外上下里间多少更很最太再又还也都就才只等及和与或以为被把从向到对给")


def _function_piece(cut: str) -> bool:
    return any(piece in _FUNCTION_PIECES for piece in cut.split("|"))


def _cuts_in_context(
    terms: list[str],
    docs: list[tuple[Any, str]],
    sentences: list[list[str]],
    lexicon: Any,
    sample: int = 20,
) -> list[tuple[str, float, float]]:
    """For each term, from (up to ``sample``) sentences where it occurs, segmented as
    :func:`cadretext.tokenize` segments them: how jieba cuts it in its first sentence (``a|b``),
    the share of occurrences it comes out as one word, and the share whose start and end fall
    on word boundaries (a term jieba merely splits, 脱贫|攻坚, starts and ends on boundaries)."""
    from .tokenize import segment_spans

    seen: dict[str, list[str]] = {t: [] for t in terms}
    for (_, text), split in zip(docs, sentences, strict=True):
        todo = [t for t in terms if len(seen[t]) < sample and t in text]
        if not todo:
            continue
        for sentence in split:
            for t in todo:
                if t in sentence and len(seen[t]) < sample:
                    seen[t].append(sentence)
    sentences = sorted({s for found in seen.values() for s in found})
    spans = dict(zip(sentences, segment_spans(sentences, lexicon=lexicon), strict=True))
    out = []
    for t in terms:
        cut = ""
        whole = aligned = total = 0
        for sentence in seen[t]:
            words = spans[sentence]
            starts = {a for _, a, _ in words}
            ends = {b for _, _, b in words}
            start = sentence.find(t)
            while start >= 0:
                end = start + len(t)
                total += 1
                aligned += start in starts and end in ends
                whole += any(a == start and b == end for _, a, b in words)
                if not cut:
                    cut = "|".join(w for w, a, b in words if a < end and b > start)
                start = sentence.find(t, start + 1)
        out.append((cut, whole / total if total else 0.0, aligned / total if total else 0.0))
    return out


def _drop_nested(table: pd.DataFrame) -> pd.DataFrame:
    """Drop a term that occurs (nearly) only inside one longer candidate (军事化 inside
    半军事化), and a longer one that only pads a shorter with a frequent neighbour."""
    by_term = dict(zip(table["term"], table["count"], strict=True))
    drop = set()
    for term, c in by_term.items():
        for other, oc in by_term.items():
            if other != term and term in other and oc >= 0.8 * c:
                drop.add(term)
                break
    return table[~table["term"].isin(drop)]


def _formulas(docs: list[tuple[Any, str]], min_docs: int, lexicon: Any) -> pd.DataFrame:
    from .lexicons import load_wordlist
    from .rhetoric import numbered_formulas

    frame = pd.DataFrame({"doc_id": range(len(docs)), "text": [t for _, t in docs]})
    found = numbered_formulas(frame, known=None)
    if found.empty:
        return pd.DataFrame(columns=DISCOVER_COLUMNS)
    known = set(load_wordlist("formulas").words)
    rows = []
    for item, grp in found.groupby("item", sort=True):
        # formulas are rarer than words: recurring in min_docs reports is the evidence
        if item in known or grp["doc_id"].nunique() < min_docs:
            continue
        ex = list(dict.fromkeys(grp.drop_duplicates("doc_id")["sentence"]))[:2]
        ex += [""] * (2 - len(ex))
        rows.append(
            {
                "term": item,
                "kind": "formula",
                "count": len(grp),
                "n_docs": grp["doc_id"].nunique(),
                "cohesion": None,
                "left_entropy": None,
                "right_entropy": None,
                "score": None,
                "jieba": "",
                "example_1": ex[0][:120],
                "example_2": ex[1][:120],
            }
        )
    table = pd.DataFrame(rows, columns=DISCOVER_COLUMNS)
    terms = table["term"].tolist()
    cuts = _cuts_in_context(terms, docs, _sentences(docs, terms), lexicon)
    table["jieba"] = [cut for cut, _, _ in cuts]
    return table.sort_values(["n_docs", "count", "term"], ascending=[False, False, True])
