"""Check the rhetoric extractors against a hand annotation of your own reports.

The project's own quality figures (``benchmarks/rhetoric_quality.py``) come from real reports
and pages annotated blind from ``tests/data/RHETORIC_GUIDE.md``; on reports of another period,
province or genre the extractors may do better or worse. Annotate a sample of your own reports
following the same guide, then::

    from cadretext import load_corpus
    from cadretext.rhetoric.evaluate import check_rhetoric, read_rhetoric_annotations

    corpus = load_corpus("my_reports/")
    result = check_rhetoric(corpus, read_rhetoric_annotations("my_annotations.jsonl"))
    result.scores      # precision and recall per kind, with 95% intervals over reports
    result.items       # every annotated and every found item: hit, missed, false or unsure

or, from the command line, ``cadretext rhetoric my_reports/ --check my_annotations.jsonl``.

**Annotation file.** JSON Lines, one object per report and annotator, in the guide's output
format: ``{"id": ..., "formulas": [...], "idioms": [...], "metaphors": [...], "unsure":
[{"item": ..., "kind": "formula"|"idiom"|"metaphor"}]}``; ``id`` is the report's ``doc_id``
(for a JSONL corpus its ``id`` field; for a folder, see :func:`cadretext.load_corpus`).
``unsure`` may be left out. With two or more annotators per report, give each line a ``coder``
field: their counts are summed, and a report's lines are resampled together.

**Matching.** Items are compared as sets per report (each item once per report, as the guide
asks). With ``match="overlap"`` (the default) a found item counts when it equals an annotated
item or one contains the other (真经 / 取真经, 征程 / 新征程: the guide's "shortest phrase"
leaves the boundary to judgement); ``match="strict"`` asks for equal strings. An item the
annotator was unsure of counts neither way, unless it also matches an annotated item.

**Intervals.** The percentile bootstrap resamples reports, not items: the items of one report
share a writer and an annotator, so they are not independent draws. With a few dozen reports
the intervals are wide; that width is the honest answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._io import json_objects
from ..errors import InputFileError, ParameterError

__all__ = [
    "ANNOTATED_KINDS",
    "RhetoricCheck",
    "bootstrap_interval",
    "check_rhetoric",
    "compare_items",
    "read_rhetoric_annotations",
]

#: the annotation file's lists and the extractor kind each is compared with
ANNOTATED_KINDS = {"formulas": "formula", "idioms": "idiom", "metaphors": "metaphor"}
_MATCHES = ("overlap", "strict")


def read_rhetoric_annotations(path: str | Path) -> list[dict]:
    """Read and check an annotation file (module docstring); one dict per line.

    Raises :class:`~cadretext.errors.InputFileError` naming the file and line for a line that
    is not a JSON object, an ``id`` that is missing or not a string, a list of items that is
    not a list of strings, an ``unsure`` entry without ``item`` and a known ``kind``, and a
    report given twice for the same ``coder``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "annotation file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM is not JSON
    except UnicodeDecodeError:
        raise InputFileError(path, "not UTF-8 text") from None
    records: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    kinds = set(ANNOTATED_KINDS.values())
    for number, record in json_objects(path, text):
        doc_id = record.get("id")
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = record["id"] = str(doc_id)  # {"id": 12} for the report whose doc_id is "12"
        if not isinstance(doc_id, str) or not doc_id:
            raise InputFileError(path, 'no "id" (the report\'s doc_id, a string)', line=number)
        for key in ANNOTATED_KINDS:
            items = record.setdefault(key, [])
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise InputFileError(path, f'"{key}" must be a list of strings', line=number)
        unsure = record.setdefault("unsure", [])
        if not isinstance(unsure, list) or not all(
            isinstance(u, dict) and isinstance(u.get("item"), str) and u.get("kind") in kinds
            for u in unsure
        ):
            raise InputFileError(
                path,
                '"unsure" must be a list of {"item": ..., "kind": "formula", "idiom" or '
                '"metaphor"}',
                line=number,
            )
        coder = str(record.get("coder", ""))
        if (doc_id, coder) in seen:
            who = f" by coder {coder!r}" if coder else ""
            raise InputFileError(
                path,
                f"report {doc_id!r} annotated twice{who} (first on line "
                f'{seen[(doc_id, coder)]}); give each annotator\'s line a different "coder"',
                line=number,
            )
        seen[(doc_id, coder)] = number
        records.append(record)
    if not records:
        raise InputFileError(path, "no annotations in the file")
    return records


