"""Formulas, idioms and metaphors on real reports, against a blind hand annotation.

    python benchmarks/rhetoric_quality.py ../shared/data/real_reports.jsonl

``tests/data/rhetoric_real.jsonl`` holds, for 47 of the real reports (ids only, no text), every
numbered formula, idiom and metaphor an annotator listed working from
``tests/data/RHETORIC_GUIDE.md`` alone, blind to the code and the lexicons, plus the items the
annotator was unsure of (they count neither way). The reports are split by site into ``dev``
(25, to develop on) and ``heldout`` (22, to report). Each report is cleaned as ``load_corpus``
would (``clean_text``), the extractors run on it, and the items found are compared as sets per
report (each item once per report, as annotated). Prints precision and recall per kind and split,
then the misses and false hits of the dev split (the held-out ones are not printed, so they do
not steer the development).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE.parent / "tests" / "data" / "rhetoric_real.jsonl"
KINDS = {"formulas": "formula", "idioms": "idiom", "metaphors": "metaphor"}


def score(reports: Path, annotations: Path = ANNOTATIONS) -> dict:
    """``{(kind, split): {"tp", "fp", "fn", "misses", "false"}}`` over the annotated reports."""
    from cadretext import clean_text, idioms, metaphors, numbered_formulas

    texts = {}
    with reports.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            texts[record["id"]] = record["text"]
    gold = [json.loads(line) for line in annotations.read_text(encoding="utf-8").splitlines()]
    missing = [g["id"] for g in gold if g["id"] not in texts]
    if missing:
        raise SystemExit(f"{reports}: no report with id {missing[0]} (and {len(missing) - 1} more)")
    cleaned = [clean_text(texts[g["id"]]) for g in gold]
    extractors = {"formulas": numbered_formulas, "idioms": idioms, "metaphors": metaphors}
    out: dict = {}
    for key, extract in extractors.items():
        found = extract(cleaned)
        for i, g in enumerate(gold):
            unsure = {u["item"] for u in g["unsure"] if u["kind"] == KINDS[key]}
            pred = set(found.loc[found["doc_id"] == i, "item"]) - unsure
            want = set(g[key])
            cell = out.setdefault(
                (key, g["split"]), {"tp": 0, "fp": 0, "fn": 0, "misses": [], "false": []}
            )
            cell["tp"] += len(pred & want)
            cell["fp"] += len(pred - want)
            cell["fn"] += len(want - pred)
            cell["misses"] += [(g["id"], item) for item in sorted(want - pred)]
            cell["false"] += [(g["id"], item) for item in sorted(pred - want)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, help="real_reports.jsonl")
    args = parser.parse_args(argv)
    result = score(args.reports)
    print(f"# python benchmarks/rhetoric_quality.py {args.reports}")
    print(f"{'kind':<10} {'split':<8} {'items':>5} {'precision':>9} {'recall':>7}")
    for (key, split), c in sorted(result.items()):
        p = c["tp"] / max(c["tp"] + c["fp"], 1)
        r = c["tp"] / max(c["tp"] + c["fn"], 1)
        print(f"{key:<10} {split:<8} {c['tp'] + c['fn']:>5} {p:>9.3f} {r:>7.3f}")
    for (key, split), c in sorted(result.items()):
        if split != "dev":
            continue
        print(f"\n{key}, dev: missed {len(c['misses'])}, false hits {len(c['false'])}")
        print("  missed:", ", ".join(item for _, item in c["misses"]))
        print("  false: ", ", ".join(item for _, item in c["false"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
