"""Saving and loading a fitted :class:`~cadretext.classify.ProgramTypeClassifier` without pickle.

A model is a NumPy ``.npz`` of plain arrays: ``meta`` (JSON: format, cadretext version,
parameters, calibration, what it was trained on), ``ngram_columns`` and ``ngram_idf`` (the kept
hashed n-gram columns and their idf), ``coef`` and ``intercept`` (the logistic regression), and
``oof_logits``/``oof_truth`` (the out-of-fold predictions the temperature was fitted on), and
the ``neighbour_*`` arrays of :class:`~cadretext.classify.neighbours.NeighbourIndex`. Nothing
executable is stored, so a model file from elsewhere cannot run code when it is loaded. A model
is checked against its pattern file (by hash) and its n-gram hashing when loaded.
"""

from __future__ import annotations

import io
import json
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..errors import InputFileError, ParameterError
from .features import NGRAM_HASHING, NgramBlock
from .labels import CLASSES
from .neighbours import NeighbourIndex
from .patterns import load_patterns

__all__ = ["load_arrays", "model_from_arrays", "model_to_arrays", "save_arrays"]

MODEL_FORMAT = "cadretext.ProgramTypeClassifier"
#: 4: the nearest-neighbour index (``neighbour_*`` arrays); 3: hashed n-grams (columns + idf)
#: and silver examples; 2 stored a learnt vocabulary
MODEL_FORMAT_VERSION = 4


def _hashing_meta() -> dict[str, Any]:
    return {**NGRAM_HASHING, "ngram_range": list(NGRAM_HASHING["ngram_range"])}


#: The libraries whose numerics decide the fitted weights (a solver's path can move in the
#: third decimal between releases); their versions are saved with the model.
NUMERIC_LIBRARIES = ("numpy", "scipy", "scikit-learn")


def library_versions() -> dict[str, str]:
    """The installed versions of :data:`NUMERIC_LIBRARIES`."""
    from importlib.metadata import version

    return {name: version(name) for name in NUMERIC_LIBRARIES}


def model_to_arrays(clf) -> dict[str, np.ndarray]:
    """The fitted state of ``clf`` as plain arrays."""
    check_is_fitted(clf, "classes_")
    from .. import __version__

    params = clf.get_params()
    params["patterns"] = None if params["patterns"] is None else str(params["patterns"])
    meta = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "cadretext": __version__,
        "params": params,
        "hashing": _hashing_meta(),
        "temperature": clf.temperature_,
        "calibration": clf.calibration_,
        "training": clf.training_,
        "n": [clf.n_labelled_, clf.n_base_, clf.n_weak_, clf.n_silver_],
        "libraries": library_versions(),
    }
    block = clf.ngrams_
    index = getattr(clf, "neighbours_", None)
    return {
        **({} if index is None else index.to_arrays()),
        "meta": np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
        "ngram_columns": np.zeros(0, dtype=np.int64) if block is None else block.columns_,
        "ngram_idf": np.zeros(0) if block is None else block.idf_,
        "coef": clf.coef_,
        "intercept": clf.intercept_,
        "oof_logits": getattr(clf, "oof_logits_", np.zeros((0, len(CLASSES)))),
        "oof_truth": getattr(clf, "oof_truth_", np.zeros(0, dtype=int)),
    }


def model_from_arrays(cls, arrays: dict[str, np.ndarray], name: str = "model"):
    """Rebuild a classifier of class ``cls`` from :func:`model_to_arrays` output."""
    try:
        meta = json.loads(str(arrays["meta"]))
        fmt = meta.get("format")
    except (KeyError, ValueError, AttributeError):
        raise InputFileError(name, "not a saved cadretext classifier") from None
    if fmt != MODEL_FORMAT:
        raise InputFileError(name, "not a saved cadretext classifier")
    if meta.get("format_version") != MODEL_FORMAT_VERSION or meta.get("hashing") != _hashing_meta():
        raise InputFileError(
            name, "saved with an incompatible cadretext version; re-train with --train"
        )
    params = dict(meta["params"])
    if params.get("ngram_range") is not None:
        params["ngram_range"] = tuple(params["ngram_range"])
    clf = cls(**params)
    clf.patterns_ = load_patterns(clf.patterns)
    if clf.patterns_.sha256 != meta["training"]["patterns_sha256"]:
        raise InputFileError(
            name, "the model was trained with another version of its pattern file; re-train"
        )
    clf.classes_ = np.array(CLASSES)
    clf.ngrams_ = (
        None
        if clf.ngram_range is None
        else NgramBlock.from_arrays(arrays["ngram_columns"], arrays["ngram_idf"])
    )
    clf.coef_ = np.asarray(arrays["coef"], dtype=np.float64)
    clf.intercept_ = np.asarray(arrays["intercept"], dtype=np.float64)
    clf.temperature_ = float(meta["temperature"])
    clf.calibration_ = meta["calibration"]
    clf.training_ = meta["training"]
    clf.n_labelled_, clf.n_base_, clf.n_weak_, clf.n_silver_ = meta["n"]
    clf.neighbours_ = (
        NeighbourIndex.from_arrays(arrays, len(CLASSES)) if "neighbour_vectors" in arrays else None
    )
    if "oof_logits" in arrays and len(arrays["oof_logits"]):
        clf.oof_logits_ = np.asarray(arrays["oof_logits"], dtype=np.float64)
        clf.oof_truth_ = np.asarray(arrays["oof_truth"], dtype=int)
    return clf


def save_arrays(arrays: dict[str, np.ndarray], path: str | os.PathLike[str]) -> Path:
    """Write ``arrays`` as a compressed ``.npz``, atomically; returns the path."""
    from .._io import atomic_write_bytes

    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return atomic_write_bytes(path, buffer.getvalue())


def load_arrays(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """The arrays of a ``.npz`` file, read without pickle."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"model file not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        raise InputFileError(
            path, "not a saved cadretext classifier (not a NumPy .npz file)"
        ) from None
