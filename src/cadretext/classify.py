"""Program-type classification: secondment, party school, closed-format training, or other.

Researchers have thousands of scraped reports and labels for a handful. :class:`ProgramTypeClassifier`
labels each report ``secondment`` (cadres sent to work inside a host unit elsewhere: 跟班学习,
挂职锻炼, 跟岗, 蹲点, 援疆/援藏), ``party_school`` (classes at a Party school, administrative
academy or cadre college: 党校, 主体班, 中青班, 进修班), ``closed_training`` (enclosed or
semi-military intensive training: 封闭式, 半军事化, 早操, 手机入柜, 军训) or ``other`` (online
courses, appointment notices, cadre-selection policy, unrelated news), with a probability and the
evidence for it, so the label can be audited.

Two parts, combined:

1. **A lexicon scorer** (hand-written domain knowledge: no library knows how Chinese reports
   describe these formats). Weighted terms and regular expressions per type are read from the
   packaged, versioned ``lexicons/program_patterns.csv`` (or your own file). A type's *evidence*
   is ``sum(weight * (1 + ln count))`` over its patterns (repeats count sub-linearly; within a
   type, overlapping matches count once, the heaviest pattern explaining the span). Its *score*
   is the evidence divided by ``sqrt(max(n_chars, length_floor) / 1000)``: weighted evidence per
   square root of a thousand characters, so a passing mention in a long article weighs less than
   the same words in a short report. ``other`` scores ``other_baseline`` plus its own patterns
   (online courses, 公示, 新生军训, lockdowns, ...): a report in which no type beats that is
   ``other``. A report without any cadre context word (干部, 书记, 组织部 ...) has its program
   evidence multiplied by ``no_cadre_factor`` (teachers', doctors' or students' training is not
   cadre training). Lexicon probabilities: ``p(type) ∝ (1 + score(type)) ** sharpness``.
2. **A TF-IDF + logistic-regression model** (scikit-learn; character 1-3-grams need no word
   segmentation) trained on the labelled documents plus weak labels: the lexicon labels the
   unlabelled documents it is confident about (probability >= ``weak_threshold``) and the
   sentences of every training document that carry clear evidence of one program type; then
   ``self_training_rounds`` rounds add the unlabelled texts the *pooled* classifier is confident
   about.

The pool is linear: ``p = (1 - a) * p_lexicon + a * p_model``. Unless ``model_weight`` is given,
``a`` is chosen on the labelled documents by cross-validation (the ``a`` in 0, 0.1, ..., 1 with
the lowest log-loss; 0 with fewer than 5 labels). The five seeds are too few for a model to beat
the lexicon, so the default classifier is the lexicon (``a = 0``); with a few dozen labels of
your own (``cadretext classify --train``), the model earns its weight where it helps.

Examples
--------
>>> from cadretext.classify import load_default_classifier
>>> clf = load_default_classifier()
>>> clf.predict(["2023年，市委选派10名年轻干部赴杭州跟班学习半年，在开发区挂职锻炼。"]).tolist()
['secondment']
>>> rec = clf.predict_records(["学员们在干部学院接受为期三天的全封闭、半军事化培训，每天出早操，手机入柜。"])[0]
>>> rec["label"], rec["evidence"][0][:6]
('closed_training', '学员们在干部')
"""

from __future__ import annotations

import copy
import csv
import io
import math
import os
import pickle
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from ._io import sha256_of
from .clean import clean_text, split_sentences, split_units
from .errors import CadretextError, InputFileError, MissingColumnError, ParameterError

__all__ = [
    "CLASSES",
    "PROGRAM_TYPES",
    "PatternSet",
    "ProgramTypeClassifier",
    "classify_corpus",
    "evaluate",
    "fill_program_types",
    "load_default_classifier",
    "load_patterns",
    "read_training_table",
    "records_to_text",
]

#: The label set, in the (alphabetical, scikit-learn) order of ``predict_proba`` columns.
CLASSES: tuple[str, ...] = ("closed_training", "other", "party_school", "secondment")
#: The three program types (``other`` is the absence of enough evidence for any of them).
PROGRAM_TYPES: tuple[str, ...] = ("closed_training", "party_school", "secondment")
_CONTEXT = "cadre"
_PATTERN_TYPES = (*CLASSES, _CONTEXT)
_GAP = r"[^。！？；!?;\n]{0,15}"
_MODEL_FORMAT = "cadretext.ProgramTypeClassifier"
_MODEL_FORMAT_VERSION = 1


# --------------------------------------------------------------------------- patterns
@dataclass(frozen=True)
class Pattern:
    """One row of a pattern file."""

    types: tuple[str, ...]
    kind: str
    pattern: str
    weight: float
    note: str
    line: int
    regex: re.Pattern[str] = field(repr=False, compare=False)


@dataclass(frozen=True)
class PatternSet:
    """The weighted terms and regular expressions of the lexicon scorer.

    Attributes
    ----------
    name : str
        ``"program_patterns"`` for the packaged file, else the path.
    patterns : tuple of Pattern
    version : str
        The file's ``# version:`` value.
    sha256 : str
        Hash of the rows: two sets with the same hash score identically.
    """

    name: str
    patterns: tuple[Pattern, ...]
    version: str
    sha256: str

    def __len__(self) -> int:
        return len(self.patterns)

    def to_frame(self) -> pd.DataFrame:
        """The patterns as a table (type, kind, pattern, weight, note)."""
        return pd.DataFrame(
            [
                {
                    "type": "|".join(p.types),
                    "kind": p.kind,
                    "pattern": p.pattern,
                    "weight": p.weight,
                    "note": p.note,
                }
                for p in self.patterns
            ]
        )


