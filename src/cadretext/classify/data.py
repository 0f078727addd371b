"""Where labelled examples come from: the packaged examples, labelled JSONL files, sites.

* :func:`packaged_examples` — the five labelled seed reports and 174 short reports written for
  this project (``lexicons/program_seeds.csv`` and ``lexicons/program_examples.jsonl``), shipped
  with the package: every classifier is trained on them besides your labels (they teach the
  formats a handful of real labels may not cover).
* :func:`read_labelled_jsonl` — a labelled JSONL file such as ``../shared/data/real_reports.jsonl``
  (``id``, ``url``, ``label``, ``text``, and optional ``confidence``, ``script``), with each
  report's site.
* :func:`site_of` — the site of a URL (its registered domain: ``news.zjol.com.cn`` and
  ``www.zjol.com.cn`` are one site), the unit of grouped cross-validation: copies of one story
  on one site must not sit on both sides of a split.
"""

from __future__ import annotations

import io
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from .._io import json_objects, sha256_of
from ..clean import clean_text
from ..errors import InputFileError, MissingColumnError, ParameterError
from .labels import normalise_label

__all__ = ["packaged_examples", "read_labelled_jsonl", "site_of"]


def site_of(url: str | None) -> str:
    """The registered domain of ``url`` (``zjol.com.cn``), the host for an IP address, or "".

    Examples
    --------
    >>> site_of("https://news.zjol.com.cn/a/1.html"), site_of("http://47.105.124.64:8003/x")
    ('zjol.com.cn', '47.105.124.64')
    """
    from tld import get_fld

    if not url or not isinstance(url, str):
        return ""
    found = get_fld(url, fail_silently=True, fix_protocol=True)
    if found:
        return found.lower()
    host = urlparse(url if "//" in url else f"//{url}").hostname
    return (host or "").lower()


@lru_cache(maxsize=1)
def _packaged_frame() -> pd.DataFrame:
    lexicons = resources.files("cadretext.lexicons")
    text = (lexicons / "program_seeds.csv").read_text("utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    seeds = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    seeds = pd.DataFrame(
        {
            "id": seeds["doc_id"],
            "set": "seeds",
            "label": seeds["program_type"],
            "text": seeds["text"],
        }
    )
    lines = (lexicons / "program_examples.jsonl").read_text("utf-8").splitlines()
    written = pd.DataFrame([json.loads(line) for line in lines if line.strip()])
    frame = pd.concat([seeds, written[["id", "set", "label", "text"]]], ignore_index=True)
    # the written reports imitate raw pages (traditional script, glosses): clean them once here
    frame["text"] = [clean_text(t) for t in frame["text"]]
    return frame


def packaged_examples() -> pd.DataFrame:
    """The packaged labelled examples: ``id``, ``set`` (``seeds``, ``eval``, ``eval_hard``,
    ``blind``, ``heldout``), ``label`` and cleaned ``text``.

    Examples
    --------
    >>> ex = packaged_examples()
    >>> sorted(ex["label"].unique())
    ['closed_training', 'other', 'party_school', 'secondment']
    """
    return _packaged_frame().copy()


def read_labelled_jsonl(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a labelled JSONL file: one row per report, with ``site`` from its ``url``.

    Needs ``text`` and ``label`` in every record (``id``, ``url``, ``confidence``, ``script``
    and any other keys are kept). The frame's ``attrs["sha256"]`` is the hash of the file's
    bytes, so a model can record what it was trained on.

    Raises
    ------
    InputFileError
        A line that is not a JSON object, or a record without text or with an unknown label
        (the message names the file and line).
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"labelled file not found: {path}")
    data = path.read_bytes()
    records = []
    for lineno, rec in json_objects(path, data.decode("utf-8-sig", errors="strict")):
        if not isinstance(rec.get("text"), str) or not rec["text"].strip():
            raise MissingColumnError(path, "the record has no 'text'", line=lineno)
        try:
            rec["label"] = normalise_label(rec.get("label"), lineno)
        except ParameterError:
            raise InputFileError(path, f"unknown label {rec.get('label')!r}", line=lineno) from None
        rec.setdefault("id", f"line{lineno}")
        rec["site"] = site_of(rec.get("url"))
        records.append(rec)
    if not records:
        raise InputFileError(path, "the file has no labelled records")
    frame = pd.DataFrame(records)
    frame.attrs["sha256"] = sha256_of([data])
    return frame
