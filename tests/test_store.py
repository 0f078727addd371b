"""The artifact store and the Analysis built on it: each step once, corrupt entries recomputed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cadretext import Analysis
from cadretext.analysis import STEPS
from cadretext.store import ArtifactStore, source_fingerprint

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_a_value_is_computed_once_per_key(tmp_path) -> None:
    store = ArtifactStore(tmp_path)
    calls: list[int] = []

    def compute(x: int) -> dict:
        calls.append(x)
        return {"x": x, "frame": pd.DataFrame({"a": [x]})}

    first = store.get("step", [1, "paragraph"], lambda: compute(1))
    again = ArtifactStore(tmp_path).get("step", [1, "paragraph"], lambda: compute(99))
    other = store.get("step", [2, "paragraph"], lambda: compute(2))
    assert calls == [1, 2]
    assert again["x"] == 1 and again["frame"].equals(first["frame"]) and other["x"] == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_corrupt_entry_is_recomputed(tmp_path, damage) -> None:
    store = ArtifactStore(tmp_path)
    store.get("step", ["k"], lambda: list(range(1000)))
    (path,) = tmp_path.glob("step-*.pkl")
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[-10] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(b"not an artifact at all")
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    fresh = ArtifactStore(tmp_path)
    assert fresh.get("step", ["k"], lambda: ["recomputed"]) == ["recomputed"]
    assert fresh.corrupt == 1 and fresh.computed["step"] == 1
    assert ArtifactStore(tmp_path).get("step", ["k"], lambda: ["again"]) == ["recomputed"]


def test_entries_are_streamed_in_the_documented_layout(tmp_path) -> None:
    import hashlib
    import pickle

    from cadretext import store as store_module

    value = {"frame": pd.DataFrame({"a": range(50_000), "b": ["党校"] * 50_000})}
    store = ArtifactStore(tmp_path)
    store.get("step", ["k"], lambda: value)
    (path,) = tmp_path.glob("step-*.pkl")
    data = path.read_bytes()
    head = len(store_module._MAGIC)
    # magic, SHA-256 of the pickle, the pickle: written without holding the pickle in memory
    assert data.startswith(store_module._MAGIC)
    assert data[head : head + 32] == hashlib.sha256(data[head + 32 :]).digest()
    assert pickle.loads(data[head + 32 :])["frame"].equals(value["frame"])
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left
    # an entry laid out by hand (as earlier versions wrote them whole) reads back
    payload = pickle.dumps([1, 2, 3])
    path.write_bytes(store_module._MAGIC + hashlib.sha256(payload).digest() + payload)
    assert ArtifactStore(tmp_path).get("step", ["k"], lambda: None) == [1, 2, 3]


def test_a_value_that_cannot_be_pickled_is_not_stored(tmp_path) -> None:
    store = ArtifactStore(tmp_path)
    with pytest.warns(RuntimeWarning, match="not stored"):
        assert store.get("step", [1], lambda: lambda: 1)() == 1
    assert not list(tmp_path.glob("step-*")) and not list(tmp_path.glob(".*.tmp"))


def test_an_unwritable_folder_means_computing_without_storing(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = ArtifactStore(blocker / "sub")
    with pytest.warns(RuntimeWarning, match="going on without storing"):
        assert store.get("step", [1], lambda: 5) == 5
    assert store.get("step", [1], lambda: 6) == 6  # nothing stored, no second warning
    assert store.disabled


def test_the_source_fingerprint_follows_the_bytes(tmp_path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    base = source_fingerprint(corpus)
    moved = tmp_path / "elsewhere"
    shutil.copytree(corpus, moved)
    assert source_fingerprint(moved) == base
    (corpus / ".hidden").write_text("ignored as load_corpus ignores it")
    assert source_fingerprint(corpus) == base
    first = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[0]
    first.write_text(first.read_text(encoding="utf-8") + "。", encoding="utf-8")
    assert source_fingerprint(corpus) != base


def test_a_second_analysis_computes_nothing(tmp_path) -> None:
    store = tmp_path / "store"
    first = Analysis(SEEDS, store=store, k_max=3).prepare()
    assert set(first.store.computed) >= {"corpus", "typed", "items", "unit_tokens", "sweep", "lda"}
    assert all(n == 1 for n in first.store.computed.values()), first.store.computed
    second = Analysis(SEEDS, store=store, k_max=3).prepare()
    assert sum(second.store.computed.values()) == 0, second.store.computed
    assert sum(second.store.loaded.values()) == len(first.store.computed)
    pd.testing.assert_frame_equal(second.sweep, first.sweep)
    assert second.unit_tokens == first.unit_tokens
    assert second.lda.top_words.equals(first.lda.top_words)
    # a changed setting recomputes only what depends on it
    third = Analysis(SEEDS, store=store, k_max=4).prepare()
    assert set(third.store.computed) == {"sweep", "lda"}


def test_a_serial_preparation_follows_the_order_given(tmp_path) -> None:
    # the order cadretext report uses on small corpora: what the first pages read comes first
    order = ["corpus", "units", "unit_tokens", "sweep", "items", "classification", "typed"]
    a = Analysis(SEEDS, store=tmp_path, k_max=3, backend="jieba", n_jobs=1)
    a.prepare(order, keep=False)
    # in STEPS' order the text steps would come first; the classifier stores its matches too
    assert list(a.store.computed) == [*order[:-2], "matches", "classification", "typed"]
    assert not set(a.__dict__) & set(STEPS), "results held in memory"


def test_a_serial_preparation_loads_jieba_once(tmp_path, monkeypatch) -> None:
    # the tokens and then the rhetoric segment with one load of jieba's dictionary, which goes
    # once the last of them is done (it went after the tokens and was loaded again)
    import jieba

    from cadretext import _jieba
    from cadretext.report import _PREPARE_ORDER
    from cadretext.rhetoric.base import clear_caches
    from cadretext.tokenize import clear_segmenters

    clear_segmenters()
    clear_caches()
    loads = []
    initialize = jieba.Tokenizer.initialize

    def counting(self, *args, **kwargs):
        loads.append(self)
        return initialize(self, *args, **kwargs)

    monkeypatch.setattr(jieba.Tokenizer, "initialize", counting)
    a = Analysis(SEEDS, store=tmp_path, k_max=3, backend="jieba", n_jobs=1)
    a.prepare(_PREPARE_ORDER, keep=False)
    assert len(loads) == 1
    assert "items" in a.store.computed and _jieba._dictionary.cache_info().currsize == 0


def test_prepare_can_store_without_holding(tmp_path) -> None:
    import sys

    first = Analysis(SEEDS, store=tmp_path, k_max=3).prepare(keep=False)
    assert not set(first.__dict__) & set(STEPS), "results held in memory"
    assert not sys.modules[
        "cadretext.tokenize"
    ]._SEGMENTERS  # nor jieba's dictionaries, once tokens are made
    assert set(first.store.computed) == set(STEPS) - {"backend"}  # jieba: nothing to choose
    again = Analysis(SEEDS, store=tmp_path, k_max=3).prepare(keep=["corpus"])
    assert sum(again.store.computed.values()) == 0
    assert dict(again.store.loaded) == {"corpus": 1}  # a stored step is not even read
    assert set(again.__dict__) & set(STEPS) == {"corpus"}
    again.forget()
    assert not set(again.__dict__) & set(STEPS)
    assert again.lda.top_words.equals(Analysis(SEEDS, store=False, k_max=3).lda.top_words)


def test_the_worker_side_steps_equal_the_in_process_ones(tmp_path, monkeypatch) -> None:
    import threading

    from cadretext import _parallel

    callers = set()
    pool = _parallel.executor

    def recording(n: int):
        callers.add(threading.get_ident())
        return pool(n)

    monkeypatch.setattr(_parallel, "executor", recording)
    from cadretext import analysis

    monkeypatch.setattr(analysis, "BESIDE_SWEEP_REPORTS", 1)  # the seeds count as large
    sent = []
    in_worker = Analysis._in_worker

    def recording_worker(self, names, after=()):
        sent.append((names, list(after)))
        return in_worker(self, names, after)

    monkeypatch.setattr(Analysis, "_in_worker", recording_worker)
    two = Analysis(SEEDS, store=tmp_path / "a", n_jobs=2, k_max=3).prepare()
    # a large corpus: the seeded model follows the text steps in their worker, once this
    # process has stored the tokens it reads
    assert sent == [
        (
            ["items", "flows", "places", "classification", "matches", "typed", "seeded"],
            ["backend", "unit_tokens"],
        )
    ]
    # the pool is asked for from this thread only (loky keeps one pool per thread)
    assert callers == {threading.get_ident()}
    one = Analysis(SEEDS, store=False, k_max=3)
    pd.testing.assert_frame_equal(two.typed, one.typed)
    pd.testing.assert_frame_equal(two.items, one.items)
    pd.testing.assert_frame_equal(two.sweep, one.sweep)
    assert two.seeded.top_words.equals(one.seeded.top_words)
    assert "seeded" in two.store.loaded or "seeded" in two.store.computed
    pd.testing.assert_frame_equal(two.paragraph_labels, one.paragraph_labels)
    # what the worker computed is counted by the analysis that sent it
    assert {"classification", "matches", "items", "places"} <= set(two.store.computed)
    # the paragraph labels were computed here, beside the sweep (a corpus counted as large)
    assert "paragraph_labels (beside the sweep)" in two.timings
    small = Analysis(SEEDS, store=tmp_path / "b", n_jobs=2, k_max=3)
    monkeypatch.undo()
    monkeypatch.setattr(Analysis, "_in_worker", recording_worker)
    sent.clear()
    small.prepare()
    assert "paragraph_labels (beside the sweep)" not in small.timings  # in the worker
    assert [names for names, _ in sent][-1] == ["seeded"]  # beside the chosen model
    pd.testing.assert_frame_equal(small.paragraph_labels, one.paragraph_labels)
    assert all(n == 1 for n in two.store.computed.values())  # each step once


def test_the_matches_are_found_with_the_labels(tmp_path) -> None:
    from cadretext import load_default_classifier

    a = Analysis(SEEDS, store=tmp_path)
    matches = a.matches
    assert a.store.computed["classification"] == 1 and a.store.computed["matches"] == 1
    clf = load_default_classifier()
    for doc_id, text in zip(a.corpus["doc_id"], a.corpus["text"], strict=True):
        explained = [
            {k: v for k, v in m.items() if k != "sentence"} for m in clf.explain(text)["matches"]
        ]
        mine = matches[matches["doc_id"] == doc_id].drop(columns="doc_id")
        assert mine.to_dict("records") == explained
    again = Analysis(SEEDS, store=tmp_path)
    pd.testing.assert_frame_equal(again.matches, matches)
    assert sum(again.store.computed.values()) == 0 and again.store.loaded["matches"] == 1
    assert "classification" not in again.store.loaded  # the stored matches are read directly


def test_reading_stored_steps_imports_no_scikit_learn(tmp_path) -> None:
    import subprocess
    import sys

    Analysis(SEEDS, store=tmp_path, k_max=3).prepare()
    code = (
        "import sys\n"
        "from cadretext import Analysis\n"
        f"a = Analysis({str(SEEDS)!r}, store={str(tmp_path)!r}, k_max=3)\n"
        "a.typed, a.items, a.places, a.flows, a.matches, a.doc_tokens\n"
        "assert sum(a.store.computed.values()) == 0, a.store.computed\n"
        "print(sorted(m for m in ('sklearn', 'scipy.stats') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_analysis_checks_its_settings(tmp_path) -> None:
    from cadretext.errors import ParameterError

    with pytest.raises(ParameterError, match="corpus not found"):
        Analysis(tmp_path / "missing")
    with pytest.raises(ParameterError):
        Analysis(SEEDS, unit="chapter")
    with pytest.raises(ParameterError, match="unknown step"):
        Analysis(SEEDS, store=False).prepare(["tokens"])
    assert STEPS[0] == "corpus"


# ------------------------------------------------------------------ a producer and its readers
@pytest.fixture
def other_process():
    """A living process that is not this one (it stands for cadretext report's process)."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _marker(tmp_path: Path, pid: int) -> Path:
    marker = tmp_path / "producer.pid"
    marker.write_text(str(pid), encoding="ascii")
    return marker


def test_a_reader_waits_for_an_entry_the_producer_is_preparing(tmp_path, other_process) -> None:
    import threading

    from cadretext import store as store_module

    marker = _marker(tmp_path, other_process.pid)
    store_module.wait_for_producer(marker)
    try:
        producer = ArtifactStore(tmp_path / "store")
        # the producer stores the entry a little later, while the reader already asks for it
        timer = threading.Timer(0.4, lambda: producer.put("step", ["k"], "prepared"))
        timer.start()
        reader = ArtifactStore(tmp_path / "store")
        assert reader.get("step", ["k"], lambda: "computed by the reader") == "prepared"
        assert reader.waited["step"] == 1 and reader.computed["step"] == 0
        timer.join()
        # an entry that is there but does not read is recomputed at once, read and counted once
        path = reader.path("step", reader.key("step", ["k"]))
        path.write_bytes(b"not an artifact")
        again = ArtifactStore(tmp_path / "store")
        assert again.get("step", ["k"], lambda: "recomputed") == "recomputed"
        assert again.corrupt == 1 and again.waited["step"] == 0 and again.computed["step"] == 1
    finally:
        store_module.wait_for_producer(None)


def test_a_reader_computes_once_the_producer_is_gone(tmp_path, other_process) -> None:
    import threading

    from cadretext import store as store_module

    marker = _marker(tmp_path, other_process.pid)
    store_module.wait_for_producer(marker)
    try:
        # the producer finishes (its marker goes) without storing this entry
        timer = threading.Timer(0.3, marker.unlink)
        timer.start()
        reader = ArtifactStore(tmp_path / "store")
        assert reader.get("step", ["k"], lambda: "computed") == "computed"
        assert reader.computed["step"] == 1 and reader.waited["step"] == 0
        timer.join()
        # a marker that names a dead process is not waited for
        other_process.kill()
        other_process.wait()
        store_module.wait_for_producer(_marker(tmp_path, other_process.pid))
        assert reader.get("other", ["k"], lambda: "at once") == "at once"
    finally:
        store_module.wait_for_producer(None)


def test_the_producer_itself_and_unconfigured_readers_never_wait(tmp_path) -> None:
    from cadretext import store as store_module

    with store_module.producing() as marker:
        assert Path(marker).read_text(encoding="ascii") == str(__import__("os").getpid())
        store = ArtifactStore(tmp_path)
        assert store.get("a", [1], lambda: 1) == 1  # no producer configured: computes
        store_module.wait_for_producer(marker)
        try:
            assert store.get("b", [1], lambda: 2) == 2  # this process is the producer
        finally:
            store_module.wait_for_producer(None)
    assert not Path(marker).exists()


def test_one_report_gets_topics_of_its_paragraphs_or_a_clear_error(tmp_path) -> None:
    """One report of three paragraphs: with fewer than FEW_UNITS units the bag of words keeps
    words of one unit only, and K goes no higher than the units (2..3). Three identical
    paragraphs leave no word at all: the error names the corpus (the report's user cannot pass
    no_below), not the bag-of-words filter's parameters."""
    from cadretext.errors import NoTopicModelError, ParameterError

    folder = tmp_path / "one"
    folder.mkdir()
    paragraphs = [
        "市委党校举办中青年干部培训班。",
        "学员赴浙江跟班学习三个月。",
        "封闭式军事化训练锤炼作风。",
    ]
    (folder / "a.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    a = Analysis(folder, store=False, k_max=6, backend="jieba", n_jobs=1)
    assert a.plan["no_below"] == 1 and "fewer than 30" in a.plan["rule"]
    assert a.sweep["k"].tolist() == [2, 3]
    assert a.lda.params["no_below"] == 1 and a.seeded.params["no_below"] == 1

    same = tmp_path / "same"
    same.mkdir()
    (same / "a.txt").write_text("\n\n".join([paragraphs[0]] * 3) + "\n", encoding="utf-8")
    b = Analysis(same, store=False, k_max=3, backend="jieba", n_jobs=1)
    with pytest.raises(
        NoTopicModelError,
        match=r"no topic model can be fitted on this corpus: every word occurs in more than "
        r"half of the 3 paragraphs of the 1 report ",
    ):
        _ = b.sweep
    assert issubclass(NoTopicModelError, ParameterError)
    # prepare() goes on without the topic models and says why (the report's other pages)
    b.prepare(progress=False)
    assert sorted(b.unavailable) == ["lda", "seeded", "sweep"]
    assert all(why.startswith("no topic model can be fitted") for why in b.unavailable.values())
    assert len(b.paragraph_labels) and len(b.items.columns)
    # ... also with a store and a worker (the path cadretext report takes on larger corpora)
    stored = Analysis(same, store=tmp_path / "store", k_max=3, backend="jieba", n_jobs=2)
    stored.prepare(progress=False)
    assert sorted(stored.unavailable) == ["lda", "seeded", "sweep"]
    # stopwords and numbers only: nothing is left of the text, and the message says so
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.txt").write_text("我们的，123。\n\n他们的了，456。\n", encoding="utf-8")
    c = Analysis(empty, store=False, k_max=3, backend="jieba", n_jobs=1)
    with pytest.raises(NoTopicModelError, match="no word is left in the 2 paragraphs"):
        _ = c.sweep
