"""Is cleaning and classification linear in text length? Seconds per MB from 100 KB to 10 MB.

    python benchmarks/linear.py                            # sizes 100 300 1000 3000 10000 KB
    python benchmarks/linear.py --sizes 100 1000 --write   # ... and write benchmarks/LINEAR.txt

Issue 14: "Cleaning and classification are linear in text length: a benchmark row shows time per
MB flat from 100 KB to 10 MB for glossed traditional text and for a single-line document."

Three synthetic inputs are built in memory from the packaged seed reports (their sentences
resampled with a fixed seed, so the same sizes give the same text):

* ``glossed`` -- traditional script with pinyin glosses after characters (``學(xué)習(xí)``), the
  sentences of the seed files that carry such glosses, in paragraphs of 2-5 sentences, one
  paragraph per line;
* ``one-line`` -- simplified script, the sentences of the other seed files, paragraphs joined by
  two spaces and no line break at all (a scraped page flattened to one line);
* ``dense`` -- one line of only the seed sentences that name the programs (党校, 跟班, 挂职,
  封闭, 培训, 干部): the worst case for the classifier's overlap check, with a match every few
  characters (the check was quadratic in matches before issue 14's fix).

For each input and size it times, on one document:

* ``clean_text``: ``clean_text(text, return_removed=True)`` (with the removal audit), against
  the raw libraries on the same text: ``opencc`` (``OpenCC("t2s").convert``) and ``re.sub``
  (one regular expression deleting the glosses); its baseline is the sum of the two;
* ``predict_proba``: the default program-type model,
  ``ProgramTypeClassifier.default().predict_proba([cleaned])`` (which cleans its input again, as
  it does for every user), against ``hashing``: scikit-learn's ``HashingVectorizer`` (character
  1-3-grams, the model's settings) transforming the cleaned text;
* ``find_matches``: the lexicon's matches (``classify.patterns.find_matches``), against
  ``finditer``: every pattern's compiled regex run over the cleaned text with ``re.finditer``.

Each figure is the best of ``--repeats`` runs (fewer once a measurement has taken ``--budget``
seconds; the ``runs`` column says how many), garbage collector on, collected before each run.
``s/MB`` divides by the step's own input (the raw text for cleaning, the cleaned text for
classification); ``flat`` is ``s/MB`` over the smallest size's ``s/MB`` for the same step (1.0
is linear; a fixed start-up cost makes it fall below 1 at small sizes); ``x raw`` is seconds
over the raw-library baseline's seconds on the same text in the same run. A step is flagged NOT
LINEAR when its ``s/MB`` at the largest size is more than 3x that at the smallest.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import random
import re
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"
sys.path.insert(0, str(HERE))

from run import machine  # noqa: E402

DEFAULT_SIZES_KB = (100, 300, 1000, 3000, 10000)
NOT_LINEAR_FACTOR = 3.0
# A plain gloss remover: a parenthesised run of pinyin letters right after a CJK character.
GLOSS_RE = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü1-5' ]{1,40}[)）]")
DENSE_RE = re.compile("党校|跟班|挂职|封闭|培训|干部")
SENTENCE_RE = re.compile(r"[^。！？!?]+[。！？!?”」]*")


# --------------------------------------------------------------------------- inputs
def seed_pools(seeds: Path = SEEDS) -> tuple[list[str], list[str]]:
    """Sentences of the seed reports as scraped: (files with pinyin glosses, the other files)."""
    glossed: list[str] = []
    plain: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences = [
            s.strip()
            for line in text.splitlines()
            for s in SENTENCE_RE.findall(line.strip())
            if s.strip()
        ]
        (glossed if len(GLOSS_RE.findall(text)) >= 10 else plain).extend(sentences)
    if not glossed or not plain:
        raise SystemExit(f"{seeds}: need seed reports with and without pinyin glosses")
    return glossed, plain


def build_text(pool: Sequence[str], size_kb: int, sep: str, seed: int = 0) -> str:
    """Paragraphs of 2-5 sentences drawn from ``pool``, joined by ``sep``, until ``size_kb``
    kilobytes of UTF-8 (1 KB = 1000 bytes) are reached."""
    rng = random.Random(seed)
    target = size_kb * 1000
    paragraphs: list[str] = []
    nbytes = 0
    while nbytes < target:
        paragraph = "".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        nbytes += len(paragraph.encode("utf-8")) + len(sep.encode("utf-8"))
    return sep.join(paragraphs)


def make_input(kind: str, size_kb: int, pools: tuple[list[str], list[str]]) -> str:
    glossed, plain = pools
    if kind == "glossed":
        return build_text(glossed, size_kb, "\n")
    if kind == "dense":
        # the worst case for the classifier's overlap check: one line of only the sentences
        # that name the programs, so matches (and overlapping ones) come every few characters
        pool = [s for s in plain + glossed if DENSE_RE.search(s)]
        text = build_text(pool, size_kb, "")
    else:
        text = build_text(plain, size_kb, "  ")
    assert "\n" not in text and "\r" not in text, "the one-line input has a line break"
    return text


# --------------------------------------------------------------------------- steps
@dataclass(frozen=True)
class Step:
    """One timed function of one text; ``baseline`` names the steps whose seconds it is
    compared with (summed), ``on`` says which text it takes."""

    name: str
    run: Callable[[str], Any]
    on: str  # "raw" or "cleaned"
    baseline: tuple[str, ...] = ()


def make_steps() -> list[Step]:
    """The steps, baselines before the steps compared with them. Models and dictionaries are
    loaded here, outside the timings."""
    import opencc
    from sklearn.feature_extraction.text import HashingVectorizer

    from cadretext import clean_text
    from cadretext.classify import ProgramTypeClassifier
    from cadretext.classify.features import NGRAM_HASHING
    from cadretext.classify.patterns import find_matches, load_patterns

    converter = opencc.OpenCC("t2s")
    clf = ProgramTypeClassifier.default()
    patterns = load_patterns()
    hashing = HashingVectorizer(
        analyzer=NGRAM_HASHING["analyzer"],
        ngram_range=NGRAM_HASHING["ngram_range"],
        n_features=NGRAM_HASHING["n_features"],
        alternate_sign=False,
        norm=None,
    )

    def finditer_all(text: str) -> int:
        return sum(1 for p in patterns.patterns for _ in p.regex.finditer(text))

    return [
        Step("opencc", converter.convert, "raw"),
        Step("re.sub", lambda t: GLOSS_RE.sub("", t), "raw"),
        Step(
            "clean_text", lambda t: clean_text(t, return_removed=True), "raw", ("opencc", "re.sub")
        ),
        Step("hashing", lambda t: hashing.transform([t]), "cleaned"),
        Step("predict_proba", lambda t: clf.predict_proba([t]), "cleaned", ("hashing",)),
        Step("finditer", finditer_all, "cleaned"),
        Step("find_matches", lambda t: find_matches(t, patterns), "cleaned", ("finditer",)),
    ]


def best_of(fn: Callable[[], Any], repeats: int, budget: float) -> tuple[float, int, Any]:
    """Best time of up to ``repeats`` runs; no new run once ``budget`` seconds are spent."""
    best, spent, runs, result = float("inf"), 0.0, 0, None
    while runs < repeats and (runs == 0 or spent < budget):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
        best, spent, runs = min(best, seconds), spent + seconds, runs + 1
    return best, runs, result


# --------------------------------------------------------------------------- table
@dataclass(frozen=True)
class Row:
    kind: str
    step: str
    size_kb: int
    input_kb: float
    runs: int
    seconds: float

    @property
    def per_mb(self) -> float:
        return self.seconds / (self.input_kb / 1000)


HEADER = (
    f"{'input':<9} {'step':<14} {'size KB':>8} {'input KB':>9} {'runs':>4} "
    f"{'seconds':>9} {'s/MB':>8} {'flat':>6} {'x raw':>7}"
)


def format_row(row: Row, first: Row, baseline_s: float | None) -> str:
    flat = row.per_mb / first.per_mb
    vs_raw = f"{row.seconds / baseline_s:.2f}" if baseline_s else "-"
    return (
        f"{row.kind:<9} {row.step:<14} {row.size_kb:>8} {row.input_kb:>9.0f} {row.runs:>4} "
        f"{row.seconds:>9.4f} {row.per_mb:>8.4f} {flat:>6.2f} {vs_raw:>7}"
    )


def verdict(rows: Sequence[Row]) -> str:
    """One line per step: the spread of s/MB, NOT LINEAR if largest/smallest size > 3x."""
    per_mb = [r.per_mb for r in rows]
    growth = rows[-1].per_mb / rows[0].per_mb
    flag = "NOT LINEAR" if growth > NOT_LINEAR_FACTOR else "linear"
    return (
        f"verdict {rows[0].kind:<9} {rows[0].step:<14} s/MB min {min(per_mb):.4f} "
        f"max {max(per_mb):.4f} (max/min {max(per_mb) / min(per_mb):.2f}); "
        f"{rows[-1].size_kb} KB / {rows[0].size_kb} KB = {growth:.2f}x: {flag}"
    )


def bench_kind(
    kind: str,
    sizes: Sequence[int],
    steps: Sequence[Step],
    pools: tuple[list[str], list[str]],
    repeats: int,
    budget: float,
    emit: Callable[[str], None],
) -> list[str]:
    """Time every step on every size of one input; print rows as they come, return verdicts."""
    from cadretext import clean_text

    rows: dict[str, list[Row]] = {s.name: [] for s in steps}
    for size in sizes:
        texts = {"raw": make_input(kind, size, pools)}
        texts["cleaned"] = clean_text(texts["raw"])
        seconds: dict[str, float] = {}
        for step in steps:
            text = texts[step.on]
            best, runs, _ = best_of(lambda s=step, t=text: s.run(t), repeats, budget)
            row = Row(kind, step.name, size, len(text.encode("utf-8")) / 1000, runs, best)
            rows[step.name].append(row)
            seconds[step.name] = best
            base = sum(seconds[b] for b in step.baseline) if step.baseline else None
            emit(format_row(row, rows[step.name][0], base))
        emit("")
    return [verdict(r) for r in rows.values()]


def header(argv: Sequence[str]) -> list[str]:
    command = shlex.join(["python", "benchmarks/linear.py", *argv])
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return [f"command: {command}", f"machine: {machine()}", f"date: {now}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES_KB),
        help="input sizes in KB, 1 KB = 1000 bytes (default: 100 300 1000 3000 10000)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure, best taken")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="no further run of a figure once its runs took this many seconds (default 60)",
    )
    parser.add_argument("--write", action="store_true", help="write benchmarks/LINEAR.txt")
    args = parser.parse_args(argv)
    argv = sys.argv[1:] if argv is None else argv
    sizes = sorted(set(args.sizes))

    lines: list[str] = []

    def emit(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    for line in header(argv):
        emit(line)
    pools = seed_pools()
    steps = make_steps()
    warm = make_input("glossed", 1, pools)  # first calls load dictionaries and caches
    for step in steps:
        step.run(warm)
    emit("")
    emit(HEADER)
    verdicts: list[str] = []
    for kind in ("glossed", "one-line", "dense"):
        verdicts += bench_kind(kind, sizes, steps, pools, args.repeats, args.budget, emit)
    for line in verdicts:
        emit(line)
    if args.write:
        from cadretext._io import atomic_write_text

        out = atomic_write_text(HERE / "LINEAR.txt", "\n".join(lines) + "\n")
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
