"""The supervised program-type model: lexicon features and character n-grams, calibrated.

:class:`ProgramTypeClassifier` is one multinomial logistic regression (scikit-learn) over three
blocks of features:

* **character n-grams** (1-3 characters, hashed, TF-IDF with sublinear term frequency,
  :class:`~cadretext.classify.features.NgramBlock`): they need no word segmentation and learn
  whatever labels teach (university-run classes, study tours, militia drills ...);
* **lexicon features** (:mod:`cadretext.classify.features`): one column per term or regular
  expression of the pattern file, plus the lexicon's own score per type, scaled by
  ``lexicon_scale``. They carry the labelling guide's knowledge into a model that learns from
  labels how much each pattern is worth;
* the lexicon's **log-probabilities** as a prior (``prior_scale``).

It is trained on your labelled reports plus three kinds of examples it always has:

* the **silver examples** (:mod:`cadretext.classify.silver`): 1,149 real web pages labelled
  twice, blind, from the labelling guide, shipped as hashed n-gram counts and lexicon matches
  (no text), weighted ``silver_weight``. They give the n-grams enough real text to learn from;
* the **packaged examples** (the five seeds and 174 short reports written for this project,
  weighted ``base_weight``);
* **weak labels**: unlabelled reports the lexicon labels confidently (``weak_weight``).

Its probabilities are mixed with a second opinion: the class shares of the ``neighbours``
training examples most similar to the report in a latent semantic space
(:mod:`cadretext.classify.neighbours`), weighted ``neighbour_weight`` (0.2). A report that reads
like labelled reports as a whole is pulled toward their class even where single n-grams point
elsewhere; on the real reports this mostly keeps reports that only mention a program as
``other``.

Your own labels weigh ``label_weight`` each (default 1). The default model
(:func:`cadretext.classify.load_default_classifier`) was trained this way on 166 real,
double-coded reports (``benchmarks/train_default.py``); its fitted weights ship with the
package, so nothing is trained on your machine.

**Probabilities** are calibrated by temperature scaling (Guo et al. 2017): the logits are
divided by one temperature ``T`` chosen to minimise the log-loss of out-of-fold predictions
(cross-validation grouped by site when ``groups`` is given). A report whose calibrated
probability of its label is below ``uncertain_below``, or whose two opinions (the linear model
and the nearest examples) favour different types, is flagged ``uncertain``: read it by hand.

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
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from ..clean import clean_text
from ..errors import ParameterError
from .data import packaged_examples
from .features import (
    NGRAM_HASHING,
    NgramBlock,
    hashed_ngram_counts,
    lexicon_feature_matrix,
    lexicon_feature_names,
    ngram_of_columns,
)
from .labels import (
    CLASSES,
    argmax_label,
    as_texts,
    is_unlabelled,
    normalise_label,
    softmax,
)
from .neighbours import NeighbourIndex
from .patterns import (
    Match,
    PatternSet,
    find_matches,
    load_patterns,
    score_lexicon,
)
from .records import Prepared, RecordsMixin
from .rows import Rows, TrainingPool, class_weight_power, class_weights
from .silver import silver_examples
from .temperature import fit_temperature, log_loss_at

__all__ = ["ProgramTypeClassifier", "fit_temperature", "log_loss_at"]


class ProgramTypeClassifier(RecordsMixin, ClassifierMixin, BaseEstimator):
    """Label reports secondment / party_school / closed_training / other, with evidence.

    A scikit-learn classifier (``fit``, ``predict``, ``predict_proba``, ``get_params``; works with
    ``clone`` and ``cross_val_score``; picklable). See the module docstring for the design.

    Parameters
    ----------
    patterns : str or path, optional
        Pattern CSV; ``None`` = the packaged ``program_patterns.csv``.
    clean : bool, default True
        Run :func:`cadretext.clean_text` on every input (raw scraped text is fine).
    ngram_range : tuple of int or None, default (1, 3)
        Character n-gram range of the TF-IDF block (hashed, :class:`~.features.NgramBlock`);
        ``None`` = no n-gram features.
    min_df : int, default 2
        Minimum document frequency of an n-gram.
    max_features : int, default 20000
        Most frequent n-grams kept.
    C : float, default 1.0
        Inverse regularisation of the logistic regression.
    class_weight : float, "balanced" or None, default 0.25
        How far to even out the classes: each class is weighted by ``(total / (4 x class
        total)) ** class_weight`` (weighted counts of the training examples), so 1 (or
        "balanced") gives every class the same total weight and 0 (or None) leaves them as they
        are. Between the two, the program types gain weight without the model calling every
        report about training a program: 0.25 gave the best macro-F1 in cross-validation over
        the silver examples (``benchmarks/quality.py`` shows the trade on the real reports).
    lexicon_scale : float, default 0.3
        Multiplier of the lexicon features (their weight against the n-grams under one
        penalty); 0 = no lexicon features.
    base_examples : bool, default True
        Also train on the packaged examples (:func:`cadretext.classify.data.packaged_examples`).
    base_weight : float, default 0.5
        Sample weight of a packaged example.
    label_weight : float, default 1.0
        Sample weight of one of your labels (times ``sample_weight``), against the silver
        examples' weights (at most 1 each) and the packaged examples'.
    silver_weight : float, default 1.0
        Multiplier of the silver examples' weights (:mod:`cadretext.classify.silver`: real pages
        labelled twice from the labelling guide, shipped as features); 0 = do not use them.
        They are stored as 1-3-gram counts, so they need ``ngram_range=(1, 3)`` (or None).
    silver_n : int or None, default None
        Train on this many silver examples, drawn with ``seed`` (None = all of them): for
        learning curves.
    weak_threshold : float, default 0.8
        An unlabelled text whose lexicon probability reaches this becomes a weak example.
    weak_weight : float, default 0.3
        Sample weight of a weak example (times its lexicon probability).
    neighbours : int, default 10
        How many of the nearest training examples vote (:class:`~.neighbours.NeighbourIndex`:
        n-gram TF-IDF reduced by latent semantic analysis, cosine similarity).
    neighbour_weight : float, default 0.2
        Share of the neighbours' class distribution in the probabilities (the linear model has
        the rest); 0 = the linear model alone. On the real reports, grouped by site, 0.2 with
        10 neighbours raised macro-F1 from 0.783 to 0.812 and ``other`` recall from 0.78 to
        0.85 (``benchmarks/quality.py``, 1,149 silver pages).
    neighbour_dims : int, default 100
        Dimensions of the reduced space.
    calibrate : bool, default True
        Fit the temperature on out-of-fold predictions (with at least 20 labelled texts).
    cv_folds : int, default 5
        Folds of that cross-validation (grouped by ``groups`` when given to ``fit``).
    uncertain_below : float, default 0.6
        A report whose calibrated probability of its label is below this is ``uncertain``
        (so is one whose linear model and neighbours favour different types).
    label_threshold : float, default 0.3
        A program type enters ``labels`` (mixed reports) when its probability reaches this.
    other_baseline, sharpness, length_floor, no_cadre_factor : float
        The lexicon scorer's settings (:func:`cadretext.classify.patterns.score_lexicon`), used
        for its own probabilities (weak labels, ablations) and the length normalisation.
    seed : int, default 0
        Random state of the folds (the lbfgs fit itself is deterministic).

    Attributes
    ----------
    classes_ : ndarray of str
        ``CLASSES``, always all four (the column order of ``predict_proba``).
    ngrams_ : NgramBlock or None
        The kept hashed n-gram columns and their idf.
    coef_, intercept_ : ndarray
        The logistic regression's weights over ``feature_names_``.
    neighbours_ : NeighbourIndex or None
        The training examples' reduced vectors, classes and weights (None without n-grams or
        with ``neighbour_weight=0``).
    temperature_ : float
        The calibration temperature (1.0 when not calibrated).
    calibration_ : dict
        ``temperature``, ``n`` and the out-of-fold log-loss before and after.
    oof_logits_, oof_truth_ : ndarray
        The out-of-fold logits of the labelled texts and their true classes (indices into
        ``CLASSES``) that the temperature was fitted on (only when calibrated); see
        :func:`cadretext.classify.evaluate.stored_calibration`.
    n_labelled_, n_base_, n_weak_, n_silver_ : int
        Training examples of each kind.
    training_ : dict
        What the model was trained on (sizes, hashes, versions).

    Examples
    --------
    >>> clf = ProgramTypeClassifier(calibrate=False).fit(
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
        ngram_range: tuple[int, int] | None = (1, 3),
        min_df: int = 2,
        max_features: int | None = 20_000,
        C: float = 1.0,
        class_weight: float | str | None = 0.25,
        lexicon_scale: float = 0.3,
        prior_scale: float = 3.0,
        base_examples: bool = True,
        base_weight: float = 0.5,
        label_weight: float = 1.0,
        silver_weight: float = 1.0,
        silver_n: int | None = None,
        weak_threshold: float = 0.8,
        weak_weight: float = 0.3,
        neighbours: int = 10,
        neighbour_weight: float = 0.2,
        neighbour_dims: int = 100,
        calibrate: bool = True,
        cv_folds: int = 5,
        uncertain_below: float = 0.6,
        label_threshold: float = 0.3,
        other_baseline: float = 2.0,
        sharpness: float = 2.0,
        length_floor: int = 500,
        no_cadre_factor: float = 0.2,
        seed: int = 0,
    ):
        self.patterns = patterns
        self.clean = clean
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.C = C
        self.class_weight = class_weight
        self.lexicon_scale = lexicon_scale
        self.prior_scale = prior_scale
        self.base_examples = base_examples
        self.base_weight = base_weight
        self.label_weight = label_weight
        self.silver_weight = silver_weight
        self.silver_n = silver_n
        self.weak_threshold = weak_threshold
        self.weak_weight = weak_weight
        self.neighbours = neighbours
        self.neighbour_weight = neighbour_weight
        self.neighbour_dims = neighbour_dims
        self.calibrate = calibrate
        self.cv_folds = cv_folds
        self.uncertain_below = uncertain_below
        self.label_threshold = label_threshold
        self.other_baseline = other_baseline
        self.sharpness = sharpness
        self.length_floor = length_floor
        self.no_cadre_factor = no_cadre_factor
        self.seed = seed

    # ------------------------------------------------------------------ checks
    @classmethod
    def default(cls) -> ProgramTypeClassifier:
        """The packaged default model; see :func:`cadretext.classify.load_default_classifier`."""
        from .default import load_default_classifier

        return load_default_classifier()

    def _check_params(self) -> None:
        checks = [
            ("C", self.C > 0),
            ("class_weight", class_weight_power(self.class_weight) is not None),
            ("lexicon_scale", self.lexicon_scale >= 0),
            ("base_weight", self.base_weight >= 0),
            ("label_weight", self.label_weight > 0),
            ("silver_weight", self.silver_weight >= 0),
            ("silver_n", self.silver_n is None or int(self.silver_n) >= 0),
            ("weak_threshold", 0 < self.weak_threshold <= 1),
            ("weak_weight", self.weak_weight >= 0),
            ("cv_folds", int(self.cv_folds) >= 2),
            ("neighbours", int(self.neighbours) >= 1),
            ("neighbour_weight", 0 <= self.neighbour_weight < 1),
            ("neighbour_dims", int(self.neighbour_dims) >= 1),
            ("uncertain_below", 0 <= self.uncertain_below <= 1),
            ("label_threshold", 0 < self.label_threshold <= 1),
            ("other_baseline", self.other_baseline >= 0),
            ("sharpness", self.sharpness > 0),
            ("length_floor", self.length_floor >= 1),
            ("no_cadre_factor", 0 <= self.no_cadre_factor <= 1),
            ("min_df", int(self.min_df) >= 1),
        ]
        if self.ngram_range is not None:
            lo, hi = self.ngram_range
            checks.append(("ngram_range", 1 <= lo <= hi))
        if (
            self.silver_weight > 0
            and self.ngram_range is not None
            and tuple(self.ngram_range) != NGRAM_HASHING["ngram_range"]
        ):
            raise ParameterError(
                f"ngram_range={self.ngram_range!r}: the silver examples are stored as 1-3-gram "
                "counts; use ngram_range=(1, 3) or silver_weight=0"
            )
        if self.ngram_range is None and self.lexicon_scale == 0:
            raise ParameterError("ngram_range=None and lexicon_scale=0 leave no features")
        for name, ok in checks:
            if not ok:
                raise ParameterError(f"{name}={getattr(self, name)!r} is out of range")

    def _patterns(self) -> PatternSet:
        return getattr(self, "patterns_", None) or load_patterns(self.patterns)

    def _clean(self, texts: list[str]) -> list[str]:
        return [clean_text(t) if self.clean else t for t in texts]

    def _lexicon(
        self,
        texts: Sequence[str] | None,
        matches: Sequence[Sequence[Match]] | None = None,
        lengths: Sequence[int] | None = None,
    ) -> dict[str, Any]:
        """:func:`score_lexicon` with this classifier's settings (matches found if not given)."""
        return score_lexicon(
            texts,
            self._patterns(),
            lengths=lengths,
            other_baseline=self.other_baseline,
            sharpness=self.sharpness,
            length_floor=self.length_floor,
            no_cadre_factor=self.no_cadre_factor,
            matches=matches,
        )

    def lexicon_proba(self, X: Iterable[str]) -> np.ndarray:
        """Probabilities from the lexicon's hand-set weights alone (works before ``fit``)."""
        return self._lexicon(self._clean(as_texts(X)))["proba"]

    # ------------------------------------------------------------------ features
    def _rows(self, texts: Sequence[str], matches: Sequence[Sequence[Match]]) -> Rows:
        """The rows of cleaned texts whose matches are known."""
        counts = None if self.ngram_range is None else hashed_ngram_counts(texts, self.ngram_range)
        return Rows(counts, list(matches), np.array([len(t) for t in texts], dtype=int))

    def _ngram_tfidf(self, rows: Rows) -> Any:
        """The rows' n-gram TF-IDF over the kept columns (None without n-grams): the linear
        model's first block and what the neighbour index compares."""
        return None if self.ngrams_ is None else self.ngrams_.transform(rows.counts)

    def _design(self, rows: Rows, p_lex: np.ndarray | None = None, tfidf: Any = None):
        """The feature matrix; ``p_lex`` (the lexicon's probabilities) and ``tfidf``
        (:meth:`_ngram_tfidf`) when already known."""
        blocks = []
        if self.ngrams_ is not None:
            blocks.append(self._ngram_tfidf(rows) if tfidf is None else tfidf)
        if self.lexicon_scale > 0:
            lex = lexicon_feature_matrix(
                None,
                rows.matches,
                self.patterns_,
                length_floor=self.length_floor,
                lengths=rows.lengths,
            )
            blocks.append(lex * float(self.lexicon_scale))
        if self.prior_scale > 0:
            if p_lex is None:
                p_lex = self._lexicon(None, rows.matches, rows.lengths)["proba"]
            blocks.append(sparse.csr_matrix(np.log(p_lex) * float(self.prior_scale)))
        return sparse.hstack(blocks, format="csr") if len(blocks) > 1 else blocks[0].tocsr()

    def feature_names(self, text: str | None = None) -> list[str]:
        """Names of the model's columns: ``ngram:#<hashed column>``, ``lexicon:<feature>``, then
        ``prior:<class>`` (the lexicon's log-probabilities). With ``text``, an n-gram column
        that one of the text's n-grams hashes to is named by it (``ngram:党校``)."""
        check_is_fitted(self, "classes_")
        names = []
        if self.ngrams_ is not None:
            known = (
                {}
                if text is None
                else ngram_of_columns(
                    self._clean([text])[0], self.ngrams_.columns_, self.ngram_range
                )
            )
            names += [f"ngram:{known.get(int(c), f'#{int(c)}')}" for c in self.ngrams_.columns_]
        if self.lexicon_scale > 0:
            names += [f"lexicon:{n}" for n in lexicon_feature_names(self.patterns_)]
        if self.prior_scale > 0:
            names += [f"prior:{c}" for c in CLASSES]
        return names

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        X: Iterable[str],
        y: Iterable[Any] | None = None,
        *,
        groups: Iterable[Any] | None = None,
        sample_weight: Iterable[float] | None = None,
    ) -> ProgramTypeClassifier:
        """Learn from labelled texts (and unlabelled ones), plus the packaged examples.

        Parameters
        ----------
        X : list of str
            Reports (raw or cleaned).
        y : list, optional
            One of ``CLASSES`` per text; ``None``, ``""``, NaN or ``-1`` marks an unlabelled
            text (it becomes a weak example when the lexicon is confident about it).
        groups : list, optional
            Group of each text (e.g. its site, :func:`cadretext.classify.data.site_of`) for the
            calibration folds: copies of one story stay on one side.
        sample_weight : list of float, optional
            Weight of each of your texts (default 1).

        Raises
        ------
        ParameterError
            Labels not in ``CLASSES``, lengths that differ, or fewer than two classes to learn
            from.
        """
        self._check_params()
        texts = self._clean(as_texts(X))
        n = len(texts)
        y_list: list[Any] = (
            [None] * n if y is None else (list(y) if not isinstance(y, str) else [y])
        )
        if len(y_list) != n:
            raise ParameterError(f"X has {n} texts but y has {len(y_list)} labels")
        gold = [None if is_unlabelled(v) else normalise_label(v, i) for i, v in enumerate(y_list)]
        weights = np.ones(n) if sample_weight is None else np.asarray(list(sample_weight), float)
        if weights.shape != (n,) or not np.isfinite(weights).all() or (weights < 0).any():
            raise ParameterError("sample_weight must hold one finite weight >= 0 per text")
        weights = weights * float(self.label_weight)
        group_list = None if groups is None else list(groups)
        if group_list is not None and len(group_list) != n:
            raise ParameterError(f"X has {n} texts but groups has {len(group_list)} entries")

        self.patterns_ = load_patterns(self.patterns)
        self.classes_ = np.array(CLASSES)
        matches = [find_matches(t, self.patterns_) for t in texts]
        labelled = [i for i in range(n) if gold[i] is not None]
        unlabelled = [i for i in range(n) if gold[i] is None]

        rows = self._rows(texts, matches)

        # the examples every fit adds: packaged (written) and silver (real pages, as features)
        extra, extra_labels, extra_weights = [], [], []
        n_base = n_silver = 0
        if self.base_examples:
            base = packaged_examples()
            base_texts = base["text"].tolist()
            extra.append(
                self._rows(base_texts, [find_matches(t, self.patterns_) for t in base_texts])
            )
            extra_labels += base["label"].tolist()
            extra_weights.append(np.full(len(base_texts), float(self.base_weight)))
            n_base = len(base_texts)
        if self.silver_weight > 0:
            silver = silver_examples(self.patterns_)
            chosen = np.arange(len(silver))
            if self.silver_n is not None:
                order = np.random.default_rng(self.seed).permutation(len(silver))
                chosen = np.sort(order[: int(self.silver_n)])
            extra.append(
                Rows(
                    None if self.ngram_range is None else silver.counts,
                    silver.matches,
                    silver.n_chars,
                ).take(chosen)
            )
            extra_labels += [silver.labels[i] for i in chosen]
            extra_weights.append(silver.weights[chosen] * float(self.silver_weight))
            n_silver = len(chosen)

        # weak examples: unlabelled texts the lexicon is sure about
        weak: list[tuple[int, str, float]] = []
        if unlabelled:
            lex = self._lexicon([texts[i] for i in unlabelled], [matches[i] for i in unlabelled])
            for row, i in zip(lex["proba"], unlabelled, strict=True):
                if float(row.max()) >= self.weak_threshold:
                    weak.append((i, argmax_label(row), float(row.max())))

        pool = TrainingPool(
            rows,
            gold,
            weights,
            weak,
            unlabelled,
            Rows.concat(extra) if extra else rows.take([]),
            extra_labels,
            np.concatenate(extra_weights) if extra_weights else np.zeros(0),
            self.weak_weight,
        )
        train = pool.examples(labelled)
        if len({lab for lab, w in zip(train[1], train[2], strict=True) if w > 0}) < 2:
            raise ParameterError(
                "fit needs examples of at least two classes (labels, weak labels, "
                "base_examples=True or silver_weight > 0)"
            )
        self._fit_linear(*train)

        self.n_labelled_ = len(labelled)
        self.n_base_ = n_base
        self.n_silver_ = n_silver
        self.n_weak_ = len(weak)
        self.temperature_ = 1.0
        self.calibration_ = {
            "temperature": 1.0,
            "n": 0,
            "log_loss_before": None,
            "log_loss_after": None,
        }
        if self.calibrate and len(labelled) >= 20 and len({gold[i] for i in labelled}) >= 2:
            self._calibrate(pool, labelled, group_list)
        self.training_ = {
            "n_labelled": self.n_labelled_,
            "n_base": self.n_base_,
            "n_weak": self.n_weak_,
            "n_silver": self.n_silver_,
            "patterns_sha256": self.patterns_.sha256,
        }
        return self

    def _fit_linear(self, rows: Rows, y, w, vocab: Rows) -> None:
        """Choose the n-gram columns (on ``vocab``) and fit the logistic regression."""
        keep = np.flatnonzero(np.asarray(w) > 0)
        rows = rows.take(keep)
        y = [y[i] for i in keep]
        w = np.asarray(w)[keep]
        if self.ngram_range is None:
            self.ngrams_ = None
        else:
            self.ngrams_ = NgramBlock(
                max_features=self.max_features,
                min_df=min(int(self.min_df), max(1, len(vocab) // 2)),
            ).fit(vocab.counts)
        tfidf = self._ngram_tfidf(rows)
        design = self._design(rows, tfidf=tfidf)
        model = LogisticRegression(
            C=self.C,
            class_weight=class_weights(y, w, class_weight_power(self.class_weight)),
            solver="newton-cg",
            max_iter=1000,
        )
        model.fit(design, y, sample_weight=w)
        coef = np.zeros((len(CLASSES), design.shape[1]))
        intercept = np.full(len(CLASSES), -30.0)  # a class never seen is never predicted
        for j, c in enumerate(model.classes_):
            k = CLASSES.index(c)
            if len(model.classes_) == 2:  # binary: one row of weights for the second class
                coef[k] = model.coef_[0] * (1 if j == 1 else -1) / 2
                intercept[k] = model.intercept_[0] * (1 if j == 1 else -1) / 2
            else:
                coef[k] = model.coef_[j]
                intercept[k] = model.intercept_[j]
        self.coef_ = coef
        self.intercept_ = intercept
        self.neighbours_ = None
        # an SVD needs two examples and two columns
        if self.neighbour_weight > 0 and tfidf is not None and min(tfidf.shape) > 1:
            self.neighbours_ = NeighbourIndex(
                len(CLASSES), int(self.neighbour_dims), int(self.seed)
            ).fit(tfidf, np.array([CLASSES.index(c) for c in y]), w)

    def _calibrate(self, pool: TrainingPool, labelled: list[int], groups: list[Any] | None) -> None:
        """Temperature from out-of-fold logits of the labelled texts (grouped folds)."""
        from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

        y = np.array([pool.gold[i] for i in labelled], dtype=object)
        counts = np.unique(y, return_counts=True)[1]
        k = max(2, min(int(self.cv_folds), int(counts.max())))
        if groups is not None:
            splitter: Any = StratifiedGroupKFold(k, shuffle=True, random_state=self.seed)
            split = splitter.split(np.zeros(len(y)), y, [groups[i] for i in labelled])
        else:
            splitter = StratifiedKFold(
                min(k, int(counts.min())) if counts.min() >= 2 else 2,
                shuffle=True,
                random_state=self.seed,
            )
            split = splitter.split(np.zeros(len(y)), y) if counts.min() >= 2 else []
        logits = np.full((len(y), len(CLASSES)), np.nan)
        inner = copy.copy(self)  # same settings and patterns, own fitted state
        for train, test in split:
            inner._fit_linear(*pool.examples([labelled[j] for j in train]))
            logits[test] = inner._logits(pool.rows.take([labelled[j] for j in test]))
        done = ~np.isnan(logits).any(axis=1)
        if done.sum() < 10:
            return
        truth = np.array([CLASSES.index(v) for v in y[done]])
        t = fit_temperature(logits[done], truth)
        self.temperature_ = t
        self.calibration_ = {
            "temperature": t,
            "n": int(done.sum()),
            "log_loss_before": round(log_loss_at(logits[done], truth, 1.0), 4),
            "log_loss_after": round(log_loss_at(logits[done], truth, t), 4),
        }
        # kept (and saved) so the calibration can be shown later: the out-of-fold logits the
        # temperature was fitted on and the true classes
        self.oof_logits_ = logits[done]
        self.oof_truth_ = truth

    # ------------------------------------------------------------------ predict
    def _logits(self, rows: Rows, p_lex: np.ndarray | None = None) -> np.ndarray:
        return self._opinions(rows, p_lex)[0]

    def _opinions(
        self, rows: Rows, p_lex: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """The logits; the neighbours' class shares; and whether the linear model and the
        neighbours favour the same type (both None without a neighbour index)."""
        if not len(rows):
            return np.zeros((0, len(CLASSES))), None, None
        tfidf = self._ngram_tfidf(rows)  # once, for the linear model and the neighbours
        logits = np.asarray(self._design(rows, p_lex, tfidf) @ self.coef_.T) + self.intercept_
        index = getattr(self, "neighbours_", None)
        if index is None:
            return logits, None, None
        # the linear model's probabilities mixed with the nearest examples' class shares; the
        # mixture's log-probabilities are the logits the temperature then scales
        near = index.proba(tfidf, int(self.neighbours))
        share = float(self.neighbour_weight)
        mixed = np.log((1 - share) * softmax(logits) + share * near)
        return mixed, near, logits.argmax(axis=1) == near.argmax(axis=1)

    def _prepare(self, X: Iterable[str]) -> Prepared:
        check_is_fitted(self, "classes_")
        texts = self._clean(as_texts(X))
        lex = self._lexicon(texts)
        rows = self._rows(texts, lex["matches"])
        logits, near, agree = self._opinions(rows, lex["proba"])  # lexicon scored once
        return Prepared(texts, rows, lex, logits, agree, near)

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """Uncalibrated logits, columns in ``classes_`` order (with neighbours: the log of the
        mixed probabilities)."""
        return self._prepare(X).logits

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probabilities, columns in ``classes_`` order; rows sum to 1."""
        return softmax(self._prepare(X).logits / self.temperature_)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """The most probable label of each text."""
        return np.array([argmax_label(row) for row in self.predict_proba(X)], dtype=object)

    def proba_by_source(self, X: Iterable[str]) -> dict[str, np.ndarray]:
        """Probabilities of the calibrated model (``combined``), the uncalibrated model and the
        lexicon's hand-set weights alone (``lexicon``), for ablations."""
        prep = self._prepare(X)
        return {
            "combined": softmax(prep.logits / self.temperature_),
            "uncalibrated": softmax(prep.logits),
            "lexicon": prep.lexicon["proba"],
        }

    # ------------------------------------------------------------------ persistence
    def to_arrays(self) -> dict[str, np.ndarray]:
        """The fitted state as plain arrays (no pickle): what :meth:`save` writes
        (:func:`cadretext.classify.persist.model_to_arrays`)."""
        from .persist import model_to_arrays

        return model_to_arrays(self)

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, np.ndarray], name: str = "model"
    ) -> ProgramTypeClassifier:
        """Rebuild a classifier from :meth:`to_arrays` output (checked against its patterns)."""
        from .persist import model_from_arrays

        return model_from_arrays(cls, arrays, name)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save the fitted classifier as a NumPy ``.npz`` of plain arrays (no pickle), atomically."""
        from .persist import save_arrays

        return save_arrays(self.to_arrays(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ProgramTypeClassifier:
        """Load a classifier saved with :meth:`save` (``.npz``; loaded without pickle)."""
        from .persist import load_arrays

        path = Path(path)
        return cls.from_arrays(load_arrays(path), str(path))
