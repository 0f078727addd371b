"""Human validation of the program-type classifier: coding sheets and agreement.

A classifier's scores on its own test sets say how it does on reports like the ones it was
trained on; a study that counts program types in a new corpus has to show that the labels hold
up *in that corpus*. The method here is the usual one for validating automated content
analysis (Grimmer & Stewart 2013; Krippendorff 2018):

1. :func:`coding_sheet` draws a sample of the classified reports for hand coding, stratified
   by predicted label × certainty (the ``uncertain`` flag of :func:`classify_corpus`). A simple
   random sample of a corpus that is 80 % ``other`` would give a handful of rows for the rarer
   types, too few to say anything about them; splitting the sample evenly across the strata
   gives every predicted type, confident or not, enough rows to estimate its precision, and
   puts the doubtful predictions in front of a person. The draw is seeded and the sheet sorted,
   so the sample is reproducible and can be reported.
2. Coders fill ``human_label`` (and ``human_label_2``, ... for a second coder, without looking
   at each other's codes) in a spreadsheet; :func:`write_coding_sheet` writes UTF-8 with a
   byte-order mark so that Excel shows the Chinese excerpts, and :func:`read_coding_sheet`
   checks what comes back (unknown labels, duplicated rows, missing columns), naming the line.
3. :func:`validate` compares coder 1 with the predictions (accuracy, Cohen's kappa, per-class
   precision/recall/F1, confusion matrix), measures agreement between coders (Krippendorff's
   alpha, nominal level, which handles any number of coders and rows not coded by everyone;
   Cohen's kappa between coders 1 and 2), and lists the rows that need a second look.
   :func:`format_validation` prints all of this for the ``cadretext validate`` command.

The figures describe the *sample*. Because the strata are sampled at different rates (the
uncertain and the rarer strata are over-represented), accuracy and recall over the sample are
not estimates of accuracy and recall in the corpus; per-class *precision* (the share of reports
predicted as a type that the coders agree are that type) is what the stratification estimates
well. Corpus-wide figures need each stratum weighted by its size in the corpus.

Examples
--------
>>> import pandas as pd
>>> predictions = pd.DataFrame({
...     "doc_id": ["a", "b", "c", "d"],
...     "label": ["secondment", "party_school", "other", "secondment"],
...     "probability": [0.9, 0.8, 0.6, 0.4],
...     "uncertain": [False, False, True, True],
...     "evidence": [["赴杭州挂职锻炼。"], ["在市委党校主体班学习。"], [], []],
... })
>>> sheet = coding_sheet(predictions, n=4)
>>> sheet["human_label"] = ["other", "secondment", "secondment", "party_school"]
>>> result = validate(sheet)
>>> result["n"], round(result["accuracy"], 2)
(4, 0.5)
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._io import atomic_write_text
from ..errors import InputFileError, MissingColumnError, ParameterError
from .labels import CLASSES, is_unlabelled, normalise_label

__all__ = [
    "coding_sheet",
    "format_validation",
    "read_coding_sheet",
    "validate",
    "write_coding_sheet",
]

#: The columns of a coding sheet before the ``human_label*`` columns.
SHEET_COLUMNS: tuple[str, ...] = ("doc_id", "path", "label", "probability", "uncertain", "excerpt")
_HUMAN = re.compile(r"^human_label(?:_(\d+))?$")
_REVIEW_ROWS = 20  # review rows printed by format_validation
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


# --------------------------------------------------------------------------- sampling
def coding_sheet(
    predictions: pd.DataFrame,
    n: int = 100,
    *,
    seed: int = 0,
    coders: int = 1,
    excerpt_chars: int = 300,
) -> pd.DataFrame:
    """A stratified sample of classified reports, as a sheet for hand coding.

    The strata are predicted label × ``uncertain``. ``n`` is split as evenly as possible over
    the strata that have rows: a stratum with fewer rows than its share gives all of them and
    the rest is shared among the others; rows left over after an even split go one each to the
    largest strata (ties in stratum order). Within a stratum the rows are drawn without
    replacement by ``numpy.random.default_rng(seed)``, from the stratum sorted by ``doc_id``,
    so the same predictions and seed give the same sheet whatever the order of the input rows.

    Parameters
    ----------
    predictions : DataFrame
        :func:`cadretext.classify.classify_corpus` output, one row per document: ``doc_id``,
        ``label``, and (used when present) ``path``, ``probability``, ``uncertain``,
        ``evidence`` and ``text`` (add the corpus's ``text`` column for documents without
        evidence sentences).
    n : int
        Rows wanted (>= 1); all rows if the predictions have fewer.
    seed : int
        Seed of the draw.
    coders : int
        Number of ``human_label`` columns: ``human_label``, ``human_label_2``, ...
    excerpt_chars : int
        Length limit of the ``excerpt``.

    Returns
    -------
    DataFrame
        ``doc_id, path, label, probability, uncertain, excerpt, human_label`` (and
        ``human_label_2`` ... ``human_label_<coders>``), sorted by stratum (label in
        :data:`CLASSES` order, certain before uncertain) then ``doc_id``; the human labels are
        empty strings. ``excerpt`` is the evidence sentences joined with `` … `` or, without
        evidence, the start of ``text``; newlines become spaces.

    Examples
    --------
    >>> import pandas as pd
    >>> predictions = pd.DataFrame({
    ...     "doc_id": [f"d{i}" for i in range(6)],
    ...     "label": ["other"] * 4 + ["secondment"] * 2,
    ...     "probability": [0.9, 0.9, 0.9, 0.9, 0.8, 0.8],
    ...     "uncertain": False,
    ...     "text": ["全市经济运行平稳。"] * 4 + ["干部赴深圳挂职锻炼。"] * 2,
    ... })
    >>> sheet = coding_sheet(predictions, n=4, seed=1, coders=2)
    >>> sheet["label"].tolist()
    ['other', 'other', 'secondment', 'secondment']
    >>> list(sheet.columns[-2:])
    ['human_label', 'human_label_2']
    """
    if not isinstance(predictions, pd.DataFrame):
        raise ParameterError("coding_sheet needs the DataFrame that classify_corpus returns")
    n = _positive_int(n, "n")
    coders = _positive_int(coders, "coders")
    excerpt_chars = _positive_int(excerpt_chars, "excerpt_chars")
    seed = int(seed)
    missing = [c for c in ("doc_id", "label") if c not in predictions.columns]
    if missing:
        raise ParameterError(
            f"coding_sheet needs the columns of classify_corpus output; missing: {', '.join(missing)}"
        )
    ids = [str(v) for v in predictions["doc_id"]]
    seen: set[str] = set()
    for i, doc_id in enumerate(ids):
        if doc_id in seen:
            raise ParameterError(
                f"predictions row {i}: doc_id {doc_id!r} appears twice; a coding sheet samples "
                "documents, so classify with unit='document'"
            )
        seen.add(doc_id)
    labels = [normalise_label(v, i) for i, v in enumerate(predictions["label"])]
    uncertain = (
        [_as_bool(v) for v in predictions["uncertain"]]
        if "uncertain" in predictions.columns
        else [False] * len(ids)
    )
    probability = (
        [_as_float(v) for v in predictions["probability"]]
        if "probability" in predictions.columns
        else [math.nan] * len(ids)
    )
    paths = (
        ["" if _missing(v) else str(v) for v in predictions["path"]]
        if "path" in predictions.columns
        else [""] * len(ids)
    )
    evidence = predictions["evidence"].tolist() if "evidence" in predictions.columns else None
    texts = predictions["text"].tolist() if "text" in predictions.columns else None

    strata: dict[tuple[int, bool], list[int]] = {}
    for i in range(len(ids)):
        strata.setdefault((CLASSES.index(labels[i]), uncertain[i]), []).append(i)
    order = sorted(strata)
    for key in order:
        strata[key].sort(key=lambda i: ids[i])
    quota = _allocate([len(strata[key]) for key in order], n)
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    for key, k in zip(order, quota, strict=True):
        rows = strata[key]
        picked = rng.choice(len(rows), size=k, replace=False)
        chosen.extend(sorted((rows[j] for j in picked), key=lambda i: ids[i]))

    sheet = pd.DataFrame(
        {
            "doc_id": [ids[i] for i in chosen],
            "path": [paths[i] for i in chosen],
            "label": [labels[i] for i in chosen],
            "probability": pd.Series([probability[i] for i in chosen], dtype=float),
            "uncertain": pd.Series([uncertain[i] for i in chosen], dtype=bool),
            "excerpt": [
                _excerpt(
                    evidence[i] if evidence is not None else None,
                    texts[i] if texts is not None else None,
                    excerpt_chars,
                )
                for i in chosen
            ],
        }
    )
    for name in _human_columns_for(coders):
        sheet[name] = [""] * len(sheet)
    return sheet


def _allocate(sizes: Sequence[int], n: int) -> list[int]:
    """Split ``n`` over strata of these sizes as evenly as possible (see :func:`coding_sheet`)."""
    quota = [0] * len(sizes)
    if n >= sum(sizes):
        return list(sizes)
    active = list(range(len(sizes)))
    remaining = n
    while active:
        share = remaining // len(active)
        small = [s for s in active if sizes[s] <= share]
        if not small:
            break
        for s in small:
            quota[s] = sizes[s]
            remaining -= sizes[s]
        active = [s for s in active if s not in small]
    if active:
        share, extra = divmod(remaining, len(active))
        for s in active:
            quota[s] = share
        for s in sorted(active, key=lambda s: (-sizes[s], s))[:extra]:
            quota[s] += 1  # every active stratum has more than `share` rows
    return quota


def _excerpt(evidence: Any, text: Any, limit: int) -> str:
    sentences: list[str] = []
    if isinstance(evidence, str):
        sentences = [evidence] if evidence.strip() else []
    elif isinstance(evidence, list | tuple | np.ndarray | pd.Series):
        sentences = [str(s) for s in evidence if not _missing(s) and str(s).strip()]
    if sentences:
        excerpt = " … ".join(s.strip() for s in sentences)
    elif isinstance(text, str):
        excerpt = text
    else:
        excerpt = ""
    excerpt = excerpt.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return excerpt[:limit]


def _human_columns_for(coders: int) -> list[str]:
    return ["human_label", *(f"human_label_{k}" for k in range(2, coders + 1))]


# --------------------------------------------------------------------------- sheet files
def write_coding_sheet(sheet: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a coding sheet as CSV, UTF-8 with a byte-order mark (Excel then shows Chinese).

    The file is written atomically: a reader (or a crash) never sees half a sheet.

    Parameters
    ----------
    sheet : DataFrame
        From :func:`coding_sheet` (any frame with ``doc_id``, ``label`` and a ``human_label``
        column).
    path : str or Path
        The CSV file to write; its folder is created if needed.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> sheet = pd.DataFrame({"doc_id": ["a"], "label": ["other"], "human_label": [""]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_coding_sheet(sheet, f"{tmp}/coding.csv")
    ...     out.read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    True
    """
    if not isinstance(sheet, pd.DataFrame):
        raise ParameterError("write_coding_sheet needs a DataFrame (from coding_sheet)")
    missing = [c for c in ("doc_id", "label") if c not in sheet.columns]
    if not _human_columns(sheet.columns):
        missing.append("human_label")
    if missing:
        raise ParameterError(f"a coding sheet needs the columns {', '.join(missing)}")
    text = sheet.to_csv(index=False, lineterminator="\n")
    return atomic_write_text(path, text, encoding="utf-8-sig")


