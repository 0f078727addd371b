"""Small I/O helpers shared by the modules: atomic writes, content hashes, JSON Lines."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically: a reader sees the old file or the new one, never half.

    The text goes to a temporary file in the same folder, which then replaces ``path``. See
    :func:`atomic_write_bytes` for what ``path`` may be.
    """
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: str | Path, data: bytes | Sequence[bytes]) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then replace).

    ``data`` may be a list of byte strings, written one after the other (a header and a large
    payload need not be joined into a third copy first).

    ``path`` must be a regular file or a new path: a folder, a device, a FIFO or a socket is
    never replaced (``-o /dev/null`` would otherwise turn the device into a file), and a place
    that cannot be written is a one-line :class:`~cadretext.errors.OutputError` naming it.
    """
    parts = [data] if isinstance(data, bytes | bytearray | memoryview) else data

    def write(fh: BinaryIO) -> None:
        for part in parts:
            fh.write(part)

    return atomic_write_with(path, write)


def atomic_write_with(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Like :func:`atomic_write_bytes`, with ``write(fh)`` writing the content into the open
    temporary file (seekable): a large object can be serialised straight into it, never held
    as one byte string. Whatever ``write`` raises is raised, and the file is not replaced."""
    from .errors import OutputError

    path = Path(path)
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise OutputError(path, f"is {kind}; cadretext writes only regular files or new paths")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(path, f"cannot write here ({exc.strerror or exc})") from None
    try:
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp creates 0600; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(path, f"cannot write here ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sha256_of(parts: Iterable[str | bytes]) -> str:
    """Hex SHA-256 of a sequence of strings/bytes, each part length-prefixed (no ambiguity)."""
    h = hashlib.sha256()
    for part in parts:
        # surrogatepass: a lone surrogate (from a JSON escape) still hashes, to its own key
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def import_jionlp() -> Any:
    """The ``jionlp`` module, imported with its start-up banner kept out of standard output
    (the CLI writes JSONL there)."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp
    return jionlp


def json_objects(path: str | Path, text: str) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` of each non-blank line of a JSON Lines file's ``text``.

    A line that is not JSON, or not a JSON object, raises a one-line
    :class:`~cadretext.errors.InputFileError` naming ``path`` and the line.
    """
    from .errors import InputFileError

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"not valid JSON ({exc.msg})", line=number) from None
        if not isinstance(record, dict):
            raise InputFileError(path, "each line must be one JSON object", line=number)
        yield number, record
