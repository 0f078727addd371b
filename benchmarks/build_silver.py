"""Build the packaged silver examples (``lexicons/program_silver.npz``) from labelled pages.

    python benchmarks/build_silver.py POOL.jsonl [--real ../shared/data/real_reports.jsonl]
    python benchmarks/build_silver.py MORE.jsonl --append      # add pages to the packaged file
    python benchmarks/build_silver.py MORE.jsonl --append --vet-only KEEP.jsonl  # before coding
    python benchmarks/build_silver.py --prune-real-copies     # drop copies of real reports

``POOL.jsonl`` holds real web pages collected from stored pages with queries like those of
the real reports, one JSON object per line: ``id``, ``url``, ``text`` (the page excerpt as
stored), ``label_a`` and ``label_b`` (two blind codes from ``LABELS.md`` alone) and
``confidence`` (``high`` when both coders agreed with high confidence, else ``low``). The pool
itself is **not** in the repository (other people's words); only what this script writes is.

Before anything is kept, the script drops

1. every record that ``../shared/tools/reserved_overlap.py`` names (it overlaps a report
   reserved for checking the project);
2. every record sharing 15% or more of its 8-character shingles with a report of ``--real``,
   so that cross-validation on the real reports never trains on a copy of its test report;
   the shingles are taken from the cleaned text (simplified script, no glosses), so a copy in
   the other script is caught too;
3. near-duplicates inside the pool (50% of shingles, also of the cleaned text; the first is
   kept);
4. with ``--append``, pages already in the packaged file: the same URL, or 70% or more of the
   distinct hashed n-grams of the smaller page shared with one of its pages (the file keeps
   counts, not text). ``--vet-only`` writes the records that pass, so that only they are
   labelled.

It then writes hashed character n-gram counts, lexicon matches, lengths, ids, URLs and labels
(:func:`cadretext.classify.silver.build_silver_arrays`); no text. Deterministic for the same
pool, pattern file and versions.

``--prune-real-copies`` checks a silver file already built against ``--real``: a page sharing
70% or more of its distinct hashed n-grams with a real report (the test the file's counts
allow, :func:`~cadretext.classify.silver.ngram_containment`, on cleaned text) is a copy and is
dropped (:func:`~cadretext.classify.silver.subset_silver_arrays`). Until session 22 the
shingle test compared raw text, and two pages of the packaged file were copies of real
reports in the other script (a big5 mirror of a gov.cn policy page, a traditional-script
repost); this removed them.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from cadretext import clean_text
from cadretext._io import atomic_write_text
from cadretext.classify.features import hashed_ngram_counts
from cadretext.classify.patterns import load_patterns
from cadretext.classify.persist import load_arrays, save_arrays
from cadretext.classify.silver import (
    SILVER_FILE,
    build_silver_arrays,
    concat_silver_arrays,
    ngram_containment,
    silver_counts,
    subset_silver_arrays,
)

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"
OUT = HERE.parent / "src" / "cadretext" / "lexicons" / SILVER_FILE


def shingles(text: str, n: int = 8) -> set[str]:
    t = re.sub(r"\s+", "", text)
    return {t[i : i + n] for i in range(max(0, len(t) - n))}


def overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def reserved_lines(pool: Path) -> set[int]:
    tool = SHARED / "tools" / "reserved_overlap.py"
    if not tool.is_file():
        sys.exit(f"build_silver: {tool} is not here; it must vet the pool first")
    out = subprocess.run(
        [sys.executable, str(tool), str(pool)], capture_output=True, text=True, check=True
    ).stdout
    return {int(line.split()[1]) for line in out.splitlines() if line.startswith("line ")}


def vet(
    pool: Path, real_path: Path, existing: dict | None = None
) -> tuple[list[dict], dict[str, int]]:
    """The pool's records that may be kept, and how many were dropped for each reason.

    With ``existing`` (the arrays of a silver file being extended), a record is also dropped
    when its URL is already in the file or when it shares 70% or more of its distinct hashed
    n-grams with a page of the file (:func:`ngram_containment`; the file keeps no text to
    compare shingles with).
    """
    reserved = reserved_lines(pool)
    real = [
        shingles(clean_text(json.loads(line)["text"]))
        for line in real_path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    kept, kept_shingles = [], []
    dropped = {"reserved": len(reserved), "real": 0, "duplicate": 0}
    for lineno, line in enumerate(pool.read_text("utf-8").splitlines(), 1):
        if not line.strip() or lineno in reserved:
            continue
        rec = json.loads(line)
        s = shingles(clean_text(rec["text"]))
        if any(overlap(s, r) >= 0.15 for r in real):
            dropped["real"] += 1
        elif any(overlap(s, k) >= 0.5 for k in kept_shingles):
            dropped["duplicate"] += 1
        else:
            kept.append(rec)
            kept_shingles.append(s)
    if existing is not None and kept:
        urls = set(existing["urls"].tolist())
        old = silver_counts(existing)
        new = hashed_ngram_counts([clean_text(r["text"]) for r in kept])
        copy = ngram_containment(new, old).max(axis=1) >= 0.7
        known = np.array([r.get("url") in urls for r in kept], dtype=bool)
        dropped["in_file_url"] = int(known.sum())
        dropped["in_file_copy"] = int((copy & ~known).sum())
        kept = [r for r, drop in zip(kept, copy | known, strict=True) if not drop]
    return kept, dropped


def real_copies(arrays: dict, real_path: Path, threshold: float = 0.7) -> np.ndarray:
    """Flags of the silver file's pages that are copies of a report of ``real_path``."""
    real = [json.loads(line) for line in real_path.read_text("utf-8").splitlines() if line.strip()]
    real_counts = hashed_ngram_counts([clean_text(r["text"]) for r in real])
    return ngram_containment(silver_counts(arrays), real_counts).max(axis=1) >= threshold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pool", nargs="?", help="labelled pool JSONL (not in the repository)")
    parser.add_argument("--real", default=str(SHARED / "data" / "real_reports.jsonl"))
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument(
        "--append",
        action="store_true",
        help="add the pool's pages to the pages already in --out instead of replacing them",
    )
    parser.add_argument(
        "--vet-only",
        metavar="FILE",
        help="write the records that would be kept (before labelling) to FILE and stop",
    )
    parser.add_argument(
        "--prune-real-copies",
        action="store_true",
        help="drop the pages of --out that copy a report of --real, and stop",
    )
    args = parser.parse_args(argv)
    if args.prune_real_copies:
        arrays = load_arrays(args.out)
        copies = real_copies(arrays, Path(args.real))
        for i in np.flatnonzero(copies):
            print(f"dropped {arrays['ids'][i]} {arrays['urls'][i]}")
        path = save_arrays(subset_silver_arrays(arrays, ~copies), args.out)
        print(f"kept {int((~copies).sum())} of {len(copies)} pages; wrote {path}")
        return 0
    if args.pool is None:
        parser.error("a pool file is needed (or --prune-real-copies)")
    existing = load_arrays(args.out) if args.append else None
    kept, dropped = vet(Path(args.pool), Path(args.real), existing)
    if args.vet_only:
        atomic_write_text(
            args.vet_only, "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in kept)
        )
        print(f"kept {len(kept)} pages; dropped {dropped}; wrote {args.vet_only}")
        return 0
    arrays = build_silver_arrays(kept, load_patterns())
    if existing is not None:
        arrays = concat_silver_arrays(existing, arrays)
    path = save_arrays(arrays, args.out)
    meta = json.loads(str(arrays["meta"]))
    print(
        f"kept {len(kept)} pages ({meta['labels']} in the file); dropped {dropped}; "
        f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