def compare_items(
    found: Iterable[str],
    annotated: Iterable[str],
    unsure: Iterable[str] = (),
    match: str = "overlap",
) -> tuple[set[str], set[str], set[str], set[str]]:
    """One report's items compared: ``(right, false, hit, missed)``.

    ``right`` are the found items that match an annotated one, ``false`` the found items that
    match none and were not marked unsure, ``hit`` the annotated items some found item
    matches, ``missed`` the others. Precision is ``len(right) / (len(right) + len(false))``,
    recall ``len(hit) / (len(hit) + len(missed))``.

    Examples
    --------
    >>> compare_items({"取真经", "充电", "舞台"}, {"真经", "破冰"}, unsure={"舞台"})
    ({'取真经'}, {'充电'}, {'真经'}, {'破冰'})
    """
    if match not in _MATCHES:
        raise ParameterError(f"match must be one of {', '.join(_MATCHES)}, not {match!r}")
    pred, want = set(found), set(annotated)

    def same(a: str, b: str) -> bool:
        return a == b if match == "strict" else (a in b or b in a)

    right = {p for p in pred if any(same(p, w) for w in want)}
    false = pred - right - set(unsure)
    hit = {w for w in want if any(same(p, w) for p in pred)}
    return right, false, hit, want - hit


def bootstrap_interval(
    docs: Sequence[tuple[str, int, int, int, int]],
    *,
    n: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float, float]:
    """Percentile bootstrap interval of precision and recall over reports.

    ``docs`` holds ``(doc_id, right, false, hit, missed)`` per report (and annotator); rows
    with the same ``doc_id`` are summed first, so a report's annotators are drawn together.
    Returns ``(precision_low, precision_high, recall_low, recall_high)``; deterministic for a
    given ``seed``.
    """
    if not docs:
        return (float("nan"),) * 4
    by_id: dict[str, list[int]] = {}
    for doc_id, *counts in docs:
        row = by_id.setdefault(doc_id, [0, 0, 0, 0])
        for i, c in enumerate(counts):
            row[i] += c
    table = np.array(list(by_id.values()), dtype=float)
    rng = np.random.default_rng(seed)
    draws = table[rng.integers(0, len(table), size=(n, len(table)))].sum(axis=1)
    right, false, hit, missed = draws.T
    precision = right / np.maximum(right + false, 1)
    recall = hit / np.maximum(hit + missed, 1)
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    p_lo, p_hi = np.percentile(precision, q)
    r_lo, r_hi = np.percentile(recall, q)
    return float(p_lo), float(p_hi), float(r_lo), float(r_hi)


@dataclass
class RhetoricCheck:
    """What :func:`check_rhetoric` returns.

    Attributes
    ----------
    scores : DataFrame
        One row per kind: ``kind, reports, annotated, found, precision, recall`` and the
        interval bounds ``precision_low, precision_high, recall_low, recall_high``.
    items : DataFrame
        Long table, one row per item and outcome: ``doc_id, coder, kind, item, outcome``
        (``hit``: annotated and found; ``missed``: annotated, not found; ``false``: found,
        not annotated; ``unsure``: found, and the annotator was unsure of it).
    match : str
    """

    scores: pd.DataFrame
    items: pd.DataFrame
    match: str

    def summary(self) -> str:
        """The scores as lines of text, one per kind (what ``cadretext rhetoric --check``
        prints)."""
        n = int(self.scores["reports"].max()) if len(self.scores) else 0
        lines = [f"{n} annotated reports, {self.match} match; 95% intervals over reports"]
        for row in self.scores.itertuples():
            lines.append(
                f"{row.kind:<9} annotated {row.annotated:>4}  found {row.found:>4}  "
                f"precision {row.precision:.3f} ({row.precision_low:.2f}-{row.precision_high:.2f})"
                f"  recall {row.recall:.3f} ({row.recall_low:.2f}-{row.recall_high:.2f})"
            )
        return "\n".join(lines) + "\n"


