"""Chinese tokenization: jieba with a domain lexicon, stopwords, POS filter, processes, cache.

:func:`tokenize` segments texts with a private :class:`jieba.Tokenizer` (no global jieba state),
loaded with the packaged domain lexicon so that program names, institutions and slogans
(跟班学习, 中央党校, 三高四新, ...) stay whole. Stopwords, punctuation, numbers and single
characters are dropped by default. ``n_jobs > 1`` works in the calling process plus
``n_jobs - 1`` spawn-started workers, each loading the dictionary once; the result is identical
to ``n_jobs=1``. An on-disk cache
(SQLite, keyed by text hash + configuration hash + library versions) makes re-running a notebook
cost almost nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import sys
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import jieba

from ._io import sha256_of
from ._jieba import clear as clear_jieba
from ._jieba import new_pos_tokenizer, new_tokenizer
from ._parallel import progress_bar, resolve_n_jobs
from .errors import ParameterError
from .lexicons import WordList, as_wordlist
from .validation import as_texts, check_choice, check_int

T = TypeVar("T")

__all__ = [
    "TokenCache",
    "TokenizerConfig",
    "choose_backend",
    "default_cache_dir",
    "default_stopwords",
    "make_config",
    "segment_spans",
    "tokenize",
]

TOKENIZER_VERSION = "1"  # bump when the filtering rules change: invalidates cached tokens
_SEP = "\x1f"  # unit separator: never part of a token
# The default lexicon: domain words plus the metaphor lexicon used by rhetoric.py, so that
# every metaphor is one token.
DEFAULT_LEXICON = ("domain_words", "metaphors")
_MIN_LEXICON_FREQ = 2000  # see _lexicon_freq
_MAX_DECISIONS = 2_000_000  # distinct raw tokens remembered per segmenter (see _Segmenter)
_CLEAN_BATCH = 256  # texts cleaned together before they are segmented (see _Segmenter.many)
_HAS_CONTENT = re.compile(r"[\w]", re.UNICODE)
_NUMBER = re.compile(
    r"^(?:[\d.,:：/%％+\-~～]+[万亿千百十]?|[零〇一二两三四五六七八九十百千万亿]+)"
    r"(?:余|多|个|名|年|月|日|号|次|人|位|天|场|期|篇|条|项|家|批)?$"
)

logging.getLogger("jieba").setLevel(logging.WARNING)
jieba.setLogLevel(logging.WARNING)


# --------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class TokenizerConfig:
    """Everything that determines the tokens of a text; hashed into the cache key.

    Build one with :func:`make_config` rather than by hand.
    """

    lexicon: tuple[tuple[str, str], ...]  # (word, tag)
    stopwords: frozenset[str]
    pos: tuple[str, ...] | None
    min_chars: int
    keep_numbers: bool
    hmm: bool
    lexicon_version: str = ""
    backend: str = "jieba"
    clean: bool = False

    @cached_property
    def key(self) -> str:
        return sha256_of(
            [
                TOKENIZER_VERSION,
                f"jieba={getattr(jieba, '__version__', '?')}",
                *(f"{w}\t{t}" for w, t in self.lexicon),
                "\x00stop",
                *sorted(self.stopwords),
                f"\x00pos={','.join(self.pos) if self.pos else ''}",
                f"min={self.min_chars};num={self.keep_numbers};hmm={self.hmm}",
                f"backend={self.backend}={_backend_version(self.backend)}",
                f"clean={self.clean}",
            ]
        )


BACKENDS = ("jieba", "rjieba")


def _backend_version(backend: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(backend)
    except PackageNotFoundError:
        return "?"


def make_config(
    *,
    lexicon: Any = None,
    stopwords: Any = None,
    pos: Iterable[str] | None = None,
    min_chars: int = 2,
    keep_numbers: bool = False,
    hmm: bool = True,
    backend: str = "jieba",
    clean: bool = False,
) -> TokenizerConfig:
    """Resolve :func:`tokenize`'s keyword arguments into a :class:`TokenizerConfig`.

    Settings that name only packaged lists (or none) resolve to the same config object for the
    whole process, so its key (a hash of the whole lexicon) is computed once, not per call.
    """
    if isinstance(pos, str):
        pos = (pos,)
    elif pos is not None:
        pos = tuple(pos)
    args = (lexicon, stopwords, pos, min_chars, keep_numbers, hmm, backend, clean)
    if _packaged_only(lexicon) and _packaged_only(stopwords):
        try:
            hash(args)
        except TypeError:  # an unhashable setting: let the checks below name it
            return _make_config(*args)
        return _packaged_config(*args)
    return _make_config(*args)


def _packaged_only(value: Any) -> bool:
    """None, a bool, or packaged list names: nothing that can change while the process runs."""
    from .lexicons import available

    if value is None or isinstance(value, bool):
        return True
    names = (value,) if isinstance(value, str) else value
    # a file of that name in the working folder would be read instead (load_wordlist)
    return isinstance(names, tuple) and all(
        isinstance(n, str) and n in available() and not os.path.exists(n) for n in names
    )


@lru_cache(maxsize=32)
def _packaged_config(*args: Any) -> TokenizerConfig:
    return _make_config(*args)


def _make_config(
    lexicon: Any,
    stopwords: Any,
    pos: tuple[str, ...] | None,
    min_chars: int,
    keep_numbers: bool,
    hmm: bool,
    backend: str,
    clean: bool,
) -> TokenizerConfig:
    check_choice("backend", backend, BACKENDS)
    if backend == "rjieba":
        try:
            import rjieba  # noqa: F401
        except ImportError:
            raise ParameterError(
                "backend='rjieba' needs the rjieba package: pip install 'cadretext[fast]'"
            ) from None
    lex: WordList | None = as_wordlist(lexicon, DEFAULT_LEXICON)
    if stopwords is None or stopwords is True:
        stop_words = default_stopwords()
    else:
        stop = as_wordlist(stopwords, "stopwords_domain")
        stop_words = set(stop.words if stop else ())
    check_int("min_chars", min_chars, minimum=1)
    lexicon_pairs = tuple((w, _pos_tag(lex.tags.get(w))) for w in lex.words) if lex else ()
    lex_words = {w for w, _ in lexicon_pairs}
    return TokenizerConfig(
        lexicon=lexicon_pairs,
        stopwords=frozenset(stop_words - lex_words),  # a lexicon entry is never a stopword
        pos=tuple(pos) if pos else None,
        min_chars=min_chars,
        keep_numbers=keep_numbers,
        hmm=hmm,
        lexicon_version=lex.version if lex else "",
        backend=backend,
        clean=clean,
    )


def _pos_tag(tag: str | None) -> str:
    """A lexicon tag as a jieba POS tag: jieba's tags are short (n, nz, ns, vn, i, l, eng);
    longer tags are annotations (the metaphor lexicon's source domains) and become ``nz``."""
    return tag if tag and len(tag) <= 3 and tag.isascii() and tag.isalpha() else "nz"


def default_stopwords() -> set[str]:
    """stopwords-iso's Chinese list (a maintained library list) plus ``stopwords_domain``."""
    return set(_default_stopwords())


@lru_cache(maxsize=1)
def _default_stopwords() -> frozenset[str]:
    import stopwordsiso

    return frozenset(stopwordsiso.stopwords("zh")) | frozenset(
        as_wordlist(None, "stopwords_domain").words
    )


# --------------------------------------------------------------------------- segmenter
def _lexicon_freq(suggested: int) -> int:
    # suggest_freq gives the frequency that keeps a word whole when it stands alone; in running
    # text a neighbour can still win a character from it (赴常州跟班学习), so lexicon entries get
    # at least _MIN_LEXICON_FREQ (tests check every entry in sentence context).
    return max(int(suggested), _MIN_LEXICON_FREQ)


class _Segmenter:
    """A private segmenter (jieba or rjieba) loaded with the lexicon, plus the token filter."""

    def __init__(self, config: TokenizerConfig):
        self.config = config
        self.lexicon_words = frozenset(w for w, _ in config.lexicon)
        self._decisions: dict[str, str] = {}  # raw token -> kept form, "" if dropped
        self._posseg: Any = None
        if config.backend == "rjieba":
            import rjieba

            # jieba-rs embeds the same default dictionary as jieba; the lexicon is added with
            # the same frequencies, so the two backends differ only where their HMMs do.
            self.rj = rjieba.Jieba()
            for word, tag in config.lexicon:
                self.rj.add_word(word, _lexicon_freq(self.rj.suggest_freq(word)), tag)
            return
        self.tk = new_tokenizer()  # one load of jieba's dictionary per process (cadretext._jieba)
        for word, tag in config.lexicon:
            self.tk.add_word(word, freq=_lexicon_freq(self.tk.suggest_freq(word, False)), tag=tag)
        if config.pos:
            self._posseg = new_pos_tokenizer(self.tk)

    def keep(self, token: str) -> bool:
        if token in self.lexicon_words:
            return True
        cfg = self.config
        if len(token) < cfg.min_chars or not _HAS_CONTENT.search(token) or token == "_":
            return False
        if not cfg.keep_numbers and _NUMBER.match(token):
            return False
        return token not in cfg.stopwords

    def _pairs(self, text: str) -> Iterable[tuple[str, str]]:
        if self.config.backend == "rjieba":
            return self.rj.tag(text, self.config.hmm)
        return ((p.word, p.flag) for p in self._posseg.cut(text, HMM=self.config.hmm))

    def _words(self, text: str) -> Iterable[str]:
        if self.config.backend == "rjieba":
            return self.rj.cut(text, self.config.hmm)
        return self.tk.cut(text, HMM=self.config.hmm)

    def many(self, texts: Sequence[str]) -> Iterator[list[str]]:
        """The tokens of each text, in order; with cleaning on, the texts are cleaned a batch
        at a time before any of the batch is segmented.

        Alternating the two per text (OpenCC's tables and the cleaning patterns, then the
        segmenter's dictionary, then back) cost a fifth of the rjieba pipeline's time in
        cache misses, measured with both interleaved against both batched; a batch of
        ``_CLEAN_BATCH`` texts keeps the gain and bounds the cleaned copies held at once.
        """
        if not self.config.clean:
            for text in texts:
                yield self._segment(text)
            return
        from .clean import clean_text

        for start in range(0, len(texts), _CLEAN_BATCH):
            for text in [clean_text(t) for t in texts[start : start + _CLEAN_BATCH]]:
                yield self._segment(text)

    def __call__(self, text: str) -> list[str]:
        if self.config.clean:
            from .clean import clean_text

            text = clean_text(text)
        return self._segment(text)

    def _segment(self, text: str) -> list[str]:
        if not text:
            return []
        if self.config.pos:
            prefixes = self.config.pos
            words: Iterable[str] = [
                w
                for w, flag in self._pairs(text)
                if w.strip() in self.lexicon_words or flag.startswith(prefixes)
            ]
        else:
            words = self._words(text)
        # Tokens follow Zipf's law: each distinct token is decided once and the decision kept
        # (the kept form, interned, or "" for a dropped token). A document then costs one
        # C-level pass (filter over map); only words it brings for the first time take the
        # Python path. This loop used to cost as much as rjieba's segmentation itself.
        if not isinstance(words, list):
            words = list(words)
        decisions = self._decisions
        try:
            return list(filter(None, map(decisions.__getitem__, words)))  # one pass
        except KeyError:
            new = set(words).difference(decisions)
            if len(decisions) + len(new) > _MAX_DECISIONS:
                decisions.clear()  # a bounded cache: start over rather than grow without end
                new = set(words)
            for word in new:
                stripped = word.strip()
                decisions[word] = sys.intern(stripped) if stripped and self.keep(stripped) else ""
            return list(filter(None, map(decisions.__getitem__, words)))


_SEGMENTERS: dict[str, _Segmenter] = {}


def _segmenter(config: TokenizerConfig) -> _Segmenter:
    seg = _SEGMENTERS.get(config.key)
    if seg is None:
        seg = _SEGMENTERS[config.key] = _Segmenter(config)
    return seg


def clear_segmenters() -> None:
    """Let go of the segmenters loaded in this process (each holds a dictionary with the
    lexicon, 60-80 MB); the next call loads what it needs again. ``Analysis.prepare(keep=False)``
    (what ``cadretext report`` runs) calls it once the text is tokenized."""
    _SEGMENTERS.clear()
    clear_jieba()


def segment_spans(
    texts: Iterable[str], *, lexicon: Any = None, hmm: bool = True
) -> list[list[tuple[str, int, int]]]:
    """Every jieba word of each text with its offsets, nothing filtered: ``(word, start, end)``.

    The segmentation is the one :func:`tokenize` filters (jieba with ``lexicon``, the same
    frequencies, the same ``hmm``), so a span here is a token there. Use it to ask where word
    boundaries fall, e.g. whether a candidate term is cut (:func:`cadretext.discover.discover`).

    Examples
    --------
    >>> segment_spans(["赴常州跟班学习。"])[0][:3]
    [('赴', 0, 1), ('常州', 1, 3), ('跟班学习', 3, 7)]
    """
    seg = _segmenter(make_config(lexicon=lexicon, hmm=hmm))
    if seg.config.backend != "jieba":  # pragma: no cover - make_config's default is jieba
        raise ParameterError("segment_spans needs the jieba backend")
    return [list(seg.tk.tokenize(text, HMM=hmm)) for text in as_texts(texts, "texts")]


def _worker_run(config: TokenizerConfig, texts: list[str]) -> list[list[str]]:
    # A worker of the reusable pool keeps its segmenters between calls (keyed by the
    # configuration): the dictionary is loaded once per worker, not once per chunk or call.
    return list(_segmenter(config).many(texts))


def choose_backend(texts: Sequence[str], *, sample: int = 300, seed: int = 0) -> dict[str, Any]:
    """The fast backend when it gives this corpus jieba's tokens, else jieba; and why.

    rjieba (jieba-rs) segments many times faster than jieba with the same dictionary and
    lexicon; the two differ only where their HMMs guess unknown words differently, which the
    default filter mostly hides. This checks it on the corpus at hand: ``sample`` texts drawn
    with ``seed`` are tokenized (default settings) by both; rjieba is chosen only if every
    token list is identical.

    Returns
    -------
    dict
        ``backend`` ("jieba" or "rjieba"), ``checked`` (texts compared), ``identical`` (of
        them) and ``reason`` (a sentence for the report).

    Examples
    --------
    >>> choose_backend(["商丘市选派干部赴常州跟班学习。"])["checked"]
    1
    """
    import random

    items = as_texts(texts, "texts")
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return {
            "backend": "jieba",
            "checked": 0,
            "identical": 0,
            "reason": "Segmented with jieba (rjieba, the fast backend, is not installed).",
        }
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(items)), min(sample, len(items))))
    chosen = [items[i] for i in picked]
    fast = _run(chosen, make_config(backend="rjieba"), 1, False)
    slow = _run(chosen, make_config(), 1, False)
    same = sum(a == b for a, b in zip(fast, slow, strict=True))
    if same == len(chosen):
        return {
            "backend": "rjieba",
            "checked": len(chosen),
            "identical": same,
            "reason": (
                f"Segmented with rjieba (jieba-rs, the fast backend): on {len(chosen):,} texts "
                "of this corpus drawn with the seed its tokens are identical to jieba's."
            ),
        }
    return {
        "backend": "jieba",
        "checked": len(chosen),
        "identical": same,
        "reason": (
            f"Segmented with jieba: rjieba's tokens differed from jieba's on "
            f"{len(chosen) - same:,} of {len(chosen):,} texts drawn with the seed."
        ),
    }


