"""What the corpus modules share: the document record, the skipped-input warning and
the sink that collects skipped records."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Any

from ..clean import replace_surrogates
from ..errors import (
    CadretextError,
    MalformedRecordError,
)


def without_surrogates(value: Any) -> Any:
    """``value`` as it can be stored in a table and written out: a string holding lone
    surrogates, which pandas' Arrow strings and UTF-8 refuse, gets them replaced. A file name's
    undecodable bytes (which Python keeps as the surrogates U+DC80-U+DCFF) come back as
    backslash escapes (``name\\xff.txt``), any other lone surrogate as U+FFFD. Anything else is
    returned unchanged."""
    if not isinstance(value, str):
        return value
    replaced = replace_surrogates(value)
    if replaced is value:  # none (most strings)
        return value
    try:
        return os.fsencode(value).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name decoding makes (JSON's "\ud800")
        return replaced


class SkippedInputWarning(UserWarning):
    """A file or record was skipped while loading a corpus; the message names it and why."""


@dataclass
class Doc:
    doc_id: str
    path: str
    raw_text: str
    encoding: str
    meta: dict[str, Any]


class Sink(list):
    """Collects skipped records, or raises at the first one when errors='raise'."""

    def __init__(self, target: list, errors: str):
        super().__init__()
        self._target = target
        self.errors = errors

    def append(self, item: dict) -> None:
        if self.errors == "raise":
            raise MalformedRecordError(item["path"], item["problem"], line=item["line"])
        self._target.append(item)


def skip(skipped: list, exc: CadretextError) -> None:
    skipped.append(
        {
            "path": getattr(exc, "path", None),
            "line": getattr(exc, "line", None),
            "problem": getattr(exc, "problem", str(exc)),
        }
    )
    warnings.warn(f"skipped {exc}", SkippedInputWarning, stacklevel=4)


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""