def read_coding_sheet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a coding sheet back, checking every row, and normalise its labels.

    Parameters
    ----------
    path : str or Path
        A CSV written by :func:`write_coding_sheet` and filled in by the coders (UTF-8, with or
        without a byte-order mark; GB18030 as saved by older Excel versions is also read).

    Returns
    -------
    DataFrame
        The sheet with ``label`` and the ``human_label*`` columns as labels of :data:`CLASSES`
        (uncoded cells are empty strings), ``probability`` as float and ``uncertain`` as bool
        where present; other columns as text.

    Raises
    ------
    InputFileError
        The file is missing or not a CSV, a ``doc_id`` is empty or appears twice, or a label is
        not one of :data:`CLASSES`; the message names the file and the line.
    MissingColumnError
        ``doc_id``, ``label`` or every ``human_label*`` column is missing.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     csv = Path(tmp, "coding.csv")
    ...     _ = csv.write_text("doc_id,label,human_label\\na,Party School,secondment\\nb,other,\\n")
    ...     read_coding_sheet(csv)[["label", "human_label"]].values.tolist()
    [['party_school', 'secondment'], ['other', '']]
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "coding sheet not found")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise InputFileError(path, "not a CSV text file (it holds NUL bytes)")
    table = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            table = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding=encoding,
                skipinitialspace=False,
            )
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty file"
            raise InputFileError(path, f"cannot read the coding sheet as CSV ({reason})") from None
    if table is None:
        raise InputFileError(path, "cannot read the coding sheet: not UTF-8 or GB18030 text")
    table.columns = [str(c).strip() for c in table.columns]
    return _normalise_sheet(table, path)


