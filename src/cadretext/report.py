"""Execute the analysis notebooks on a corpus (papermill) and render them to HTML (nbconvert).

:func:`render_reports` turns each jupytext notebook in ``notebooks/`` into a notebook, runs it
with papermill (parameters: corpus path, seed, unit, K range), prepends a stamp (package
versions, corpus hash, seed, lexicon version), and writes self-contained HTML: figures embedded
as data URIs, no CDN script or stylesheet, so the pages open offline. ``reports/index.html``
links them. Document text reaches the HTML only through escaped outputs (pandas tables, escaped
text), and the rendered HTML is checked for stray ``<script>`` elements before it is written.

A run builds the whole report in a hidden folder beside ``out`` and swaps it in at the end, so
``out`` always holds one complete report (the old one until the new one is ready; an error or
Ctrl-C leaves the old one untouched). ``report.json`` records which page came from which run;
``only=[...]`` replaces those pages and keeps the others, and the index lists every page.

The pages themselves (table of contents, stamp, HTML, navigation, index) are made by
:mod:`cadretext.site`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import kernels
from ._io import current_umask
from .errors import CadretextError, OutputError, ParameterError
from .pages import read_findings
from .site import (
    LDAVIS_PAGE,
    NOTEBOOKS,
    TITLE,
    ReportSpec,
    decorate,
    index_html,
    stamp,
    stamp_markdown,
    to_html,
    without_topic_map,
)
from .store import producing
from .webfont import REPORT_FONT, write_report_font

__all__ = [
    "NOTEBOOKS",
    "NotebookError",
    "ReportSpec",
    "default_notebook_dir",
    "render_reports",
    "stamp",
]


class NotebookError(CadretextError):
    """A notebook cell failed; the message names the notebook, the cell and the error."""


def default_notebook_dir() -> Path:
    """``notebooks/`` of the source tree this package was installed from (editable install)."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def _cell_failure(exc: Exception, stem: str) -> NotebookError:
    cell = getattr(exc, "exec_count", None) or getattr(exc, "cell_index", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = f"cell {cell}" if cell is not None else "a cell"
    return NotebookError(f"notebook {stem}.py, {where}: {ename}: {evalue}")


def render_reports(
    corpus: str | Path = "seeds",
    out: str | Path = "reports",
    *,
    notebooks: str | Path | None = None,
    only: Sequence[str] | None = None,
    seed: int = 0,
    unit: str = "paragraph",
    k_min: int = 2,
    k_max: int = 6,
    show_code: bool = False,
    progress: bool = True,
    kernel_name: str = "python3",
    backend: str = "auto",
    n_jobs: int = -1,
    scheduler: Any = None,
    store: Any = True,
) -> list[Path]:
    """Run every notebook on ``corpus`` and write one HTML report per notebook plus an index.

    Parameters
    ----------
    corpus : path
        Folder or file(s) :func:`cadretext.load_corpus` reads; passed to each notebook.
    out : path
        Output folder: new, empty, or an earlier report. The report is built in a hidden folder
        beside it and swapped in whole at the end (an error or Ctrl-C leaves the old report as
        it was); files in it that are not report pages are carried over. A folder holding other
        files only is refused (:class:`~cadretext.errors.ParameterError`), a path that is not a
        folder too (:class:`~cadretext.errors.OutputError`).
    notebooks : path, optional
        Folder of jupytext ``.py`` notebooks; default: the source tree's ``notebooks/``.
    only : list of str, optional
        Stems to run (``["01_corpus"]``); default: all. The other pages of an earlier report in
        ``out`` are kept, and the index lists every page with the run that wrote it
        (``report.json``).
    seed, unit, k_min, k_max
        Papermill parameters of every notebook.
    show_code : bool
        Keep code cells in the HTML (hidden by default: the reports are for readers).
    backend : {"auto", "jieba", "rjieba"}
        Tokenizer backend (see :class:`cadretext.Analysis`): ``"auto"`` uses rjieba when it is
        installed and its tokens equal jieba's on a sample of the corpus; page 1 says which.
    n_jobs : int
        Processes for the preparation (-1: every core); the notebooks run this many at a time
        (at most two). Results are identical for any value.
    scheduler : str, optional
        Address of a ``dask.distributed`` scheduler: tokenization and the sweep's fits run as
        Dask tasks on its workers (same results as in-process).
    store : True, path or ArtifactStore
        Where the intermediate results are stored (:class:`cadretext.store.ArtifactStore`); the
        notebooks read them from the default store, so pass a path only together with
        ``$CADRETEXT_CACHE_DIR`` pointing at its parent.

    Every intermediate result (corpus, units, tokens, labels, rhetoric items, sweep, topic
    models) is computed once, in this process and its pool, or read when an earlier run on the
    same files with the same settings and versions stored it (:meth:`Analysis.prepare`). On a
    corpus under :data:`WARM_KERNELS_BELOW_BYTES` the notebooks run meanwhile, and each waits
    in its kernel for the results it reads (:func:`cadretext.store.wait_for_producer`); on a
    larger one they run after, so that their memory does not add to the preparation's. Under
    :data:`SERIAL_PREPARE_BELOW_UNITS` the preparation uses no pool worker.

    Returns
    -------
    list of Path
        The HTML files written, index last.

    Raises
    ------
    NotebookError
        Naming the notebook and cell that failed.
    """
    nb_dir = Path(notebooks) if notebooks else default_notebook_dir()
    if not nb_dir.is_dir():
        raise ParameterError(f"notebook folder not found: {nb_dir}")
    corpus_path = Path(corpus).resolve()
    if not corpus_path.exists():
        raise ParameterError(f"corpus not found: {corpus}")
    out_path = Path(out).resolve()
    if corpus_path.is_dir() and out_path.is_relative_to(corpus_path):
        # the next load of the corpus folder would read the reports as documents
        raise ParameterError(
            f"--out {out} is inside the corpus folder {corpus}; write the reports elsewhere"
        )
    specs = [s for s in NOTEBOOKS if only is None or s.stem in only]
    if only is not None and len(specs) != len(set(only)):
        known = ", ".join(s.stem for s in NOTEBOOKS)
        raise ParameterError(f"unknown notebook in {list(only)}; known: {known}")
    out_dir = Path(out).resolve()
    previous = _previous_report(out_dir, str(out))
    from ._parallel import release, resolve_n_jobs, system_allocator, use_scheduler
    from .analysis import Analysis

    # one heap for Arrow and Python here, in the pool workers and in the kernels: see
    # system_allocator
    with system_allocator():
        n_jobs = resolve_n_jobs(n_jobs)
        corpus_bytes = _corpus_bytes(corpus_path)
        serial = False  # decided from the number of units, below
        analysis = Analysis(
            corpus_path,
            seed=seed,
            unit=unit,
            k_min=k_min,
            k_max=k_max,
            backend=backend,
            n_jobs=n_jobs,
            store=store,
        )
        parallel = max(1, min(2, n_jobs, len(specs)))
        started = time.perf_counter()
        # the notebooks' threads, each with its kernel (cadretext.kernels), made before the
        # preparation: on a small corpus their kernels start and import meanwhile
        pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="cadretext-notebook")
        slots = kernels.KernelSlots(kernel_name)
        tmp = tempfile.TemporaryDirectory(prefix="cadretext-nb-")
        try:
            settings = {
                "CORPUS": str(corpus_path),
                "SEED": seed,
                "UNIT": unit,
                "K_MIN": k_min,
                "K_MAX": k_max,
                "BACKEND": backend,
            }
            # the pages a kernel will run (the others are stored: re-rendered without one)
            fingerprint = analysis.source
            to_run = [
                sp
                for sp in specs
                if not analysis.store.has(
                    "page",
                    _page_parts(fingerprint, nb_dir / f"{sp.stem}.py", settings, kernel_name),
                )
            ]
            # on a small corpus the kernels start (and import) from the first second, and the
            # notebooks run while the analysis is prepared, each waiting in its kernel for the
            # stored results it reads (cadretext.store.producing): their start-up and the
            # tables and figures of the early pages then overlap the topic models' fits
            overlap = bool(to_run) and corpus_bytes < WARM_KERNELS_BELOW_BYTES
            if overlap:
                kernels.warm_up(
                    slots,
                    pool,
                    min(parallel, len(to_run)),
                    kernels.imported_modules(nb_dir / f"{sp.stem}.py" for sp in specs),
                    tmp.name,
                    **_kernel_options(nb_dir, kernel_name),
                )

            def render_for(info: dict[str, Any]) -> _Render:
                staging = _staging_folder(out_dir, str(out))
                staged.append(staging)
                return _Render(
                    nb_dir=nb_dir,
                    tmp=Path(tmp.name),
                    staging=staging,
                    params={**settings, "OUT_DIR": str(staging)},
                    info=info,
                    show_code=show_code,
                    kernel_name=kernel_name,
                    run=secrets.token_hex(6),  # tells pages of one run from those of another
                    store=analysis.store,
                    source=analysis.source,
                    kernels=slots,
                    t0=started,
                )

            def stamped() -> dict[str, Any]:
                return stamp(corpus_path, seed=seed, label=str(corpus), corpus=analysis.corpus)

            def begin(info: dict[str, Any]) -> tuple[_Render, tuple[Any, ...]]:
                """The staging folder, and the notebooks submitted to the pool."""
                render = render_for(info)
                return render, _start_notebooks(specs, render, pool, progress, overlap)

            staged: list[Path] = []
            try:
                with contextlib.ExitStack() as during_prepare:
                    if overlap:
                        slots.producer = during_prepare.enter_context(producing())
                        # few units: prepared in this process alone, since starting pool
                        # workers (each imports the libraries and loads jieba's dictionary
                        # again) costs more than they save on a sweep this small
                        serial = len(analysis.units) < SERIAL_PREPARE_BELOW_UNITS
                        if serial:
                            analysis.n_jobs = 1  # the results are the same for any n_jobs
                        render, running = begin(stamped())
                    try:
                        with use_scheduler(scheduler):
                            # stored, not held: the notebooks read the store
                            analysis.prepare(
                                _PREPARE_ORDER if serial else None, progress=progress, keep=False
                            )
                    except BaseException:
                        if overlap:
                            slots.close()  # the notebooks waiting for the analysis stop now
                        raise
                    finally:
                        # the notebooks' kernels need the memory more than idle workers
                        release()
                prepared = time.perf_counter() - started
                info = render.info if overlap else stamped()
                # prepare(keep=False) let go of the segmenters once the text was tokenized
                analysis.forget()  # lets go of the corpus the stamp read, and hands memory back
                if not overlap:
                    render, running = begin(info)
                staging = render.staging
                pages = _finish_notebooks(*running)
                pages = _carry_over(previous, pages, out_dir, staging, keep_pages=only is not None)
                timings = {
                    "prepare_s": round(prepared, 2),
                    "steps_s": {k: round(v, 2) for k, v in analysis.timings.items()},
                    "computed": dict(analysis.store.computed),
                    "notebooks_s": {p["stem"]: p.pop("seconds") for p in pages if "seconds" in p},
                    # seconds from the start of the run; with "overlapped", the notebooks ran
                    # while the analysis was prepared (see WARM_KERNELS_BELOW_BYTES)
                    "notebooks_started_s": {
                        p["stem"]: p.pop("started_s") for p in pages if "started_s" in p
                    },
                    "overlapped": overlap,
                    "serial_prepare": serial,
                }
                (staging / REPORT_MANIFEST).write_text(
                    json.dumps({"pages": pages, "timings": timings}, ensure_ascii=False, indent=1)
                    + "\n",
                    encoding="utf-8",
                )
                index = index_html(pages, info)
                if not (staging / LDAVIS_PAGE).exists():  # no topic model on this corpus
                    index = without_topic_map(index)
                    for page_record in pages:
                        for name in page_record["files"]:
                            if name.endswith(".html") and (staging / name).is_file():
                                path = staging / name
                                path.write_text(
                                    without_topic_map(path.read_text(encoding="utf-8")),
                                    encoding="utf-8",
                                )
                (staging / "index.html").write_text(index, encoding="utf-8")
                # the font the pages fall back on where the reader has no Chinese font, cut to
                # the characters of every page here (pages kept by --only included)
                write_report_font(staging)
                _swap_in(staging, out_dir, str(out))
            except BaseException:
                if overlap:
                    slots.close()  # a notebook still running stops now
                pool.shutdown(wait=True, cancel_futures=True)
                for folder in staged:
                    shutil.rmtree(folder, ignore_errors=True)
                raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            slots.close()
            tmp.cleanup()
    return [out_dir / f"{spec.stem}.html" for spec in specs] + [out_dir / "index.html"]


