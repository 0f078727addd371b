"""What a fitted program-type model says about each report, in records a researcher reads.

:class:`RecordsMixin` holds the methods of
:class:`~cadretext.classify.ProgramTypeClassifier` that turn probabilities into records: the
label and mixed labels, the ``uncertain`` flag and its rule, the evidence sentences, and the
full explanation of one report (matches, lexicon scores, top features, the neighbours' second
opinion). :class:`Prepared` is what the model computes once per batch of texts for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from .labels import CLASSES, argmax_label, softmax
from .patterns import evidence_sentences, sentence_index, sentence_spans
from .rows import Rows

__all__ = ["Prepared", "RecordsMixin", "match_record"]


@dataclass
class Prepared:
    """One batch of texts as the model saw them: cleaned texts, feature rows, the lexicon's
    scores, the logits and the neighbours' opinion."""

    texts: list[str]
    rows: Rows
    lexicon: dict[str, Any]  # score_lexicon's output
    logits: np.ndarray  # (n, 4), CLASSES order
    # whether the linear model and the nearest examples favour the same type (None: no index)
    agree: np.ndarray | None = None
    # the nearest examples' class shares (None: no index)
    near: np.ndarray | None = None


class RecordsMixin:
    """The record-making methods of :class:`~cadretext.classify.ProgramTypeClassifier`."""

    def uncertain_rule(self) -> str:
        """The rule behind ``uncertain``, in words."""
        rule = (
            f"uncertain when the calibrated probability of the label is below "
            f"{self.uncertain_below:g}"
        )
        if getattr(self, "neighbours_", None) is not None:
            rule += (
                f", or when the linear model and the {int(self.neighbours)} most similar "
                "training examples favour different types"
            )
        return rule

    def _uncertain(self, prep: Prepared, proba: np.ndarray) -> np.ndarray:
        flags = proba.max(axis=1) < self.uncertain_below
        if prep.agree is not None:
            flags |= ~prep.agree
        return flags

    def uncertain(self, X: Iterable[str]) -> np.ndarray:
        """Whether each report is ``uncertain`` (:meth:`uncertain_rule`): the ones to read by
        hand."""
        prep = self._prepare(X)
        return self._uncertain(prep, softmax(prep.logits / self.temperature_))

    # ------------------------------------------------------------------ explain
    def _labels(self, row: np.ndarray) -> list[str]:
        main = argmax_label(row)
        extra = [
            c
            for c in sorted(CLASSES, key=lambda c: -row[CLASSES.index(c)])
            if c != main and c != "other" and row[CLASSES.index(c)] >= self.label_threshold
        ]
        return [main, *extra]

    def _record(
        self, prep: Prepared, proba: np.ndarray, flags: np.ndarray, i: int, *, detail: bool
    ):
        """Record ``i`` of a batch; ``flags`` is :meth:`_uncertain` of the batch."""
        text = prep.texts[i]
        row = proba[i]
        label = argmax_label(row)
        spans = sentence_spans(text)
        record: dict[str, Any] = {
            "label": label,
            "labels": self._labels(row),
            "scores": {c: round(float(row[j]), 4) for j, c in enumerate(CLASSES)},
            "probability": round(float(row.max()), 4),
            "uncertain": bool(flags[i]),
            "evidence": evidence_sentences(prep.rows.matches[i], spans, label),
        }
        if detail:
            sent_of = sentence_index(spans)
            record["matches"] = [
                {**match_record(m), "sentence": sent_of(m.start)} for m in prep.rows.matches[i]
            ]
            lex = prep.lexicon
            record["lexicon"] = {
                "evidence": {c: round(float(lex["raw"][i, j]), 3) for j, c in enumerate(CLASSES)},
                "scores": {c: round(float(lex["scores"][i, j]), 3) for j, c in enumerate(CLASSES)},
                "probabilities": {
                    c: round(float(lex["proba"][i, j]), 4) for j, c in enumerate(CLASSES)
                },
                "cadre_context": lex["n_context"][i] > 0,
                "patterns_version": self.patterns_.version,
            }
            record["top_features"] = self._top_features(prep, i, label)
            if prep.near is not None:  # the second opinion, and whether the two agree
                record["neighbours"] = {
                    c: round(float(prep.near[i, j]), 4) for j, c in enumerate(CLASSES)
                }
                record["opinions_agree"] = bool(prep.agree[i])
            record["temperature"] = self.temperature_
            record["text"] = text
        return record

    def _top_features(self, prep: Prepared, i: int, label: str, k: int = 8):
        """The features that pushed this text most towards its label (value x weight)."""
        row = self._design(prep.rows.take([i]), prep.lexicon["proba"][i : i + 1]).tocoo()
        w = self.coef_[CLASSES.index(label)]
        contrib = sorted(
            ((float(v * w[j]), int(j)) for j, v in zip(row.col, row.data, strict=True)),
            reverse=True,
        )[:k]
        names = self.feature_names(prep.texts[i])
        return [(names[j], round(c, 4)) for c, j in contrib if c > 0]

    def predict_records(self, X: Iterable[str], *, matches: bool = False) -> list[dict[str, Any]]:
        """One record per text: ``label``, ``labels``, ``scores``, ``probability``,
        ``uncertain`` and ``evidence``.

        ``labels`` holds the main label first, then every program type whose probability is at
        least ``label_threshold``; ``evidence`` holds the 1-3 sentences (of the cleaned text)
        carrying most lexicon evidence for the label; ``uncertain`` follows
        :meth:`uncertain_rule`. With ``matches=True`` each record also holds ``matches``: the
        matched terms and patterns as :meth:`explain` lists them (without ``sentence``), found
        in the same pass, so a corpus's evidence terms cost no second matching.
        """
        prep = self._prepare(X)
        proba = softmax(prep.logits / self.temperature_)
        flags = self._uncertain(prep, proba)
        records = [
            self._record(prep, proba, flags, i, detail=False) for i in range(len(prep.texts))
        ]
        if matches:
            for record, found in zip(records, prep.rows.matches, strict=True):
                record["matches"] = [match_record(m) for m in found]
        return records

    def explain(self, text: str) -> dict[str, Any]:
        """Why a text got its label.

        Returns
        -------
        dict
            What :meth:`predict_records` gives, plus ``matches`` (every matched term/pattern:
            type, pattern, kind, matched text, weight, start/end offsets in the cleaned text,
            sentence index), ``lexicon`` (the hand-set weights' evidence, scores and
            probabilities; whether cadre context was found), ``top_features`` (the features
            that pushed the model most towards the label), ``neighbours`` (the class shares of
            the nearest training examples) and ``opinions_agree`` (whether they favour the
            linear model's type), ``temperature`` and ``text``.

        Examples
        --------
        >>> from cadretext.classify import load_default_classifier
        >>> clf = load_default_classifier()
        >>> out = clf.explain("市委党校主体班开班。学员将学习两个月。")
        >>> out["label"], out["evidence"]
        ('party_school', ['市委党校主体班开班。', '学员将学习两个月。'])
        >>> [(m["text"], m["weight"]) for m in out["matches"] if m["type"] == "party_school"]
        [('党校', 2.5), ('主体班', 3.0), ('开班', 1.0), ('学员', 0.5)]
        """
        if not isinstance(text, str):
            raise ParameterError("explain() takes one text string")
        prep = self._prepare([text])
        proba = softmax(prep.logits / self.temperature_)
        return self._record(prep, proba, self._uncertain(prep, proba), 0, detail=True)


def match_record(m: Any) -> dict[str, Any]:
    """One matched term or pattern as :meth:`ProgramTypeClassifier.explain` lists it."""
    return {
        "type": m.type,
        "pattern": m.pattern,
        "kind": m.kind,
        "text": m.text,
        "weight": m.weight,
        "start": m.start,
        "end": m.end,
    }