# --------------------------------------------------------------------------- cache
def default_cache_dir() -> Path:
    """``$CADRETEXT_CACHE_DIR`` if set, else the platform's user cache folder for cadretext."""
    env = os.environ.get("CADRETEXT_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cadretext"))


class TokenCache:
    """On-disk token cache: one SQLite file, values zlib-compressed (checksummed).

    The cache only ever saves time, so no fault of its own may stop a run or lose a good file:

    * a corrupt entry (bad zlib data) is recomputed and overwritten;
    * a corrupt database -- caught when it is opened, queried or written (``file is not a
      database``, ``database disk image is malformed``) -- is set aside (renamed
      ``tokens.sqlite.corrupt-<time>``) with one warning, and a new one is started;
    * a database locked by another process is waited for (``timeout`` seconds, SQLite's own
      busy handler), then the run goes on **without** the cache (one warning); a locked file is
      never taken for a corrupt one;
    * a folder that cannot be created or written (a file in its place, no permission, disk
      full) also means a run without the cache, with one warning.

    ``hits``, ``misses``, ``corrupt`` (entries) and ``disabled`` (the reason the cache was
    bypassed, or ``None``) say what happened.
    """

    #: SQLite result codes that mean the file itself is damaged (Python >= 3.11 names them).
    _DAMAGED = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})

    def __init__(self, folder: str | os.PathLike[str], *, timeout: float = 30.0):
        self.folder = Path(folder)
        self.path = self.folder / "tokens.sqlite"
        self.timeout = timeout
        self.hits = 0
        self.misses = 0
        self.corrupt = 0
        self.disabled: str | None = None

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=self.timeout)
        try:
            con.execute("CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, value BLOB)")
        except BaseException:
            con.close()
            raise
        return con

    def _bypass(self, reason: str) -> None:
        self.disabled = reason
        warnings.warn(
            f"token cache {self.path}: {reason}; going on without the cache",
            RuntimeWarning,
            stacklevel=4,
        )

    def _set_aside(self, exc: sqlite3.DatabaseError) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        try:
            os.replace(self.path, aside)
        except OSError as err:
            self._bypass(f"is damaged ({exc}) and cannot be moved aside ({err.strerror or err})")
            return
        for suffix in ("-journal", "-wal", "-shm"):  # a journal belongs to the old file
            with contextlib.suppress(OSError):
                os.replace(Path(f"{self.path}{suffix}"), Path(f"{aside}{suffix}"))
        warnings.warn(
            f"token cache {self.path} is unreadable ({exc}); moved it to {aside.name} "
            "and started a new one",
            RuntimeWarning,
            stacklevel=4,
        )

    def _with_db(self, job: Callable[[sqlite3.Connection], T], default: T) -> T:
        """Run ``job`` on a connection; every failure of the cache ends in ``default``."""
        for attempt in range(2):
            if self.disabled is not None:
                return default
            try:
                con = self._connect()
            except OSError as exc:
                self._bypass(f"cannot use the folder ({exc.strerror or exc})")
                return default
            except sqlite3.DatabaseError as exc:
                if not self._damaged(exc) or attempt:
                    self._bypass(str(exc))
                else:
                    self._set_aside(exc)
                continue
            try:
                return job(con)
            except sqlite3.DatabaseError as exc:
                if not self._damaged(exc) or attempt:
                    self._bypass(str(exc))  # locked, read-only, disk full: keep the file
                else:
                    con.close()
                    self._set_aside(exc)
            finally:
                con.close()
        return default

    def _damaged(self, exc: sqlite3.DatabaseError) -> bool:
        name = getattr(exc, "sqlite_errorname", None)
        if name is not None:
            return name in self._DAMAGED
        return not isinstance(exc, sqlite3.OperationalError)

    def get_many(self, keys: Sequence[str]) -> dict[str, list[str]]:
        if not keys:
            return {}

        def job(con: sqlite3.Connection) -> dict[str, list[str]]:
            found: dict[str, list[str]] = {}
            unique = list(dict.fromkeys(keys))
            for start in range(0, len(unique), 500):
                batch = unique[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = con.execute(f"SELECT key, value FROM tokens WHERE key IN ({marks})", batch)
                for key, value in rows:
                    try:
                        text = zlib.decompress(value).decode("utf-8", "surrogatepass")
                    except (zlib.error, UnicodeDecodeError, TypeError):
                        self.corrupt += 1
                        continue
                    found[key] = text.split(_SEP) if text else []
            return found

        return self._with_db(job, {})

    def put_many(self, items: Iterable[tuple[str, list[str]]]) -> None:
        rows = [
            (k, zlib.compress(_SEP.join(v).encode("utf-8", "surrogatepass"), 1)) for k, v in items
        ]
        if not rows:
            return

        def job(con: sqlite3.Connection) -> None:
            with con:
                con.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?)", rows)

        self._with_db(job, None)