#: The file in a report folder that says which run wrote each page.
REPORT_MANIFEST = "report.json"


def _previous_report(out_dir: Path, shown: str) -> dict[str, Any] | None:
    """What a report folder already holds: ``{"pages": [...], "files": [...]}``, or None for a
    new or empty folder. A folder holding anything else is refused: swapping it would lose it."""
    if not out_dir.exists():
        return None
    if not out_dir.is_dir():
        raise OutputError(out_dir, "is not a folder; --out names the folder of the reports")
    try:
        files = sorted(p.name for p in out_dir.iterdir())
    except OSError as exc:
        raise OutputError(out_dir, f"cannot read the folder ({exc.strerror or exc})") from None
    if not files:
        return None
    pages: list[dict[str, Any]] | None = None
    manifest = out_dir / REPORT_MANIFEST
    if manifest.is_file():
        try:
            pages = list(json.loads(manifest.read_text(encoding="utf-8"))["pages"])
        except (OSError, ValueError, KeyError, TypeError):
            pages = None
    if pages is None:
        index = out_dir / "index.html"
        try:
            legacy = index.is_file() and TITLE in index.read_text(
                encoding="utf-8", errors="replace"
            )
        except OSError:
            legacy = False
        if not legacy:
            shown_files = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
            raise ParameterError(
                f"--out {shown} holds files that are not a cadretext report ({shown_files}); "
                "name a new or empty folder"
            )
        # a report written before report.json existed: its pages are the notebooks' pages
        pages = [
            {
                "stem": spec.stem,
                "files": [
                    f
                    for f in files
                    if f.startswith(spec.stem + ".") or f.startswith(spec.stem + "_")
                ],
            }
            for spec in NOTEBOOKS
            if f"{spec.stem}.html" in files
        ]
    return {"pages": pages, "files": files}


