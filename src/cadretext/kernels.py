"""Notebook kernels kept for the next notebook: what :func:`cadretext.render_reports` runs in.

papermill starts a kernel for every notebook and shuts it down after; a new kernel then imports
pandas, matplotlib, scikit-learn and cadretext again (2-4 s of CPU each, six times a report:
on the seeds that is most of what a notebook costs once the analysis is stored). Here each of
the report's threads keeps one kernel and runs its notebooks in it one after the other:

* :class:`KernelSlots` hands a thread its kernel (started on first use, by papermill, in the
  notebooks' folder), forgets a kernel whose notebook failed (the next notebook gets a new one,
  with nothing left over from the failure) and shuts them all down at the end;
* :func:`execute` runs one notebook with papermill in the thread's kernel (an engine of its own,
  :class:`_SharedKernelEngine`, passes the kernel to nbclient, which then leaves it running);
* every notebook starts with a cell that empties the namespace (``%reset -f``) and calls
  :func:`fresh_kernel_state`, which restores the warning filters and matplotlib's settings as
  the kernel first had them, closes the figures and hands freed memory back. The cell is
  removed from the executed notebook and the execution counts numbered from 1 again, so a page
  reads as if its notebook had had the kernel to itself.

What stays from one notebook to the next is what a fresh kernel would rebuild identically:
imported modules and their caches (jieba's dictionary, lexicons, fitted defaults).

:func:`warm_up` starts the kernels of a thread pool ahead of the notebooks and imports in them
the modules the notebooks import (:func:`imported_modules`): on a small corpus the report
starts them while it prepares the analysis, so the notebooks find them ready.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "RESET_TAG",
    "KernelSlots",
    "execute",
    "fresh_kernel_state",
    "imported_modules",
    "warm_up",
]

#: Tag of the cell that resets the kernel before a notebook (removed after the run).
RESET_TAG = "cadretext-reset-kernel"


def _reset_source(producer: str | None) -> str:
    return (
        "%reset -f\n"
        "from cadretext.kernels import fresh_kernel_state\n"
        f"fresh_kernel_state(producer={producer!r})\n"
        "del fresh_kernel_state"
    )


# what the kernel process had before its first notebook (kernel side)
_INITIAL: dict[str, Any] = {}


def fresh_kernel_state(producer: str | None = None) -> None:
    """In a kernel, before a notebook: the warning filters and matplotlib's settings as they
    were before the kernel's first notebook, no open figure, freed memory handed back.

    ``producer``: the marker file of a process still preparing the analysis
    (:func:`cadretext.store.producing`); store entries it has not written yet are waited for
    (:func:`cadretext.store.wait_for_producer`). None: nothing is waited for.

    Called by the first cell of every notebook :func:`cadretext.render_reports` runs; harmless
    anywhere else (the first call only records the state).
    """
    import gc
    import sys
    import warnings

    from .store import wait_for_producer

    wait_for_producer(producer)

    if "filters" not in _INITIAL:
        _INITIAL["filters"] = list(warnings.filters)
        return
    warnings.resetwarnings()
    for action, message, category, module, lineno in reversed(_INITIAL["filters"]):
        warnings.filterwarnings(  # a filter's text is a compiled pattern, a string or None
            action,
            getattr(message, "pattern", message) or "",
            category,
            getattr(module, "pattern", module) or "",
            lineno,
        )
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        matplotlib.rcdefaults()
        if "cadretext.plots" in sys.modules:  # its settings were made once, at its import
            sys.modules["cadretext.plots"].setup_cjk_font()
    gc.collect()
    from ._parallel import return_freed_memory

    return_freed_memory()


class KernelSlots:
    """One kernel per thread, reused by the thread's next notebook."""

    def __init__(self, kernel_name: str = "python3") -> None:
        self.kernel_name = kernel_name
        #: Marker file of the process preparing the analysis while the notebooks run
        #: (:func:`cadretext.store.producing`), handed to each notebook's first cell.
        self.producer: str | None = None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Any] = []

    def get(self) -> Any:
        """The calling thread's kernel manager (its kernel is started by the first notebook)."""
        km = getattr(self._local, "km", None)
        if km is None:
            from jupyter_client.manager import AsyncKernelManager

            km = AsyncKernelManager(kernel_name=self.kernel_name)
            self._local.km = km
            with self._lock:
                self._all.append(km)
        return km

    def discard(self) -> None:
        """Shut down the calling thread's kernel: its next notebook gets a new one."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        if km is not None:
            _shutdown(km)
            with self._lock:
                self._all.remove(km)

    def close(self) -> None:
        """Shut down every kernel."""
        with self._lock:
            kms, self._all = self._all, []
        for km in kms:
            _shutdown(km)


def _shutdown(km: Any) -> None:
    import contextlib

    from jupyter_core.utils import run_sync

    if km.has_kernel:
        with contextlib.suppress(Exception):  # a kernel that died is gone already
            run_sync(km.shutdown_kernel)(now=True)


def _engine() -> str:
    """The name of the shared-kernel papermill engine (registered on first use)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    name = "cadretext-shared-kernel"

    class _SharedKernelEngine(NBClientEngine):
        """papermill's nbclient engine, with the kernel manager given by the caller: nbclient
        starts the kernel if it is not running and, not owning the manager, leaves it running
        for the next notebook. The client's channels are closed after the run."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            km = kwargs.pop("km")
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, km=km, **final_kwargs)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(name, _SharedKernelEngine)  # registering again replaces it
    return name


def _is_reset(cell: Any) -> bool:
    return RESET_TAG in cell.get("metadata", {}).get("tags", [])


def execute(nb: Any, in_path: str, out_path: str, slots: KernelSlots, **options: Any) -> Any:
    """Run notebook ``nb`` (written to ``in_path`` here) with papermill in the calling thread's
    kernel of ``slots``; the executed notebook, reset cell removed, counts renumbered.

    ``options`` are :func:`papermill.execute_notebook`'s (parameters, cwd, kernel_name ...).
    A notebook that fails shuts its kernel down (the error propagates).
    """
    import jupytext
    import nbformat
    import papermill

    reset = nbformat.v4.new_code_cell(_reset_source(slots.producer), metadata={"tags": [RESET_TAG]})
    nb.cells.insert(0, reset)
    jupytext.write(nb, in_path)
    try:
        executed = papermill.execute_notebook(
            in_path, out_path, engine_name=_engine(), km=slots.get(), **options
        )
    except papermill.PapermillExecutionError as exc:
        slots.discard()
        # the kernel counted the cells of its earlier notebooks and the reset cell too: the
        # failing cell's number in its own notebook is its count less the reset cell's
        failed = nbformat.read(out_path, as_version=4)
        first = next(
            (c.get("execution_count") for c in failed.cells if _is_reset(c)),
            None,
        )
        if first is not None and exc.exec_count is not None:
            exc.exec_count -= first
        raise
    except BaseException:
        slots.discard()
        raise
    executed = nbformat.from_dict(executed)
    executed.cells = _until_stop([c for c in executed.cells if not _is_reset(c)])
    count = 0
    for cell in executed.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = count
    return executed


def _until_stop(cells: list[Any]) -> list[Any]:
    """The cells up to the one that ended the notebook with a bare ``SystemExit``
    (:meth:`cadretext.pages.Page.stop`), without that exit's traceback and IPython's warning
    about it; all the cells when none did. papermill stops at such a cell without raising: the
    cells after it were not run, and the page shows none of them (their headings and prose
    would describe results that are not there)."""
    for i, cell in enumerate(cells):
        outputs = cell.get("outputs", [])
        if any(o.get("output_type") == "error" and o.get("ename") == "SystemExit" for o in outputs):
            cell.outputs = [
                o for o in outputs if o.get("output_type") != "error" and o.get("name") != "stderr"
            ]
            return cells[: i + 1]
    return cells


_IMPORT = re.compile(r"(?:from\s+([\w.]+)\s+import\b|import\s+([\w.]+))")


def imported_modules(sources: Iterable[str | Path]) -> list[str]:
    """The modules the top-level import lines of the given ``.py`` notebooks name, in order."""
    names: list[str] = []
    for source in sources:
        for line in Path(source).read_text(encoding="utf-8").splitlines():
            m = _IMPORT.match(line)
            if m and not (m.group(1) or m.group(2)).startswith("."):
                names.append(m.group(1) or m.group(2))
    return list(dict.fromkeys(names))


def warm_up(
    slots: KernelSlots, pool: Any, n: int, modules: Iterable[str], tmp: str | Path, **options: Any
) -> list[Any]:
    """Start the kernels of ``n`` threads of ``pool`` (a ``ThreadPoolExecutor`` with ``n``
    workers) and import ``modules`` in each; the futures of the warm-ups, returned once the
    kernels' processes are launched.

    Each warm-up is a one-cell notebook run with :func:`execute` (``options`` as there: cwd,
    kernel_name ...), so the kernel is the one the thread's notebooks will run in. The warm-ups
    wait for one another before starting, so that each lands on its own thread. A warm-up that
    fails has lost only its kernel (the thread's first notebook starts a new one, and meets the
    same error where the page can report it), so failures are not raised here.
    """
    import nbformat

    modules = list(modules)
    source = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    barrier = threading.Barrier(n)
    launched = [threading.Event() for _ in range(n)]

    def one(i: int) -> bool:
        # a thread that started late breaks the barrier: then warm whichever thread this is
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        try:
            _launch(slots.get(), options)
        except Exception:  # the warm-up below meets the same error, and so will the notebook
            pass
        finally:
            launched[i].set()
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        try:
            execute(nb, f"{tmp}/warm-{i}.ipynb", f"{tmp}/warm-{i}.out.ipynb", slots, **options)
        except Exception:  # see the docstring: the notebook itself will report it
            return False
        return True

    futures = [pool.submit(one, i) for i in range(n)]
    # The kernels' processes are launched before this returns: the caller then computes in
    # Python, and a thread of this process that had still to import papermill and start its
    # kernel waited for the interpreter lock (on the seeds the kernels started 6 s late).
    for event in launched:
        event.wait(timeout=_LAUNCH_TIMEOUT_S)
    return futures


#: Seconds :func:`warm_up` waits for a kernel's process to be launched.
_LAUNCH_TIMEOUT_S = 60.0


def _launch(km: Any, options: dict[str, Any]) -> None:
    """Start ``km``'s kernel as nbclient would for ``options`` (papermill's): in the notebooks'
    folder, with their extra arguments and an in-memory IPython history (nbclient's default);
    nbclient then finds it running and only connects."""
    from jupyter_core.utils import run_sync

    if km.has_kernel:
        return
    extra = [*options.get("extra_arguments", []), "--HistoryManager.hist_file=:memory:"]
    run_sync(km.start_kernel)(extra_arguments=extra, cwd=options.get("cwd"))
