"""Human-validation kit: stratified coding sheets, reading them back, agreement measures."""

from __future__ import annotations

import re
from collections import Counter

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from cadretext.classify.labels import CLASSES
from cadretext.classify.validate import (
    coding_sheet,
    format_validation,
    read_coding_sheet,
    validate,
    write_coding_sheet,
)
from cadretext.cli import main
from cadretext.errors import InputFileError, MissingColumnError, ParameterError

SHEET_COLUMNS = ["doc_id", "path", "label", "probability", "uncertain", "excerpt", "human_label"]


def predictions(sizes: dict[tuple[str, bool], int]) -> pd.DataFrame:
    """A frame shaped like classify_corpus output with these stratum sizes."""
    rows = []
    for (label, uncertain), size in sizes.items():
        for k in range(size):
            doc_id = f"{label[:3]}{'U' if uncertain else 'C'}{k:03d}"
            rows.append(
                {
                    "doc_id": doc_id,
                    "path": f"/corpus/{doc_id}.txt",
                    "label": label,
                    "labels": [label],
                    "scores": {c: 0.25 for c in CLASSES},
                    "probability": 0.4 if uncertain else 0.9,
                    "uncertain": uncertain,
                    "evidence": [f"{doc_id} 第一句。", "第二句。"],
                    **{f"p_{c}": 0.25 for c in CLASSES},
                }
            )
    return pd.DataFrame(rows)


SIZES = {
    ("other", False): 50,
    ("other", True): 10,
    ("party_school", False): 3,
    ("secondment", False): 20,
    ("secondment", True): 7,
}


def stratum_counts(sheet: pd.DataFrame) -> dict[tuple[str, bool], int]:
    return dict(Counter(zip(sheet["label"], sheet["uncertain"], strict=True)))


# --------------------------------------------------------------------------- coding_sheet
def test_sample_is_stratified_with_even_allocation():
    sheet = coding_sheet(predictions(SIZES), n=40, seed=0)
    # 40 over 5 strata = 8 each; party_school (3) and secondment/uncertain (7) give all their
    # rows, the 30 left over 3 strata = 10 each, other/uncertain has exactly 10.
    assert stratum_counts(sheet) == {
        ("other", False): 10,
        ("other", True): 10,
        ("party_school", False): 3,
        ("secondment", False): 10,
        ("secondment", True): 7,
    }
    assert len(sheet) == 40
    assert sheet["doc_id"].is_unique


def test_leftover_rows_go_to_the_largest_strata():
    sizes = {("other", False): 5, ("party_school", False): 9, ("secondment", False): 5}
    sheet = coding_sheet(predictions(sizes), n=10)
    assert stratum_counts(sheet) == {
        ("other", False): 3,
        ("party_school", False): 4,
        ("secondment", False): 3,
    }


def test_sheet_is_sorted_by_stratum_then_doc_id():
    sheet = coding_sheet(predictions(SIZES), n=40, seed=3)
    keys = [
        (CLASSES.index(label), uncertain, doc_id)
        for label, uncertain, doc_id in zip(
            sheet["label"], sheet["uncertain"], sheet["doc_id"], strict=True
        )
    ]
    assert keys == sorted(keys)


def test_sample_is_reproducible_and_depends_on_the_seed():
    frame = predictions(SIZES)
    first = coding_sheet(frame, n=20, seed=7)
    pd.testing.assert_frame_equal(first, coding_sheet(frame, n=20, seed=7))
    shuffled = frame.sample(frac=1.0, random_state=1).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, coding_sheet(shuffled, n=20, seed=7))
    other = coding_sheet(frame, n=20, seed=8)
    assert set(other["doc_id"]) != set(first["doc_id"])
    assert stratum_counts(other) == stratum_counts(first)


def test_sheet_columns_excerpt_and_coders():
    frame = predictions({("secondment", False): 2, ("other", True): 1}).drop(columns="path")
    frame["evidence"] = [frame.at[0, "evidence"], frame.at[1, "evidence"], []]
    frame["text"] = ["甲", "乙", "第一行\n第二行" + "字" * 400]
    sheet = coding_sheet(frame, n=10, coders=3, excerpt_chars=50)
    assert list(sheet.columns) == [*SHEET_COLUMNS, "human_label_2", "human_label_3"]
    assert (sheet[["human_label", "human_label_2", "human_label_3"]] == "").all().all()
    assert (sheet["path"] == "").all()
    by_id = sheet.set_index("doc_id")["excerpt"]
    assert by_id["secC000"] == "secC000 第一句。 … 第二句。"
    no_evidence = by_id["othU000"]
    assert no_evidence.startswith("第一行 第二行字")
    assert len(no_evidence) == 50 and "\n" not in no_evidence