def _staging_folder(out_dir: Path, shown: str) -> Path:
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent)
        )
        os.chmod(staging, 0o777 & ~current_umask())
    except OSError as exc:
        raise OutputError(shown, f"cannot write here ({exc.strerror or exc})") from None
    return staging


@dataclass(frozen=True)
class _Render:
    """What every notebook of one run shares: where it reads and writes, its parameters, the
    provenance stamp, and the store of executed notebooks (None: always execute)."""

    nb_dir: Path
    tmp: Path
    staging: Path
    params: dict[str, Any]
    info: dict[str, Any]
    show_code: bool
    kernel_name: str
    run: str
    store: Any
    source: str
    kernels: kernels.KernelSlots
    t0: float  # perf_counter at the start of the run


def _start_notebooks(
    specs: Sequence[ReportSpec], render: _Render, pool: Any, progress: bool, overlapped: bool
) -> tuple[Sequence[ReportSpec], dict[str, Any], Any]:
    """Submit each notebook to ``pool``: executed and rendered into the staging folder, one
    page record per notebook, with the files it wrote (its page and whatever the notebook
    saved, such as the pyLDAvis page). The specs, the futures by stem and the progress bar, for
    :func:`_finish_notebooks`.

    The notebooks run on ``pool``'s threads (at most two), each thread in its own kernel (a
    thread here only waits on its kernel), which runs the thread's next notebook too
    (:mod:`cadretext.kernels`): once the intermediate results are stored, a notebook is mostly
    imports, tables and figures, and the imports are then made once per kernel, not once per
    notebook. ``overlapped``: the analysis is still being prepared (the notebooks whose
    results come first start first, :data:`_OVERLAP_ORDER`).

    With a store, an executed notebook is itself stored (the notebook with its outputs and
    the files it wrote), keyed by the notebook's source, the parameters other than the output
    folder, the corpus files and the code: rendering the same corpus again with the same
    settings re-renders the HTML without running a kernel.
    """
    from ._parallel import progress_bar

    for spec in specs:
        if not (render.nb_dir / f"{spec.stem}.py").is_file():
            raise ParameterError(f"notebook not found: {render.nb_dir / f'{spec.stem}.py'}")
    bar = progress_bar(len(specs), progress, "reports", unit="notebook")

    def one(spec: ReportSpec) -> dict[str, Any]:
        page = _run_one(spec, render)
        bar.update(1)
        return page

    expected = _OVERLAP_ORDER if overlapped else _EXPECTED_ORDER
    order = sorted(
        specs,
        key=lambda sp: expected.index(sp.stem) if sp.stem in expected else len(expected),
    )
    return specs, {sp.stem: pool.submit(one, sp) for sp in order}, bar


