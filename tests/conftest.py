"""Shared fixtures: the seed corpus, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def seed_file(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ("000" ... "004")."""
    (match,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    return match


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_corpus():
    from cadretext import load_corpus

    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def seed_raw() -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def output_of_piped_code(code: str, cwd: Path) -> str:
    """Run ``code`` piped on a new Python's standard input; its standard output, stripped.

    Worker processes must start from code that has no file (a ``ProcessPoolExecutor``'s spawned
    workers re-imported the caller's ``__main__`` and failed there): a failing run fails the
    test with the end of its standard error.
    """
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-"], input=code, capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip()


def font_characters(path: Path) -> set[str]:
    """The characters a font file maps (a report folder's web font, read with fontTools)."""
    from fontTools.ttLib import TTFont

    with TTFont(path) as font:
        return {chr(code) for code in font.getBestCmap()}
