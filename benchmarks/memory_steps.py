"""RSS after each step of a large-corpus run, to see where the memory goes.

    python benchmarks/memory_steps.py 10000            # audit=False, bag of words in memory
    python benchmarks/memory_steps.py 10000 --stream   # ... streamed from disk (MmCorpus)
    python benchmarks/memory_steps.py 10000 --audit    # load_corpus's default (raw text + audit)

Prints, after each step, the current RSS and the peak so far (VmRSS, VmHWM) in MB.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", type=int)
    parser.add_argument("--stream", action="store_true", help="fit_lda(stream_to=...)")
    parser.add_argument("--audit", action="store_true", help="load_corpus(audit=True)")
    args = parser.parse_args()

    from generate import generate

    start = time.perf_counter()

    def step(name: str) -> None:
        gc.collect()
        print(
            f"{name:<8} rss {_status('VmRSS'):>6} MB  peak {_status('VmHWM'):>6} MB  "
            f"{time.perf_counter() - start:7.1f} s",
            flush=True,
        )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for doc in generate(args.docs, seed=1):
                fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
        from cadretext import load_corpus, tokenize
        from cadretext.keywords import tfidf
        from cadretext.topics import fit_lda

        step("import")
        corpus = load_corpus(path, duplicate_threshold=None, audit=args.audit)
        step("load")
        tokens = tokenize(corpus["text"], n_jobs=2)
        step("tokenize")
        matrix = tfidf(tokens, min_df=5, max_df=0.9)
        del matrix
        step("tfidf")
        stream = {"stream_to": Path(tmp) / "bow"} if args.stream else {}
        fit_lda(tokens, 10, seed=0, passes=2, **stream)
        step("lda")
    return 0


if __name__ == "__main__":
    sys.exit(main())