def _finish_notebooks(
    specs: Sequence[ReportSpec], futures: dict[str, Any], bar: Any
) -> list[dict[str, Any]]:
    """The page records of the notebooks :func:`_start_notebooks` submitted, in ``specs``'
    order (the first failure raised, the others cancelled)."""
    try:
        return [futures[spec.stem].result() for spec in specs]
    except BaseException:
        for f in futures.values():
            f.cancel()
        raise
    finally:
        bar.close()


def _page_parts(
    corpus_source: str, notebook: Path, params: dict[str, Any], kernel_name: str
) -> list[Any]:
    """The key of a stored page: the corpus files, the notebook's source, its parameters other
    than the output folder, and the kernel."""
    settings = {k: v for k, v in params.items() if k != "OUT_DIR"}
    return [corpus_source, notebook.read_bytes(), sorted(settings.items()), kernel_name]


def _kernel_options(nb_dir: Path, kernel_name: str) -> dict[str, Any]:
    """papermill's options for a notebook's run (and a kernel's warm-up)."""
    return {
        "cwd": str(nb_dir),
        "kernel_name": kernel_name,
        "progress_bar": False,
        "log_output": False,
        # the kernel's start-up notice ("running over TCP without encryption") is no news to a
        # reader at a terminal: the kernel logs errors only
        "extra_arguments": ["--IPKernelApp.log_level=ERROR"],
    }


