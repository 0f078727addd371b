"""Formulas, idioms and metaphors on real reports, against a blind hand annotation.

    python benchmarks/rhetoric_quality.py ../shared/data/real_reports.jsonl [--dev-only]

``tests/data/rhetoric_real.jsonl`` holds, for 164 of the real reports (ids only, no text), every
numbered formula, idiom and metaphor a blind annotator listed working from
``tests/data/RHETORIC_GUIDE.md`` alone, without the code or the lexicons, plus the items the
annotator was unsure of (they count neither way). Four annotators (``batch``) worked on four
sets of reports. The reports are split by site: ``dev`` (102 reports of batches 1, 2 and 4, to
develop on) and ``heldout`` (62 reports of batches 1 and 3, from sites no dev report comes
from, to report; their misses are never printed). ``tests/data/rhetoric_real_second.jsonl`` is
a fifth annotator's blind pass over 57 dev reports: the agreement of two people following the
same guide, the ceiling a program can be held to.

Each report is cleaned as ``load_corpus`` would (``clean_text``), the extractors run on it,
and the items found are compared as sets per report (each item once per report, as annotated),
strictly (equal strings) and by overlap (one contains the other). Prints precision and recall
per kind and split, per annotation batch, the annotators' agreement, the metaphor hits per rule,
then the misses and false hits of the dev split.

History (overlap P / R on the held-out split unless said otherwise):

* first contact, before issue 15's rhetoric work (22 held-out reports, strict): formulas
  0.59 / 0.77, idioms 0.92 / 0.79, metaphors 0.50 / 0.19;
* first contact of metaphor lexicon v3 and its rules on 40 new held-out reports (batch 3,
  with batch 1's 22): metaphors 0.68 / 0.49; on batch 4 when it was new (now dev, measured
  at commit c003155): formulas 0.74 / 0.93, idioms 0.98 / 0.60, metaphors 0.78 / 0.52;
* first contact on a pool of 280 further real pages (collected from the search tool's stored
  pages for development, reserved reports and copies of real_reports dropped; annotated blind
  by three annotators from the guide; ids, addresses and items in
  ``benchmarks/rhetoric_pool_annotations.jsonl``, no text): formulas 0.90 / 0.85, idioms
  0.86 / 0.85, metaphors 0.73 / 0.62. The pool then served as development data (idiom
  supplement v3, metaphor lexicon v4, formula grammar: see the lists' headers); held-out
  before that step: formulas 0.59 / 0.80, idioms 0.88 / 0.85, metaphors 0.73 / 0.60;
* held-out with metaphor lexicon v4 (before v5 made 攻坚 inside 脱贫攻坚 literal again):
  metaphors 0.75 / 0.59;
* a **second pool** of 145 further real pages (issue 15, session 21: collected from the search
  tool's stored pages by queries on party-school classes, secondment and closed-format
  training; reserved reports, copies of real_reports and pages of the first pool dropped),
  each annotated blind by **two** annotators from the guide (ids, addresses, sites and both
  annotators' items in ``benchmarks/rhetoric_pool3_annotations.jsonl``, no text), split by
  site into ``poolA`` (91 pages, to develop on) and ``poolB`` (54 pages, held out: its misses
  are never printed). First contact at commit f78cec5, both annotators' counts summed:
  poolA formulas 0.80 / 0.88, idioms 0.95 / 0.89, metaphors 0.80 / 0.60; poolB formulas
  0.85 / 0.86, idioms 0.89 / 0.85, metaphors 0.82 / 0.64. poolA then served as development
  data (formula grammar: quotations that label nothing; formulas v4, idiom supplement v4,
  metaphor lexicon v6, idioms before metaphors);
* poolB was measured twice while held out (after that step: formulas 0.85 / 0.86, idioms
  0.90 / 0.86, metaphors 0.85 / 0.70), then **spent on development** (session 22: formulas v5
  and the quoted N X N Y shape, idiom supplement v5, metaphor lexicon v7, literal cues that
  are figures themselves);
* a **third pool** of 122 real pages (session 22: collected from the search tool's stored
  pages by topical queries without rhetoric words in them, on party-school classes,
  secondment, closed-format training, local officials' speeches and work style, some in
  traditional script; reserved reports, copies of real_reports and of the second pool, pages
  from any development site, and three copies of one another in the other script dropped),
  each annotated blind by two annotators from the guide (``rhetoric_pool4_annotations.jsonl``,
  split ``poolC``, **all held out**). First contact, at commit 07f526c (before session 22's
  development): formulas 0.90 / 0.91, idioms 0.93 / 0.88, metaphors 0.82 / 0.57; measured
  three times more (after the poolB development, after the figurative-cue rule, after
  metaphor lexicon v8), no decision taken on it: the same to two decimals but metaphor recall
  0.58 (both annotators' counts summed);
* poolC then **spent on development** (session 24: metaphor lexicon v9, the figures both its
  annotators listed, and the version 7 drop rule over all development data); after that step
  poolC metaphors 0.89 / 0.73;
* a **fourth pool** of 110 real pages (session 24: collected the same way by new topical
  queries on training classes, local governance and speeches, and pages in traditional
  script, with copies of the second and third pools and every development site dropped),
  annotated blind by two annotators each (``rhetoric_pool5_annotations.jsonl``, split
  ``poolD``, **all held out**). First contact, with lexicon v9 (commit 36c978b):
  formulas 0.84 / 0.83, idioms 0.92 / 0.85, metaphors 0.83 / 0.60. With lexicon v8 (the file
  put back for one run) the same to two decimals: the 43 figures v9 took from the third pool
  found nothing more on the fourth, the measure of how long the tail of metaphors is;
* poolD then **spent on development** (session 25: quoted formulas with a numeral inside or
  listed in one quotation, counts of a just-listed set, formulas v6; idiom supplement v6;
  metaphor lexicon v10 and the genitive frame X之Y); after that step poolD formulas
  0.92 / 0.95, idioms 0.95 / 0.96, metaphors 0.89 / 0.73;
* a **fifth pool** of 115 real pages on 108 sites (session 25: collected the same way by new
  queries on sectoral cadre classes, commentary, speeches, diaries, Taiwan and Hong Kong
  press, with copies of the earlier pools and every development site dropped), annotated
  blind by two annotators each (``rhetoric_pool6_annotations.jsonl``, split ``poolE``, **all
  held out**). First contact at commit 18d6e9a, after the poolD step: formulas 0.90 / 0.88,
  idioms 0.91 / 0.84, metaphors 0.86 / 0.61 (precision 0.896 and recall 0.613 to three
  decimals);
* a **sixth pool** of 113 real pages on 110 sites (session 25, collected and annotated the
  same way after the fifth, with copies of every earlier pool and all their sites dropped;
  ``rhetoric_pool7_annotations.jsonl``, split ``poolF``, **all held out**). First contact at
  commit f03d99c (the rhetoric code of the fifth pool's first contact, plus the dated-event
  rule and without the genitive head 源): formulas 0.86 / 0.87, idioms 0.93 / 0.83,
  metaphors 0.83 / 0.65 (0.833 / 0.651). The two fresh pools together: formulas
  0.88 / 0.88, idioms 0.92 / 0.83, metaphors 0.85 / 0.63;
* poolE then **spent on development** (session 25: nested quotations, quoted lists of N个
  labels, formulas v7, idiom supplement v7, metaphor lexicon v11); after that step poolE
  formulas 0.94 / 0.95, idioms 0.94 / 0.95, metaphors 0.92 / 0.73, and poolF, measured a
  second time, formulas 0.87 / 0.89, idioms 0.93 / 0.83, metaphors 0.83 / 0.65: what one
  pool taught moved the other by at most a point and a half;
* a **seventh pool** of 112 real pages on 107 sites (session 26: collected the same way by
  new queries on sectoral cadre classes, speeches and letters, provincial training sites, Hong
  Kong, Macau and Taiwan press, with copies of every earlier pool and all their sites dropped;
  ``rhetoric_pool8_annotations.jsonl``, split ``poolG``). First contact at commit 1987bc2
  (the rhetoric code of session 25's end): formulas 0.80 / 0.91, idioms 0.92 / 0.83,
  metaphors 0.85 / 0.59 (0.798 / 0.912, 0.922 / 0.827, 0.849 / 0.592);
* poolG then **spent on development** (session 26: formula grammar for congresses, 一行,
  counted people and quoted counts of kinds; idiom supplement v8; metaphor lexicon v12 with 13
  ambiguous entries made plain); after that step poolG formulas 0.85 / 0.93, idioms
  0.93 / 0.94, metaphors 0.89 / 0.80, and poolF, measured a fourth time with no decision taken
  on it, formulas 0.869 / 0.902, idioms 0.932 / 0.836, metaphors 0.821 / 0.680;
* an **eighth pool** of 111 real pages on 102 sites (session 27: collected the same way by
  new queries on further sectors (railways, courts, procuratorates, prisons, supply
  cooperatives), speech and essay genres, and cities and training sites not queried before,
  with copies of every earlier pool and all their sites dropped;
  ``rhetoric_pool9_annotations.jsonl``, split ``poolH``). First contact at commit 2830156 (the
  rhetoric code of session 26's end): formulas 0.835 / 0.899, idioms 0.947 / 0.863,
  metaphors 0.855 / 0.599;
* poolH then **spent on development** (session 27: quoted packages named by their count of
  articles and quoted runs of numerals, formulas v8, idiom supplement v9, metaphor lexicon v13,
  a quoted domain term no frame figure); after that step poolH formulas 0.917 / 0.946, idioms
  0.954 / 0.938, metaphors 0.905 / 0.709, and poolF, measured a fifth time with no decision
  taken on it, formulas 0.869 / 0.902, idioms 0.933 / 0.843, metaphors 0.817 / 0.688; the 62
  held-out reports, metaphors 0.72 / 0.57 (from 0.75 / 0.60);
* a **ninth pool** of 116 real pages on 113 sites (session 27, after that step: collected the
  same way by new queries on state enterprises (banks, mines, ports, publishers), genres of
  self-criticism and family letters, and border and island regions, with copies of every
  earlier pool and all their sites dropped; ``rhetoric_pool10_annotations.jsonl``, split
  ``poolI``, **all held out**). First contact at commit 0aa3281: formulas 0.915 / 0.890,
  idioms 0.965 / 0.860, metaphors 0.788 / 0.634;
* now: benchmarks/RHETORIC_QUALITY.txt (``--pool`` scores each pool whose pages are at
  hand; pass the second to ninth pools' pages).

Every row with a 95% interval is a percentile bootstrap over reports
(:func:`cadretext.rhetoric.evaluate.bootstrap_interval`): the 62 held-out reports give
metaphor precision 0.76 within 0.66-0.85, formulas 0.67 within 0.43-0.87 (20 items): read a
held-out score with its interval.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cadretext.rhetoric.evaluate import bootstrap_interval, compare_items

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE.parent / "tests" / "data" / "rhetoric_real.jsonl"
SECOND = HERE.parent / "tests" / "data" / "rhetoric_real_second.jsonl"
#: the second pool: item lists of two blind annotators per page, addresses, no text
POOL3 = HERE / "rhetoric_pool3_annotations.jsonl"
#: the third pool (session 22): the same (split ``poolC``; held out until session 24)
POOL4 = HERE / "rhetoric_pool4_annotations.jsonl"
#: the fourth pool (session 24): the same (split ``poolD``; held out until session 25)
POOL5 = HERE / "rhetoric_pool5_annotations.jsonl"
#: the fifth pool (session 25): the same (split ``poolE``; spent on development in session 25)
POOL6 = HERE / "rhetoric_pool6_annotations.jsonl"
#: the sixth pool (session 25): the same, all of it held out (split ``poolF``)
POOL7 = HERE / "rhetoric_pool7_annotations.jsonl"
#: the seventh pool (session 26): the same, all of it held out (split ``poolG``)
POOL8 = HERE / "rhetoric_pool8_annotations.jsonl"
#: the eighth pool (session 27): the same (split ``poolH``)
POOL9 = HERE / "rhetoric_pool9_annotations.jsonl"
#: the ninth pool (session 27): the same, all of it held out (split ``poolI``)
POOL10 = HERE / "rhetoric_pool10_annotations.jsonl"
POOLS = {
    "second pool": POOL3,
    "third pool": POOL4,
    "fourth pool": POOL5,
    "fifth pool": POOL6,
    "sixth pool": POOL7,
    "seventh pool": POOL8,
    "eighth pool": POOL9,
    "ninth pool": POOL10,
}
KINDS = {"formulas": "formula", "idioms": "idiom", "metaphors": "metaphor"}


def read_records(*paths: Path) -> dict[str, dict]:
    """``{id: record}`` of one or more JSONL files of reports or pages."""
    records = {}
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    records[record["id"]] = record
    return records


def read_texts(*paths: Path) -> dict[str, str]:
    """``{id: text}`` of one or more JSONL files of reports or pages."""
    return {doc_id: record["text"] for doc_id, record in read_records(*paths).items()}


def score(reports: Path | dict[str, str], annotations: Path | list[dict] = ANNOTATIONS) -> dict:
    """``{(kind, split, mode): {"tp", "fp", "hit", "fn", "misses", "false", "rules", "docs"}}``
    over the annotated reports (``reports``: a JSONL file or ``{id: text}``; ``annotations``:
    a JSONL file, or its records). ``docs`` holds ``(id, tp, fp, hit, fn)`` per report, for
    confidence intervals (:func:`cadretext.rhetoric.evaluate.bootstrap_interval`)."""
    from cadretext import clean_text, idioms, metaphors, numbered_formulas

    texts = read_texts(reports) if isinstance(reports, Path) else reports
    if isinstance(annotations, Path):
        gold = [json.loads(line) for line in annotations.read_text(encoding="utf-8").splitlines()]
    else:
        gold = annotations
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
            rows = found.loc[found["doc_id"] == i]
            pred = set(rows["item"])
            want = set(g[key])
            rule_of = dict(zip(rows["item"], rows.get("rule", rows["item"]), strict=True))
            cells = [(g["split"], mode) for mode in ("strict", "overlap")]
            cells.append((f"{g['split']}/batch {g.get('batch', '?')}", "overlap"))
            for split, mode in cells:
                cell = out.setdefault(
                    (key, split, mode),
                    {
                        "tp": 0,
                        "fp": 0,
                        "fn": 0,
                        "hit": 0,
                        "misses": [],
                        "false": [],
                        "rules": {},
                        "docs": [],
                    },
                )
                # an item the annotator was unsure of counts neither way, unless it also
                # matches an annotated item (双城经济圈 unsure, 成渝地区双城经济圈 annotated)
                good, bad, found_gold, _ = compare_items(pred, want, unsure, mode)
                cell["tp"] += len(good)
                cell["fp"] += len(bad)
                cell["hit"] += len(found_gold)
                cell["fn"] += len(want - found_gold)
                cell["docs"].append(
                    (g["id"], len(good), len(bad), len(found_gold), len(want - found_gold))
                )
                cell["misses"] += [(g["id"], item) for item in sorted(want - found_gold)]
                cell["false"] += [(g["id"], item) for item in sorted(bad)]
                for p in good | bad:
                    tally = cell["rules"].setdefault(rule_of[p], [0, 0])
                    tally[0] += p in good
                    tally[1] += 1
    return out


def agreement(annotations: Path = ANNOTATIONS, second: Path = SECOND) -> dict:
    """Agreement of a second blind annotator with the first, on the reports both annotated:
    ``{kind: (precision, recall, n_items)}`` of the second coder's items against the first's,
    matched as :func:`score` matches by overlap (the ceiling a program can be held to)."""
    first = {}
    for line in annotations.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        first[record["id"]] = record
    seconds = [json.loads(line) for line in second.read_text(encoding="utf-8").splitlines()]
    return _pair_agreement([(first[b["id"]], b) for b in seconds])


def _pair_agreement(pairs: list[tuple[dict, dict]]) -> dict:
    """``{kind: (precision, recall, n_items)}`` of the second record's items of each pair
    against the first's (overlap; the first's unsure items are not counted against the
    second)."""
    out = {}
    for key in KINDS:
        good = listed = found = annotated = 0
        for a, b in pairs:
            unsure = {u["item"] for u in a.get("unsure", [])}
            right, false, hit, missed = compare_items(b[key], a[key], unsure)
            good += len(right)
            listed += len(right) + len(false)
            found += len(hit)
            annotated += len(hit) + len(missed)
        out[key] = (good / max(listed, 1), found / max(annotated, 1), annotated)
    return out


def _records(annotations: Path) -> list[dict]:
    return [json.loads(line) for line in annotations.read_text("utf-8").splitlines() if line]


def score_pool(pages: Path | dict[str, str], annotations: Path = POOL3) -> dict:
    """Scores on a pool of pages annotated by two annotators, against each of them and both
    together: ``{(kind, split, coder): (tp, fp, hit, fn, docs)}`` (overlap), ``coder`` ``a``,
    ``b`` or ``both`` (their counts summed; ``docs`` as in :func:`score`). Misses are not
    returned: a pool's held-out split is held out."""
    records = _records(annotations)
    texts = read_texts(pages) if isinstance(pages, Path) else pages
    out: dict = {}
    for coder in ("a", "b"):
        gold = [dict(r, unsure=r.get("unsure", [])) for r in records if r["coder"] == coder]
        result = score(texts, gold)
        for (kind, split, mode), c in result.items():
            if mode != "overlap" or "/" in split:
                continue
            cell = (c["tp"], c["fp"], c["hit"], c["fn"], c["docs"])
            out[(kind, split, coder)] = cell
            both = out.get((kind, split, "both"), (0, 0, 0, 0, []))
            out[(kind, split, "both")] = (
                *(a + b for a, b in zip(both[:4], cell[:4], strict=True)),
                both[4] + cell[4],
            )
    return out


