"""Classifier quality on the hand-written evaluation sets in tests/data (macro-F1, ablation).

    python benchmarks/quality.py

The sets: ``classify_eval`` and ``classify_eval_hard`` were written with the classifier;
``classify_blind`` and ``classify_heldout`` by writers who never saw its patterns (their
first-contact scores are in the closing notes and tests/test_classify.py; the fixes they
prompted make them development sets now). Unseen real reports are the only true test.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from cadretext.classify import evaluate, load_default_classifier

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = ("classify_eval", "classify_eval_hard", "classify_blind", "classify_heldout")


def main() -> int:
    warnings.simplefilter("ignore")
    clf = load_default_classifier()
    rows = []
    for name in SETS:
        data = pd.read_json(DATA / f"{name}.jsonl", lines=True)
        res = evaluate(clf, data["text"].tolist(), data["label"].tolist(), cv=None)
        ablation = res["ablation"]["macro_f1"]
        rows.append(
            {
                "set": name,
                "reports": res["n"],
                "macro_f1": round(res["macro_f1"], 3),
                "lexicon_only": round(float(ablation["lexicon"]), 3),
                "model_only": round(float(ablation["model"]), 3),
                "min_recall": round(float(res["per_class"]["recall"].min()), 3),
            }
        )
    print(pd.DataFrame(rows).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