#: Below this many bytes of corpus files (about 4,800 reports of the synthetic benchmark's
#: length), the notebooks' kernels start and import from the run's first second, and the
#: notebooks run while the analysis is prepared, each waiting for the stored results it reads:
#: their start-up and the early pages' tables and figures are then no longer added to the
#: preparation's time (on the seeds most of a report's time). On larger corpora they start
#: after it, so that their memory does not add to the preparation's peak.
WARM_KERNELS_BELOW_BYTES = 20_000_000


#: Below this many units (paragraphs, by default) on a corpus whose notebooks run beside the
#: preparation, the analysis is prepared in the report's own process, without pool workers,
#: in the order of :data:`_PREPARE_ORDER`. The seeds (87 paragraphs), in three alternating
#: runs: 29.4, 29.9 and 25.5 s that way against 32.1, 31.2 and 26.6 s with the pool; the 166
#: real reports (986 paragraphs, a sweep of 40-50 s): 79 s against 57 s.
SERIAL_PREPARE_BELOW_UNITS = 150
#: The order a small corpus is prepared in while the notebooks run (:data:`_OVERLAP_ORDER`):
#: the tokens and labels pages 1 and 2 read, then the topic models of page 3 (the longest
#: chain), then the rhetoric and the rest of the labels, which the last pages read.
_PREPARE_ORDER = (
    "corpus",
    "units",
    "backend",
    "doc_tokens",
    "unit_tokens",
    "classification",
    "typed",
    "matches",
    "paragraph_labels",
    "sweep",
    "lda",
    "seeded",
    "items",
    "flows",
    "places",
)


