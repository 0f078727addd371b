"""Bytes to text: BOMs, UTF-8/16, GB18030 and Big5, with a clear error for binary or
undecodable files."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import (
    BinaryFileError,
    DecodingError,
    EmptyFileError,
    InputFileError,
)

# --------------------------------------------------------------------------- decoding
BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]
# Encodings Chinese news text is actually found in; restricting the detector to them avoids
# exotic single-byte guesses on short texts.
_CANDIDATES = ["utf_8", "gb18030", "big5", "big5hkscs"]


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode the bytes of a text file, returning ``(text, encoding)``.

    Raises
    ------
    EmptyFileError, BinaryFileError, DecodingError
        Naming ``path``.
    """
    if not data.strip():
        raise EmptyFileError(path, "the file is empty or holds only whitespace")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodingError(path, f"starts with a {encoding} mark but {exc}") from None
            if encoding == "utf-8-sig":
                encoding = "utf-8"
            return check_text(text, path), f"{encoding} (BOM)"
    if b"\x00" in data:
        found = _utf16_without_bom(data) if b"\x00" in data[:8192] else None
        if found is not None:
            return check_text(found[0], path), found[1]
        binary = BinaryFileError(
            path, "this is a binary file (it contains NUL bytes), not text; remove it or convert it"
        )
        nuls = data.count(b"\x00")
        if nuls > max(_STRAY_NULS, len(data) // 1000):
            raise binary
        # A few NUL bytes in otherwise readable text (a scraper's padding, a broken write)
        # carry no content: the text is read without them, and the encoding says so. Random
        # binary data holds one NUL in 256 bytes, more than this allows, and what slips
        # through still has to decode and pass check_text's test for control characters.
        try:
            text, encoding = _decode_plain(data.replace(b"\x00", b""), path)
        except DecodingError:
            raise binary from None
        return text, f"{encoding} ({nuls} stray NUL byte{'s' if nuls > 1 else ''} dropped)"
    return _decode_plain(data, path)


# A file may hold this many stray NUL bytes, or one per thousand bytes if that is more.
_STRAY_NULS = 8


def _decode_plain(data: bytes, path: str | Path) -> tuple[str, str]:
    """Bytes without BOM or NUL: UTF-8 if they decode as it, else the detector's choice."""
    try:
        return check_text(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Only lines with non-ASCII bytes tell GB18030 from Big5: in a file that is mostly ASCII
    # (a JSONL export with long English fields, say) the detector otherwise sees a tie and may
    # pick the wrong one, turning every Chinese character into another.
    informative = b"\n".join(_NON_ASCII_LINE.findall(data)) or data
    best = from_bytes(informative, cp_isolation=_CANDIDATES).best()
    failure = (
        "cannot decode the file as UTF-8, GB18030/GBK or Big5; "
        "re-save it as UTF-8 or pass encoding=..."
    )
    if best is None:
        raise DecodingError(path, failure)
    try:
        text = data.decode(best.encoding)
    except UnicodeDecodeError:
        raise DecodingError(path, failure) from None
    return check_text(text, path), best.encoding.replace("_", "-")


_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")

# What Chinese text is made of: ASCII, CJK punctuation, ideographs, full-width forms.
_PLAUSIBLE = re.compile("[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u3000-\u9fff\uff00-\uffef]")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` if ``data`` reads as UTF-16 text without a byte-order mark, else None.

    Written by hand because the detector (charset_normalizer) is limited to the encodings
    Chinese news comes in and would call such a file binary. The evidence: the NUL bytes (high
    bytes of ASCII characters: line breaks, digits, punctuation) sit almost all at odd offsets
    (little-endian) or even ones (big-endian), the bytes decode strictly, and the characters
    are what Chinese text is made of.
    """
    head = data[: 8192 - 8192 % 2]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for encoding, nuls, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls < 2 or others > nuls // 4 + 1:  # NULs at one parity, a few strays allowed
            continue
        try:
            text = data[: len(data) - len(data) % 2].decode(encoding)
        except UnicodeDecodeError:
            return None
        sample = text[:4096]
        if len(data) % 2 == 0 and len(_PLAUSIBLE.findall(sample)) >= 0.9 * len(sample):
            return text, f"{encoding} (no BOM)"
        return None
    return None


def check_text(text: str, path: str | Path) -> str:
    if not text.strip():
        raise EmptyFileError(path, "the file is empty or holds only whitespace")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    if controls > 0.05 * len(sample):
        raise BinaryFileError(path, "this looks like a binary file (many control characters)")
    return text


def read_text_file(path: str | Path, *, encoding: str | None = None) -> tuple[str, str]:
    """Read a file as text, detecting its encoding unless ``encoding`` is given.

    Returns ``(text, encoding_used)``; raises :class:`~cadretext.errors.InputFileError`
    subclasses naming the file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror or exc})") from None
    if encoding is None:
        return decode_bytes(data, path)
    if not data.strip():
        raise EmptyFileError(path, "the file is empty or holds only whitespace")
    try:
        return check_text(data.decode(encoding), path), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodingError(path, f"cannot decode as {encoding}: {exc}") from None
