"""Time, place and covariates on the real reports: the issue-16 analysis on a real corpus.

    python benchmarks/diffusion_real.py ../shared/data/real_reports.jsonl

Loads the real reports as a user's unlabelled folder would be loaded (id, url and text only;
dates come from the pages and URLs, program types from the classifier), extracts numbered
formulas and metaphors, and prints: where the dates came from; the item rates per period with
cluster-bootstrap intervals; each formula's first appearance and spread across provinces; and
the regression of the formula rate on program type and year with errors clustered by report.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, help="real_reports.jsonl")
    args = parser.parse_args(argv)
    import pandas as pd

    from cadretext import fill_program_types, load_corpus
    from cadretext.rhetoric import extract_all
    from cadretext.trends import (
        adoption,
        choose_period,
        describe_diffusion,
        describe_effects,
        describe_rates,
        diffusion,
        effects,
        item_rates,
        report_places,
        report_rates,
    )

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reports.jsonl"
        with args.reports.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as dst:
            for line in src:
                r = json.loads(line)
                dst.write(json.dumps({"id": r["id"], "url": r.get("url", ""), "text": r["text"]},
                                     ensure_ascii=False) + "\n")  # fmt: skip
        corpus = fill_program_types(load_corpus(path))
    items = extract_all(corpus, kinds=("formula", "metaphor"))
    pd.set_option("display.width", 160)
    print(f"# python benchmarks/diffusion_real.py {args.reports}")
    print(f"{len(corpus)} reports, {corpus['date'].notna().sum()} dated")
    print(corpus.groupby(["date_source", "date_precision"]).size().to_string())
    period = choose_period(corpus["date"].tolist())
    print(f"\nperiod chosen from the span: {period}")
    years = pd.to_numeric(corpus["date"].str[:4], errors="coerce")
    print(f"years {int(years.min())}-{int(years.max())}; reports per year:")
    print(years.dropna().astype(int).value_counts().sort_index().to_string())
    rates = item_rates(corpus, items, period="year", top=5, n_boot=1000, seed=0)
    print("\nrates per year (top 5 items by reports):")
    for line in describe_rates(rates):
        print(" ", line)
    recent = rates[rates["period"] >= str(int(years.max()) - 4)]
    cols = ["period", "item", "n_reports", "reports_with", "share", "share_low", "share_high"]
    print(recent[cols].round(3).to_string(index=False))
    places = report_places(corpus)
    print("\nplaces:", places["place_source"].replace("", "none").value_counts().to_dict())
    formulas = items[items["kind"] == "formula"]
    first = diffusion(corpus, formulas, places=places)
    print("\nformulas that reached the most provinces:")
    for line in describe_diffusion(first, n=5):
        print(" ", line)
    curve = adoption(corpus, formulas, period="year", places=places, top=3)
    print(curve[curve["new_places"] > 0].to_string(index=False))
    table = report_rates(corpus, formulas).dropna(subset=["year", "program_type"])
    fit = effects(table, "per_10k", ["program_type"], year="year")
    print("\nformula occurrences per 10k characters ~ program type + year (one row per report):")
    for line in describe_effects(fit):
        print(" ", line)
    print(fit.round(3).to_string(index=False))
    print(f"\n{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
