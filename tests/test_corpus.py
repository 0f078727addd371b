from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from pathlib import Path

import opencc
import pandas as pd
import pytest

from cadretext import SkippedInputWarning, clean_text, load_corpus
from cadretext.corpus import CORPUS_COLUMNS, extract_metadata, flag_near_duplicates
from cadretext.errors import (
    BinaryFileError,
    DecodingError,
    EmptyFileError,
    InputFileError,
    MalformedRecordError,
    ManifestError,
    MissingColumnError,
    NoDocumentsError,
    ParameterError,
    UnsupportedFormatError,
)

from .conftest import SEEDS, seed_file

PARAGRAPH = (
    "为加大年轻干部培养力度，拓宽干部实践锻炼渠道，商丘市选派10名年轻干部到江苏省常州市，"
    "开展为期6个月的跟班学习。学员们深入企业、园区和乡镇调研，学习先进的发展理念。"
)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --------------------------------------------------------------------------- seeds
def test_seed_corpus_shape_and_labels(seed_corpus) -> None:
    assert list(seed_corpus.columns[: len(CORPUS_COLUMNS)]) == CORPUS_COLUMNS
    labels = dict(zip(seed_corpus["doc_id"].str[:3], seed_corpus["program_type"], strict=True))
    assert labels == {
        "000": "secondment",
        "001": "party_school",
        "002": "secondment",
        "003": "party_school",
        "004": "closed_training",
    }
    assert seed_corpus["duplicate_of"].isna().all()
    assert seed_corpus["send_place"].str.startswith("河南省商丘市").iloc[0]
    assert seed_corpus.attrs["skipped"] == []
    first = seed_corpus.iloc[0]
    assert first["text"] == clean_text(first["raw_text"])


def test_seed_files_are_the_shared_seeds() -> None:
    shared = SEEDS.parents[1] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    for path in shared.glob("*.txt"):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


EXPECTED_META = {
    "000": (
        "深入学习贯彻党的二十大精神 | 以思想破冰为发展聚力赋能",
        "2023-03-16",
        "河南日报",
        None,
    ),
    "001": (None, None, "闽南网", None),
    "002": ("以思想破冰 引领发展突围", "2021-07-28", "房县文学", "中国电源产业网"),
    "003": ("娄底市:外派竞学为干部提能发展提质", "2024-01-29", "红星云", None),
    "004": (None, None, None, None),
}


@pytest.mark.parametrize("key", sorted(EXPECTED_META))
def test_metadata_read_from_each_seed(key: str) -> None:
    meta = extract_metadata(seed_file(key).read_text(encoding="utf-8"))
    assert (meta["title"], meta["date"], meta["source"], meta["site"]) == EXPECTED_META[key]


def test_metadata_without_manifest_comes_from_the_text() -> None:
    df = load_corpus(SEEDS, manifest=False)
    row = df[df["doc_id"].str.startswith("003")].iloc[0]
    assert (row["title"], row["date"], row["source"]) == EXPECTED_META["003"][:3]
    assert df["program_type"].isna().all()


def test_manifest_wins_over_header(tmp_path: Path) -> None:
    shutil.copy(seed_file("000"), tmp_path / "a.txt")
    (tmp_path / "manifest.csv").write_text(
        "file,title,program_type,host_place\na.txt,My title,secondment,江苏省常州市\n",
        encoding="utf-8",
    )
    row = load_corpus(tmp_path).iloc[0]
    assert row["title"] == "My title"
    assert row["date"] == "2023-03-16"  # blank in the manifest: filled from the header
    assert row["host_place"] == "江苏省常州市"