def _normalise_sheet(table: pd.DataFrame, path: Path | None) -> pd.DataFrame:
    """Check and normalise a sheet; errors name the file and line (or the row of a frame)."""

    def fail(problem: str, i: int | None = None, missing_column: bool = False):
        if path is None:
            where = f"coding sheet row {i}: " if i is not None else "coding sheet: "
            return ParameterError(where + problem)
        line = i + 2 if i is not None else None  # + 1 for 1-based, + 1 for the header
        cls = MissingColumnError if missing_column else InputFileError
        return cls(path, problem, line=line)

    for column in ("doc_id", "label"):
        if column not in table.columns:
            raise fail(f"missing column {column!r} (columns: {_shown(table)})", missing_column=True)
    human = _human_columns(table.columns)
    if not human:
        raise fail(
            f"missing column 'human_label' (the coders' labels; columns: {_shown(table)})",
            missing_column=True,
        )
    out = table.copy()
    allowed = ", ".join(CLASSES)
    ids: list[str] = []
    first_row: dict[str, int] = {}
    for i, value in enumerate(out["doc_id"]):
        doc_id = "" if _missing(value) else str(value).strip()
        if not doc_id:
            raise fail("empty doc_id", i)
        if doc_id in first_row:
            where = (
                f"line {first_row[doc_id] + 2}" if path is not None else f"row {first_row[doc_id]}"
            )
            raise fail(f"doc_id {doc_id!r} appears twice (first on {where})", i)
        first_row[doc_id] = i
        ids.append(doc_id)
    out["doc_id"] = ids
    for column in ("label", *human):
        values: list[str] = []
        for i, value in enumerate(out[column]):
            if is_unlabelled(value):
                if column == "label":
                    raise fail("empty 'label' (the predicted program type)", i)
                values.append("")
                continue
            try:
                values.append(normalise_label(value, i))
            except ParameterError:
                raise fail(
                    f"unknown label {str(value).strip()!r} in column {column!r}; use one of "
                    f"{allowed} (or leave a human label empty)",
                    i,
                ) from None
        out[column] = pd.Series(values, index=out.index, dtype=object)
    if "probability" in out.columns:
        numbers: list[float] = []
        for i, value in enumerate(out["probability"]):
            try:
                numbers.append(_as_float(value))
            except (TypeError, ValueError):
                raise fail(f"probability {value!r} is not a number", i) from None
        out["probability"] = pd.Series(numbers, index=out.index, dtype=float)
    if "uncertain" in out.columns:
        flags: list[bool] = []
        for i, value in enumerate(out["uncertain"]):
            try:
                flags.append(_as_bool(value))
            except ValueError:
                raise fail(f"uncertain {value!r} is not True or False", i) from None
        out["uncertain"] = pd.Series(flags, index=out.index, dtype=bool)
    return out


