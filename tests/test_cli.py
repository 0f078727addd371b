from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cadretext import __version__
from cadretext.cli import main

from .conftest import SEEDS


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_summary_on_seeds(capsys, tmp_path: Path) -> None:
    assert main(["summary", str(SEEDS), "--cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for prefix in ["000_", "001_", "002_", "003_", "004_"]:
        assert prefix in out
    assert "closed_training" in out and "5 documents" in out


def test_clean_jsonl(capsys) -> None:
    assert main(["clean", str(SEEDS)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 5
    three = next(r for r in records if r["doc_id"].startswith("003"))
    assert three["program_type"] == "party_school" and "娄底" in three["text"]
    assert {r["kind"] for r in three["removed"]} >= {"pinyin_gloss", "site_footer"}
    assert set(records[0]) == {
        "doc_id",
        "path",
        "title",
        "date",
        "source",
        "program_type",
        "text",
        "removed",
    }


def test_tokens_to_file_by_paragraph(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "tokens.jsonl"
    assert main(["tokens", str(SEEDS), "--unit", "paragraph", "--no-cache", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) > 50
    assert records[0]["id"].endswith("#p0") and isinstance(records[0]["tokens"], list)
    assert not list(out.parent.glob(".*.tmp"))  # atomic write left no temporary file


def test_bad_input_is_one_clear_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["clean", str(tmp_path / "empty.txt")]) == 2
    err = capsys.readouterr().err
    assert "empty.txt" in err and "Traceback" not in err
    assert err.startswith("cadretext: ")


def test_folder_with_a_bad_file_reports_it(tmp_path: Path, capsys) -> None:
    (tmp_path / "good.txt").write_text("中央党校专题培训班开班，学员认真学习。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    assert main(["clean", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "skipped" in captured.err and "bad.txt" in captured.err
    assert len(captured.out.splitlines()) == 1


def test_console_script_is_installed() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cadretext.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "summary" in done.stdout and "tokens" in done.stdout


def test_clean_output_reads_back_and_surrogates_survive(tmp_path: Path, capsys) -> None:
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(SEEDS), "-o", str(out)]) == 0
    assert main(["summary", str(out)]) == 0  # the tool reads its own output
    assert "5 documents" in capsys.readouterr().out
    data = tmp_path / "s.jsonl"
    data.write_text('{"id": "a", "text": "干部赴深圳\\ud800挂职锻炼。"}\n', encoding="utf-8")
    for command in (["summary"], ["classify"], ["clean", "-o", str(tmp_path / "c.jsonl")]):
        assert main([command[0], str(data), *command[1:]]) == 0, command
    record = json.loads((tmp_path / "c.jsonl").read_text(encoding="utf-8"))
    assert record["removed"] == [{"kind": "surrogate", "text": "U+D800", "line": 1}]


def test_output_goes_only_to_regular_files_or_new_paths(tmp_path: Path, capsys) -> None:
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep", encoding="utf-8")
    for target, problem in (
        (fifo, "not a regular file"),
        (folder, "is a folder"),
        (blocker / "out.jsonl", "cannot write here"),
    ):
        assert main(["clean", str(SEEDS), "-o", str(target)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and str(target) in err[0] and problem in err[0], err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # the node is left as it was
    assert folder.is_dir() and blocker.read_text(encoding="utf-8") == "keep"
    assert not list(tmp_path.glob("**/.*.tmp"))  # no temporary file left behind
    out = tmp_path / "new" / "clean.jsonl"
    assert main(["clean", str(SEEDS), "-o", str(out)]) == 0 and out.is_file()


def test_ctrl_c_ends_with_one_line(monkeypatch, capsys) -> None:
    from cadretext import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_summary", interrupted)
    assert cli.main(["summary", str(SEEDS)]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "cadretext: interrupted; no output was left half-written"


def test_report_refuses_an_out_folder_inside_the_corpus(tmp_path: Path, capsys) -> None:
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    assert main(["report", "--corpus", str(corpus), "--out", str(corpus / "reports")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "inside the corpus folder" in err[0]
    assert not (corpus / "reports").exists()
