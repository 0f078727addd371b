"""On-disk store of the pipeline's intermediate results, so each is computed once.

A report reads one corpus six times (one notebook per page) and asks for the same things each
time: the loaded and cleaned corpus, its units, their tokens, the classifier's labels, the
rhetoric items, the K sweep, the fitted topic models. :class:`ArtifactStore` keeps each of them
in the cache folder, keyed by everything that determines it:

* the name of the step and its settings (unit, seed, K range, tokenizer backend, ...);
* the keys of the artifacts it was computed from (so a new corpus changes every key
  downstream), and at the root the bytes of the corpus files themselves
  (:func:`source_fingerprint`);
* the code: a hash of cadretext's own source and data files (lexicons, packaged model) and the
  versions of the libraries that compute (:func:`code_fingerprint`). A stale entry cannot be
  hit after an upgrade or an edit of the package.

Entries are pickles (pandas frames, token lists and gensim models all pickle) behind a small
header holding the SHA-256 of the payload: an entry that fails its checksum or does not
unpickle is counted in ``corrupt`` and recomputed. Entries are written atomically, so a reader
never sees half of one, and two runs that compute the same entry write the same bytes. As
with the token cache, no fault of the store may stop a run: a folder that cannot be written
means one warning and a run that computes without storing.

While ``cadretext report`` prepares the results, its notebooks already run (on small corpora):
a notebook's kernel, told the producer's marker file by :func:`wait_for_producer`, waits for
an entry that is missing while the producing process lives, instead of computing it a second
time beside it.

The store only ever saves time; ``cadretext cache --clear`` (or deleting the folder) loses
nothing. Pickles are code: the store reads only the folder it wrote, under the user's cache
directory.

Examples
--------
>>> import tempfile
>>> store = ArtifactStore(tempfile.mkdtemp())
>>> store.get("square", [3], lambda: 3 * 3), store.get("square", [3], lambda: 0)
(9, 9)
>>> store.computed["square"], store.loaded["square"]
(1, 1)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar

from ._io import atomic_write_with, sha256_of

T = TypeVar("T")

__all__ = [
    "ArtifactStore",
    "code_fingerprint",
    "default_store_dir",
    "producing",
    "source_fingerprint",
    "wait_for_producer",
]

_MAGIC = b"cadretext-artifact-1\n"
#: Libraries whose results are stored; their versions are part of every key.
_LIBRARIES = (
    "jieba",
    "rjieba",
    "gensim",
    "scikit-learn",
    "numpy",
    "pandas",
    "scipy",
    "opencc",
    "jionlp",
    "ahocorasick-rs",
)


def default_store_dir() -> Path:
    """``artifacts/`` in :func:`cadretext.tokenize.default_cache_dir` (``$CADRETEXT_CACHE_DIR``)."""
    from .tokenize import default_cache_dir

    return default_cache_dir() / "artifacts"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of cadretext's installed source and data files plus the computing libraries'
    versions: part of every artifact key, so an edit or an upgrade never meets a stale entry."""
    root = Path(__file__).resolve().parent
    parts: list[str | bytes] = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix not in {".pyc"} and "__pycache__" not in path.parts:
            parts += [str(path.relative_to(root)), path.read_bytes()]
    for name in _LIBRARIES:
        try:
            parts.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}=-")
    return sha256_of(parts)[:20]