def _human_columns(columns: Sequence[Any]) -> list[str]:
    """The ``human_label*`` columns in coder order (``human_label`` = coder 1)."""
    found = []
    for c in columns:
        m = _HUMAN.match(str(c))
        if m:
            found.append((int(m.group(1) or 1), str(c)))
    return [c for _, c in sorted(found)]


def _shown(table: pd.DataFrame) -> str:
    return ", ".join(map(str, table.columns)) or "none"


# --------------------------------------------------------------------------- agreement
def validate(sheet: pd.DataFrame | str | os.PathLike[str]) -> dict[str, Any]:
    """Agreement between the coders and the classifier, and between coders.

    Parameters
    ----------
    sheet : DataFrame or path
        A filled-in coding sheet, or its CSV file (read with :func:`read_coding_sheet`). The
        first ``human_label*`` column (``human_label``) is coder 1.

    Returns
    -------
    dict
        ``n``: rows coded by coder 1; ``n_uncoded``: rows not yet coded by coder 1;
        ``accuracy``; ``kappa``: Cohen's kappa of coder 1 and the predictions; ``per_class``:
        precision, recall, f1 and support per class with coder 1 as truth; ``confusion``:
        counts, rows coder 1, columns predicted, all four :data:`CLASSES`; ``alpha``:
        Krippendorff's alpha (nominal) over all coders, ``None`` unless two or more coder
        columns hold codes and some row is coded twice (NaN when every code is the same
        label); ``kappa_coders``: Cohen's kappa of coders 1 and 2 on the rows both coded, or
        ``None``; ``review``: the coded rows where a coder differs from the prediction, the
        coders disagree, or the prediction was uncertain, disagreements first, then by
        probability (most confident first): ``doc_id, label, human_label..., probability,
        reason``.

    Raises
    ------
    ParameterError
        No row has a human label.

    Examples
    --------
    >>> import pandas as pd
    >>> sheet = pd.DataFrame({
    ...     "doc_id": ["a", "b", "c"],
    ...     "label": ["secondment", "other", "other"],
    ...     "probability": [0.9, 0.7, 0.5],
    ...     "uncertain": [False, False, True],
    ...     "human_label": ["secondment", "party_school", "other"],
    ... })
    >>> result = validate(sheet)
    >>> result["n"], round(result["accuracy"], 3)
    (3, 0.667)
    >>> result["review"][["doc_id", "reason"]].values.tolist()
    [['b', 'coded party_school, predicted other'], ['c', 'uncertain prediction']]
    """
    from sklearn.metrics import (
        accuracy_score,
        cohen_kappa_score,
        confusion_matrix,
        precision_recall_fscore_support,
    )

    if isinstance(sheet, pd.DataFrame):
        table = _normalise_sheet(sheet, None)
    elif isinstance(sheet, str | os.PathLike):
        table = read_coding_sheet(sheet)
    else:
        raise ParameterError("validate needs a coding sheet: a DataFrame or a CSV path")
    human = _human_columns(table.columns)
    first = human[0]
    coded = table[table[first] != ""]
    if coded.empty:
        raise ParameterError(
            f"no row of the coding sheet has a label in {first!r}: code some rows first"
        )
    truth = coded[first].tolist()
    predicted = coded["label"].tolist()
    labels = list(CLASSES)
    kappa = _kappa(cohen_kappa_score, truth, predicted, labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_class = pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(labels, name="class"),
    )
    confusion = pd.DataFrame(
        confusion_matrix(truth, predicted, labels=labels),
        index=pd.Index(labels, name="human"),
        columns=pd.Index(labels, name="predicted"),
    )

    with_codes = [c for c in human if (table[c] != "").any()]
    alpha = _alpha(table[with_codes]) if len(with_codes) >= 2 else None
    kappa_coders = None
    if len(human) >= 2:
        both = table[(table[human[0]] != "") & (table[human[1]] != "")]
        if not both.empty:
            kappa_coders = _kappa(
                cohen_kappa_score, both[human[0]].tolist(), both[human[1]].tolist(), labels
            )

    return {
        "n": len(coded),
        "n_uncoded": len(table) - len(coded),
        "accuracy": float(accuracy_score(truth, predicted)),
        "kappa": kappa,
        "per_class": per_class,
        "confusion": confusion,
        "alpha": alpha,
        "kappa_coders": kappa_coders,
        "review": _review(table, human),
    }


