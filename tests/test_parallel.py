"""The shared worker pool (cadretext._parallel): order, reuse, crashes, Dask."""

from __future__ import annotations

import os
import signal

import pandas as pd
import pytest

from cadretext import _parallel, tokenize
from cadretext.errors import ParameterError, WorkerError


def _square(x: int) -> int:
    return x * x


def _pid(_: int) -> int:
    import time

    time.sleep(0.05)  # long enough that both workers take tasks
    return os.getpid()


def _die_once(marker: str, x: int) -> int:
    # the first worker to run this dies as a segfaulting C extension would; later runs succeed
    if not os.path.exists(marker):
        with open(marker, "w"):
            pass
        os._exit(1)
    return x + 1


def _always_die(x: int) -> int:
    os._exit(1)


def test_results_come_in_task_order() -> None:
    tasks = [(i,) for i in range(40)]
    assert _parallel.run_tasks(_square, tasks, n_jobs=2, name="t") == [i * i for i in range(40)]
    assert _parallel.run_tasks(_square, tasks, n_jobs=1, name="t") == [i * i for i in range(40)]
    seen: list[int] = []
    _parallel.run_tasks(
        _square, tasks[:5], n_jobs=2, name="t", on_result=lambda i, r: seen.append(i)
    )
    assert sorted(seen) == [0, 1, 2, 3, 4]


def test_workers_are_reused_across_calls() -> None:
    first = set(_parallel.run_tasks(_pid, [(i,) for i in range(8)], n_jobs=2, name="t"))
    second = set(_parallel.run_tasks(_pid, [(i,) for i in range(8)], n_jobs=2, name="t"))
    assert os.getpid() not in first
    assert first & second, "the second call started new workers instead of reusing the pool"


def test_a_dead_worker_is_replaced_and_its_tasks_rerun(tmp_path) -> None:
    marker = str(tmp_path / "died")
    out = _parallel.run_tasks(_die_once, [(marker, i) for i in range(6)], n_jobs=2, name="t")
    assert out == [i + 1 for i in range(6)]
    assert os.path.exists(marker)
    # and the pool works afterwards
    assert _parallel.run_tasks(_square, [(3,), (4,)], n_jobs=2, name="t") == [9, 16]


def test_a_worker_that_always_dies_is_a_one_line_error() -> None:
    with pytest.raises(WorkerError, match=r"^demo: a worker process died"):
        _parallel.run_tasks(_always_die, [(1,), (2,)], n_jobs=2, name="demo")
    assert _parallel.run_tasks(_square, [(5,), (6,)], n_jobs=2, name="t") == [25, 36]


def test_tokenize_survives_a_killed_pool_and_gives_identical_tokens() -> None:
    texts = [f"商丘市选派{i}名年轻干部赴常州跟班学习，在党校培训。" * 5 for i in range(300)]
    serial = tokenize(texts)
    assert tokenize(texts, n_jobs=2) == serial
    for proc in list(_parallel.executor(1)._processes.values()):  # kill the idle workers
        os.kill(proc.pid, signal.SIGKILL)
    assert tokenize(texts, n_jobs=2) == serial


def test_n_jobs_is_checked() -> None:
    assert _parallel.resolve_n_jobs(-1) >= 1
    for bad in (0, -2, 1.5, True, "2"):
        with pytest.raises(ParameterError, match="n_jobs must be"):
            _parallel.resolve_n_jobs(bad)


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("distributed")
    with (
        pytest.raises(ParameterError, match="cannot reach the Dask scheduler"),
        _parallel.use_scheduler("tcp://127.0.0.1:9"),
    ):
        pass


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_tokenize_and_sweep_on_a_dask_cluster_equal_in_process(dask_client) -> None:
    from cadretext.topics import sweep_k

    texts = [f"商丘市选派{i}名年轻干部赴常州跟班学习，在党校培训。" * 3 for i in range(120)]
    docs = [["党校", "学习", "培训"], ["跟班学习", "挂职", "企业"], ["党校", "干部", "讲座"]] * 12
    local_tokens = tokenize(texts, n_jobs=2)
    local_sweep = sweep_k(docs, [2, 3], seeds=(0, 1), passes=2, no_above=1.0, n_jobs=2)
    with _parallel.use_scheduler(dask_client) as client:
        assert _parallel.current_scheduler() is client
        remote_tokens = tokenize(texts, n_jobs=2)
        remote_sweep = sweep_k(docs, [2, 3], seeds=(0, 1), passes=2, no_above=1.0, n_jobs=2)
    assert _parallel.current_scheduler() is None
    assert remote_tokens == local_tokens
    cols = [c for c in local_sweep.columns if not c.endswith("_time_s")]
    assert remote_sweep[cols].equals(local_sweep[cols])


def test_system_allocator_is_scoped(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import pyarrow

    from cadretext._parallel import return_freed_memory, system_allocator

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pyarrow.default_memory_pool().backend_name
    with system_allocator():
        assert pyarrow.default_memory_pool().backend_name == "system"
        assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "system"  # for processes started here
        pd.Series(["字符串"] * 1000).str.len()  # Arrow allocates from the system pool
        return_freed_memory()
    assert pyarrow.default_memory_pool().backend_name == before
    assert "ARROW_DEFAULT_MEMORY_POOL" not in os.environ
    # a pool the user chose is left alone
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    with system_allocator():
        assert pyarrow.default_memory_pool().backend_name == before
        assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