def test_sample_takes_all_rows_when_n_is_larger():
    frame = predictions({("other", False): 3, ("secondment", True): 2})
    assert len(coding_sheet(frame, n=100)) == 5


@pytest.mark.parametrize("bad", [{"n": 0}, {"n": -3}, {"coders": 0}])
def test_sample_rejects_bad_parameters(bad):
    kwargs = {"n": 10, **bad}
    with pytest.raises(ParameterError):
        coding_sheet(predictions(SIZES), **kwargs)


# --------------------------------------------------------------------------- validate
def hand_coded() -> pd.DataFrame:
    """Twelve rows, predictions vs two coders (coder 2 skipped two rows)."""
    pred = ["secondment", "secondment", "secondment", "party_school", "party_school",
            "party_school", "closed_training", "closed_training", "other", "other", "other",
            "other"]  # fmt: skip
    human = ["secondment", "secondment", "party_school", "party_school", "party_school",
             "other", "closed_training", "party_school", "other", "other", "secondment",
             "other"]  # fmt: skip
    human2 = ["secondment", "other", "party_school", "party_school", "", "other",
              "closed_training", "closed_training", "other", "", "secondment",
              "party_school"]  # fmt: skip
    return pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(12)],
            "path": "",
            "label": pred,
            "probability": np.linspace(0.95, 0.40, 12),
            "uncertain": [False] * 9 + [True] * 3,
            "excerpt": "",
            "human_label": human,
            "human_label_2": human2,
        }
    )


def test_kappa_accuracy_and_confusion_match_sklearn():
    sheet = hand_coded()
    result = validate(sheet)
    truth, pred = sheet["human_label"], sheet["label"]
    assert result["n"] == 12
    assert result["accuracy"] == pytest.approx(8 / 12)
    assert result["kappa"] == pytest.approx(cohen_kappa_score(truth, pred))
    confusion = result["confusion"]
    assert list(confusion.index) == list(CLASSES) == list(confusion.columns)
    np.testing.assert_array_equal(
        confusion.to_numpy(), confusion_matrix(truth, pred, labels=list(CLASSES))
    )
    # by hand: two party_school reports were predicted secondment / closed_training ...
    assert confusion.loc["party_school", "secondment"] == 1
    assert confusion.loc["party_school", "closed_training"] == 1
    assert confusion.loc["other", "party_school"] == 1
    assert confusion.loc["secondment", "other"] == 1
    assert int(np.trace(confusion.to_numpy())) == 8
    per_class = result["per_class"]
    assert per_class.loc["party_school", "precision"] == pytest.approx(2 / 3)
    assert per_class.loc["party_school", "recall"] == pytest.approx(2 / 4)
    assert per_class["support"].sum() == 12


def test_alpha_and_coder_kappa_match_the_libraries():
    sheet = hand_coded()
    result = validate(sheet)
    code = {c: i for i, c in enumerate(CLASSES)}
    data = np.array(
        [
            [code.get(v, np.nan) for v in sheet[column]]
            for column in ("human_label", "human_label_2")
        ],
        dtype=float,
    )
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert result["alpha"] == pytest.approx(expected)
    both = sheet[sheet["human_label_2"] != ""]
    assert result["kappa_coders"] == pytest.approx(
        cohen_kappa_score(both["human_label"], both["human_label_2"])
    )


def test_single_coder_has_no_alpha_and_uncoded_rows_are_left_out():
    sheet = hand_coded().drop(columns="human_label_2")
    sheet.loc[[10, 11], "human_label"] = ""
    result = validate(sheet)
    assert result["alpha"] is None and result["kappa_coders"] is None
    assert result["n"] == 10
    assert result["kappa"] == pytest.approx(
        cohen_kappa_score(sheet["human_label"][:10], sheet["label"][:10])
    )


def test_validate_needs_some_human_labels():
    sheet = hand_coded()
    sheet["human_label"] = ""
    with pytest.raises(ParameterError, match="human_label"):
        validate(sheet)


def test_review_lists_disagreements_first_then_by_probability():
    review = validate(hand_coded())["review"]
    assert list(review.columns) == [
        "doc_id",
        "label",
        "human_label",
        "human_label_2",
        "probability",
        "reason",
    ]
    # disagreements (human vs prediction, or coder 1 vs coder 2) by probability; then the
    # uncertain rows where everyone agrees (d09)
    assert review["doc_id"].tolist() == ["d01", "d02", "d05", "d07", "d10", "d11", "d09"]
    assert review.set_index("doc_id").at["d09", "reason"] == "uncertain prediction"
    assert "coders disagree" in review.set_index("doc_id").at["d01", "reason"]