def pool_agreement(annotations: Path = POOL3) -> dict:
    """``{kind: (precision, recall, n)}`` of coder ``b``'s items against coder ``a``'s on a
    pool (overlap, ``a``'s unsure items not counted against ``b``)."""
    by: dict[str, dict[str, dict]] = {}
    for r in _records(annotations):
        by.setdefault(r["id"], {})[r["coder"]] = r
    return _pair_agreement([(p["a"], p["b"]) for p in by.values() if set(p) == {"a", "b"}])


def print_pool(texts: dict[str, str], annotations: Path, name: str) -> None:
    result = score_pool(texts, annotations)
    splits = sorted({split for _, split, _ in result})
    print(
        f"\n{name} ({annotations.name}), overlap P / R (items); 95% interval over pages "
        "(bootstrap) for both annotators:"
    )
    for key in KINDS:
        for split in splits:
            line = f"  {key:<10} {split:<6}"
            for coder in ("a", "b", "both"):
                tp, fp, hit, fn, _ = result.get((key, split, coder), (0, 0, 0, 0, []))
                line += f"  {coder} {tp / max(tp + fp, 1):.2f} / {hit / max(hit + fn, 1):.2f} ({hit + fn})"
            p_lo, p_hi, r_lo, r_hi = bootstrap_interval(result[(key, split, "both")][4])
            line += f"  [P {p_lo:.2f}-{p_hi:.2f}, R {r_lo:.2f}-{r_hi:.2f}]"
            print(line)
    print("  coder b against coder a (overlap):")
    for key, (p, r, n) in pool_agreement(annotations).items():
        print(f"    {key:<10} items {n:>4}  precision {p:.3f}  recall {r:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, help="real_reports.jsonl")
    parser.add_argument(
        "--dev-only", action="store_true", help="print the dev split only (while developing)"
    )
    parser.add_argument(
        "--pool",
        type=Path,
        action="append",
        default=[],
        help="pages of the annotated pools (id, text; kept outside the repository), one file "
        "or several: each pool whose pages are all at hand is scored too",
    )
    args = parser.parse_args(argv)
    result = score(args.reports)
    if args.dev_only:
        result = {key: cell for key, cell in result.items() if key[1] == "dev"}
    pools = "".join(f" --pool {path.name}" for path in args.pool)
    print(f"# python benchmarks/rhetoric_quality.py {args.reports}{pools}")
    print("# strict: an item counts when it equals an annotated item; overlap: when one contains")
    print("# the other (真经 / 取真经). Precision counts found items, recall annotated items.")
    print("# interval: 95% bootstrap interval of the overlap scores, resampling reports.")
    print(
        f"{'kind':<10} {'split':<8} {'items':>5}  {'strict P':>8} {'R':>6}  {'overlap P':>9} {'R':>6}"
        "  interval"
    )
    for key, split in sorted({(k, s) for k, s, _ in result if "/" not in s}):
        cells = [result[(key, split, mode)] for mode in ("strict", "overlap")]
        line = f"{key:<10} {split:<8} {cells[0]['hit'] + cells[0]['fn']:>5}"
        for c in cells:
            p = c["tp"] / max(c["tp"] + c["fp"], 1)
            r = c["hit"] / max(c["hit"] + c["fn"], 1)
            line += f"  {p:>8.3f} {r:>6.3f}" if c is cells[0] else f"  {p:>9.3f} {r:>6.3f}"
        p_lo, p_hi, r_lo, r_hi = bootstrap_interval(cells[1]["docs"])
        print(f"{line}  P {p_lo:.2f}-{p_hi:.2f}, R {r_lo:.2f}-{r_hi:.2f}")
    print("\nby annotation batch (each batch one blind annotator; overlap P / R, items):")
    for split in sorted({s for _, s, _ in result if "/" in s}):
        line = f"  {split:<16}"
        for key in KINDS:
            c = result[(key, split, "overlap")]
            p = c["tp"] / max(c["tp"] + c["fp"], 1)
            r = c["hit"] / max(c["hit"] + c["fn"], 1)
            line += f"  {key} {p:.2f} / {r:.2f} ({c['hit'] + c['fn']})"
        print(line)
    n_second = len(SECOND.read_text(encoding="utf-8").splitlines())
    print(f"\nsecond blind annotator against the first, {n_second} dev reports (overlap):")
    for key, (p, r, n) in agreement().items():
        print(f"  {key:<10} items {n:>4}  precision {p:.3f}  recall {r:.3f}")
    print("\nmetaphors by rule (overlap): correct / found")
    for split in sorted({s for _, s, _ in result if "/" not in s}):
        rules = result[("metaphors", split, "overlap")]["rules"]
        print(f"  {split:<8}", ", ".join(f"{r} {a}/{n}" for r, (a, n) in sorted(rules.items())))
    for (key, split, mode), c in sorted(result.items()):
        if split != "dev" or mode != "overlap":
            continue
        print(f"\n{key}, dev: missed {len(c['misses'])}, false hits {len(c['false'])}")
        print("  missed:", ", ".join(item for _, item in c["misses"]))
        print("  false: ", ", ".join(item for _, item in c["false"]))
    if args.pool:
        texts = read_texts(*args.pool)
        for name, annotations in POOLS.items():
            if not annotations.is_file():
                continue
            ids = {r["id"] for r in _records(annotations)}
            if ids <= texts.keys():
                print_pool(texts, annotations, name)
            else:
                print(f"\n{name}: {len(ids - texts.keys())} of its pages are not in --pool")
    return 0


if __name__ == "__main__":
    sys.exit(main())