def _texts_of(corpus: Any) -> dict[str, str]:
    if isinstance(corpus, pd.DataFrame):
        if not {"doc_id", "text"} <= set(corpus.columns):
            raise ParameterError("corpus: a DataFrame with doc_id and text (load_corpus)")
        return dict(zip(corpus["doc_id"].astype(str), corpus["text"].astype(str), strict=True))
    if isinstance(corpus, Mapping):
        return {str(k): str(v) for k, v in corpus.items()}
    raise ParameterError("corpus: a DataFrame from load_corpus, or a mapping doc_id -> text")


def check_rhetoric(
    corpus: Any,
    annotations: Sequence[Mapping[str, Any]] | str | Path,
    *,
    match: str = "overlap",
    seed: int = 0,
) -> RhetoricCheck:
    """Precision and recall of the formula, idiom and metaphor extractors on annotated reports.

    Parameters
    ----------
    corpus : DataFrame or mapping
        :func:`cadretext.load_corpus` output (its cleaned ``text``), or ``{doc_id: text}``
        of cleaned texts.
    annotations : list of dict, or a path
        Records as :func:`read_rhetoric_annotations` returns them, or the file itself.
    match : {"overlap", "strict"}
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    RhetoricCheck
    """
    from .formulas import numbered_formulas
    from .idioms import idioms
    from .metaphors import metaphors

    if match not in _MATCHES:
        raise ParameterError(f"match must be one of {', '.join(_MATCHES)}, not {match!r}")
    if isinstance(annotations, str | Path):
        annotations = read_rhetoric_annotations(annotations)
    texts = _texts_of(corpus)
    missing = sorted({str(a["id"]) for a in annotations} - texts.keys())
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise ParameterError(
            f"annotations: no report with doc_id {missing[0]!r}{more} in the corpus"
        )
    ids = sorted({str(a["id"]) for a in annotations})
    extractors = {"formula": numbered_formulas, "idiom": idioms, "metaphor": metaphors}
    found: dict[str, dict[str, set[str]]] = {}
    for kind, extract in extractors.items():
        table = extract([texts[i] for i in ids])
        found[kind] = {doc: set() for doc in ids}
        for position, item in zip(table["doc_id"], table["item"], strict=True):
            found[kind][ids[position]].add(item)
    rows, score_rows = [], []
    for key, kind in ANNOTATED_KINDS.items():
        docs = []
        for a in annotations:
            doc_id, coder = str(a["id"]), str(a.get("coder", ""))
            unsure = {u["item"] for u in a.get("unsure", []) if u["kind"] == kind}
            right, false, hit, missed = compare_items(found[kind][doc_id], a[key], unsure, match)
            docs.append((doc_id, len(right), len(false), len(hit), len(missed)))
            for outcome, items in (
                ("hit", hit),
                ("missed", missed),
                ("false", false),
                ("unsure", found[kind][doc_id] - right - false),
            ):
                rows += [(doc_id, coder, kind, item, outcome) for item in sorted(items)]
        right_n, false_n, hit_n, missed_n = (sum(d[i] for d in docs) for i in range(1, 5))
        p_lo, p_hi, r_lo, r_hi = bootstrap_interval(docs, seed=seed)
        score_rows.append(
            {
                "kind": kind,
                "reports": len({d[0] for d in docs}),
                "annotated": hit_n + missed_n,
                "found": right_n + false_n,
                "precision": right_n / max(right_n + false_n, 1),
                "recall": hit_n / max(hit_n + missed_n, 1),
                "precision_low": p_lo,
                "precision_high": p_hi,
                "recall_low": r_lo,
                "recall_high": r_hi,
            }
        )
    items = pd.DataFrame(rows, columns=["doc_id", "coder", "kind", "item", "outcome"])
    return RhetoricCheck(scores=pd.DataFrame(score_rows), items=items, match=match)
