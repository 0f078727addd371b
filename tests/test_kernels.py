"""Notebooks run one after another in a kept kernel (cadretext.kernels): the kernel is reused,
each notebook still starts from an empty namespace and the kernel's first settings, its page
shows no trace of the reset, and a failure costs only that kernel."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import jupytext
import papermill
import pytest

from cadretext import kernels


def _nb(source: str):
    return jupytext.reads(source, fmt="py:percent")


@pytest.fixture
def slots():
    s = kernels.KernelSlots()
    yield s
    s.close()


def _run(slots, tmp_path: Path, name: str, source: str):
    return kernels.execute(
        _nb(source),
        str(tmp_path / f"{name}.ipynb"),
        str(tmp_path / f"{name}.out.ipynb"),
        slots,
        cwd=str(tmp_path),
        kernel_name="python3",
        progress_bar=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )


def _outputs(nb) -> str:
    return "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )


def test_notebooks_share_a_kernel_but_not_its_state(slots, tmp_path: Path) -> None:
    first = _run(
        slots,
        tmp_path,
        "a",
        "# %%\nimport os, warnings\nimport matplotlib\nmatplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "LEFTOVER = 1\nwarnings.simplefilter('error', UserWarning)\n"
        "plt.rcParams['lines.linewidth'] = 9\nfig = plt.figure()\n"
        "# %%\nprint('pid', os.getpid())\n",
    )
    second = _run(
        slots,
        tmp_path,
        "b",
        "# %%\nimport os, sys, warnings\nimport matplotlib.pyplot as plt\n"
        "print('pid', os.getpid())\n"
        "print('leftover', 'LEFTOVER' in globals())\n"
        "warnings.warn('only a warning', UserWarning)\n"
        "print('linewidth', plt.rcParams['lines.linewidth'], 'figures', plt.get_fignums())\n",
    )
    pid = _outputs(first).split("pid ")[1].split()[0]
    out = _outputs(second)
    assert f"pid {pid}" in out  # the same kernel process
    assert "leftover False" in out  # an empty namespace
    assert "linewidth 1.5 figures []" in out  # matplotlib's settings as at first, no figure
    for nb in (first, second):  # no reset cell on the page; counts from 1
        assert all(kernels.RESET_TAG not in c.metadata.get("tags", []) for c in nb.cells)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1))
    assert warnings.filters  # this process's filters were never touched


def test_a_failed_notebook_costs_its_kernel_only(slots, tmp_path: Path) -> None:
    first = _run(slots, tmp_path, "a", "# %%\nimport os\nprint('pid', os.getpid())\n")
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        _run(slots, tmp_path, "b", "# %%\nx = 1\n# %%\n1 / 0\n")
    assert failure.value.exec_count == 2  # counted in its own notebook, not the kernel's
    third = _run(slots, tmp_path, "c", "# %%\nimport os\nprint('pid', os.getpid())\n")
    assert _outputs(first) != _outputs(third)  # a new kernel after the failure


def test_a_page_that_stops_ends_there_and_keeps_its_kernel(slots, tmp_path: Path) -> None:
    """Page.stop inside an except block (how notebook 03 uses it): the notebook ends at that
    cell without an error, its output stays, the exit's traceback and the cells after it go,
    and the kernel runs the next notebook."""
    source = (
        "# %%\nimport os\nfrom cadretext.pages import Page\n"
        "page = Page('99_stop', '.')\nprint('pid', os.getpid())\n"
        "# %%\ntry:\n    raise ValueError('no topics')\nexcept ValueError as exc:\n"
        "    page.stop(f'Stopped: {exc}.')\n"
        "# %% [markdown]\n# ## A section that needs the topics\n"
        "# %%\nprint('never')\n"
    )
    stopped = _run(slots, tmp_path, "a", source)
    assert [c.cell_type for c in stopped.cells] == ["code", "code"]
    last = stopped.cells[-1].outputs
    assert "Stopped: no topics." in str(last)
    assert not any(o.get("output_type") == "error" or o.get("name") == "stderr" for o in last)
    assert json.loads((tmp_path / "99_stop_findings.json").read_text(encoding="utf-8")) == [
        {"text": "Stopped: no topics."}
    ]
    after = _run(slots, tmp_path, "b", "# %%\nimport os\nprint('pid', os.getpid())\n")
    assert _outputs(stopped).split()[:2] == _outputs(after).split()[:2]  # the same kernel


def test_imported_modules_lists_the_notebooks_top_level_imports(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "# %%\nimport json\nfrom os.path import join\nimport xml.dom, csv\n"
        "    import inside_a_block\nfrom . import relative\nx = 'import not_code'\n",
        encoding="utf-8",
    )
    (tmp_path / "b.py").write_text("from json import dumps\nimport wave\n", encoding="utf-8")
    assert kernels.imported_modules([tmp_path / "a.py", tmp_path / "b.py"]) == [
        "json",
        "os.path",
        "xml.dom",
        "wave",
    ]


def test_warm_up_starts_each_threads_kernel_with_the_modules(slots, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    options = {
        "cwd": str(tmp_path),
        "kernel_name": "python3",
        "progress_bar": False,
        "extra_arguments": ["--IPKernelApp.log_level=ERROR"],
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        warmed = kernels.warm_up(slots, pool, 2, ["wave", "no_such_module_here"], tmp_path)
        assert [f.result() for f in warmed] == [False, False]  # the import failed: no raise
        warmed = kernels.warm_up(slots, pool, 2, ["wave"], tmp_path, **options)
        assert [f.result() for f in warmed] == [True, True]
        source = "# %%\nimport os, sys\nprint('pid', os.getpid(), 'wave' in sys.modules)\n"
        ran = [pool.submit(_run, slots, tmp_path, f"n{i}", source).result() for i in range(4)]
    outs = [_outputs(nb) for nb in ran]
    assert all(out.endswith("True\n") for out in outs)  # imported before the notebook ran
    assert len(set(outs)) <= 2  # whichever thread ran it: one of the two warmed kernels