def _corpus_bytes(path: Path) -> int:
    """The size of the corpus files (what :func:`cadretext.load_corpus` would read)."""
    import warnings

    from .scale import list_files

    total = 0
    with warnings.catch_warnings():  # what cannot be read, load_corpus itself reports
        warnings.simplefilter("ignore")
        names = list_files(path)
    for name in names:
        with contextlib.suppress(OSError):  # gone since: load_corpus will say so
            total += os.stat(name).st_size
    return total


#: The order parallel runs start the notebooks. The longest (03, topics) first, beside the two
#: lightest in memory (02 then 01) while it runs: on 10,000 reports 03's kernel peaks at about
#: 1 GB and 04's and 05's at 750-800 MB, and 03 beside 04 took the report to 2 GB. Then 05,
#: 04 and 06, which the two kernels finish about together: the run takes as long as the
#: longest-first order did (30 s against 29.5 s of notebooks on 10,000 reports, from the times
#: of each notebook alone).
_EXPECTED_ORDER = (
    "03_topics",
    "02_keywords",
    "01_corpus",
    "05_shared_rhetoric",
    "04_program_types",
    "06_diffusion",
)
#: The order of the notebooks that run while the analysis is prepared (small corpora): those
#: whose results come first (corpus and tokens, then labels and rhetoric) before the topics,
#: whose sweep is the preparation's last and longest step.
_OVERLAP_ORDER = (
    "01_corpus",
    "02_keywords",
    "04_program_types",
    "03_topics",
    "05_shared_rhetoric",
    "06_diffusion",
)


def _run_one(spec: ReportSpec, render: _Render) -> dict[str, Any]:
    """Execute one notebook (or read its stored run) and write its page into the staging
    folder; the page record for ``report.json``."""
    import nbformat

    staging = render.staging
    source = render.nb_dir / f"{spec.stem}.py"
    started = time.perf_counter()
    parts = _page_parts(render.source, source, render.params, render.kernel_name)

    def execute() -> dict[str, Any]:
        executed = _execute(spec, source, render)
        # every file a notebook writes is named after it (Page: <stem>_<name>.csv; topic map)
        made = sorted(f for f in os.listdir(staging) if f.startswith(f"{spec.stem}_"))
        return {
            "notebook": nbformat.writes(executed),
            "files": {f: (staging / f).read_bytes() for f in made},
        }

    if render.store is None:
        result = execute()
    else:
        result = render.store.get("page", parts, execute)
        for name, data in result["files"].items():  # a stored run: its files, as it wrote them
            if not (staging / name).exists():
                (staging / name).write_bytes(data)
    executed = nbformat.reads(result["notebook"], as_version=4)
    executed.cells.insert(1, nbformat.v4.new_markdown_cell(stamp_markdown(render.info)))
    for number, cell in enumerate(executed.cells):  # random ids made every render differ
        cell.id = f"{spec.stem}-{number}"
    page = decorate(to_html(executed, render.show_code), spec)
    (staging / f"{spec.stem}.html").write_text(page, encoding="utf-8")
    findings = read_findings(staging, spec.stem)  # and removes their file
    made = sorted(f for f in os.listdir(staging) if f.startswith(f"{spec.stem}_"))
    info = render.info
    return {
        "stem": spec.stem,
        "files": [f"{spec.stem}.html", *made],
        "run": render.run,
        "corpus": info["corpus"],
        "documents": info["documents"],
        "corpus_hash": info["corpus_hash"],
        "seed": info["seed"],
        "rendered_utc": info["rendered_utc"],
        "findings": findings,
        "seconds": round(time.perf_counter() - started, 2),
        "started_s": round(started - render.t0, 2),
    }


