"""What the corpus modules share: the document record, the skipped-input warning and
the sink that collects skipped records."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from ..errors import (
    CadretextError,
    MalformedRecordError,
)


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