def _kappa(score: Any, a: list[str], b: list[str], labels: list[str]) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one label only: kappa is undefined (NaN)
        return float(score(a, b, labels=labels))


def _alpha(codes: pd.DataFrame) -> float | None:
    import krippendorff

    index = {label: float(k) for k, label in enumerate(CLASSES)}
    data = np.array([[index.get(v, np.nan) for v in codes[c]] for c in codes.columns], dtype=float)
    if not ((~np.isnan(data)).sum(axis=0) >= 2).any():
        return None  # no row coded by two coders: nothing to agree on
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a single label in all codes: alpha is NaN (0 / 0)
        return float(
            krippendorff.alpha(
                reliability_data=data,
                level_of_measurement="nominal",
                value_domain=list(index.values()),
            )
        )


def _review(table: pd.DataFrame, human: list[str]) -> pd.DataFrame:
    probability = (
        table["probability"] if "probability" in table.columns else pd.Series(np.nan, table.index)
    )
    uncertain = (
        table["uncertain"] if "uncertain" in table.columns else pd.Series(False, table.index)
    )
    rows = []
    for i in table.index:
        codes = [table.at[i, c] for c in human if table.at[i, c] != ""]
        if not codes:
            continue
        predicted = table.at[i, "label"]
        reasons = []
        differ = sorted({c for c in codes if c != predicted}, key=CLASSES.index)
        if differ:
            reasons.append(f"coded {' / '.join(differ)}, predicted {predicted}")
        if len(set(codes)) > 1:
            reasons.append("coders disagree")
        disagreement = bool(reasons)
        if bool(uncertain[i]):
            reasons.append("uncertain prediction")
        if not reasons:
            continue
        p = float(probability[i])
        rows.append(
            (
                (not disagreement, -p if not math.isnan(p) else math.inf, table.at[i, "doc_id"]),
                {
                    "doc_id": table.at[i, "doc_id"],
                    "label": predicted,
                    **{c: table.at[i, c] for c in human},
                    "probability": p,
                    "reason": "; ".join(reasons),
                },
            )
        )
    rows.sort(key=lambda r: r[0])
    columns = ["doc_id", "label", *human, "probability", "reason"]
    return pd.DataFrame([r[1] for r in rows], columns=columns)