def _parse_patterns(text: str, name: str) -> PatternSet:
    version = ""
    body: list[tuple[int, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        if stripped.startswith("#"):
            comment = stripped.lstrip("#").strip()
            if comment.lower().startswith("version:") and not version:
                version = comment.split(":", 1)[1].strip()
            continue
        body.append((lineno, line))
    if not body:
        raise InputFileError(name, "the pattern file has no rows")
    reader = csv.reader([line for _, line in body])
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in ("type", "kind", "pattern", "weight") if c not in header]
    if missing:
        raise MissingColumnError(
            name,
            f"pattern file needs columns type, kind, pattern, weight (and optional note); "
            f"missing {', '.join(missing)}",
            line=body[0][0],
        )
    col = {c: header.index(c) for c in header}
    patterns: list[Pattern] = []
    for (lineno, _), row in zip(body[1:], reader, strict=True):
        if len(row) < len(header) - ("note" in col):
            raise InputFileError(
                name, f"expected {len(header)} fields, got {len(row)}", line=lineno
            )
        fields = {c: row[i].strip() if i < len(row) else "" for c, i in col.items()}
        get = fields.get
        types = tuple(t.strip() for t in get("type").split("|") if t.strip())
        bad = [t for t in types if t not in _PATTERN_TYPES]
        if not types or bad:
            raise InputFileError(
                name,
                f"unknown type {'|'.join(bad) or '(empty)'}; use {', '.join(_PATTERN_TYPES)}",
                line=lineno,
            )
        kind = get("kind").lower()
        pattern = get("pattern")
        if kind not in ("term", "regex") or not pattern:
            raise InputFileError(
                name, "kind must be 'term' or 'regex' and pattern non-empty", line=lineno
            )
        try:
            weight = float(get("weight"))
        except ValueError:
            raise InputFileError(
                name, f"weight {get('weight')!r} is not a number", line=lineno
            ) from None
        source = re.escape(pattern) if kind == "term" else pattern.replace("…", _GAP)
        try:
            regex = re.compile(source)
        except re.error as exc:
            raise InputFileError(
                name, f"bad regular expression {pattern!r}: {exc}", line=lineno
            ) from None
        patterns.append(Pattern(types, kind, pattern, weight, get("note", ""), lineno, regex))
    digest = sha256_of(
        f"{'|'.join(p.types)}\t{p.kind}\t{p.pattern}\t{p.weight!r}" for p in patterns
    )
    return PatternSet(name=name, patterns=tuple(patterns), version=version, sha256=digest)


@lru_cache(maxsize=16)
def _load_patterns_cached(key: str, stamp: tuple[int, int] | None = None) -> PatternSet:
    if key == "program_patterns":
        text = (resources.files("cadretext.lexicons") / "program_patterns.csv").read_text("utf-8")
        return _parse_patterns(text, "program_patterns")
    path = Path(key)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "pattern files must be UTF-8 CSV") from exc
    return _parse_patterns(text, str(path))


def load_patterns(name_or_path: str | os.PathLike[str] | None = None) -> PatternSet:
    """Load the packaged pattern file (default) or your own CSV of the same shape.

    Columns: ``type`` (``secondment``, ``party_school``, ``closed_training``, ``other``, several
    joined by ``|``, or ``cadre`` for context words), ``kind`` (``term`` or ``regex``; in a
    regex ``…`` is a gap of up to 15 characters inside a sentence), ``pattern``, ``weight``
    (negative = evidence against the type) and an optional ``note``. ``#`` lines are comments;
    ``# version: N`` versions the file.

    Examples
    --------
    >>> ps = load_patterns()
    >>> ps.version, len(ps) > 100
    ('2', True)
    """
    if name_or_path is None or str(name_or_path) == "program_patterns":
        return _load_patterns_cached("program_patterns")
    path = Path(name_or_path)
    if not path.is_file():
        raise ParameterError(f"patterns: file not found: {path}")
    stat = path.stat()  # an edited file is re-read
    return _load_patterns_cached(str(path.resolve()), (stat.st_mtime_ns, stat.st_size))


# --------------------------------------------------------------------------- lexicon scoring
@dataclass(frozen=True)
class Match:
    type: str
    pattern: str
    kind: str
    weight: float
    start: int
    end: int
    text: str


def _find_matches(text: str, patterns: PatternSet) -> list[Match]:
    """All pattern matches; within one type (and sign), overlapping matches count once."""
    found: list[Match] = []
    for p in patterns.patterns:
        for m in p.regex.finditer(text):
            if m.end() == m.start():
                continue
            for t in p.types:
                found.append(Match(t, p.pattern, p.kind, p.weight, m.start(), m.end(), m.group()))
    # heaviest first, then leftmost: a span is explained by its strongest pattern only
    found.sort(key=lambda m: (m.type, m.weight < 0, -abs(m.weight), m.start, m.end))
    kept: list[Match] = []
    taken: dict[tuple[str, bool], list[tuple[int, int]]] = {}
    for m in found:
        spans = taken.setdefault((m.type, m.weight < 0), [])
        if any(m.start < e and s < m.end for s, e in spans):
            continue
        spans.append((m.start, m.end))
        kept.append(m)
    kept.sort(key=lambda m: (m.start, m.type))
    return kept


def _raw_evidence(matches: Sequence[Match]) -> tuple[dict[str, float], int]:
    counts: dict[tuple[str, str, float], int] = {}
    n_context = 0
    for m in matches:
        if m.type == _CONTEXT:
            n_context += 1
            continue
        key = (m.type, m.pattern, m.weight)
        counts[key] = counts.get(key, 0) + 1
    raw = dict.fromkeys(CLASSES, 0.0)
    for (t, _, w), c in counts.items():
        raw[t] += w * (1.0 + math.log(c))
    return raw, n_context


# --------------------------------------------------------------------------- helpers
def _as_texts(X: Any, name: str = "X") -> list[str]:
    if isinstance(X, str | bytes):
        raise ParameterError(f"{name} must be a list of texts, not a single string")
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ParameterError(f"{name}: a DataFrame needs a 'text' column")
        X = X["text"]
    try:
        items = list(X)
    except TypeError:
        raise ParameterError(f"{name} must be a list of texts") from None
    out: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, np.ndarray) and item.ndim == 1 and item.size == 1:
            item = item[0]  # a (n, 1) column from a ColumnTransformer
        if item is None or (isinstance(item, float) and math.isnan(item)):
            item = ""
        if not isinstance(item, str):
            raise ParameterError(f"{name}[{i}] is {type(item).__name__}, not a text string")
        out.append(item)
    return out