def test_input_files_are_never_modified(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    before = _digest(tmp_path / "seeds")
    load_corpus(tmp_path / "seeds")
    assert _digest(tmp_path / "seeds") == before


# --------------------------------------------------------------------------- encodings
@pytest.mark.parametrize(
    ("encoding", "script"),
    [("gb18030", "s"), ("gbk", "s"), ("big5", "t"), ("utf-8-sig", "s"), ("utf-16", "s")],
)
def test_encodings_detected(tmp_path: Path, encoding: str, script: str) -> None:
    text = "跟班学习干部赴常州\n" + PARAGRAPH
    if script == "t":
        text = opencc.OpenCC("s2tw").convert(text)  # Taiwan standard: what Big5 encodes
    (tmp_path / "doc.txt").write_bytes(text.encode(encoding))
    df = load_corpus(tmp_path)
    assert df.iloc[0]["raw_text"] == text
    assert df.iloc[0]["text"] == clean_text(text)
    assert "商丘市选派10名年轻干部" in df.iloc[0]["text"]  # traditional converted too
    family = {"gbk": "gb18030"}.get(encoding, encoding.split("-sig")[0])
    assert df.iloc[0]["encoding"].replace("_", "-").startswith(family.replace("_", "-")[:5])


def test_forced_encoding(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_bytes(PARAGRAPH.encode("gb18030"))
    assert load_corpus(tmp_path, encoding="gb18030").iloc[0]["encoding"] == "gb18030"
    with pytest.raises(DecodingError, match=r"doc\.txt"):
        load_corpus(tmp_path / "doc.txt", encoding="utf-8", errors="raise")


# --------------------------------------------------------------------------- other formats
def test_jsonl_and_csv_records(tmp_path: Path) -> None:
    rows = [
        {"id": "r1", "text": PARAGRAPH, "program_type": "secondment", "date": "2023年3月5日"},
        {"id": "r2", "text": "中央党校专题培训班开班。" * 5, "title": "党校"},
    ]
    (tmp_path / "a.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
    )
    pd.DataFrame({"body": [PARAGRAPH], "doc_id": ["c1"]}).to_csv(tmp_path / "b.csv", index=False)
    df = load_corpus(tmp_path / "a.jsonl")
    assert list(df["doc_id"]) == ["r1", "r2"]
    assert df.iloc[0]["date"] == "2023-03-05"
    assert df.iloc[1]["title"] == "党校"
    df = load_corpus(tmp_path / "b.csv", text_column="body")
    assert list(df["doc_id"]) == ["c1"] and df.iloc[0]["text"].startswith("为加大")


def test_html_main_text(tmp_path: Path) -> None:
    body = "".join(f"<p>{PARAGRAPH}第{i}段。</p>" for i in range(4))
    html = (
        "<html><head><title>商丘干部赴常州跟班学习</title>"
        '<meta name="date" content="2023-03-16"></head><body>'
        '<nav><a href="/">首页</a> | <a href="/news">新闻</a></nav>'
        f"<article><h1>商丘干部赴常州跟班学习</h1>{body}</article>"
        "<footer>主办单位：某某网 ICP备案号：豫ICP备000001号</footer></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    row = load_corpus(tmp_path).iloc[0]
    assert row["title"] == "商丘干部赴常州跟班学习"
    assert row["date"] == "2023-03-16"
    assert "第3段" in row["text"] and "ICP" not in row["text"] and "首页" not in row["text"]


# --------------------------------------------------------------------------- duplicates
def test_near_duplicates_flagged_not_dropped(tmp_path: Path) -> None:
    raw = seed_file("000").read_text(encoding="utf-8")
    (tmp_path / "a_original.txt").write_text(raw, encoding="utf-8")
    syndicated = "转载自河南日报\n" + raw.replace("编辑:李恒", "责任编辑:王五\n来源:商丘网")
    (tmp_path / "b_repost.txt").write_text(syndicated, encoding="utf-8")
    shutil.copy(seed_file("004"), tmp_path / "c_other.txt")
    df = load_corpus(tmp_path)
    assert len(df) == 3
    flags = df.set_index("doc_id")["duplicate_of"]
    assert flags["b_repost"] == "a_original"
    assert flags[["a_original", "c_other"]].isna().all()


def test_duplicate_clusters_point_at_first_member() -> None:
    a = PARAGRAPH * 3
    out = flag_near_duplicates([a, "完全不同的报道内容。" * 9, a + "附记", a], ["x", "y", "z", "w"])
    assert out == [None, None, "x", "x"]


# --------------------------------------------------------------------------- bad input
def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n　\n", encoding="utf-8")
    for name in ("empty.txt", "blank.txt"):
        with pytest.raises(EmptyFileError, match=name):
            load_corpus(tmp_path / name, errors="raise")


def test_binary_file(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(BinaryFileError, match=r"image\.txt"):
        load_corpus(tmp_path / "image.txt", errors="raise")


def test_undecodable_file(tmp_path: Path) -> None:
    (tmp_path / "junk.txt").write_bytes(b"\xff" * 64 + b"\x81\xff" * 32)  # invalid in all
    with pytest.raises(DecodingError, match=r"junk\.txt"):
        load_corpus(tmp_path / "junk.txt", errors="raise")


def test_malformed_jsonl_line_named(tmp_path: Path) -> None:
    good = json.dumps({"text": PARAGRAPH}, ensure_ascii=False)
    (tmp_path / "x.jsonl").write_text(f"{good}\n{{not json\n{good}\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"x\.jsonl, line 2"):
        load_corpus(tmp_path / "x.jsonl", errors="raise")
    with pytest.warns(
        SkippedInputWarning,
        match=r"x\.jsonl, line 2: invalid JSON \(Expecting property name enclosed in double quotes, column 2\)",
    ):
        df = load_corpus(tmp_path / "x.jsonl")
    assert list(df["doc_id"]) == ["x:1", "x:3"]
    assert df.attrs["skipped"] == [
        {"path": str(tmp_path / "x.jsonl"), "line": 2, "problem": df.attrs["skipped"][0]["problem"]}
    ]


def test_malformed_csv_row_named(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text(
        f"id,text\n1,{PARAGRAPH}\n2,{PARAGRAPH},extra\n3,{PARAGRAPH}\n", encoding="utf-8"
    )
    with pytest.raises(MalformedRecordError, match=r"x\.csv, line 3: expected 2 fields"):
        load_corpus(tmp_path / "x.csv", errors="raise")
    with pytest.warns(SkippedInputWarning):
        assert list(load_corpus(tmp_path / "x.csv")["doc_id"]) == ["1", "3"]


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_missing_text_column(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"x.{suffix}"
    if suffix == "csv":
        path.write_text(f"id,body\n1,{PARAGRAPH}\n", encoding="utf-8")
    else:
        path.write_text(json.dumps({"body": PARAGRAPH}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(MissingColumnError, match=rf"x\.{suffix}: no 'text'"):
        load_corpus(path, errors="raise")


def test_folder_reports_skipped_files_instead_of_crashing(tmp_path: Path) -> None:
    shutil.copy(seed_file("001"), tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    (tmp_path / ".hidden.txt").write_text("ignored", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = load_corpus(tmp_path)
    assert list(df["doc_id"]) == ["good"]
    skipped = {Path(s["path"]).name: s["problem"] for s in df.attrs["skipped"]}
    assert set(skipped) == {"empty.txt", "photo.jpg"}
    assert "empty" in skipped["empty.txt"] and "unsupported" in skipped["photo.jpg"]
    assert any("empty.txt" in str(w.message) for w in caught)


def test_nothing_readable(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.warns(SkippedInputWarning), pytest.raises(NoDocumentsError, match=r"empty\.txt"):
        load_corpus(tmp_path)


def test_unsupported_explicit_file_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(UnsupportedFormatError, match=r"a\.pdf"):
        load_corpus(tmp_path / "a.pdf", errors="raise")
    with pytest.raises(ParameterError, match="no such file"):
        load_corpus(tmp_path / "missing")


def test_bad_manifest(tmp_path: Path) -> None:
    shutil.copy(seed_file("001"), tmp_path / "a.txt")
    (tmp_path / "manifest.csv").write_text("name,title\na.txt,x\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match=r"manifest\.csv: a manifest needs a 'file'"):
        load_corpus(tmp_path)
    (tmp_path / "manifest.csv").write_text("file,title\na.txt,x\na.txt,y\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="line 3"):
        load_corpus(tmp_path)


def test_doc_id_collisions_are_disambiguated(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PARAGRAPH, encoding="utf-8")
    (tmp_path / "a.md").write_text("中央党校专题培训班开班。" * 5, encoding="utf-8")
    df = load_corpus(tmp_path, duplicate_threshold=None)
    assert df["doc_id"].is_unique and len(df) == 2


# --------------------------------------------------------------------------- large files
def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def test_utf8_records_are_streamed_not_read_whole(tmp_path: Path, monkeypatch) -> None:
    # A JSONL/CSV export can be larger than the corpus it holds: UTF-8 files are decoded line
    # by line, so the whole-file reader must not be called for them.
    import cadretext.corpus.readers as corpus_module

    def whole_file(*args, **kwargs):
        raise AssertionError("read the whole file")

    rows = [{"id": f"r{i}", "text": f"{PARAGRAPH}第{i}篇。"} for i in range(300)]
    (tmp_path / "a.jsonl").write_bytes(b"\xef\xbb\xbf" + _jsonl(rows).encode("utf-8"))
    pd.DataFrame(rows).to_csv(tmp_path / "b.csv", index=False)
    monkeypatch.setattr(corpus_module, "read_text_file", whole_file)
    for name in ("a.jsonl", "b.csv"):
        df = load_corpus(tmp_path / name, duplicate_threshold=None)
        assert len(df) == 300 and df.iloc[299]["text"].endswith("第299篇。")
        assert set(df["encoding"]) == {"utf-8"}


def test_non_utf8_records_found_late_fall_back_to_detection(tmp_path: Path) -> None:
    # The first 64 KiB are ASCII (valid UTF-8), the Chinese further down is GB18030: the
    # streamed attempt fails part-way and the file is decoded whole with detection, once.
    filler = [{"id": f"a{i}", "text": "x" * 200} for i in range(400)]
    late = [{"id": f"z{i}", "text": f"{PARAGRAPH}第{i}篇。"} for i in range(60)]
    bad = {"id": "broken"}  # no text: warned about exactly once, not once per attempt
    data = _jsonl(filler + late + [bad])
    assert len(data[: 1 << 16].encode("ascii")) == 1 << 16
    (tmp_path / "g.jsonl").write_bytes(data.encode("gb18030"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = load_corpus(tmp_path / "g.jsonl", duplicate_threshold=None)
    assert df["encoding"].iloc[0] == "gb18030"
    assert df["text"].iloc[-1] == f"{PARAGRAPH}第59篇。"
    assert len(df) == 460
    assert [s["line"] for s in df.attrs["skipped"]] == [461]
    assert sum(isinstance(w.message, SkippedInputWarning) for w in caught) == 1


def test_character_cut_at_the_head_boundary(tmp_path: Path) -> None:
    # 64 KiB into the file falls inside a three-byte character: still UTF-8, still streamed.
    prefix = {"id": "p", "text": ""}
    head = json.dumps(prefix, ensure_ascii=False)[:-2]
    pad = (1 << 16) - len(head.encode()) - 1
    first = json.dumps({"id": "p", "text": "a" * pad + "学习"}, ensure_ascii=False) + "\n"
    assert first.encode()[(1 << 16) - 1 : (1 << 16) + 2].decode() == "学"
    (tmp_path / "c.jsonl").write_text(first + _jsonl([{"id": "q", "text": PARAGRAPH}]), "utf-8")
    df = load_corpus(tmp_path / "c.jsonl", duplicate_threshold=None)
    assert list(df["doc_id"]) == ["p", "q"] and df["encoding"].iloc[0] == "utf-8"


def test_audit_false_keeps_text_drops_raw_and_audit(tmp_path: Path) -> None:
    from cadretext.corpus import removal_summary

    full = load_corpus(SEEDS)
    lean = load_corpus(SEEDS, audit=False)
    assert list(lean.columns) == list(full.columns)
    assert lean["text"].tolist() == full["text"].tolist()
    assert lean["raw_text"].isna().all() and lean["removed"].isna().all()
    assert full["text"].dtype == object  # Python strings: 2 bytes a Chinese character
    with pytest.raises(ParameterError, match="audit=True"):
        removal_summary(lean)


def test_fields_named_like_computed_columns_are_kept_apart(tmp_path: Path) -> None:
    # input fields must never overwrite what load_corpus computes: they become meta_<name>
    clash = {
        "path": "elsewhere.txt",
        "removed": "nothing",
        "n_chars": 3,
        "encoding": "ascii",
        "raw_text": "not the raw text",
        "duplicate_of": "x",
    }
    data = tmp_path / "r.jsonl"
    data.write_text(
        json.dumps({"id": "a", "text": "市委党校主体班开班。", **clash}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    corpus = load_corpus(data)
    row = corpus.iloc[0]
    assert row["path"] == str(data.resolve()) or row["path"].endswith("r.jsonl")
    assert row["n_chars"] == len("市委党校主体班开班。")
    assert row["encoding"] == "utf-8" and isinstance(row["removed"], list)
    assert row["raw_text"] == "市委党校主体班开班。"
    for key, value in clash.items():
        assert row[f"meta_{key}"] == value
    assert corpus.columns.is_unique
    # a manifest with a text column: the file's text stays the text
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.txt").write_text("干部赴深圳挂职锻炼。", encoding="utf-8")
    pd.DataFrame({"file": ["a.txt"], "text": ["manifest text"], "meta_text": ["taken"]}).to_csv(
        folder / "manifest.csv", index=False
    )
    corpus = load_corpus(folder)
    assert corpus.loc[0, "text"] == "干部赴深圳挂职锻炼。"
    assert corpus.loc[0, "meta_meta_text"] == "manifest text"
    assert corpus.loc[0, "meta_text"] == "taken"
    assert corpus.columns.is_unique


def test_a_lone_surrogate_is_replaced_and_audited(tmp_path: Path) -> None:
    data = tmp_path / "s.jsonl"
    # "\ud800" is valid JSON but no UTF-8 text: OpenCC used to crash on it
    data.write_text(
        '{"id": "a", "text": "乡镇干部\\ud800赴深圳\\n挂职锻炼。"}\n{"id": "b", "text": "市委党校开班。"}\n',
        encoding="utf-8",
    )
    corpus = load_corpus(data)
    assert corpus["doc_id"].tolist() == ["a", "b"]
    assert corpus.loc[0, "text"] == "乡镇干部\ufffd赴深圳\n挂职锻炼。"
    assert {"kind": "surrogate", "text": "U+D800", "line": 1} in corpus.loc[0, "removed"]
    text, removed = clean_text("甲\n乙\udfff", return_removed=True)
    assert text == "甲\n乙\ufffd" and removed[0] == {
        "kind": "surrogate",
        "text": "U+DFFF",
        "line": 2,
    }


def test_one_bad_byte_in_a_jsonl_costs_its_line_not_the_file(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": f"r{i}", "text": f"干部赴深圳挂职锻炼{i}。"}, ensure_ascii=False).encode()
        for i in range(50)
    ]
    lines[20] = lines[20].replace("深".encode(), b"\xff")
    data = tmp_path / "r.jsonl"
    data.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.warns(SkippedInputWarning, match=r"line 21: not valid UTF-8"):
        corpus = load_corpus(data)
    assert len(corpus) == 49 and "r20" not in set(corpus["doc_id"])
    assert corpus.attrs["skipped"] == [
        {"path": str(data), "line": 21, "problem": "not valid UTF-8 (byte 0xff at 32)"}
    ]
    with pytest.raises(MalformedRecordError, match="line 21"):
        load_corpus(data, errors="raise")
    # a file in another encoding is still detected whole, not skipped line by line
    gb = tmp_path / "gb.jsonl"
    gb.write_bytes(
        b"".join(
            line.decode("utf-8", "replace").encode("gb18030", "replace") + b"\n"
            for i, line in enumerate(lines)
            if i != 20
        )
    )
    assert len(load_corpus(gb)) == 49


def test_one_bad_byte_in_a_csv_costs_its_record_not_the_file(tmp_path: Path) -> None:
    rows = [f'r{i},"干部赴深圳挂职锻炼{i}。\n第二段{i}。"'.encode() for i in range(50)]
    rows[20] = rows[20].replace("深".encode(), b"\xff")  # inside a field that spans two lines
    data = tmp_path / "r.csv"
    data.write_bytes(b"id,text\n" + b"\n".join(rows) + b"\n")
    with pytest.warns(SkippedInputWarning, match=r"line 42: not valid UTF-8 \(byte 0xff\)"):
        corpus = load_corpus(data)
    assert len(corpus) == 49 and "r20" not in set(corpus["doc_id"])
    assert corpus.attrs["skipped"] == [
        {"path": str(data), "line": 42, "problem": "not valid UTF-8 (byte 0xff)"}
    ]
    # the records after the bad one keep their text whole
    assert corpus.set_index("doc_id").loc["r21", "raw_text"] == "干部赴深圳挂职锻炼21。\n第二段21。"
    with pytest.raises(MalformedRecordError, match=r"r\.csv, line 42"):
        load_corpus(data, errors="raise")
    # a CSV in another encoding is still detected whole
    gb = tmp_path / "gb.csv"
    gb.write_bytes(b"id,text\n" + b"\n".join(r.decode().encode("gb18030") for r in rows[:20]))
    assert len(load_corpus(gb)) == 20 and load_corpus(gb)["encoding"].iloc[0] == "gb18030"


def test_csv_field_longer_than_the_csv_module_default_is_kept(tmp_path: Path) -> None:
    import csv

    long_text = "干部赴深圳挂职锻炼。" * 20_000  # 200,000 characters
    path = tmp_path / "long.csv"
    pd.DataFrame({"id": ["a", "b"], "text": [long_text, PARAGRAPH]}).to_csv(path, index=False)
    before = csv.field_size_limit()
    corpus = load_corpus(path, errors="raise")
    assert list(corpus["doc_id"]) == ["a", "b"] and corpus["n_chars"].iloc[0] >= 200_000
    assert csv.field_size_limit() == before  # the process-wide limit is put back


def test_csv_with_lone_cr_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(f'id,text\r1,{PARAGRAPH}\r2,"{PARAGRAPH}\r{PARAGRAPH}"\r'.encode())
    corpus = load_corpus(path, errors="raise")
    assert list(corpus["doc_id"]) == ["1", "2"]
    assert corpus["raw_text"].iloc[1] == f"{PARAGRAPH}\r{PARAGRAPH}"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_not_called_binary(tmp_path: Path, encoding: str) -> None:
    text = "跟班学习干部赴常州\n" + PARAGRAPH
    (tmp_path / "doc.txt").write_bytes(text.encode(encoding))
    df = load_corpus(tmp_path / "doc.txt", errors="raise")
    assert df.iloc[0]["raw_text"] == text
    assert df.iloc[0]["encoding"] == f"{encoding} (no BOM)"


def test_binary_with_nul_bytes_is_still_binary(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_bytes(bytes(range(256)) * 40)
    with pytest.raises(BinaryFileError, match=r"x\.txt"):
        load_corpus(tmp_path / "x.txt", errors="raise")


def test_stray_nul_bytes_are_dropped_not_the_file(tmp_path: Path) -> None:
    """A scraped file with a few NUL bytes (padding, a broken write) is text: it is read
    without them, the encoding column says how many went, and no character is lost."""
    text = "跟班学习干部赴常州\n" + PARAGRAPH
    raw = text.encode("utf-8")
    cut = raw.index("常".encode())
    (tmp_path / "a.txt").write_bytes(b"\x00" + raw[:cut] + b"\x00\x00" + raw[cut:])
    (tmp_path / "b.txt").write_bytes(text.encode("gb18030") + b"\x00")
    good = json.dumps({"id": "r1", "text": PARAGRAPH}, ensure_ascii=False).encode()
    (tmp_path / "c.jsonl").write_bytes(good + b"\n\x00\n" + good.replace(b"r1", b"r2") + b"\n")
    df = load_corpus(tmp_path, errors="raise").set_index("path")
    a, b = df.loc[str(tmp_path / "a.txt")], df.loc[str(tmp_path / "b.txt")]
    assert a["raw_text"] == text and a["encoding"] == "utf-8 (3 stray NUL bytes dropped)"
    assert b["raw_text"] == text and b["encoding"] == "gb18030 (1 stray NUL byte dropped)"
    jsonl = df.loc[str(tmp_path / "c.jsonl")]
    assert sorted(jsonl["doc_id"]) == ["r1", "r2"]


def test_fifo_is_named_not_missing(tmp_path: Path) -> None:
    fifo = tmp_path / "corpus" / "pipe.txt"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    shutil.copy(seed_file("001"), tmp_path / "corpus" / "good.txt")
    with pytest.raises(InputFileError, match=r"pipe\.txt: a named pipe \(FIFO\), not a regular"):
        load_corpus(fifo, errors="raise")
    with pytest.warns(SkippedInputWarning), pytest.raises(NoDocumentsError, match="named pipe"):
        load_corpus(fifo)
    with pytest.warns(SkippedInputWarning, match="pipe.txt"):  # in a folder: listed, not hung on
        df = load_corpus(tmp_path / "corpus")
    assert list(df["doc_id"]) == ["good"]
    assert [Path(s["path"]).name for s in df.attrs["skipped"]] == ["pipe.txt"]


def test_unreadable_subfolder_is_named_and_listed(tmp_path: Path, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "locked").mkdir(parents=True)
    shutil.copy(seed_file("001"), corpus / "good.txt")
    shutil.copy(seed_file("002"), corpus / "locked" / "hidden_from_us.txt")
    real_scandir = os.scandir

    def scandir(path="."):  # what a folder without read permission does (tests may run as root)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.warns(SkippedInputWarning, match=r"locked: cannot read the folder"):
        df = load_corpus(corpus)
    assert list(df["doc_id"]) == ["good"]
    assert df.attrs["skipped"] == [
        {
            "path": str(corpus / "locked"),
            "line": None,
            "problem": "cannot read the folder (Permission denied)",
        }
    ]
    with pytest.raises(InputFileError, match="cannot read the folder"):
        load_corpus(corpus, errors="raise")


def test_broken_link_in_a_folder_is_listed(tmp_path: Path) -> None:
    shutil.copy(seed_file("001"), tmp_path / "good.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    with pytest.warns(SkippedInputWarning, match="broken link"):
        df = load_corpus(tmp_path)
    assert list(df["doc_id"]) == ["good"]
    assert df.attrs["skipped"][0]["problem"] == "a broken link"


def test_near_duplicates_ignore_whitespace_and_handle_short_texts() -> None:
    a = PARAGRAPH * 3
    spaced = "\n".join(a[i : i + 7] for i in range(0, len(a), 7))  # the same text, re-wrapped
    assert flag_near_duplicates([a, spaced], ["x", "y"]) == [None, "x"]
    # texts no longer than a shingle are one shingle each; empty texts are never duplicates
    assert flag_near_duplicates(["短文", "短文", "", ""], ["a", "b", "c", "d"]) == [
        None,
        "a",
        None,
        None,
    ]
    assert flag_near_duplicates(["短文", "长文"], ["a", "b"]) == [None, None]


# Header layouts of scraped pages (written here; the shapes are those of the real reports):
# the title is the first header line that is not furniture, and None when the header has none.
TITLE_LAYOUTS = [
    (
        ["当前位置: 首页 > 教学工作 > 教学动态", "某县举办中青年干部培训班", "来源:教务处"],
        "某县举办中青年干部培训班",
    ),
    (
        ["国产在线观看,一区二区精品视频,成人影院", "首页 > 文章 > 三农", "基层减负的几点思考?"],
        "基层减负的几点思考?",
    ),
    (
        ["打开APP", "某某网", "要闻 人事 政情 图片", "某市百名干部赴沿海挂职"],
        "某市百名干部赴沿海挂职",
    ),
    (
        ["某某网|党建频道|资料库", "首页 > 正文", "某市选派年轻干部跟班学习"],
        "某市选派年轻干部跟班学习",
    ),
    (["文、图/张三(本刊记者)", "高原上的援藏工作队"], "高原上的援藏工作队"),
    (["● 张三", "干部交流制度的历史考察"], "干部交流制度的历史考察"),
    (
        ["学员在党旗前重温入党誓词。(张三 摄)", "某省乡镇党委书记示范培训班开班"],
        "某省乡镇党委书记示范培训班开班",
    ),
    (
        ["原标题:这趟沉浸式学习有何深意?", "近日，某市选派干部赴外地跟班学习。"],
        "这趟沉浸式学习有何深意?",
    ),
    (["新华社某地4月7日电 题:田间地头成为干部培训新课堂"], "田间地头成为干部培训新课堂"),
    (
        ["• 发布日期:2013-07-04", "• 本条信息已被查看了155次", "党校青年干部培训班开班"],
        "党校青年干部培训班开班",
    ),
    # a banner the furniture list does not know, over a longer headline and its date line
    (
        [
            "某地旅游价格联盟",
            "三年援边路，两地情未了——第八批援边干部载誉归来",
            "援边2019-06-24 15:10",
        ],
        "三年援边路，两地情未了——第八批援边干部载誉归来",
    ),
    # ... but a title under a breadcrumb keeps its place over its subtitle, and a two-line
    # title over its own second line (暨…)
    (
        [
            "首页 > 正文",
            "某市选派年轻干部跟班锻炼",
            "补齐自身短板 提升专业能力",
            "发布时间:2023年11月30日",
        ],
        "某市选派年轻干部跟班锻炼",
    ),
    (
        ["在某校建校90周年庆祝大会", "暨2023年春季学期开学典礼上的讲话", "(2023年3月1日)"],
        "在某校建校90周年庆祝大会",
    ),
    (
        ["您现在所在的位置:首页", "某某同志在全省工作推进会上的讲话"],
        "某某同志在全省工作推进会上的讲话",
    ),
    (["某某素材网 首页", "县委书记在活动集中汇报会上的讲话"], "县委书记在活动集中汇报会上的讲话"),
    # no title in the excerpt: a byline, a date line or a salutation, then the body
    (["某某新闻记者 张三 通讯员 李四", "5月10日，记者走进某市科级干部培训班的课堂。"], None),
    (["新华社 2024年10月24日", "近日，两地干部人才交流活动举行，双方签订协议。"], None),
    (["市直各单位管理员:", "干部网络学院开通以来，各单位积极组织学习。"], None),
    (["引言", "近年来，干部交流已成为推动区域协同发展的重要方式。"], None),
    # a section heading after the first paragraph is not a title
    (["早上7点，天刚蒙蒙亮，学员们已经在操场上集合。", "在细节上做足功夫"], None),
    (["我们正处于一个信息爆炸的时代,每天都有大量新闻!", "某地干部培训综述"], None),
]


@pytest.mark.parametrize(("lines", "title"), TITLE_LAYOUTS)
def test_title_passes_over_page_furniture(lines: list[str], title: str | None) -> None:
    from cadretext.corpus.metadata import find_title

    assert find_title(lines) == title
    assert extract_metadata("\n".join(lines))["title"] == title


def test_source_stops_at_a_label_glued_to_it() -> None:
    raw = "某市举办干部培训班\n来源:某某军网综合作者:张三 李四责任编辑:王五\n正文。"
    assert extract_metadata(raw)["source"] == "某某军网综合"
    assert extract_metadata("正文。\n来源:某某网")["source"] == "某某网"


def test_removal_examples_are_distinct_and_from_several_reports(tmp_path: Path) -> None:
    from cadretext.corpus import removal_examples

    rows = [
        {"id": "a", "text": "區(qū)區(qū)區(qū)委黨校舉辦培訓班。\n責任編輯:張三"},
        {"id": "b", "text": "縣(xiàn)委黨校舉辦培訓班。\n責任編輯:李四"},
    ]
    (tmp_path / "c.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
    )
    examples = removal_examples(load_corpus(tmp_path / "c.jsonl"))
    glosses = examples[examples["kind"] == "pinyin_gloss"]
    assert glosses["text"].tolist() == ["(qū)", "(xiàn)"]  # no second "(qū)"
    assert glosses["doc_id"].tolist() == ["a", "b"]
    assert examples[examples["kind"] == "editor_source_line"]["doc_id"].tolist() == ["a", "b"]


def test_json_file_of_records(tmp_path: Path) -> None:
    """A .json file holding a list of records (a scraper's export) or one record object."""
    records = [
        {"id": "j1", "text": PARAGRAPH, "title": "标题一", "date": "2023-03-05"},
        {"id": "j2", "text": "中央党校专题培训班开班。" * 5},
        {"text": "某市选派干部赴外地跟班学习。" * 5},
    ]
    (tmp_path / "list.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    df = load_corpus(tmp_path / "list.json")
    assert list(df["doc_id"]) == ["j1", "j2", "list:3"]
    assert df.iloc[0]["title"] == "标题一" and df.iloc[0]["date"] == "2023-03-05"
    one = tmp_path / "one.json"
    one.write_bytes(json.dumps(records[0], ensure_ascii=False).encode("gb18030"))  # detected
    assert load_corpus(one)["doc_id"].tolist() == ["j1"]


def test_malformed_json_file_named(tmp_path: Path) -> None:
    good = {"text": PARAGRAPH}
    bad = tmp_path / "bad.json"
    bad.write_text('[\n  {"text": "x"},\n  {not json}\n]', encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"bad\.json, line 3: invalid JSON"):
        load_corpus(bad, errors="raise")
    scalar = tmp_path / "scalar.json"
    scalar.write_text('"just a string"', encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"scalar\.json: a \.json file must hold"):
        load_corpus(scalar, errors="raise")
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([good, 7, {"text": ""}, good]), encoding="utf-8")
    with pytest.raises(MalformedRecordError, match=r"mixed\.json: item 2 of the list: not a JSON"):
        load_corpus(mixed, errors="raise")
    with pytest.warns(SkippedInputWarning):
        df = load_corpus(mixed)
    assert df["doc_id"].tolist() == ["mixed:1", "mixed:4"]
    assert [s["problem"] for s in df.attrs["skipped"]] == [
        "item 2 of the list: not a JSON object",
        "item 3 of the list: record has no text in column 'text'",
    ]
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"body": PARAGRAPH}]), encoding="utf-8")
    with pytest.raises(MissingColumnError, match=r"no 'text' field in any record"):
        load_corpus(other, errors="raise")
    assert load_corpus(other, text_column="body")["doc_id"].tolist() == ["other:1"]


@pytest.mark.parametrize(
    "headline", ["青年干部读书分享会举行", "注册会计师继续教育培训班开班", "点亮党徽学习活动启动"]
)
def test_short_headlines_with_furniture_words_are_titles(headline: str) -> None:
    from cadretext.corpus.metadata import find_title

    assert find_title([headline, "正文第一段，写得很长。"]) == headline


def test_site_under_the_date_is_one_name_not_authors_or_an_issue() -> None:
    body = "正文第一段，写得很长很长。"
    assert (
        extract_metadata(f"标题一二三四五\n2021-07-28\n某某产业网\n{body}")["site"] == "某某产业网"
    )
    assert extract_metadata(f"标题一二三四五\n2023-04-18\n张三 李 四\n{body}")["site"] is None
    assert (
        extract_metadata(f"标题一二三四五\n2024-11-27\n某某研究 2024年5期\n{body}")["site"] is None
    )


def test_undecodable_file_name_and_surrogates_in_fields_load(tmp_path: Path) -> None:
    # a file name in a legacy encoding reaches Python as lone surrogates, which pandas' Arrow
    # strings refuse: the name comes back with its bytes escaped, fields with U+FFFD
    text = "市委组织部选派年轻干部赴杭州跟班学习半年。"
    (tmp_path / os.fsdecode(b"gbk\xb8\xc9\xb2\xbf.txt")).write_text(text, encoding="utf-8")
    record = '{"id": "r1", "title": "题\\ud800目", "text": "' + text + '"}\n'
    (tmp_path / "r.jsonl").write_text(record, encoding="utf-8")
    df = load_corpus(tmp_path)
    name = b"gbk\xb8\xc9\xb2\xbf".decode("utf-8", "backslashreplace")  # \xc9\xb2 is UTF-8
    assert sorted(df["doc_id"]) == [name, "r1"] and "\\xb8" in name
    assert df.loc[df["doc_id"] == "r1", "title"].item() == "题\ufffd目"
    assert all(p.endswith((".txt", ".jsonl")) for p in df["path"])
    df.to_json(tmp_path / "out.json")  # every string column can be written as UTF-8


def test_csv_with_semicolons_and_a_text_that_is_not_text(tmp_path: Path) -> None:
    text = "市委组织部选派年轻干部赴杭州跟班学习半年。"
    (tmp_path / "a.csv").write_text(
        f'id;text\n1;"{text}\n第二段"\n2;{text}\n', encoding="utf-8-sig"
    )
    df = load_corpus(tmp_path / "a.csv")
    assert df["doc_id"].tolist() == ["1", "2"] and df["text"].iloc[0].endswith("第二段")
    (tmp_path / "b.jsonl").write_text(
        '{"id": "x", "text": 12345}\n{"id": "y", "text": "' + text + '"}\n'
    )
    with pytest.warns(SkippedInputWarning, match=r"b.jsonl, line 1: column 'text' holds a number"):
        df = load_corpus(tmp_path / "b.jsonl")
    assert df["doc_id"].tolist() == ["y"]