def _execute(spec: ReportSpec, source: Path, render: _Render) -> Any:
    """Run one notebook with papermill; the executed notebook (nbformat node)."""
    import jupytext
    import papermill

    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {
        "name": render.kernel_name,
        "display_name": "Python 3",
        "language": "python",
    }
    try:
        # in the thread's kernel, kept for its next notebook (cadretext.kernels)
        return kernels.execute(
            nb,
            str(render.tmp / f"{spec.stem}.ipynb"),
            str(render.tmp / f"{spec.stem}.out.ipynb"),
            render.kernels,
            parameters=render.params,
            **_kernel_options(source.parent, render.kernel_name),
        )
    except papermill.PapermillExecutionError as exc:
        raise _cell_failure(exc, spec.stem) from None


def _carry_over(
    previous: dict[str, Any] | None,
    pages: list[dict[str, Any]],
    out_dir: Path,
    staging: Path,
    *,
    keep_pages: bool,
) -> list[dict[str, Any]]:
    """Copy into ``staging`` what the new report keeps of the old folder: with ``only``, the
    pages of the notebooks not rerun; always, any file that is no report page (a reader's notes
    saved beside the pages are not lost). Returns the page records, in notebook order."""
    if previous is None:
        return pages
    new = {page["stem"] for page in pages}
    kept = [p for p in previous["pages"] if keep_pages and p.get("stem") not in new]
    kept = [p for p in kept if all((out_dir / f).exists() for f in p.get("files", []))]
    superseded = {f for p in previous["pages"] for f in p.get("files", [])}
    foreign = set(previous["files"]) - superseded - {"index.html", REPORT_MANIFEST, REPORT_FONT}
    carried = {f for p in kept for f in p["files"]} | foreign
    try:
        for name in sorted(carried):
            if (staging / name).exists():
                continue  # the new run wrote a file of that name: the new one wins
            source = out_dir / name
            if source.is_dir() and not source.is_symlink():
                shutil.copytree(source, staging / name, symlinks=True)
            else:
                shutil.copy2(source, staging / name, follow_symlinks=False)
    except OSError as exc:
        raise OutputError(out_dir, f"cannot copy what the report folder keeps ({exc})") from None
    order = {spec.stem: i for i, spec in enumerate(NOTEBOOKS)}
    return sorted(kept + pages, key=lambda p: order.get(p["stem"], len(order)))


def _swap_in(staging: Path, out_dir: Path, shown: str) -> None:
    """Put the finished report in place: the old folder steps aside, the new one takes its
    name, the old one is deleted. A failure in between puts the old one back."""
    try:
        if not out_dir.exists():
            os.rename(staging, out_dir)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=out_dir.parent))
        os.rename(out_dir, old / "report")
        try:
            os.rename(staging, out_dir)
        except OSError:
            os.rename(old / "report", out_dir)
            raise
    except OSError as exc:
        raise OutputError(
            shown, f"cannot put the new report in place ({exc.strerror or exc})"
        ) from None
    shutil.rmtree(old, ignore_errors=True)
