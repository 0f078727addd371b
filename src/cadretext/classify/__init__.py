"""Program-type classification: secondment, party school, closed-format training, or other.

Researchers have thousands of scraped reports and labels for a few. :class:`ProgramTypeClassifier`
labels each report ``secondment`` (cadres sent to work inside a host unit elsewhere: 跟班学习,
挂职锻炼, 跟岗, 蹲点), ``party_school`` (classes at a Party school, administrative academy or
cadre college: 党校, 主体班, 中青班, 进修班), ``closed_training`` (enclosed or semi-military
intensive training: 封闭式, 半军事化, 早操, 手机入柜, 军训) or ``other`` (online courses,
university-run classes, study tours, policy and commentary, unrelated news), with a calibrated
probability, an ``uncertain`` flag and the sentences carrying the evidence.

One module per job:

* :mod:`~cadretext.classify.patterns` — the versioned lexicon of terms and regular expressions,
  its matches and its own scores;
* :mod:`~cadretext.classify.features` — the lexicon's matches and hashed character n-grams as
  model features;
* :mod:`~cadretext.classify.model` — the estimator (lexicon features + hashed character
  n-grams, logistic regression, temperature calibration);
* :mod:`~cadretext.classify.silver` — the silver examples: real pages labelled from the guide,
  shipped as features (no text);
* :mod:`~cadretext.classify.default` — the packaged default model (built, loaded);
* :mod:`~cadretext.classify.persist` — saving and loading models without pickle;
* :mod:`~cadretext.classify.apply` — a whole corpus at once;
* :mod:`~cadretext.classify.evaluate` — metrics, cross-validation grouped by site, calibration,
  learning curves;
* :mod:`~cadretext.classify.validate` — coding sheets for human validation and agreement;
* :mod:`~cadretext.classify.data` — packaged examples, labelled files, sites.

Examples
--------
>>> from cadretext.classify import load_default_classifier
>>> clf = load_default_classifier()
>>> clf.predict(["2023年，市委选派10名年轻干部赴杭州跟班学习半年，在开发区挂职锻炼。"]).tolist()
['secondment']
"""

from .apply import classify_corpus, fill_program_types
from .data import packaged_examples, read_labelled_jsonl, site_of
from .default import load_default_classifier, train_default_classifier
from .evaluate import (
    calibration_summary,
    classification_metrics,
    evaluate,
    grouped_cross_validation,
    learning_curve,
    reliability_table,
    stored_calibration,
)
from .labels import CLASSES, PROGRAM_TYPES
from .model import ProgramTypeClassifier
from .patterns import PatternSet, load_patterns
from .validate import (
    coding_sheet,
    format_validation,
    read_coding_sheet,
    validate,
    write_coding_sheet,
)

__all__ = [
    "CLASSES",
    "PROGRAM_TYPES",
    "PatternSet",
    "ProgramTypeClassifier",
    "calibration_summary",
    "classification_metrics",
    "classify_corpus",
    "coding_sheet",
    "evaluate",
    "fill_program_types",
    "format_validation",
    "grouped_cross_validation",
    "learning_curve",
    "load_default_classifier",
    "load_patterns",
    "packaged_examples",
    "read_coding_sheet",
    "read_labelled_jsonl",
    "reliability_table",
    "site_of",
    "stored_calibration",
    "train_default_classifier",
    "validate",
    "write_coding_sheet",
]
