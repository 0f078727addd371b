"""Program types for a whole corpus: one row per report (or paragraph), or filled labels."""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..clean import split_units
from ..errors import ParameterError
from .default import load_default_classifier
from .labels import CLASSES, as_texts, is_unlabelled
from .model import ProgramTypeClassifier

__all__ = ["classify_corpus", "fill_program_types"]


def classify_corpus(
    corpus: pd.DataFrame | Iterable[str],
    *,
    model: ProgramTypeClassifier | str | os.PathLike[str] | None = None,
    unit: str = "document",
    text_column: str = "text",
    progress: bool = False,
    return_matches: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Classify a corpus (or a list of texts): one row per document or paragraph.

    Parameters
    ----------
    corpus : DataFrame or list of str
        As returned by :func:`cadretext.load_corpus`, or plain texts.
    model : ProgramTypeClassifier, path or None
        A fitted classifier, a file saved with :meth:`ProgramTypeClassifier.save`, or ``None``
        for the default model.
    unit : {"document", "paragraph"}
        Paragraph units come from :func:`cadretext.split_units` (headings merged).
    progress : bool
        Show a tqdm progress bar (about 4 ms per report on one core).
    return_matches : bool
        Also return every lexicon term and pattern matched, found in the same pass (what
        :meth:`ProgramTypeClassifier.explain` lists per text, for the whole corpus at once).

    Returns
    -------
    DataFrame
        ``doc_id``, ``path`` (if the corpus has one), ``unit_id`` (paragraph units), ``label``,
        ``labels``, ``scores`` (dict), ``probability`` (of the label, calibrated),
        ``uncertain`` (see :meth:`ProgramTypeClassifier.uncertain_rule`), ``evidence`` (list of
        sentences), and one probability column ``p_<type>`` per class.
    (DataFrame, DataFrame)
        With ``return_matches=True``: that table and a long one, one row per match:
        ``doc_id`` (and ``unit_id``), ``type``, ``pattern``, ``kind``, ``text`` (as matched in
        the cleaned text), ``weight``, ``start``, ``end``.

    Examples
    --------
    >>> out = classify_corpus(["干部赴深圳挂职锻炼。", "今年一季度全市地区生产总值同比增长6%。"])
    >>> out["label"].tolist()
    ['secondment', 'other']
    """
    if unit not in ("document", "paragraph"):
        raise ParameterError(f"unit must be 'document' or 'paragraph', not {unit!r}")
    if model is None:
        clf = load_default_classifier()
    elif isinstance(model, ProgramTypeClassifier):
        clf = model
    else:
        clf = ProgramTypeClassifier.load(model)
    if isinstance(corpus, pd.DataFrame):
        if text_column not in corpus.columns:
            raise ParameterError(f"classify needs a {text_column!r} column in the corpus")
        frame = corpus.copy()
        if "doc_id" not in frame.columns:
            frame["doc_id"] = [str(i) for i in range(len(frame))]
    else:
        texts = as_texts(corpus, "corpus")
        # object dtype: pandas' Arrow strings refuse a lone surrogate, which a text may hold
        frame = pd.DataFrame(
            {
                "doc_id": [str(i) for i in range(len(texts))],
                "text": pd.Series(texts, dtype=object),
            }
        )
        text_column = "text"
    if unit == "paragraph":
        frame = split_units(frame, "paragraph", text_column=text_column)
        text_column = "text"
    keep = [c for c in ("doc_id", "unit_id", "path") if c in frame.columns]
    out = frame[keep].reset_index(drop=True)
    texts = as_texts(frame[text_column], text_column)  # missing texts are empty (validation)
    batches = range(0, len(texts), 500)
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, desc="classifying", unit="batch of 500")
    records = [
        rec
        for i in batches
        for rec in clf.predict_records(texts[i : i + 500], matches=return_matches)
    ]
    out["label"] = [r["label"] for r in records]
    out["labels"] = [r["labels"] for r in records]
    out["scores"] = [r["scores"] for r in records]
    out["probability"] = [r["probability"] for r in records]
    out["uncertain"] = [r["uncertain"] for r in records]
    out["evidence"] = [r["evidence"] for r in records]
    for c in CLASSES:
        out[f"p_{c}"] = [r["scores"][c] for r in records]
    if not return_matches:
        return out
    ids = [c for c in ("doc_id", "unit_id") if c in out.columns]
    keys = out[ids].to_dict("records")
    columns = [*ids, "type", "pattern", "kind", "text", "weight", "start", "end"]
    found = pd.DataFrame(
        [{**key, **m} for key, r in zip(keys, records, strict=True) for m in r.pop("matches")],
        columns=columns,
    )
    return out, found


def fill_program_types(
    corpus: pd.DataFrame,
    *,
    model: ProgramTypeClassifier | str | os.PathLike[str] | None = None,
    column: str = "program_type",
    labels: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Give every report a program type: the researcher's label where there is one, else predicted.

    Keyness, topic prevalence and the shared-rhetoric tables compare program types; a corpus
    without a manifest (or with gaps in it) would otherwise be one "unlabelled" group. The
    labels given stay as they are; only the missing ones are filled, by :func:`classify_corpus`
    (``other`` where a report has too little evidence for any type).

    Parameters
    ----------
    corpus : DataFrame
        As returned by :func:`cadretext.load_corpus` (``text`` column; ``program_type`` may be
        missing or partly empty).
    model : ProgramTypeClassifier, path or None
        As in :func:`classify_corpus`; ``None`` is the packaged model.
    column : str
        The label column to fill.
    labels : DataFrame, optional
        :func:`classify_corpus` of this same corpus (one row per report, in its order), when
        it has been computed already: its ``label`` column is used instead of classifying the
        unlabelled reports again.

    Returns
    -------
    DataFrame
        A copy of ``corpus`` with ``column`` filled and ``program_type_source``: ``"manifest"``
        (given) or ``"predicted"``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["干部赴深圳挂职锻炼。", "在市委党校主体班学习。"],
    ...                    "program_type": [None, "party_school"]})
    >>> fill_program_types(df)[["program_type", "program_type_source"]].values.tolist()
    [['secondment', 'predicted'], ['party_school', 'manifest']]
    """
    if not isinstance(corpus, pd.DataFrame):
        raise ParameterError("fill_program_types needs a DataFrame as load_corpus returns it")
    out = corpus.copy()
    given = out[column] if column in out.columns else pd.Series(None, index=out.index)
    missing = np.array([is_unlabelled(v) for v in given], dtype=bool)
    filled = given.astype(object).where(~missing, None)
    if missing.any() and labels is not None:
        if len(labels) != len(out) or (
            "doc_id" in out.columns
            and labels["doc_id"].astype(str).tolist() != out["doc_id"].astype(str).tolist()
        ):
            raise ParameterError(
                "labels must be classify_corpus of this corpus: one row per report, same order"
            )
        filled[missing] = labels["label"].to_numpy()[missing]
    elif missing.any():
        filled[missing] = classify_corpus(out.loc[missing], model=model)["label"].to_numpy()
    out[column] = filled
    out["program_type_source"] = np.where(missing, "predicted", "manifest")
    return out