def _is_unlabelled(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip() in ("", "-1", "nan", "None")


def _normalise_label(value: Any, index: int) -> str:
    label = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if label not in CLASSES:
        raise ParameterError(
            f"y[{index}] = {value!r} is not a program type; use one of {', '.join(CLASSES)} "
            "(or leave it empty for an unlabelled document)"
        )
    return label


def _argmax_label(row: np.ndarray) -> str:
    best = float(row.max())
    other = CLASSES.index("other")
    if best - row[other] <= 1e-12:
        return "other"  # ties (e.g. no model) go to "other": no type has more evidence
    return CLASSES[int(row.argmax())]


@dataclass
class _Prepared:
    texts: list[str]
    matches: list[list[Match]]
    raw: np.ndarray  # raw evidence per class (n, 4)
    lex_scores: np.ndarray  # normalised scores per class (n, 4), other includes baseline
    p_lex: np.ndarray
    p_model: np.ndarray | None
    n_context: list[int]


# --------------------------------------------------------------------------- the estimator
class ProgramTypeClassifier(ClassifierMixin, BaseEstimator):
    """Label reports secondment / party_school / closed_training / other, with evidence.

    A scikit-learn classifier (``fit``, ``predict``, ``predict_proba``, ``get_params``; works in a
    ``Pipeline``, with ``clone`` and ``cross_val_score``; picklable) that needs few or no labels:
    a lexicon scorer gives weak labels and an interpretable score, a TF-IDF + logistic-regression
    model learns from the labelled documents plus confidently weak-labelled unlabelled ones, and
    the two are pooled. See the module docstring for the formulas.

    Parameters
    ----------
    patterns : str or path, optional
        Pattern CSV; ``None`` = the packaged ``program_patterns.csv``.
    clean : bool
        Run :func:`cadretext.clean_text` on every input (raw scraped text is fine: traditional
        script, pinyin glosses and page boilerplate are handled; cleaned text is unchanged).
    other_baseline : float
        Score of ``other`` before its own patterns: a program type needs more than this
        (evidence per square root of 1000 characters) to win.
    sharpness : float
        Exponent turning lexicon scores into probabilities.
    length_floor : int
        Texts shorter than this many characters are scored as if this long.
    no_cadre_factor : float
        Multiplier of the program evidence of a text with no cadre context word.
    ngram_range : tuple of int
        Character n-gram range of the TF-IDF features.
    max_features, min_df :
        Passed to :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
    C : float
        Inverse regularisation of the logistic regression.
    model_weight : float, optional
        Weight ``a`` of the model in the pool; ``None`` = chosen by cross-validation on the
        labelled documents (0 with fewer than 5).
    cv_folds : int
        Folds of that cross-validation (leave-one-out up to 10 labelled documents).
    weak_threshold : float
        Minimum probability for a weak (lexicon or self-training) label.
    weak_weight : float
        Sample weight of a weak label relative to a real one.
    augment_units : {"sentence", "paragraph"} or None
        Also weak-label these units of the training documents (more, shorter examples); only
        units with clear evidence of one program type are used.
    self_training_rounds : int
        Rounds of adding confident predictions of the combined classifier.
    label_threshold : float
        A type enters ``labels`` (mixed reports) when its probability reaches this.
    seed : int
        Random state of the logistic regression (the fit is deterministic with lbfgs).

    Attributes
    ----------
    classes_ : ndarray of str
        ``CLASSES``, always all four (the column order of ``predict_proba``).
    model_weight_ : float
        The pool weight used.
    n_labelled_, n_weak_ : int
        Labelled and weak-labelled training examples.
    patterns_ : PatternSet
    vectorizer_, model_ : fitted scikit-learn objects, or None when fewer than two classes were
        available to learn from (then the lexicon alone decides).

    Examples
    --------
    >>> clf = ProgramTypeClassifier().fit(
    ...     ["县委选派干部到省直部门跟班学习。", "市委党校中青班开班。"],
    ...     ["secondment", "party_school"],
    ... )
    >>> clf.predict(["乡镇干部赴苏州挂职锻炼半年。"]).tolist()
    ['secondment']
    """

    def __init__(
        self,
        *,
        patterns: str | os.PathLike[str] | None = None,
        clean: bool = True,
        other_baseline: float = 2.0,
        sharpness: float = 2.0,
        length_floor: int = 500,
        no_cadre_factor: float = 0.2,
        ngram_range: tuple[int, int] = (1, 3),
        max_features: int | None = 200_000,
        min_df: int | float = 1,
        C: float = 1.0,
        model_weight: float | None = None,
        cv_folds: int = 5,
        weak_threshold: float = 0.8,
        weak_weight: float = 0.5,
        augment_units: str | None = "sentence",
        self_training_rounds: int = 1,
        label_threshold: float = 0.3,
        seed: int = 0,
    ):
        self.patterns = patterns
        self.clean = clean
        self.other_baseline = other_baseline
        self.sharpness = sharpness
        self.length_floor = length_floor
        self.no_cadre_factor = no_cadre_factor
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.min_df = min_df
        self.C = C
        self.model_weight = model_weight
        self.cv_folds = cv_folds
        self.weak_threshold = weak_threshold
        self.weak_weight = weak_weight
        self.augment_units = augment_units
        self.self_training_rounds = self_training_rounds
        self.label_threshold = label_threshold
        self.seed = seed

    # ------------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> ProgramTypeClassifier:
        """The default model (packaged lexicon + the labelled seeds); see
        :func:`load_default_classifier`."""
        return load_default_classifier()

    def _check_params(self) -> None:
        checks = [
            ("other_baseline", self.other_baseline >= 0),
            ("sharpness", self.sharpness > 0),
            ("length_floor", self.length_floor >= 1),
            ("no_cadre_factor", 0 <= self.no_cadre_factor <= 1),
            ("cv_folds", int(self.cv_folds) >= 2),
            ("weak_threshold", 0 < self.weak_threshold <= 1),
            ("weak_weight", self.weak_weight >= 0),
            ("self_training_rounds", int(self.self_training_rounds) >= 0),
            ("label_threshold", 0 < self.label_threshold <= 1),
            ("C", self.C > 0),
        ]
        if self.model_weight is not None:
            checks.append(("model_weight", 0 <= self.model_weight <= 1))
        for name, ok in checks:
            if not ok:
                raise ParameterError(f"{name}={getattr(self, name)!r} is out of range")

    def _patterns(self) -> PatternSet:
        return getattr(self, "patterns_", None) or load_patterns(self.patterns)

    # ------------------------------------------------------------------ lexicon
    def _clean(self, texts: list[str]) -> list[str]:
        return [clean_text(t) if self.clean else t for t in texts]

    def _lexicon(self, texts: list[str], patterns: PatternSet):
        n = len(texts)
        raw = np.zeros((n, len(CLASSES)))
        scores = np.zeros((n, len(CLASSES)))
        all_matches: list[list[Match]] = []
        contexts: list[int] = []
        other = CLASSES.index("other")
        for i, text in enumerate(texts):
            matches = _find_matches(text, patterns)
            ev, n_context = _raw_evidence(matches)
            row = np.array([max(ev[c], 0.0) for c in CLASSES])
            if n_context == 0:
                for t in PROGRAM_TYPES:
                    row[CLASSES.index(t)] *= self.no_cadre_factor
            raw[i] = row
            scale = math.sqrt(max(len(text), self.length_floor) / 1000.0)
            scores[i] = row / scale
            scores[i, other] += self.other_baseline
            all_matches.append(matches)
            contexts.append(n_context)
        p = (1.0 + scores) ** self.sharpness
        p /= p.sum(axis=1, keepdims=True)
        return raw, scores, p, all_matches, contexts

    def lexicon_proba(self, X: Iterable[str]) -> np.ndarray:
        """Probabilities from the lexicon alone (works before ``fit``)."""
        texts = self._clean(_as_texts(X))
        return self._lexicon(texts, self._patterns())[2]

    # ------------------------------------------------------------------ fit
    def fit(self, X: Iterable[str], y: Iterable[Any] | None = None) -> ProgramTypeClassifier:
        """Learn from labelled texts, unlabelled texts, or both.

        Parameters
        ----------
        X : list of str
            Reports (raw or cleaned).
        y : list, optional
            One of ``CLASSES`` per text; ``None``, ``""``, NaN or ``-1`` marks an unlabelled
            text. ``y=None`` = all unlabelled (weak supervision from the lexicon only).
        """
        self._check_params()
        texts = self._clean(_as_texts(X))
        if y is None:
            y_list: list[Any] = [None] * len(texts)
        else:
            y_list = list(y) if not isinstance(y, str) else [y]
            if len(y_list) != len(texts):
                raise ParameterError(f"X has {len(texts)} texts but y has {len(y_list)} labels")
        gold = [None if _is_unlabelled(v) else _normalise_label(v, i) for i, v in enumerate(y_list)]
        self.patterns_ = load_patterns(self.patterns)
        self.classes_ = np.array(CLASSES)

        labelled = [(t, g) for t, g in zip(texts, gold, strict=True) if g is not None]
        # (text, may_be_other): a paragraph without program evidence is context inside a
        # report, not an "other" report, so paragraphs are weak-labelled as program types only
        candidates = [(t, True) for t, g in zip(texts, gold, strict=True) if g is None]
        if self.augment_units:
            frame = pd.DataFrame({"doc_id": range(len(texts)), "text": texts})
            units = split_units(frame, self.augment_units, min_chars=10)
            per_doc = units.groupby("doc_id").size()
            multi = set(per_doc[per_doc >= 2].index)
            candidates += [
                (t, False)
                for t, d in zip(units["text"], units["doc_id"], strict=True)
                if d in multi
            ]
        self.n_labelled_ = len(labelled)
        self.model_weight_ = self._choose_weight([t for t, _ in labelled], [g for _, g in labelled])
        self.vectorizer_ = None
        self.model_ = None

        train_x = [t for t, _ in labelled]
        train_y = [g for _, g in labelled]
        weights = [1.0] * len(labelled)

        program = [CLASSES.index(c) for c in PROGRAM_TYPES]

        def take(pool: list[tuple[str, bool]], proba: np.ndarray) -> list[tuple[str, bool]]:
            # documents: the top class (other included) if it is confident; units (sentences of
            # the training documents): the top program type if it is confident among the
            # program types and its lexicon score beats the `other` baseline
            scores = self._lexicon([t for t, _ in pool], self.patterns_)[1]
            rest = []
            for i, (text, may_be_other) in enumerate(pool):
                row = proba[i]
                if may_be_other:
                    label, conf = _argmax_label(row), float(row.max())
                else:
                    q = row[program] / max(float(row[program].sum()), 1e-12)
                    label, conf = PROGRAM_TYPES[int(q.argmax())], float(q.max())
                    if scores[i, CLASSES.index(label)] <= self.other_baseline:
                        conf = 0.0
                if conf >= self.weak_threshold:
                    train_x.append(text)
                    train_y.append(label)
                    weights.append(self.weak_weight * conf)
                else:
                    rest.append((text, may_be_other))
            return rest

        remaining = candidates
        if remaining:
            remaining = take(remaining, self._lexicon([t for t, _ in remaining], self.patterns_)[2])
        self._fit_model(train_x, train_y, weights, [t for t, _ in remaining] + train_x)
        # self-training: hand-written because sklearn's SelfTrainingClassifier pseudo-labels
        # with the base model alone; here the confident *pooled* (lexicon + model) predictions
        # are added.
        for _ in range(int(self.self_training_rounds)):
            if not remaining or self.model_ is None:
                break
            before = len(train_x)
            remaining = take(remaining, self._pool(*self._proba_parts([t for t, _ in remaining])))
            if len(train_x) == before:
                break
            self._fit_model(train_x, train_y, weights, None)
        self.n_weak_ = len(train_x) - self.n_labelled_
        return self

    def _choose_weight(self, texts: list[str], labels: list[str]) -> float:
        """The model's weight in the pool: given, or chosen by cross-validation.

        With fewer than 5 labelled documents (or one class) a model cannot be checked, so the
        lexicon decides alone (0). Otherwise the weight in 0, 0.1, ..., 1 with the lowest
        cross-validated log-loss of the pooled probabilities on the labelled documents (folds
        fitted on labelled documents only, without self-training; ties go to the lexicon).
        """
        if self.model_weight is not None:
            return float(self.model_weight)
        n = len(texts)
        if n < 5 or len(set(labels)) < 2:
            return 0.0
        from sklearn.model_selection import KFold, LeaveOneOut, StratifiedKFold

        k = min(int(self.cv_folds), n)
        counts = pd.Series(labels).value_counts()
        if n <= 10:
            splitter: Any = LeaveOneOut()
        elif counts.min() >= k:
            splitter = StratifiedKFold(k, shuffle=True, random_state=self.seed)
        else:
            splitter = KFold(k, shuffle=True, random_state=self.seed)
        inner = clone(self).set_params(model_weight=0.0, self_training_rounds=0)
        x = np.array(texts, dtype=object)
        y = np.array(labels, dtype=object)
        p_lex = np.zeros((n, len(CLASSES)))
        p_mod = np.zeros((n, len(CLASSES)))
        for train, test in splitter.split(x, y):
            fold = clone(inner).fit(x[train].tolist(), y[train].tolist())
            lex, mod = fold._proba_parts(x[test].tolist())
            p_lex[test] = lex
            p_mod[test] = lex if mod is None else mod
        truth = np.array([CLASSES.index(v) for v in labels])
        best, best_loss = 0.0, math.inf
        for a in np.linspace(0.0, 1.0, 11):
            pooled = (1.0 - a) * p_lex + a * p_mod
            loss = float(-np.log(np.clip(pooled[np.arange(n), truth], 1e-6, 1.0)).mean())
            if loss < best_loss - 1e-9:
                best, best_loss = float(a), loss
        return round(best, 2)

    def _fit_model(
        self, x: list[str], y: list[str], w: list[float], vocab_texts: list[str] | None
    ) -> None:
        if len(set(y)) < 2:
            self.vectorizer_ = None
            self.model_ = None
            return
        if vocab_texts is not None or self.vectorizer_ is None:
            self.vectorizer_ = TfidfVectorizer(
                analyzer="char",
                ngram_range=tuple(self.ngram_range),
                sublinear_tf=True,
                min_df=self.min_df,
                max_features=self.max_features,
                dtype=np.float64,
            ).fit(vocab_texts if vocab_texts is not None else x)
        self.model_ = LogisticRegression(
            C=self.C, class_weight="balanced", max_iter=2000, random_state=self.seed
        ).fit(self.vectorizer_.transform(x), y, sample_weight=np.asarray(w))

    # ------------------------------------------------------------------ predict
    def _model_proba(self, texts: list[str], p_lex: np.ndarray) -> np.ndarray | None:
        """The model's probabilities in ``CLASSES`` order.

        A model that never saw an ``other`` example (e.g. trained on program reports only)
        cannot say whether a text is about a program at all: it then only splits the
        lexicon's program mass between the types, and ``other`` keeps the lexicon's value.
        """
        if getattr(self, "model_", None) is None or not texts:
            return None
        proba = self.model_.predict_proba(self.vectorizer_.transform(texts))
        out = np.zeros((len(texts), len(CLASSES)))
        for j, c in enumerate(self.model_.classes_):
            out[:, CLASSES.index(c)] = proba[:, j]
        if "other" not in self.model_.classes_:
            other = CLASSES.index("other")
            out *= (1.0 - p_lex[:, other])[:, None]
            out[:, other] = p_lex[:, other]
        return out

    def _proba_parts(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
        p_lex = self._lexicon(texts, self.patterns_)[2]
        return p_lex, self._model_proba(texts, p_lex)

    def _pool(self, p_lex: np.ndarray, p_model: np.ndarray | None) -> np.ndarray:
        if p_model is None:
            return p_lex
        a = self.model_weight_
        return (1.0 - a) * p_lex + a * p_model

    def _prepare(self, X: Iterable[str], *, need_model: bool = False) -> _Prepared:
        check_is_fitted(self, "classes_")
        texts = self._clean(_as_texts(X))
        raw, scores, p_lex, matches, contexts = self._lexicon(texts, self.patterns_)
        # the model is skipped when its pool weight is 0 (it cannot change the result)
        use_model = need_model or self.model_weight_ > 0
        p_model = self._model_proba(texts, p_lex) if use_model else None
        return _Prepared(texts, matches, raw, scores, p_lex, p_model, contexts)

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Pooled probabilities, columns in ``classes_`` order; rows sum to 1."""
        prep = self._prepare(X)
        return self._pool(prep.p_lex, prep.p_model)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """The most probable label of each text (``other`` when no type has enough evidence)."""
        return np.array([_argmax_label(row) for row in self.predict_proba(X)], dtype=object)

    def proba_by_source(self, X: Iterable[str]) -> dict[str, np.ndarray]:
        """Probabilities of the lexicon, the model and the pool (for ablations).

        The model's are uniform when no model could be trained.
        """
        prep = self._prepare(X, need_model=True)
        n = len(prep.texts)
        p_model = prep.p_model if prep.p_model is not None else np.full((n, len(CLASSES)), 0.25)
        return {
            "combined": self._pool(prep.p_lex, prep.p_model),
            "lexicon": prep.p_lex,
            "model": p_model,
        }

    # ------------------------------------------------------------------ explain
    def _labels(self, row: np.ndarray) -> list[str]:
        main = _argmax_label(row)
        extra = [
            c
            for c in sorted(CLASSES, key=lambda c: -row[CLASSES.index(c)])
            if c != main and c != "other" and row[CLASSES.index(c)] >= self.label_threshold
        ]
        return [main, *extra]

    def _record(self, prep: _Prepared, i: int, *, detail: bool) -> dict[str, Any]:
        text = prep.texts[i]
        pooled = self._pool(
            prep.p_lex[i : i + 1], None if prep.p_model is None else prep.p_model[i : i + 1]
        )[0]
        label = _argmax_label(pooled)
        sentences = _sentence_spans(text)
        evidence = _evidence_sentences(prep.matches[i], sentences, label)
        record: dict[str, Any] = {
            "label": label,
            "labels": self._labels(pooled),
            "scores": {c: round(float(pooled[j]), 4) for j, c in enumerate(CLASSES)},
            "evidence": evidence,
        }
        if detail:
            sent_of = _sentence_index(sentences)
            record["matches"] = [
                {
                    "type": m.type,
                    "pattern": m.pattern,
                    "kind": m.kind,
                    "text": m.text,
                    "weight": m.weight,
                    "start": m.start,
                    "end": m.end,
                    "sentence": sent_of(m.start),
                }
                for m in prep.matches[i]
            ]
            record["lexicon"] = {
                "evidence": {c: round(float(prep.raw[i, j]), 3) for j, c in enumerate(CLASSES)},
                "scores": {
                    c: round(float(prep.lex_scores[i, j]), 3) for j, c in enumerate(CLASSES)
                },
                "probabilities": {
                    c: round(float(prep.p_lex[i, j]), 4) for j, c in enumerate(CLASSES)
                },
                "cadre_context": prep.n_context[i] > 0,
                "patterns_version": self.patterns_.version,
            }
            record["model"] = (
                None
                if prep.p_model is None
                else {c: round(float(prep.p_model[i, j]), 4) for j, c in enumerate(CLASSES)}
            )
            record["model_weight"] = round(float(self.model_weight_), 4)
            record["text"] = text
        return record

    def predict_records(self, X: Iterable[str]) -> list[dict[str, Any]]:
        """One record per text: ``label``, ``labels`` (mixed reports), ``scores``, ``evidence``.

        ``labels`` holds the main label first, then every program type whose probability is at
        least ``label_threshold``; ``evidence`` holds the 1-3 sentences (of the cleaned text)
        carrying most evidence for the main label.
        """
        prep = self._prepare(X)
        return [self._record(prep, i, detail=False) for i in range(len(prep.texts))]

    def explain(self, text: str) -> dict[str, Any]:
        """Why a text got its label.

        Returns
        -------
        dict
            ``label``, ``labels``, ``scores`` (pooled probabilities), ``evidence`` (1-3 real
            sentences of the cleaned input, most evidence first), ``matches`` (every matched
            term/pattern: type, pattern, kind, matched text, weight, start/end offsets in the
            cleaned text, sentence index), ``lexicon`` (raw evidence, normalised scores and
            probabilities per type; whether cadre context was found), ``model`` (the model's
            probabilities or None), ``model_weight`` and ``text`` (the cleaned text).

        Examples
        --------
        >>> clf = load_default_classifier()
        >>> out = clf.explain("市委党校主体班开班。学员将学习两个月。")
        >>> out["label"], out["evidence"]
        ('party_school', ['市委党校主体班开班。', '学员将学习两个月。'])
        >>> [(m["text"], m["weight"]) for m in out["matches"] if m["type"] == "party_school"]
        [('党校', 2.5), ('主体班', 3.0), ('开班', 1.0), ('学员', 0.5)]
        """
        if not isinstance(text, str):
            raise ParameterError("explain() takes one text string")
        prep = self._prepare([text], need_model=True)
        return self._record(prep, 0, detail=True)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save the fitted classifier (pickle with a format header), atomically."""
        check_is_fitted(self, "classes_")
        from . import __version__

        payload = {
            "format": _MODEL_FORMAT,
            "format_version": _MODEL_FORMAT_VERSION,
            "cadretext": __version__,
            "model": self,
        }
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ProgramTypeClassifier:
        """Load a classifier saved with :meth:`save`. Only load files you trust (pickle)."""
        path = Path(path)
        if not path.is_file():
            raise ParameterError(f"model file not found: {path}")
        try:
            with open(path, "rb") as fh:
                payload = pickle.load(fh)
        except Exception as exc:  # any unpickling failure means "not a model file"
            raise InputFileError(path, f"not a saved cadretext classifier ({exc})") from None
        if not isinstance(payload, dict) or payload.get("format") != _MODEL_FORMAT:
            raise InputFileError(path, "not a saved cadretext classifier")
        if payload.get("format_version") != _MODEL_FORMAT_VERSION:
            raise InputFileError(
                path, "saved with an incompatible cadretext version; re-train with --train"
            )
        return payload["model"]


# --------------------------------------------------------------------------- evidence sentences
def _sentence_spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for sentence in split_sentences(text):
        start = text.find(sentence, pos)
        if start < 0:  # cannot happen (split_sentences keeps every character); be safe
            start = pos
        spans.append((start, start + len(sentence), sentence))
        pos = start + len(sentence)
    return spans


def _sentence_index(spans: list[tuple[int, int, str]]):
    starts = [s for s, _, _ in spans]

    def find(offset: int) -> int | None:
        import bisect

        i = bisect.bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < spans[i][1] else None

    return find


def _evidence_sentences(
    matches: Sequence[Match], spans: list[tuple[int, int, str]], label: str, k: int = 3
) -> list[str]:
    if not spans:
        return []
    find = _sentence_index(spans)
    weight: dict[int, float] = {}
    for m in matches:
        if m.type == label and m.weight > 0:
            i = find(m.start)
            if i is not None:
                weight[i] = weight.get(i, 0.0) + m.weight
    best = sorted(weight, key=lambda i: (-weight[i], i))[:k]
    return [spans[i][2].strip() for i in best]


# --------------------------------------------------------------------------- default model
def _packaged_seeds() -> tuple[list[str], list[str]]:
    text = (resources.files("cadretext.lexicons") / "program_seeds.csv").read_text("utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    frame = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    return frame["text"].tolist(), frame["program_type"].tolist()


@lru_cache(maxsize=1)
def _default_model() -> ProgramTypeClassifier:
    texts, labels = _packaged_seeds()
    # the packaged texts are already clean; clean=True stays so raw input is handled at predict
    return ProgramTypeClassifier().fit(texts, labels)


def load_default_classifier() -> ProgramTypeClassifier:
    """The default classifier: packaged lexicon + the five labelled seed reports.

    Built deterministically on first use (about a second) and kept in memory; each call returns
    an independent copy, so fitting it again does not change the default.

    Examples
    --------
    >>> clf = load_default_classifier()
    >>> clf.predict(["本届中青班学员在省委党校学习四个月。"]).tolist()
    ['party_school']
    """
    return copy.deepcopy(_default_model())


# --------------------------------------------------------------------------- evaluation
def _metrics(y_true: list[str], y_pred: list[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    present = [c for c in CLASSES if c in set(y_true) | set(y_pred)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=present, zero_division=0)
    per_class = pd.DataFrame(
        {"precision": p, "recall": r, "f1": f, "support": s}, index=pd.Index(present, name="class")
    )
    cm = confusion_matrix(y_true, y_pred, labels=list(CLASSES))
    confusion = pd.DataFrame(
        cm,
        index=pd.Index(CLASSES, name="true"),
        columns=pd.Index(CLASSES, name="predicted"),
    )
    return {
        "macro_f1": float(np.mean(f)) if len(f) else 0.0,
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "per_class": per_class,
        "confusion": confusion,
    }


def _resolve_cv(cv: Any, labels: list[str], seed: int):
    from sklearn.model_selection import LeaveOneOut, StratifiedKFold

    counts = pd.Series(labels).value_counts()
    if cv == "auto":
        if len(labels) < 30 or counts.min() < 5:
            return LeaveOneOut(), "leave-one-out"
        return StratifiedKFold(5, shuffle=True, random_state=seed), "stratified 5-fold"
    if cv == "loo":
        return LeaveOneOut(), "leave-one-out"
    if isinstance(cv, int) and not isinstance(cv, bool):
        if cv < 2:
            raise ParameterError("cv must be at least 2 folds")
        if counts.min() < cv:
            raise ParameterError(
                f"cv={cv} needs at least {cv} documents of each class; the smallest class has "
                f"{counts.min()}; use cv='loo'"
            )
        return StratifiedKFold(cv, shuffle=True, random_state=seed), f"stratified {cv}-fold"
    if hasattr(cv, "split"):
        return cv, type(cv).__name__
    raise ParameterError("cv must be 'auto', 'loo', an int, a scikit-learn splitter, or None")


def evaluate(
    clf: ProgramTypeClassifier,
    texts: Iterable[str],
    labels: Iterable[Any],
    *,
    cv: Any = "auto",
    seed: int = 0,
) -> dict[str, Any]:
    """Macro-F1, per-class precision/recall and confusion matrix, with a lexicon/model ablation.

    Parameters
    ----------
    clf : ProgramTypeClassifier
        With ``cv=None`` it must be fitted and is evaluated as is (a held-out test set);
        otherwise a fresh clone is fitted on each training fold.
    texts, labels : sequences
        Reports and their true program types.
    cv : "auto", "loo", int, splitter or None
        ``"auto"`` = leave-one-out below 30 documents or 5 per class, else stratified 5-fold.
    seed : int
        Shuffling seed of stratified folds.

    Returns
    -------
    dict
        ``macro_f1``, ``accuracy``, ``per_class`` (DataFrame: precision, recall, f1, support),
        ``confusion`` (DataFrame, rows true, columns predicted) for the pooled classifier;
        ``ablation`` (DataFrame: macro_f1 and accuracy of ``combined``, ``lexicon``, ``model``);
        ``by_source`` (the full metrics of each); ``predictions`` (DataFrame: true label and
        each source's prediction); ``cv`` (what was done) and ``n``. Macro-F1 averages over the
        classes present in the true or predicted labels. A model trained without any ``other``
        example only ranks the program types; its ``other`` probability is the lexicon's.

    Examples
    --------
    >>> clf = load_default_classifier()
    >>> res = evaluate(clf, ["干部赴深圳挂职锻炼。", "省委党校主体班开班。"],
    ...                ["secondment", "party_school"], cv=None)
    >>> res["macro_f1"], list(res["ablation"].index)
    (1.0, ['combined', 'lexicon', 'model'])
    """
    x = _as_texts(texts, "texts")
    y = [_normalise_label(v, i) for i, v in enumerate(labels)]
    if len(x) != len(y):
        raise ParameterError(f"{len(x)} texts but {len(y)} labels")
    if not x:
        raise ParameterError("texts is empty")
    preds: dict[str, list[str | None]] = {
        s: [None] * len(x) for s in ("combined", "lexicon", "model")
    }
    if cv is None:
        check_is_fitted(clf, "classes_")
        description = "held-out (fitted classifier, no refit)"
        for source, proba in clf.proba_by_source(x).items():
            preds[source] = [_argmax_label(row) for row in proba]
    else:
        splitter, description = _resolve_cv(cv, y, seed)
        xa = np.array(x, dtype=object)
        ya = np.array(y, dtype=object)
        for train, test in splitter.split(xa, ya):
            fold = clone(clf).fit(xa[train].tolist(), ya[train].tolist())
            for source, proba in fold.proba_by_source(xa[test].tolist()).items():
                for i, row in zip(test, proba, strict=True):
                    preds[source][i] = _argmax_label(row)
    by_source = {s: _metrics(y, [str(p) for p in preds[s]]) for s in preds}
    ablation = pd.DataFrame(
        {
            s: {"macro_f1": by_source[s]["macro_f1"], "accuracy": by_source[s]["accuracy"]}
            for s in by_source
        }
    ).T
    ablation.index.name = "source"
    combined = by_source["combined"]
    return {
        "n": len(x),
        "cv": description,
        "macro_f1": combined["macro_f1"],
        "accuracy": combined["accuracy"],
        "per_class": combined["per_class"],
        "confusion": combined["confusion"],
        "ablation": ablation,
        "by_source": by_source,
        "predictions": pd.DataFrame({"true": y, **preds}),
    }


# --------------------------------------------------------------------------- corpus-level API
def classify_corpus(
    corpus: pd.DataFrame | Iterable[str],
    *,
    model: ProgramTypeClassifier | str | os.PathLike[str] | None = None,
    unit: str = "document",
    text_column: str = "text",
    progress: bool = False,
) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        ``doc_id``, ``path`` (if the corpus has one), ``unit_id`` (paragraph units), ``label``,
        ``labels``, ``scores`` (dict), ``evidence`` (list of sentences), and one probability
        column ``p_<type>`` per class.

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
        texts = _as_texts(corpus, "corpus")
        frame = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts})
        text_column = "text"
    if unit == "paragraph":
        frame = split_units(frame, "paragraph", text_column=text_column)
        text_column = "text"
    keep = [c for c in ("doc_id", "unit_id", "path") if c in frame.columns]
    out = frame[keep].reset_index(drop=True)
    texts = frame[text_column].fillna("").tolist()
    batches = range(0, len(texts), 500)
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, desc="classifying", unit="batch of 500")
    records = [rec for i in batches for rec in clf.predict_records(texts[i : i + 500])]
    out["label"] = [r["label"] for r in records]
    out["labels"] = [r["labels"] for r in records]
    out["scores"] = [r["scores"] for r in records]
    out["evidence"] = [r["evidence"] for r in records]
    for c in CLASSES:
        out[f"p_{c}"] = [r["scores"][c] for r in records]
    return out


def fill_program_types(
    corpus: pd.DataFrame,
    *,
    model: ProgramTypeClassifier | str | os.PathLike[str] | None = None,
    column: str = "program_type",
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
    missing = np.array([v is pd.NA or _is_unlabelled(v) for v in given], dtype=bool)
    labels = given.astype(object).where(~missing, None)
    if missing.any():
        predicted = classify_corpus(out.loc[missing], model=model)["label"].to_numpy()
        labels[missing] = predicted
    out[column] = labels
    out["program_type_source"] = np.where(missing, "predicted", "manifest")
    return out


def records_to_text(result: pd.DataFrame, fmt: str = "jsonl") -> str:
    """Serialise :func:`classify_corpus` output as JSON Lines or CSV (the CLI's output formats).

    JSONL records are ``{"doc_id", ["unit_id",] "path", "label", "labels", "scores",
    "evidence"}``; in CSV, ``labels`` and ``evidence`` are joined with `` | `` and the scores
    are ``p_<type>`` columns.
    """
    import json

    if fmt not in ("jsonl", "csv"):
        raise ParameterError(f"format must be 'jsonl' or 'csv', not {fmt!r}")
    fields = [c for c in ("doc_id", "unit_id", "path") if c in result.columns]
    if fmt == "jsonl":
        lines = []
        for row in result.to_dict("records"):
            rec = {f: (None if pd.isna(row[f]) else row[f]) for f in fields}
            rec.setdefault("path", None)
            rec.update(
                label=row["label"],
                labels=row["labels"],
                scores=row["scores"],
                evidence=row["evidence"],
            )
            lines.append(json.dumps(rec, ensure_ascii=False))
        return "".join(line + "\n" for line in lines)
    table = result[[*fields, "label"]].copy()
    table["labels"] = [" | ".join(v) for v in result["labels"]]
    for c in CLASSES:
        table[f"p_{c}"] = result[f"p_{c}"]
    table["evidence"] = [" | ".join(v) for v in result["evidence"]]
    return table.to_csv(index=False, lineterminator="\n")


def read_training_table(path: str | os.PathLike[str]) -> tuple[list[str], list[str | None]]:
    """Read a labels table for ``cadretext classify --train``.

    A CSV with a ``text`` column or a ``file`` column (paths relative to the CSV's folder, any
    format :func:`cadretext.load_corpus` reads; a JSONL/CSV file gives all its records that
    label), and a ``program_type`` or ``label`` column. Empty labels mark unlabelled documents,
    used for self-training.
    """
    from .corpus import load_corpus

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"labels table not found: {path}")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(path, f"cannot read the labels table as UTF-8 CSV ({exc})") from None
    label_col = next((c for c in ("program_type", "label") if c in table.columns), None)
    if label_col is None:
        raise MissingColumnError(path, "the labels table needs a 'program_type' or 'label' column")
    if "text" not in table.columns and "file" not in table.columns:
        raise MissingColumnError(path, "the labels table needs a 'text' or a 'file' column")
    texts: list[str] = []
    labels: list[str | None] = []
    for i, row in enumerate(table.to_dict("records")):
        line = i + 2
        raw_label = row[label_col].strip()
        try:
            label = None if _is_unlabelled(raw_label) else _normalise_label(raw_label, i)
        except ParameterError:
            raise InputFileError(
                path, f"unknown program type {raw_label!r}; use {', '.join(CLASSES)}", line=line
            ) from None
        if row.get("text", "").strip():
            texts.append(row["text"])
            labels.append(label)
            continue
        target = (path.parent / row.get("file", "").strip()) if row.get("file") else None
        if target is None or not target.exists():
            raise InputFileError(path, f"no text and no readable file ({target})", line=line)
        try:
            docs = load_corpus(target, manifest=False, errors="raise", duplicate_threshold=None)
        except CadretextError as exc:
            raise InputFileError(path, f"cannot read {target}: {exc}", line=line) from None
        texts.extend(docs["text"].tolist())
        labels.extend([label] * len(docs))
    if not texts:
        raise InputFileError(path, "the labels table has no rows")
    return texts, labels