def _resolve_cache(cache: Any) -> TokenCache | None:
    if cache is None or cache is False:
        return None
    if isinstance(cache, TokenCache):
        return cache
    if cache is True:
        return TokenCache(default_cache_dir())
    if isinstance(cache, str | os.PathLike):
        return TokenCache(cache)
    raise ParameterError("cache must be None/False, True, a folder path or a TokenCache")


# --------------------------------------------------------------------------- tokenize
def _chunk_size(n_texts: int, n_jobs: int) -> int:
    """Texts per task: about eight tasks per worker to balance the load, at most 500."""
    return max(1, min(500, n_texts // (n_jobs * 8) or 1))


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def tokenize(
    texts: Iterable[str] | Any,
    *,
    lexicon: Any = None,
    stopwords: Any = None,
    pos: Iterable[str] | None = None,
    n_jobs: int = 1,
    cache: Any = None,
    progress: bool = False,
    min_chars: int = 2,
    keep_numbers: bool = False,
    hmm: bool = True,
    backend: str = "jieba",
    clean: bool = False,
) -> list[list[str]]:
    """Segment Chinese texts into filtered token lists, aligned with the input.

    Parameters
    ----------
    texts : iterable of str, Series, or DataFrame with a ``text`` column
        Cleaned texts (see :func:`cadretext.clean_text`); traditional script should be
        converted first (jieba's dictionary is simplified).
    lexicon : None, False, path, packaged name, or iterable of words
        Words kept whole. ``None``: the packaged domain lexicon (``domain_words``, 500+
        program names, institutions, slogans, political phrases) plus the metaphor lexicon
        (``metaphors``); ``False``: none.
    stopwords : None, False, path, packaged name, or iterable of words
        ``None``: stopwords-iso's Chinese list plus the packaged domain list
        (``stopwords_domain``); ``False``: keep every word. Lexicon entries are never dropped.
    pos : iterable of str, optional
        Keep only tokens whose jieba POS tag starts with one of these (``("n", "v", "a")``).
        Slower (jieba.posseg). Lexicon entries are always kept.
    n_jobs : int
        Processes, the calling one included (``-1``: all cores). Results are identical for
        any value.
    cache : None, True, or folder
        On-disk token cache; ``True`` uses :func:`default_cache_dir`. Entries are keyed by the
        text, every setting above and the library versions, so a stale hit is impossible.
    progress : bool
        Show a tqdm progress bar.
    min_chars : int
        Drop tokens shorter than this (default 2: single characters go).
    keep_numbers : bool
        Keep numbers and quantities (``2022``, ``10名``, ``三千``).
    hmm : bool
        Let jieba's HMM guess words not in the dictionary.
    backend : {"jieba", "rjieba"}
        ``"rjieba"`` (``pip install 'cadretext[fast]'``) segments with jieba-rs, the same
        dictionary and lexicon, many times faster; a small share of sentences differ where
        the two HMMs guess unknown words differently (see ``benchmarks/RESULTS.md``).
    clean : bool
        Run :func:`cadretext.clean_text` on each text first, inside the workers: pass raw
        scraped text and get tokens, with cleaning parallelised too.

    Returns
    -------
    list of list of str

    Examples
    --------
    >>> tokenize(["商丘市选派10名年轻干部赴常州跟班学习，助力三高四新。"])
    [['商丘市', '选派', '年轻干部', '常州', '跟班学习', '助力', '三高四新']]
    """
    items = as_texts(texts, "texts")
    config = make_config(
        lexicon=lexicon,
        stopwords=stopwords,
        pos=pos,
        min_chars=min_chars,
        keep_numbers=keep_numbers,
        hmm=hmm,
        backend=backend,
        clean=clean,
    )
    n_jobs = resolve_n_jobs(n_jobs)
    store = _resolve_cache(cache)
    results: list[list[str] | None] = [None] * len(items)
    keys: list[str] = []
    if store is not None:
        keys = [sha256_of([config.key, t]) for t in items]
        found = store.get_many(keys)
        # Tokens read from the cache (or sent back by a worker process) are separate string
        # objects; interning makes every occurrence of a word share one, which cuts the
        # memory of a large corpus's token lists several-fold. Tokens segmented here are
        # interned when first decided (_Segmenter).
        intern = sys.intern
        for i, key in enumerate(keys):
            if key in found:
                hit = found[key]
                hit[:] = map(intern, hit)
                results[i] = hit
        store.hits += sum(r is not None for r in results)
    todo = [i for i, r in enumerate(results) if r is None]
    # identical texts are segmented once
    unique_texts = list(dict.fromkeys(items[i] for i in todo))
    computed = _run(unique_texts, config, n_jobs, progress)
    by_text = dict(zip(unique_texts, computed, strict=True))
    for i in todo:
        results[i] = by_text[items[i]]
    if store is not None:
        store.misses += len(todo)
        store.put_many((keys[i], by_text[items[i]]) for i in todo)
    # A text given twice is segmented (or read from the cache) once, but each position gets its
    # own list (equal, sharing the interned strings): editing one document's tokens must not
    # change another's.
    out: list[list[str]] = []
    seen: set[int] = set()
    for r in results:
        if r is None:
            r = []
        elif id(r) in seen:
            r = r.copy()
        seen.add(id(r))
        out.append(r)
    return out


def _run(texts: list[str], config: TokenizerConfig, n_jobs: int, progress: bool) -> list[list[str]]:
    if not texts:
        return []
    bar = progress_bar(len(texts), progress, "tokenizing", unit="doc")
    try:
        if n_jobs == 1 or len(texts) < 2:
            out = []
            for tokens in _segmenter(config).many(texts):
                out.append(tokens)
                bar.update(1)
            return out
        return _run_parallel(texts, config, n_jobs, bar)
    finally:
        bar.close()


def _run_parallel(
    texts: list[str], config: TokenizerConfig, n_jobs: int, bar: Any
) -> list[list[str]]:
    """``n_jobs`` processes in all: ``n_jobs - 1`` workers of the reusable pool plus this one.

    Workers take chunks from the front of the list, the calling process takes texts one at a
    time from the back, so nothing waits while a worker starts (about a second to import and
    load the dictionary, paid once per Python process: the pool is reused, see
    :mod:`cadretext._parallel`), and chunks shrink as the work runs out so that all processes
    finish together. Under a Dask scheduler the chunks are Dask tasks instead.
    """
    from . import _parallel

    size = _chunk_size(len(texts), n_jobs)
    intern = sys.intern
    if _parallel.current_scheduler() is not None:
        starts = list(range(0, len(texts), size))

        def done(i: int, part: list[list[str]]) -> None:
            bar.update(len(part))

        parts = _parallel.run_tasks(
            _worker_run,
            [(config, texts[s : s + size]) for s in starts],
            n_jobs=n_jobs,
            name="tokenize",
            on_result=done,
        )
        return [[intern(w) for w in toks] for part in parts for toks in part]
    return _parallel.on_pool(
        "tokenize",
        n_jobs - 1,
        lambda pool: _share_with_pool(texts, config, n_jobs, bar, size, pool),
    )


def _share_with_pool(
    texts: list[str], config: TokenizerConfig, n_jobs: int, bar: Any, size: int, pool: Any
) -> list[list[str]]:
    out: list[list[str] | None] = [None] * len(texts)
    workers = n_jobs - 1
    front, back = 0, len(texts)
    pending: dict[Future, int] = {}
    seg: _Segmenter | None = None
    intern = sys.intern
    try:
        while front < back or pending:
            while front < back and len(pending) < 2 * workers:  # two chunks queued per worker
                n = min(size, max(1, (back - front) // (2 * n_jobs)))
                pending[pool.submit(_worker_run, config, texts[front : front + n])] = front
                front += n
            for future in [f for f in pending if f.done()]:
                start = pending.pop(future)
                part = future.result()
                for offset, tokens in enumerate(part):
                    tokens[:] = map(intern, tokens)  # one string object per word (memory)
                    out[start + offset] = tokens
                bar.update(len(part))
            if front < back:
                if seg is None:
                    seg = _segmenter(config)
                back -= 1
                out[back] = seg(texts[back])
                bar.update(1)
            elif pending:
                wait(pending, return_when=FIRST_COMPLETED)
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    return out  # type: ignore[return-value]  # every slot is filled above
