"""RSS after each step of a large-corpus run, to see where the memory goes.

    python benchmarks/memory_steps.py 10000            # audit=False, bag of words in memory
    python benchmarks/memory_steps.py 10000 --stream   # ... streamed from disk (MmCorpus)
    python benchmarks/memory_steps.py 10000 --audit    # load_corpus's default (raw text + audit)

Prints, after each step, the current RSS and the peak so far (VmRSS, VmHWM) in MB.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", type=int)
    parser.add_argument("--stream", action="store_true", help="fit_lda(stream_to=...)")
    parser.add_argument("--audit", action="store_true", help="load_corpus(audit=True)")
    args = parser.parse_args()

    from run import proc_status_mb, write_corpus

    start = time.perf_counter()

    def step(name: str) -> None:
        gc.collect()
        print(
            f"{name:<8} rss {proc_status_mb('VmRSS') or 0:>6.0f} MB  "
            f"peak {proc_status_mb('VmHWM') or 0:>6.0f} MB  "
            f"{time.perf_counter() - start:7.1f} s",
            flush=True,
        )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        write_corpus(path, args.docs)
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
