"""Deterministic synthetic corpora for speed and memory benchmarks (never for quality).

Each synthetic report is a title line plus 15-40 sentences drawn with replacement from the
sentences of the seed reports *as scraped* (boilerplate, traditional script and pinyin glosses
included, so cleaning has its real work to do), grouped into paragraphs of 2-5 sentences.

    python benchmarks/generate.py --docs 10000 --out benchmarks/data/corpus_10000.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def sentence_pool() -> list[str]:
    """Every sentence of every seed file, in file order (deterministic)."""
    from cadretext.clean import split_sentences

    pool: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            pool.extend(s for s in split_sentences(line) if s.strip())
    return pool


def generate(n_docs: int, *, seed: int = 0) -> list[dict[str, str]]:
    """``n_docs`` records ``{"doc_id", "text"}``; the same ``seed`` gives the same corpus."""
    pool = sentence_pool()
    rng = random.Random(seed)
    docs = []
    for i in range(n_docs):
        n = rng.randint(15, 40)
        sentences = [rng.choice(pool) for _ in range(n)]
        paragraphs, start = [], 0
        while start < n:
            size = rng.randint(2, 5)
            paragraphs.append("".join(sentences[start : start + size]))
            start += size
        title = rng.choice(pool)[:30]
        docs.append(
            {"doc_id": f"synthetic-{seed}-{i:07d}", "text": "\n".join([title, *paragraphs])}
        )
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    args = parser.parse_args(argv)
    docs = generate(args.docs, seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(args.out.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    tmp.replace(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"wrote {len(docs)} reports, {size:.1f} MB, to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
