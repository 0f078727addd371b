"""The main job at scale: `cadretext report` cold and warm, against its raw library floor.

    python benchmarks/report.py                         # seeds, 1,000 and 10,000 reports
    python benchmarks/report.py --sizes seeds 1000      # ... or some of them
    python benchmarks/report.py --write                 # ... and write it into RESULTS.md

For each corpus (the seed reports, or synthetic reports from benchmarks/generate.py) this runs
the README's main job, ``cadretext report --corpus C --out O``, as a user would, twice:

* **cold**: in a new, empty cache folder (``CADRETEXT_CACHE_DIR``): nothing is stored;
* **warm**: again, same corpus and settings, same cache: every step and page is read back.

It prints the wall time of each, the preparation's steps and each notebook's time (from the
report's ``report.json``), and the peak resident memory of the whole process tree (the CLI,
its pool workers and the notebook kernels: the sum of their proportional set sizes, each
shared page counted once, sampled every 0.2 s), and the CPU seconds of the job and every
process it waited for (``getrusage(RUSAGE_CHILDREN)``): on a machine whose cores are busy most
of the time, less work is the only way to a shorter run.

In the same run it measures the **floor**: the raw library calls the job cannot avoid, timed
here in one process without cadretext: one segmentation pass over the corpus with the backend
the job chose (``jieba.lcut`` or ``rjieba.cut``), the LDA fits of the sweep with gensim
directly (the same units, K, seeds, passes and chunk size; ``gensim.corpora.Dictionary`` and
``LdaModel``, no coherence), the fits of the chosen K and of the seeded model on every unit
with the job's settings (plus gensim's inference of the units' topic shares), and one
scikit-learn TF-IDF over the reports' tokens. Two ratios are printed: cold / floor, and cold /
the floor without the chosen and seeded fits (the issue's first definition, which counted the
sweep's fits only: above 2,000 units the sweep runs on a sample, so the fits on every unit
are work of their own). The ratios say what everything else (loading and cleaning,
classification, rhetoric, places, coherence, six kernels, tables, figures, HTML) costs on top.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import machine  # noqa: E402


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        # PSS: each shared page counted once across the processes (summing RSS would count
        # the libraries every kernel and worker maps several times)
        try:
            total += p.memory_full_info().pss
        except (psutil.Error, AttributeError):
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
    return total


def run_job(corpus: Path, out: Path, cache: Path) -> dict[str, Any]:
    """One `cadretext report` in a fresh process: wall seconds, peak tree RSS, report.json."""
    env = {**os.environ, "CADRETEXT_CACHE_DIR": str(cache)}
    cmd = [
        sys.executable,
        "-m",
        "cadretext.cli",
        "report",
        "--corpus",
        str(corpus),
        "--out",
        str(out),
    ]
    start = time.perf_counter()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    # CPU seconds of the job and of every process it waited for (workers, kernels)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (used.ru_utime + used.ru_stime)
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"cadretext report failed on {corpus}:\n{err[-3000:]}")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_rss": peak[0],
        "timings": report.get("timings", {}),
    }


def floor(corpus: Path, cache: Path) -> dict[str, float]:
    """Seconds of the raw library calls the job cannot avoid (see the module docstring)."""
    os.environ["CADRETEXT_CACHE_DIR"] = str(cache)
    import numpy as np
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel
    from sklearn.feature_extraction.text import TfidfVectorizer

    from cadretext import Analysis

    a = Analysis(corpus, backend="auto")  # everything is read from the cold run's store
    raw = [str(t) for t in a.corpus["raw_text"]]
    out: dict[str, float] = {}
    if a.backend == "rjieba":
        import rjieba

        start = time.perf_counter()
        for text in raw:
            rjieba.cut(text)
    else:
        import jieba

        jieba.initialize()
        start = time.perf_counter()
        for text in raw:
            jieba.lcut(text)
    out["segmentation"] = time.perf_counter() - start

    plan, units = a.plan, a.unit_tokens
    if plan["sample"] is not None and plan["sample"] < len(units):
        rng = np.random.default_rng(a.seed)  # the units sweep_k fits (same draw)
        picked = np.sort(rng.choice(len(units), size=plan["sample"], replace=False))
        units = [units[i] for i in picked.tolist()]
    start = time.perf_counter()
    dictionary = Dictionary(units)
    dictionary.filter_extremes(no_below=2, no_above=0.5, keep_n=100_000)
    bow = [dictionary.doc2bow(u) for u in units]
    bow = [b for b in bow if b]
    chunksize = max(1, -(-len(bow) // 10))
    for k in range(a.k_min, a.k_max + 1):
        for seed in a.seeds:
            LdaModel(
                corpus=bow,
                id2word=dictionary,
                num_topics=k,
                random_state=seed,
                passes=plan["passes"],
                iterations=100,
                alpha="auto",
                eta="auto",
                chunksize=chunksize,
                eval_every=None,
            )
    out["sweep fits (gensim)"] = time.perf_counter() - start

    # The chosen K and the seeded model, fitted on every unit (above 2,000 units the sweep ran
    # on a sample, so these are fits of their own), with the settings the job used, and the
    # inference of each unit's topic shares that the pages show.
    start = time.perf_counter()
    for result, eta in ((a.lda, "auto"), (a.seeded, a.seeded.model.eta)):
        params = result.params
        full = Dictionary(a.unit_tokens)
        full.filter_extremes(
            no_below=params["no_below"], no_above=params["no_above"], keep_n=params["keep_n"]
        )
        bow = [b for b in (full.doc2bow(u) for u in a.unit_tokens) if b]
        if not isinstance(eta, str):  # the seeded prior, on the same vocabulary as the job's
            bow = [b for b in (result.dictionary.doc2bow(u) for u in a.unit_tokens) if b]
            full = result.dictionary
        model = LdaModel(
            corpus=bow,
            id2word=full,
            num_topics=result.model.num_topics,
            random_state=params["seed"],
            passes=params["passes"],
            iterations=params["iterations"],
            alpha=params["alpha"],
            eta=eta,
            chunksize=params["chunksize"],
            eval_every=None,
        )
        model.inference(bow)
    out["chosen and seeded fits (gensim)"] = time.perf_counter() - start

    docs = a.doc_tokens
    start = time.perf_counter()
    TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True).fit_transform(docs)
    out["TF-IDF (scikit-learn)"] = time.perf_counter() - start
    return out


def bench(name: str, corpus: Path, work: Path) -> dict[str, Any]:
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    cold = run_job(corpus, work / f"out-{name}-cold", cache)
    warm = run_job(corpus, work / f"out-{name}-warm", cache)
    # the floor runs in a child process: this one stays free of the libraries' state
    code = (
        f"import json, sys; from pathlib import Path; sys.path.insert(0, {str(HERE)!r}); "
        f"from report import floor; print(json.dumps(floor(Path({str(corpus)!r}), "
        f"Path({str(cache)!r}))))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"floor failed:\n{res.stderr[-3000:]}")
    parts = json.loads(res.stdout.strip().splitlines()[-1])
    return {"name": name, "cold": cold, "warm": warm, "floor": parts}


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| corpus | cold | warm (share of cold) | peak memory (cold, PSS) | floor "
        "| cold / floor | cold / floor without the chosen and seeded fits |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        fl = sum(r["floor"].values())
        narrow = fl - r["floor"].get("chosen and seeded fits (gensim)", 0.0)
        lines.append(
            f"| {r['name']} | {r['cold']['seconds']:.1f} s | {r['warm']['seconds']:.1f} s "
            f"({r['warm']['seconds'] / r['cold']['seconds']:.0%}) | "
            f"{r['cold']['peak_rss'] / 2**20:,.0f} MB | {fl:.1f} s | "
            f"{r['cold']['seconds'] / fl:.2f}x | {r['cold']['seconds'] / narrow:.2f}x |"
        )
    lines.append("")
    for r in results:
        t = r["cold"]["timings"]
        steps = ", ".join(f"{k} {v:.1f}" for k, v in t.get("steps_s", {}).items())
        nbs = ", ".join(f"{k} {v:.1f}" for k, v in t.get("notebooks_s", {}).items())
        wn = ", ".join(
            f"{k} {v:.1f}" for k, v in r["warm"]["timings"].get("notebooks_s", {}).items()
        )
        fl = ", ".join(f"{k} {v:.1f}" for k, v in r["floor"].items())
        cpu = r["cold"]["cpu"]
        busy = cpu / (r["cold"]["seconds"] * (os.cpu_count() or 1))
        lines += [
            f"* **{r['name']}**, cold: {cpu:.0f} CPU seconds in all its processes (the cores "
            f"busy {busy:.0%} of the time); preparation {t.get('prepare_s', float('nan')):.1f} s "
            f"({steps}); notebooks (two at a time, seconds each) {nbs}.",
            f"  Warm notebooks: {wn}. Floor: {fl} s.",
        ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["seeds", "1000", "10000"])
    ap.add_argument("--write", action="store_true", help="write the table into RESULTS.md")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="cadretext-bench-report-") as tmp:
        work = Path(tmp)
        for size in args.sizes:
            if size == "seeds":
                corpus = ROOT / "seeds"
            else:
                corpus = work / f"synthetic-{size}.jsonl"
                with open(corpus, "w", encoding="utf-8") as fh:
                    for rec in generate(int(size)):
                        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            name = "seeds" if size == "seeds" else f"{int(size):,} synthetic"
            print(f"== {name}", flush=True)
            r = bench(name, corpus, work)
            results.append(r)
            print(table([r]), flush=True)
    text = table(results)
    print("\n" + text)
    if args.write:
        section = (
            f"{BEGIN}\n## The main job: `cadretext report`, cold and warm\n\n"
            f"Command: `python benchmarks/report.py --sizes {' '.join(args.sizes)} --write`  \n"
            f"Machine: {machine()}, {platform.platform()}  \n"
            f"Date: {time.strftime('%Y-%m-%d')}\n\n{text}\n{END}\n"
        )
        results_md = HERE / "RESULTS.md"
        old = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
        if BEGIN in old and END in old:
            new = old[: old.index(BEGIN)] + section + old[old.index(END) + len(END) + 1 :]
        else:
            new = old.rstrip("\n") + "\n\n" + section
        from cadretext._io import atomic_write_text

        atomic_write_text(results_md, new)


#: The part of RESULTS.md this benchmark owns (benchmarks/run.py --write keeps it).
BEGIN = "<!-- benchmarks/report.py: begin -->"
END = "<!-- benchmarks/report.py: end -->"


if __name__ == "__main__":
    main()