def source_fingerprint(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> str:
    """Hash of the files a corpus is loaded from: their names (relative to each path given)
    and bytes, hidden files left out as :func:`cadretext.load_corpus` leaves them out.

    Copying a corpus folder elsewhere keeps the hash; editing, adding or removing one file
    changes it.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    h = hashlib.sha256()
    for top in (Path(p) for p in paths):
        files = [top] if top.is_file() else []
        if top.is_dir():
            for root, dirs, names in os.walk(top, followlinks=True):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [Path(root) / n for n in sorted(names) if not n.startswith(".")]
        h.update(b"\x00top\x00")
        for f in files:
            rel = f.name if f == top else str(f.relative_to(top))
            h.update(rel.encode("utf-8", "surrogateescape") + b"\x00")
            try:
                with open(f, "rb") as fh:
                    for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        h.update(block)
            except OSError:
                h.update(b"\x00unreadable\x00")  # load_corpus reports it; the key just differs
    return h.hexdigest()[:20]


class _HashingWriter:
    """A file's ``write`` that also feeds what it writes to a SHA-256."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()

    def write(self, data: Any) -> int:
        self.sha.update(data)
        return self.fh.write(data)


class ArtifactStore:
    """Named results on disk, each computed once per key.

    Parameters
    ----------
    folder : path, optional
        Where entries live; default :func:`default_store_dir`.

    Attributes
    ----------
    computed, loaded : collections.Counter
        Per step name, how many times it was computed here and how many times read from disk
        (a warm run computes nothing: ``sum(store.computed.values()) == 0``).
    waited : collections.Counter
        Entries waited for while a producer prepared them (:func:`wait_for_producer`).
    corrupt : int
        Entries that failed their checksum or did not unpickle, and were recomputed.
    disabled : str or None
        Why entries are not being written (folder not writable), or None.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None):
        self.folder = Path(folder) if folder is not None else default_store_dir()
        self.computed: Counter[str] = Counter()
        self.loaded: Counter[str] = Counter()
        #: Entries this process waited for while another process prepared them.
        self.waited: Counter[str] = Counter()
        self.corrupt = 0
        self.disabled: str | None = None

    def key(self, name: str, parts: Sequence[Any]) -> str:
        """The key of step ``name`` with inputs ``parts`` (strings, numbers, tuples, keys)."""
        return sha256_of([name, code_fingerprint(), *(repr(p) for p in parts)])[:32]

    def path(self, name: str, key: str) -> Path:
        return self.folder / f"{name}-{key}.pkl"

    def get(self, name: str, parts: Sequence[Any], compute: Callable[[], T]) -> T:
        """The stored value of ``name`` for ``parts``, or ``compute()``, stored for next time.

        In a process told of a producer (:func:`wait_for_producer`), a missing entry is first
        waited for while the producer lives: it is then read, not computed a second time.
        """
        path = self.path(name, self.key(name, parts))
        found = self._read(path)
        if found is _MISSING and _await_entry(path):
            self.waited[name] += 1
            found = self._read(path)
        if found is not _MISSING:
            self.loaded[name] += 1
            return found  # type: ignore[return-value]
        value = compute()
        self.computed[name] += 1
        self._write(path, value)
        return value

    def put(self, name: str, parts: Sequence[Any], value: Any) -> None:
        """Store ``value`` as ``name`` for ``parts`` (a step that computes two results at once
        stores the second with it); counted as computed."""
        self.computed[name] += 1
        self._write(self.path(name, self.key(name, parts)), value)

    def has(self, name: str, parts: Sequence[Any]) -> bool:
        """Whether an entry exists (it may still turn out corrupt when read)."""
        return self.path(name, self.key(name, parts)).is_file()

    # An entry is _MAGIC, the SHA-256 of the pickle, then the pickle. Both ways the pickle is
    # streamed through the file: a payload held whole as bytes beside the object was the peak
    # of a worker's memory (the rhetoric items of 10,000 reports pickle to 170 MB).
    def _read(self, path: Path) -> Any:
        try:
            fh = path.open("rb")
        except OSError:  # missing, or unreadable: computed again
            return _MISSING
        with fh:
            try:
                head = fh.read(len(_MAGIC) + 32)
                digest = hashlib.file_digest(fh, "sha256").digest()
                fh.seek(len(_MAGIC) + 32)
            except OSError:
                return _MISSING
            if not head.startswith(_MAGIC) or head[len(_MAGIC) :] != digest:
                self.corrupt += 1
                return _MISSING
            try:
                return pickle.load(fh)
            except Exception:  # an unpicklable entry is one to recompute, whatever the reason
                self.corrupt += 1
                return _MISSING

    def _write(self, path: Path, value: Any) -> None:
        if self.disabled is not None:
            return
        from .errors import OutputError

        def write(fh: Any) -> None:
            fh.write(_MAGIC)
            fh.write(bytes(32))  # the digest, once the pickle is written
            hashed = _HashingWriter(fh)
            pickle.dump(value, hashed, protocol=pickle.HIGHEST_PROTOCOL)
            fh.seek(len(_MAGIC))
            fh.write(hashed.sha.digest())

        try:
            atomic_write_with(path, write)
        except OutputError as exc:
            self.disabled = str(exc)
            warnings.warn(
                f"artifact store {self.folder}: {exc}; going on without storing results",
                RuntimeWarning,
                stacklevel=3,
            )
        except Exception as exc:  # a value that cannot be pickled is simply not stored
            warnings.warn(f"artifact {path.name} not stored: {exc}", RuntimeWarning, stacklevel=3)

    def size(self) -> int:
        """Bytes the store's entries take on disk."""
        if not self.folder.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.folder.glob("*.pkl"))

    def clear(self) -> int:
        """Delete every entry; returns how many were deleted."""
        n = 0
        if self.folder.is_dir():
            for p in self.folder.glob("*.pkl"):
                p.unlink(missing_ok=True)
                n += 1
        return n


class _Missing:
    pass


_MISSING = _Missing()


# ------------------------------------------------------------------ a producer and its readers
# The producer (cadretext report's own process) writes its process id into a marker file for
# as long as it prepares; a reader told that file (a notebook's kernel) waits for a missing
# entry while the file names a living process. Written here, not taken from a library: the
# handshake is one file and a poll, and the store's atomic writes already make an entry's
# appearance the moment it is complete.
_PRODUCER: dict[str, Any] = {"marker": None}
#: Seconds between two looks for an awaited entry.
POLL_S = 0.05


def wait_for_producer(marker: str | os.PathLike[str] | None) -> None:
    """From now on, in this process, wait for a missing store entry while the process named in
    ``marker`` (a file :func:`producing` wrote) is alive; ``None``: never wait (the default).

    ``cadretext report`` calls it in each notebook's first cell, so that a notebook started
    while the analysis is being prepared reads each result once it is stored.
    """
    _PRODUCER["marker"] = None if marker is None else os.fspath(marker)


def _producer_alive() -> bool:
    marker = _PRODUCER["marker"]
    if marker is None:
        return False
    try:
        pid = int(Path(marker).read_text(encoding="ascii"))
    except (OSError, ValueError):  # gone: the producer has finished
        return False
    if pid == os.getpid():  # the producer itself computes what it misses
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def _await_entry(path: Path) -> bool:
    """Wait for a missing ``path`` until it exists or no producer is alive; whether it came.
    An entry that is there already (one that did not read: corrupt) is not waited for."""
    if path.is_file() or not _producer_alive():
        return False
    while not path.is_file():
        if not _producer_alive():
            return path.is_file()
        time.sleep(POLL_S)
    return True


@contextlib.contextmanager
def producing() -> Any:
    """A marker file naming this process, for the ``with`` block's duration: hand its path to
    :func:`wait_for_producer` in the processes that read what this one prepares."""
    fd, name = tempfile.mkstemp(prefix="cadretext-producer-", suffix=".pid")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(str(os.getpid()))
        yield name
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