def test_format_validation_has_the_kappa_line():
    text = format_validation(validate(hand_coded()))
    lines = text.splitlines()
    assert lines[0] == "n 12"
    assert re.fullmatch(r"accuracy \d\.\d{3}", lines[1])
    assert re.fullmatch(r"kappa -?\d\.\d{3}", lines[2])
    assert re.fullmatch(r"alpha -?\d\.\d{3}", lines[3])
    assert "confusion matrix" in text and "d01" in text


# --------------------------------------------------------------------------- files and CLI
def test_write_and_read_round_trip(tmp_path):
    sheet = coding_sheet(predictions(SIZES), n=12, coders=2)
    sheet.loc[0, "excerpt"] = "干部赴杭州挂职锻炼, 手机入柜。"
    sheet.loc[0, "human_label"] = "Party School"
    sheet.loc[1, "human_label_2"] = "secondment"
    path = write_coding_sheet(sheet, tmp_path / "sheets" / "coding.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "干部赴杭州挂职锻炼".encode() in raw
    back = read_coding_sheet(path)
    assert list(back.columns) == list(sheet.columns)
    assert back.loc[0, "human_label"] == "party_school"
    assert back.loc[1, "human_label_2"] == "secondment"
    assert back.loc[2, "human_label"] == ""
    assert back["uncertain"].tolist() == sheet["uncertain"].tolist()
    np.testing.assert_allclose(back["probability"], sheet["probability"])
    assert back["doc_id"].tolist() == sheet["doc_id"].tolist()


def write_csv(tmp_path, text: str):
    path = tmp_path / "coding.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


BAD_SHEETS = {
    "unknown_label": (
        "doc_id,label,human_label\na,other,other\nb,secondment,guazhi\n",
        InputFileError,
        [", line 3:", "'guazhi'", "party_school"],
    ),
    "unknown_prediction": (
        "doc_id,label,human_label\na,other,other\nb,secondment,\nc,training,other\n",
        InputFileError,
        [", line 4:", "'training'"],
    ),
    "duplicate_doc_id": (
        "doc_id,label,human_label\na,other,other\nb,other,\na,other,secondment\n",
        InputFileError,
        [", line 4:", "'a'", "line 2"],
    ),
    "missing_human_label": (
        "doc_id,label,coder\na,other,other\n",
        MissingColumnError,
        ["human_label"],
    ),
    "missing_doc_id": (
        "id,label,human_label\na,other,other\n",
        MissingColumnError,
        ["doc_id"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SHEETS))
def test_bad_coding_sheets_name_file_and_line(tmp_path, case):
    text, error, fragments = BAD_SHEETS[case]
    path = write_csv(tmp_path, text)
    with pytest.raises(error) as info:
        read_coding_sheet(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize("case", sorted(BAD_SHEETS))
def test_cli_validate_bad_sheet_exits_2_with_one_line(tmp_path, capsys, case):
    text, _, fragments = BAD_SHEETS[case]
    path = write_csv(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("cadretext: error: ") and str(path) in err
    assert all(fragment in err for fragment in fragments)


def test_cli_validate_prints_kappa(tmp_path, capsys):
    path = write_coding_sheet(hand_coded(), tmp_path / "coding.csv")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^kappa -?\d\.\d{3}$", out, flags=re.MULTILINE)
    assert re.search(r"^n 12$", out, flags=re.MULTILINE)


def test_cli_sample_on_seeds_is_reproducible(seeds_dir, tmp_path, capsys):
    # cadretext/classify/model.py is being rewritten and its packaged default model
    # (default_model.npz) may be absent meanwhile: skip only when the default model itself
    # cannot be loaded, so any failure of `cadretext sample` still fails this test.
    from cadretext.classify import load_default_classifier

    try:
        load_default_classifier()
    except Exception as exc:
        pytest.skip(f"default classifier unavailable (model.py being rewritten): {exc}")
    first, second = tmp_path / "a" / "coding.csv", tmp_path / "b" / "coding.csv"
    for out in (first, second):
        assert main(["sample", str(seeds_dir), "-n", "4", "--out", str(out), "--coders", "2"]) == 0
    err = capsys.readouterr().err
    assert "wrote 4 of 5 reports" in err and str(first) in err
    assert first.read_bytes() == second.read_bytes()
    sheet = read_coding_sheet(first)
    assert list(sheet.columns) == [*SHEET_COLUMNS, "human_label_2"]
    assert len(sheet) == 4
    assert sheet["excerpt"].str.len().gt(0).all()
