"""The packaged default program-type model: how it is built and how it is loaded.

``benchmarks/train_default.py ../shared/data/real_reports.jsonl`` calls
:func:`train_default_classifier` (default settings: the 166 real reports plus the silver and
packaged examples, calibration folds grouped by site) and writes
``cadretext/classify/default_model.npz``; :func:`load_default_classifier` reads it. Nothing is
trained on a user's machine, and the real reports are not needed to classify.
"""

from __future__ import annotations

import copy
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .model import ProgramTypeClassifier

__all__ = ["DEFAULT_MODEL_FILE", "load_default_classifier", "train_default_classifier"]

#: the packaged default model, built by ``benchmarks/train_default.py``
DEFAULT_MODEL_FILE = "default_model.npz"


def train_default_classifier(path: str | os.PathLike[str]) -> ProgramTypeClassifier:
    """Train the default model on a labelled JSONL file (``real_reports.jsonl``).

    Default settings, calibration folds grouped by site; the file's hash goes into
    ``training_``. ``benchmarks/train_default.py`` calls this and writes the packaged model.
    """
    from .data import read_labelled_jsonl

    frame = read_labelled_jsonl(path)
    clf = ProgramTypeClassifier().fit(
        frame["text"].tolist(), frame["label"].tolist(), groups=frame["site"].tolist()
    )
    clf.training_ = {
        **clf.training_,
        "file": Path(path).name,
        "file_sha256": frame.attrs["sha256"],
        "n_sites": int(frame["site"].nunique()),
    }
    return clf


@lru_cache(maxsize=1)
def _default_model() -> ProgramTypeClassifier:
    ref = resources.files("cadretext.classify") / DEFAULT_MODEL_FILE
    with resources.as_file(ref) as path:
        return ProgramTypeClassifier.load(path)


def load_default_classifier() -> ProgramTypeClassifier:
    """The default classifier: trained on 166 real reports plus the silver and packaged examples.

    Read from the packaged weights (``cadretext/classify/default_model.npz``; nothing is
    trained on your machine) and kept in memory; each call returns an independent copy, so
    fitting it again does not change the default.

    Examples
    --------
    >>> clf = load_default_classifier()
    >>> clf.predict(["本届中青班学员在省委党校学习四个月。"]).tolist()
    ['party_school']
    >>> clf.training_["n_labelled"], clf.training_["n_silver"] > 500
    (166, True)
    """
    return copy.deepcopy(_default_model())
