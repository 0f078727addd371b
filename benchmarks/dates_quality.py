"""Report dates (cadretext.dates.find_date) against dates found by hand on real reports.

    python benchmarks/dates_quality.py ../shared/data/real_reports.jsonl

``tests/data/dates_hand.jsonl`` holds, for 80 real reports drawn at random (seed 16), the date
a reader found by hand (the publication date the page shows, else the date of the event it
reports, else none), its precision and where it was found; ids and dates only, no text. The
reader saw the pages, not the code. Each report's date is then read by ``find_date`` from the
page text and its URL, as ``load_corpus`` does, and compared:

* ``exact``: the same date at the same precision;
* ``consistent``: one is coarser and they agree as far as it goes (2023 / 2023-03-16);
* ``wrong``: they disagree; ``missed``: only the reader dated it; ``spurious``: only the program.

The reports are split by site into ``dev`` (to develop on) and ``heldout`` (to report). Prints the
counts and shares for all, dev and held-out, the verdicts by source, and the disagreements of
the dev split (ids and dates).

First contact (the rules as first written, before any comparison): all 80 reports, exact 0.762,
exact or consistent 0.810, wrong or spurious 0.190 of the dates the program gives (held-out
split: 0.773, 0.818, 0.182). Then, from the dev split's disagreements: years inside ranges
(2014-2017年) no longer date a report, a month-day takes a year only from a year named before it,
a year or month from the text only when the page names one, and a month in the URL takes its
day from the text. Now: benchmarks/DATES_QUALITY.txt.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
HAND = HERE.parent / "tests" / "data" / "dates_hand.jsonl"


def _compare(ours: str | None, theirs: str | None) -> str:
    if ours is None and theirs is None:
        return "both_none"
    if theirs is None:
        return "spurious"
    if ours is None:
        return "missed"
    if ours == theirs:
        return "exact"
    n = min(len(ours), len(theirs))
    return "consistent" if ours[:n] == theirs[:n] else "wrong"


def score(reports: Path, hand: Path = HAND) -> dict:
    from cadretext.dates import find_date

    pages = {}
    with reports.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            pages[record["id"]] = record
    rows = []
    for line in hand.read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        page = pages[truth["id"]]
        date, _precision, source = find_date(page["text"], url=page.get("url"))
        rows.append(
            {
                "id": truth["id"],
                "ours": date,
                "source": source,
                "theirs": truth["date"],
                "found_in": truth["found_in"],
                "verdict": _compare(date, truth["date"]),
                "split": truth.get("split", "dev"),
            }
        )
    return _summary(rows)


def _summary(rows: list[dict]) -> dict:
    counts = Counter(r["verdict"] for r in rows)
    dated_by_hand = sum(r["theirs"] is not None for r in rows)
    dated_by_us = sum(r["ours"] is not None for r in rows)
    return {
        "rows": rows,
        "counts": counts,
        "n": len(rows),
        "dated_right": (counts["exact"] + counts["consistent"]) / max(dated_by_hand, 1),
        "exact_share": counts["exact"] / max(dated_by_hand, 1),
        "wrong": (counts["wrong"] + counts["spurious"]) / max(dated_by_us, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, help="real_reports.jsonl")
    args = parser.parse_args(argv)
    result = score(args.reports)
    print(f"# python benchmarks/dates_quality.py {args.reports}")
    for split in ("all", "dev", "heldout"):
        rows = [r for r in result["rows"] if split in ("all", r["split"])]
        part = _summary(rows)
        c = part["counts"]
        print(
            f"{split}: {part['n']} reports; " + ", ".join(f"{k} {v}" for k, v in sorted(c.items()))
        )
        print(
            f"  of those dated by hand: exact {part['exact_share']:.3f}, exact or consistent "
            f"{part['dated_right']:.3f}; of those the program dates: wrong or spurious "
            f"{part['wrong']:.3f}"
        )
    by_source = Counter((r["source"] or "none", r["verdict"]) for r in result["rows"])
    print("by source (program's source: verdicts):")
    for source in sorted({s for s, _ in by_source}):
        parts = [f"{v} {n}" for (s, v), n in sorted(by_source.items()) if s == source]
        print(f"  {source:<9}", ", ".join(parts))
    print("disagreements on the dev split (id: program / hand, where the hand found it):")
    for r in result["rows"]:
        if r["verdict"] in ("wrong", "missed", "spurious") and r["split"] == "dev":
            print(f"  {r['id']}: {r['ours']} ({r['source']}) / {r['theirs']} ({r['found_in']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
