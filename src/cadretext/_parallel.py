"""The one place that owns worker processes: a reusable local pool, or a Dask cluster.

Every parallel stage of cadretext (:func:`cadretext.tokenize`, :func:`cadretext.topics.sweep_k`)
gets its workers here, so that they are started once per Python process and not once per call.

Local workers come from loky's *reusable* executor (``loky.get_reusable_executor``): the first
call starts them (about a second each, to import cadretext and load the jieba dictionary), later
calls find them running. loky rather than ``concurrent.futures.ProcessPoolExecutor`` because

* its executor is reused across calls and resized in place;
* its workers watch their parent and exit when it dies, so an interrupted run leaves no orphan
  processes behind (a ``ProcessPoolExecutor``'s workers outlive a killed parent);
* its workers start without re-importing the caller's ``__main__``: code piped on standard input
  or a script without an ``if __name__ == "__main__"`` guard works with ``n_jobs > 1``;
* a worker that dies breaks only the executor it belonged to: the next call gets a new one.

:func:`run_tasks` adds the policy cadretext wants on top: results in task order whatever order
they finish in, and a task batch whose worker died (killed, out of memory, a crash in a C
extension) is run once more on fresh workers before a one-line
:class:`~cadretext.errors.WorkerError` is raised.

With :func:`use_scheduler` (``cadretext report --scheduler ADDRESS``) the same tasks go to a
``dask.distributed`` cluster instead: each task is a Dask task, large shared inputs are scattered
once, and results are identical because every task is deterministic given its inputs.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from .errors import ParameterError, WorkerError

T = TypeVar("T")

__all__ = [
    "POOL_ERRORS",
    "current_scheduler",
    "executor",
    "fresh_executor",
    "on_pool",
    "progress_bar",
    "release",
    "resolve_n_jobs",
    "return_freed_memory",
    "run_tasks",
    "scatter",
    "system_allocator",
    "use_scheduler",
]

#: Seconds an idle local worker waits for work before it exits (it is started again on demand).
IDLE_TIMEOUT = 300


def _pool_errors() -> tuple[type[BaseException], ...]:
    from concurrent.futures.process import BrokenProcessPool as StdBroken

    from loky.process_executor import BrokenProcessPool, TerminatedWorkerError

    return (BrokenProcessPool, TerminatedWorkerError, StdBroken)


#: Exceptions that mean "a worker died", not "the task raised".
POOL_ERRORS: tuple[type[BaseException], ...] = _pool_errors()

_LOCK = threading.Lock()
_SIZE = [0]  # the pool's size: the most workers asked for so far
_SCHEDULER: dict[str, Any] = {"client": None, "address": None}


def resolve_n_jobs(n_jobs: Any) -> int:
    """``n_jobs`` as a positive process count (``-1``: every core loky sees, cgroups included)."""
    if n_jobs == -1:
        from loky import cpu_count

        return max(1, cpu_count())
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ParameterError(f"n_jobs must be a positive integer or -1, got {n_jobs!r}")
    return n_jobs


def executor(n_workers: int) -> Any:
    """The process's reusable pool, with at least ``n_workers`` local workers.

    The pool grows when more workers are asked for and never shrinks: resizing a pool whose
    workers are busy waits for them, so a call asking for one worker while another job keeps
    a second one busy would otherwise stall until that job ends.
    """
    from loky import get_reusable_executor

    with _LOCK:
        _SIZE[0] = max(_SIZE[0], n_workers)
        return get_reusable_executor(max_workers=_SIZE[0], timeout=IDLE_TIMEOUT, reuse=True)


def fresh_executor(n_workers: int) -> Any:
    """A new local pool: the running workers (of a broken pool) are killed first."""
    from loky import get_reusable_executor

    with _LOCK:
        _SIZE[0] = max(_SIZE[0], n_workers)
        return get_reusable_executor(
            max_workers=_SIZE[0], timeout=IDLE_TIMEOUT, reuse=True, kill_workers=True
        )


def release() -> None:
    """Stop the local workers now (they would otherwise idle for ``IDLE_TIMEOUT`` seconds,
    holding memory); the next parallel call starts new ones."""
    from loky import get_reusable_executor

    with _LOCK:
        if _SIZE[0]:
            get_reusable_executor(max_workers=_SIZE[0], reuse=True).shutdown(wait=True)
            _SIZE[0] = 0


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def return_freed_memory() -> None:
    """Collect garbage and hand the freed heap pages back to the system.

    CPython frees large results, but glibc's allocator keeps their pages for reuse by the same
    process; a process that has finished its heavy work (a pool worker between steps, the
    report before its kernels start) gives them back with ``malloc_trim``. Elsewhere than glibc
    there is nothing to call, and nothing is lost.
    """
    import contextlib
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:  # pandas' strings live in Arrow's own pool, which keeps its pages
        pyarrow.default_memory_pool().release_unused()


@contextlib.contextmanager
def system_allocator() -> Iterator[None]:
    """Inside the block, Arrow (pandas' string columns) allocates with the C library's malloc,
    here and in the processes started meanwhile (pool workers, notebook kernels).

    Arrow's default pool (mimalloc or jemalloc) keeps what it frees for itself: a process that
    builds large string tables then holds two heaps, each at its own peak. With one heap, memory
    freed by a table is reused by the next Python objects, and :func:`return_freed_memory` hands
    it back (measured on 3,000 reports' rhetoric items: 668 -> 547 MB after the step). A pool
    the user chose (``$ARROW_DEFAULT_MEMORY_POOL``) is left alone; the previous pool is restored
    after the block.
    """
    import os

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        yield
        return
    import pyarrow

    previous = pyarrow.default_memory_pool()
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    try:
        yield
    finally:
        pyarrow.set_memory_pool(previous)
        os.environ.pop("ARROW_DEFAULT_MEMORY_POOL", None)


def progress_bar(total: int, show: bool, desc: str, unit: str = "it") -> Any:
    """A tqdm bar over ``total`` units of a long job, or one that shows nothing.

    tqdm is not even imported when ``show`` is false: ``tqdm.auto`` warns in a kernel without
    ipywidgets, and a report's kernels show no bars.
    """
    if not show:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit)


# --------------------------------------------------------------------------- Dask
@contextlib.contextmanager
def use_scheduler(address: str | None) -> Iterator[Any]:
    """Send cadretext's parallel tasks to a ``dask.distributed`` scheduler inside this block.

    ``address`` is a scheduler address (``tcp://10.0.0.5:8786``), or a ``distributed.Client``
    already connected; ``None`` leaves everything local. Within the block, ``tokenize`` and
    ``sweep_k`` run their chunks and fits as Dask tasks whenever ``n_jobs > 1``, with results
    identical to a local run. The workers need cadretext installed (same version).

    Raises
    ------
    ParameterError
        If ``dask.distributed`` is not installed (``pip install 'cadretext[scale]'``) or the
        scheduler cannot be reached.
    """
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise ParameterError(
            "--scheduler needs dask.distributed: pip install 'cadretext[scale]'"
        ) from None
    own = not isinstance(address, Client)
    if own:
        try:
            client = Client(address, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ParameterError(f"cannot reach the Dask scheduler {address}: {exc}") from None
    else:
        client = address
    previous = dict(_SCHEDULER)
    _SCHEDULER.update(client=client, address=str(getattr(client, "scheduler", address)))
    try:
        yield client
    finally:
        _SCHEDULER.update(previous)
        if own:
            client.close()


def current_scheduler() -> Any:
    """The ``distributed.Client`` set by :func:`use_scheduler`, or ``None`` (local workers)."""
    return _SCHEDULER["client"]


def scatter(value: Any) -> Any:
    """``value`` sent once to the cluster (a Dask future) under a scheduler, else ``value``."""
    client = current_scheduler()
    if client is None:
        return value
    return client.scatter(value, broadcast=True)


# --------------------------------------------------------------------------- running tasks
def run_tasks(
    fn: Callable[..., Any],
    tasks: Sequence[tuple[Any, ...]],
    *,
    n_jobs: int,
    name: str,
    on_result: Callable[[int, Any], None] | None = None,
) -> list[Any]:
    """``[fn(*args) for args in tasks]`` on ``n_jobs`` workers, results in task order.

    ``fn`` must be importable (a module-level function). Tasks are submitted in the order given
    (put the longest first). ``on_result(i, result)`` is called as each one finishes (progress
    bars). Under :func:`use_scheduler` the tasks run on the Dask cluster; otherwise on the
    reusable local pool, or in this process when ``n_jobs == 1``.

    A batch whose worker died is run once more on fresh workers; a second death raises
    :class:`~cadretext.errors.WorkerError` naming ``name``. An exception raised by ``fn`` itself
    is raised as it is.
    """
    results: list[Any] = [None] * len(tasks)
    if not tasks:
        return results
    client = current_scheduler()
    if client is not None:
        return _run_dask(client, fn, tasks, on_result)
    if n_jobs == 1 or len(tasks) == 1:
        for i, args in enumerate(tasks):
            results[i] = fn(*args)
            if on_result is not None:
                on_result(i, results[i])
        return results
    todo = list(range(len(tasks)))  # what a retry on fresh workers still has to run

    def job(pool: Any) -> list[Any]:
        from concurrent.futures import as_completed

        futures = {pool.submit(fn, *tasks[i]): i for i in todo}
        try:
            for future in as_completed(futures):
                i = futures[future]
                results[i] = future.result()
                todo.remove(i)
                if on_result is not None:
                    on_result(i, results[i])
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results

    return on_pool(name, min(n_jobs, len(tasks)), job)


def on_pool(name: str, n_workers: int, job: Callable[[Any], T]) -> T:
    """``job(pool)`` on the reusable pool of ``n_workers``; if a worker dies, ``job`` runs once
    more on fresh workers, and a second death is a :class:`~cadretext.errors.WorkerError`
    naming ``name``. The one retry policy of every local parallel stage."""
    for attempt in range(2):
        pool = executor(n_workers) if attempt == 0 else fresh_executor(n_workers)
        try:
            return job(pool)
        except POOL_ERRORS as exc:
            if attempt:
                raise WorkerError(name) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _run_dask(
    client: Any,
    fn: Callable[..., Any],
    tasks: Sequence[tuple[Any, ...]],
    on_result: Callable[[int, Any], None] | None,
) -> list[Any]:
    results: list[Any] = [None] * len(tasks)
    # pure=False: a task is named by its position, so equal arguments are still two tasks
    futures = [client.submit(fn, *args, pure=False) for args in tasks]
    # collected in task order (distributed.as_completed wants a default client, which a
    # Client made with set_as_default=False is not); the tasks themselves run in any order
    for i, future in enumerate(futures):
        results[i] = future.result()
        if on_result is not None:
            on_result(i, results[i])
    return results
