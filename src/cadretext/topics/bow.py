"""Bag of words for topic models: gensim dictionaries in memory or streamed from disk."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import NoTopicModelError, ParameterError
from ..validation import (
    check_int,
    check_number,
    check_token_lists,
    iter_token_lists,
)


class EmptyDocumentsWarning(UserWarning):
    """Some documents had no word left after filtering and were left out of the model."""


# --------------------------------------------------------------------------- bag of words
class _TokenFile:
    """Re-iterable token lists stored one JSON array per line (the streaming path's texts)."""

    def __init__(self, path: Path, dropped: Iterable[int] = (), n_docs: int | None = None):
        self.path = Path(path)
        self.dropped = frozenset(dropped)
        self.n_docs = n_docs

    def __iter__(self) -> Iterator[list[str]]:
        with self.path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i not in self.dropped:
                    yield json.loads(line)

    def __len__(self) -> int:
        if self.n_docs is None:
            with self.path.open(encoding="utf-8") as fh:
                self.n_docs = sum(1 for _ in fh)
        return self.n_docs - len(self.dropped)


class PackedBow(Sequence):
    """Bags of words held as three NumPy arrays instead of lists of ``(id, count)`` tuples.

    A Python tuple of two ints costs about 100 bytes; here a nonzero costs 8. Indexing and
    iterating give the same lists of ``(int, int)`` tuples as the original, built on the fly,
    so gensim and every function that reads a corpus take it as they take the list. An
    :class:`LdaResult` is pickled with its corpus packed this way: on 10,000 synthetic reports
    (about 87,000 paragraphs) the kernel of the topics notebook, which reads the two stored
    models, peaked at 0.7 GB instead of 1.27 GB. (gensim's own ``Sparse2Corpus`` yields NumPy scalars and float counts, which would
    not compare equal to the lists it replaces.)
    """

    def __init__(self, docs: Iterable[Sequence[tuple[int, int]]]):
        lengths, ids, counts = [], [], []
        for doc in docs:
            lengths.append(len(doc))
            for wid, count in doc:
                ids.append(wid)
                counts.append(count)
        self.indptr = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        self.ids = np.asarray(ids, dtype=np.int64)
        self.counts = np.asarray(counts, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]  # negative indices, and IndexError past the end
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        return list(zip(self.ids[a:b].tolist(), self.counts[a:b].tolist(), strict=True))

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        bounds, ids, counts = self.indptr.tolist(), self.ids.tolist(), self.counts.tolist()
        for a, b in pairwise(bounds):
            yield list(zip(ids[a:b], counts[a:b], strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedBow):
            return all(
                np.array_equal(a, b)
                for a, b in zip(
                    (self.indptr, self.ids, self.counts),
                    (other.indptr, other.ids, other.counts),
                    strict=True,
                )
            )
        if isinstance(other, list):
            return len(other) == len(self) and all(
                list(a) == b for a, b in zip(other, self, strict=True)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PackedBow({len(self)} documents, {len(self.ids)} nonzeros)"


@dataclass(repr=False)
class BowCorpus:
    """A gensim Dictionary and bag-of-words corpus, with the documents that were dropped.

    Attributes
    ----------
    dictionary : gensim.corpora.Dictionary
        Vocabulary after ``filter_extremes``.
    corpus : PackedBow or gensim.corpora.MmCorpus
        One bag of words per *kept* document: in memory a :class:`PackedBow` (it reads as a
        list of ``(id, count)`` lists), an ``MmCorpus`` streamed from disk on the streaming
        path.
    texts : iterable of list of str
        The kept documents' tokens (for c_v / c_npmi coherence), re-iterable.
    kept : numpy.ndarray
        Positions (in the input) of the kept documents, in corpus order.
    dropped : list of int
        Positions of the documents that ended up empty and were dropped.
    n_docs : int
        Number of input documents.
    params : dict
        ``no_below``, ``no_above``, ``keep_n``.
    path : Path or None
        Folder of the serialised corpus on the streaming path.
    """

    dictionary: Any
    corpus: Any
    texts: Any
    kept: np.ndarray
    dropped: list[int]
    n_docs: int
    params: dict[str, Any]
    path: Path | None = None

    def __repr__(self) -> str:
        where = f", path={str(self.path)!r}" if self.path else ""
        return (
            f"BowCorpus(n_docs={self.n_docs}, kept={len(self.kept)}, dropped={len(self.dropped)}, "
            f"vocab={len(self.dictionary)}{where})"
        )


def check_k_against_units(name: str, k: int, bow: BowCorpus) -> None:
    """K topics need at least K units with words left (more topics than units cannot be told
    apart, and the fit's time grows with K for nothing)."""
    check_int(
        name,
        k,
        minimum=2,
        maximum=len(bow.kept),
        maximum_name="the number of units with words left",
    )


def _is_in_memory(tokens: Any) -> bool:
    return isinstance(tokens, list | tuple | pd.Series | np.ndarray)


def build_bow(
    tokens: Iterable[Sequence[str]],
    *,
    no_below: int = 2,
    no_above: float = 0.5,
    keep_n: int | None = 100_000,
    stream_to: str | os.PathLike[str] | None = None,
    warn_dropped: bool = True,
) -> BowCorpus:
    """Build the gensim Dictionary and bag-of-words corpus; drop and report empty documents.

    Words in fewer than ``no_below`` documents or in more than ``no_above`` (a share) of them are
    removed, then only the ``keep_n`` most frequent are kept (gensim's ``filter_extremes``).
    Documents left with no word are dropped (gensim's coherence hangs on empty documents) and
    listed in ``.dropped``; an :class:`EmptyDocumentsWarning` says how many.

    Parameters
    ----------
    tokens : list of list of str, or an iterable / generator of them
        A list (or tuple, Series) is handled in memory. Any other iterable, or any input with
        ``stream_to``, takes the streaming path: tokens are read once, spooled to
        ``tokens.jsonl`` and the corpus is serialised with gensim's ``MmCorpus``, so memory
        grows with the vocabulary, not with the number of documents.
    no_below : int, default 2
        Minimum document frequency. A word seen in one document cannot define a co-occurrence
        theme.
    no_above : float, default 0.5
        Maximum document share (0, 1]. With very few units (say under 20), raise it.
    keep_n : int or None, default 100000
        Keep at most this many words (None: all).
    stream_to : path, optional
        Folder for the streamed corpus (``tokens.jsonl``, ``corpus.mm``, ``dictionary.dict``).
        A one-shot iterator without ``stream_to`` streams to a temporary folder that is removed
        when the corpus object is garbage-collected.
    warn_dropped : bool, default True
        Warn when documents are dropped.

    Returns
    -------
    BowCorpus

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     bow = build_bow([["党校", "授课"], ["党校", "授课"], ["罕见"]], no_above=1.0)
    >>> bow.dropped, sorted(bow.dictionary.token2id), caught[0].category.__name__
    ([2], ['党校', '授课'], 'EmptyDocumentsWarning')
    """
    no_below = check_int("no_below", no_below, minimum=1)
    check_number("no_above", no_above, minimum=0, maximum=1, low_open=True)
    if keep_n is not None:
        keep_n = check_int("keep_n", keep_n, minimum=1)
    params = {"no_below": no_below, "no_above": float(no_above), "keep_n": keep_n}
    if stream_to is None and _is_in_memory(tokens):
        bow = _bow_in_memory(list(tokens), params)
    else:
        bow = _bow_streaming(tokens, params, stream_to)
    if warn_dropped:
        warn_about_dropped(bow, stacklevel=2)
    return bow


def warn_about_dropped(bow: BowCorpus, stacklevel: int) -> None:
    if not bow.dropped:
        return
    p = bow.params
    shown = ", ".join(map(str, bow.dropped[:10])) + (", ..." if len(bow.dropped) > 10 else "")
    warnings.warn(
        f"{len(bow.dropped)} of {bow.n_docs} documents have no word left after filtering "
        f"(no_below={p['no_below']}, no_above={p['no_above']}) and were dropped: positions {shown}",
        EmptyDocumentsWarning,
        stacklevel=stacklevel + 1,
    )


def _filter(dictionary: Any, params: dict[str, Any], n_docs: int) -> None:
    if n_docs == 0:
        raise ParameterError("tokens: no documents given")
    dictionary.filter_extremes(
        no_below=params["no_below"], no_above=params["no_above"], keep_n=params["keep_n"]
    )
    if len(dictionary) == 0:
        raise NoTopicModelError(
            f"no word occurs in at least no_below={params['no_below']} and at most "
            f"no_above={params['no_above']} of the {n_docs} documents; lower no_below or raise "
            "no_above"
        )


def _bow_in_memory(tokens: list[Any], params: dict[str, Any]) -> BowCorpus:
    from gensim.corpora import Dictionary

    docs = check_token_lists(tokens)
    dictionary = Dictionary(docs)
    _filter(dictionary, params, len(docs))
    bows = [dictionary.doc2bow(d) for d in docs]
    kept = [i for i, b in enumerate(bows) if b]
    dropped = [i for i, b in enumerate(bows) if not b]
    return BowCorpus(
        dictionary=dictionary,
        # packed: the bags read back as the same lists, at a tenth of the memory (PackedBow)
        corpus=PackedBow(bows[i] for i in kept),
        texts=[docs[i] for i in kept],
        kept=np.asarray(kept, dtype=np.int64),
        dropped=dropped,
        n_docs=len(docs),
        params=params,
    )


def _bow_streaming(
    tokens: Iterable[Any], params: dict[str, Any], stream_to: str | os.PathLike[str] | None
) -> BowCorpus:
    from gensim.corpora import Dictionary, MmCorpus

    temporary = stream_to is None
    root = Path(tempfile.mkdtemp(prefix="cadretext-bow-")) if temporary else Path(stream_to)
    root.mkdir(parents=True, exist_ok=True)
    tok_path = root / "tokens.jsonl"
    dictionary = Dictionary()
    n_docs = 0
    # pass 1: vocabulary, spooling the tokens so that a generator need be read only once
    with tok_path.open("w", encoding="utf-8") as fh:
        for doc in iter_token_lists(tokens):
            dictionary.add_documents([doc])
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            n_docs += 1
    _filter(dictionary, params, n_docs)
    dropped: list[int] = []

    def bows() -> Iterator[list[tuple[int, int]]]:
        for i, doc in enumerate(_TokenFile(tok_path)):
            bow = dictionary.doc2bow(doc)
            if bow:
                yield bow
            else:
                dropped.append(i)

    # pass 2: the corpus goes straight to disk (Matrix Market + offset index)
    mm_path = root / "corpus.mm"
    MmCorpus.serialize(str(mm_path), bows(), id2word=dictionary)
    dictionary.save(str(root / "dictionary.dict"))
    corpus = MmCorpus(str(mm_path))
    if temporary:
        weakref.finalize(corpus, shutil.rmtree, str(root), ignore_errors=True)
    dropped_set = set(dropped)
    kept = np.fromiter((i for i in range(n_docs) if i not in dropped_set), dtype=np.int64)
    return BowCorpus(
        dictionary=dictionary,
        corpus=corpus,
        texts=_TokenFile(tok_path, dropped, n_docs),
        kept=kept,
        dropped=dropped,
        n_docs=n_docs,
        params=params,
        path=root,
    )
