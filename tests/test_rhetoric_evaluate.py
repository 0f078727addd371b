"""cadretext.rhetoric.evaluate: scoring the extractors against a researcher's own annotation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadretext.cli import main
from cadretext.errors import InputFileError, ParameterError
from cadretext.rhetoric.evaluate import (
    bootstrap_interval,
    check_rhetoric,
    compare_items,
    read_rhetoric_annotations,
)

from .conftest import SEEDS

TEXTS = {
    "a": "干部到党校充电，在基层取真经，争做“四有”好干部，坚持实事求是。",
    "b": "学员们如饥似渴地学习，推进三高四新，在改革中破冰。",
}


def _write(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_scores_and_outcomes_on_a_hand_made_annotation():
    annotations = [
        # 取真经 is found and 真经 annotated: a hit by overlap, not strictly
        {
            "id": "a",
            "formulas": ["四有"],
            "idioms": ["实事求是"],
            "metaphors": ["真经", "充电", "加油"],
        },
        {
            "id": "b",
            "formulas": ["三高四新"],
            "idioms": [],  # 如饥似渴 found and not annotated: false
            "metaphors": [],
            "unsure": [{"item": "破冰", "kind": "metaphor"}],  # found, counts neither way
        },
    ]
    result = check_rhetoric(TEXTS, annotations)
    scores = result.scores.set_index("kind")
    assert scores.loc["formula", ["annotated", "found", "precision", "recall"]].tolist() == [
        2,
        2,
        1.0,
        1.0,
    ]
    assert scores.loc["idiom", ["annotated", "found", "precision", "recall"]].tolist() == [
        1,
        2,
        0.5,
        1.0,
    ]
    metaphor = scores.loc["metaphor"]
    assert (metaphor["annotated"], metaphor["found"]) == (3, 2)  # 充电, 取真经; 破冰 unsure
    assert metaphor["precision"] == 1.0 and metaphor["recall"] == 2 / 3
    outcomes = {(r.doc_id, r.item): r.outcome for r in result.items.itertuples()}
    assert outcomes[("a", "真经")] == "hit" and outcomes[("a", "加油")] == "missed"
    assert outcomes[("b", "如饥似渴")] == "false" and outcomes[("b", "破冰")] == "unsure"
    strict = check_rhetoric(TEXTS, annotations, match="strict").scores.set_index("kind")
    assert strict.loc["metaphor", ["precision", "recall"]].tolist() == [0.5, 1 / 3]  # 取真经 ≠ 真经
    assert "2 annotated reports" in result.summary()
    for row in result.scores.itertuples():
        assert row.precision_low <= row.precision <= row.precision_high
        assert row.recall_low <= row.recall <= row.recall_high


def test_two_annotators_of_one_report_are_summed():
    one = {"id": "a", "formulas": ["四有"], "idioms": [], "metaphors": []}
    result = check_rhetoric(TEXTS, [dict(one, coder="x"), dict(one, coder="y")])
    formula = result.scores.set_index("kind").loc["formula"]
    assert (formula["reports"], formula["annotated"]) == (1, 2)


def test_compare_items_and_bootstrap_interval():
    assert compare_items(["征程"], ["新征程"]) == ({"征程"}, set(), {"新征程"}, set())
    assert compare_items(["征程"], ["新征程"], match="strict") == (
        set(),
        {"征程"},
        set(),
        {"新征程"},
    )
    with pytest.raises(ParameterError):
        compare_items([], [], match="loose")
    docs = [("r1", 3, 1, 2, 2), ("r2", 5, 0, 5, 0), ("r3", 0, 4, 1, 3), ("r4", 2, 2, 2, 0)]
    p_lo, p_hi, r_lo, r_hi = bootstrap_interval(docs)
    assert bootstrap_interval(docs) == (p_lo, p_hi, r_lo, r_hi)  # deterministic
    assert 0 <= p_lo < 10 / 17 < p_hi <= 1 and 0 <= r_lo < 10 / 15 < r_hi <= 1
    # two annotators' rows of one report move together: one report is one draw, no spread
    assert bootstrap_interval([("p", 1, 0, 1, 0), ("p", 0, 1, 0, 1)]) == (0.5, 0.5, 0.5, 0.5)
    assert bootstrap_interval([("p", 1, 0, 1, 0), ("q", 0, 1, 0, 1)])[:2] == (0.0, 1.0)


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (["{not json"], "line 1: not valid JSON"),
        (["[1, 2]"], "line 1: each line must be one JSON object"),
        (['{"formulas": []}'], 'line 1: no "id"'),
        (['{"id": "a", "idioms": "如饥似渴"}'], 'line 1: "idioms" must be a list of strings'),
        (['{"id": "a", "unsure": [{"item": "x", "kind": "slogan"}]}'], 'line 1: "unsure"'),
        (
            ['{"id": "a"}', "", '{"id": "a"}'],
            "line 3: report 'a' annotated twice (first on line 1)",
        ),
        ([""], "no annotations in the file"),
    ],
)
def test_bad_annotation_files_get_one_line_naming_file_and_line(tmp_path, lines, problem):
    path = tmp_path / "ann.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InputFileError) as err:
        read_rhetoric_annotations(path)
    assert str(path) in str(err.value) and problem in str(err.value)
    assert "\n" not in str(err.value)


def test_annotation_for_a_report_not_in_the_corpus_is_named():
    with pytest.raises(ParameterError, match="no report with doc_id 'zz'"):
        check_rhetoric(TEXTS, [{"id": "zz", "formulas": [], "idioms": [], "metaphors": []}])


def test_cli_check_prints_scores_and_writes_item_outcomes(tmp_path, capsys):
    ann = _write(
        tmp_path / "ann.jsonl",
        [
            {
                "id": "000_7551554dd2caaf7c",
                "formulas": ["双招双引"],
                "idioms": ["他山之石"],
                "metaphors": ["破冰", "金钥匙"],
            },
        ],
    )
    out = tmp_path / "items.csv"
    args = ["rhetoric", str(SEEDS), "--check", str(ann), "-o", str(out), "--format", "csv"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("1 annotated reports, overlap match")
    assert {line.split()[0] for line in printed.splitlines()[1:]} == {
        "formula",
        "idiom",
        "metaphor",
    }
    table = out.read_text("utf-8").splitlines()
    assert table[0] == "doc_id,coder,kind,item,outcome"
    assert "000_7551554dd2caaf7c,,metaphor,金钥匙,hit" in table
    assert main(["rhetoric", str(SEEDS), "--check", str(ann), "--by", "program_type"]) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "formulas": "四有"}\n', "utf-8")
    assert main(["rhetoric", str(SEEDS), "--check", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 or err[-1].startswith("cadretext: error:")
    assert f"{bad}, line 1" in err[-1]


def test_annotation_file_with_a_bom_crlf_and_numeric_ids_reads(tmp_path):
    path = tmp_path / "ann.jsonl"
    text = '{"id": 12, "formulas": ["四有"]}\r\n{"id": "a", "metaphors": ["充电"]}\r\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    records = read_rhetoric_annotations(path)
    assert [r["id"] for r in records] == ["12", "a"]
    assert records[0]["idioms"] == [] and records[1]["unsure"] == []


def test_committed_pool_annotations_hold_item_lists_only_two_coders_per_page():
    """The pools' pages are other people's words: the committed files keep addresses and item
    lists, never text; each page has both blind annotators, and a held-out pool shares no site
    with the pools before it (benchmarks/rhetoric_quality.py reads them)."""
    from collections import Counter

    bench = Path(__file__).resolve().parents[1] / "benchmarks"
    keys = {"id", "url", "site", "split", "batch", "coder", "formulas", "idioms", "metaphors",
            "unsure"}  # fmt: skip
    sites: dict[str, set[str]] = {}
    names = [f"rhetoric_pool{k}_annotations" for k in range(3, 11)]  # in the order collected
    for name in names:
        rows = [
            json.loads(line) for line in (bench / f"{name}.jsonl").read_text("utf-8").splitlines()
        ]
        assert rows and all(set(r) == keys for r in rows), name
        assert all(len(item) <= 30 for r in rows for k in ("formulas", "idioms", "metaphors")
                   for item in r[k]), name  # fmt: skip
        assert set(Counter(r["id"] for r in rows).values()) == {2}, name
        assert all(
            {r["coder"] for r in rows if r["id"] == i} == {"a", "b"}
            for i in {r["id"] for r in rows}
        )
        sites[name] = {r["site"] for r in rows}
    for i, name in enumerate(names[1:], start=1):
        earlier = set().union(*(sites[n] for n in names[:i]))
        assert not sites[name] & earlier, name