def format_validation(result: dict[str, Any]) -> str:
    """The result of :func:`validate` as a plain-text report (what ``cadretext validate`` prints).

    Lines ``n <N>``, ``accuracy <x.xxx>``, ``kappa <x.xxx>`` (on its own line, for scripts to
    grep), ``alpha`` and ``kappa_coders`` when there is a second coder, ``uncoded <M>`` when
    coder 1 has not finished, then the per-class table, the confusion matrix and up to 20 rows
    to review.

    Examples
    --------
    >>> import pandas as pd
    >>> sheet = pd.DataFrame({"doc_id": ["a", "b", "c"],
    ...                       "label": ["secondment", "other", "other"],
    ...                       "human_label": ["secondment", "party_school", "other"]})
    >>> print(format_validation(validate(sheet)).splitlines()[2])
    kappa 0.500
    """
    lines = [f"n {result['n']}", f"accuracy {result['accuracy']:.3f}"]
    lines.append(f"kappa {result['kappa']:.3f}")
    if result.get("alpha") is not None:
        lines.append(f"alpha {result['alpha']:.3f}")
    if result.get("kappa_coders") is not None:
        lines.append(f"kappa_coders {result['kappa_coders']:.3f}")
    if result.get("n_uncoded"):
        lines.append(f"uncoded {result['n_uncoded']} (rows coder 1 has not labelled yet)")
    lines += [
        "",
        "per class (coder 1 as truth; figures describe the stratified sample):",
        result["per_class"].to_string(float_format=lambda x: f"{x:.3f}"),
        "",
        "confusion matrix (rows: coder 1, columns: predicted):",
        result["confusion"].to_string(),
        "",
    ]
    review = result["review"]
    if review.empty:
        lines.append("review: no coded row disagrees with the prediction or was uncertain")
    else:
        shown = min(len(review), _REVIEW_ROWS)
        lines.append(f"review ({len(review)} rows, {shown} shown; disagreements first):")
        lines.append(review.head(_REVIEW_ROWS).to_string(index=False, float_format="{:.3f}".format))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- small helpers
def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ParameterError(f"{name} must be an integer >= 1, not {value!r}")
    return int(value)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _as_float(value: Any) -> float:
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return math.nan
    return float(value)


def _as_bool(value: Any) -> bool:
    if _missing(value):
        return False
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer | float):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)
