from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cadretext import load_wordlist, split_units, tokenize
from cadretext.errors import ParameterError
from cadretext.tokenize import TokenCache, _Segmenter, default_stopwords

from .conftest import output_of_piped_code

CONTEXTS = ["我们认真开展{}工作。", "据了解，{}是关键。", "会上，市委强调要把{}落到实处"]


def test_lexicon_is_large_versioned_and_simplified() -> None:
    lex = load_wordlist("domain_words")
    assert len(lex) >= 300
    assert lex.version
    for word in [
        "跟班学习",
        "挂职锻炼",
        "中青班",
        "主体班",
        "封闭式培训",
        "半军事化管理",
        "中央党校",
        "红旗渠干部学院",
        "三高四新",
        "六比六拼",
        "十大攻坚战",
        "双招双引",
        "二十大精神",
        "高质量发展",
        "招商引资",
    ]:
        assert word in lex, word


def test_every_lexicon_entry_is_one_token_in_context() -> None:
    words = load_wordlist("domain_words").words
    texts = [ctx.format(w) for w in words for ctx in CONTEXTS]
    tokens = tokenize(texts, stopwords=False)
    failures = [
        (texts[i], toks) for i, toks in enumerate(tokens) if words[i // len(CONTEXTS)] not in toks
    ]
    assert failures == []


def test_default_filtering() -> None:
    (tokens,) = tokenize(["2022年9月19日，商丘市选派10名年轻干部到常州，开展为期6个月的跟班学习！"])
    assert tokens == ["商丘市", "选派", "年轻干部", "常州", "开展", "为期", "跟班学习"]
    for dropped in ["，", "！", "2022", "10", "的", "到", "名"]:
        assert dropped not in tokens


def test_switches_change_the_tokens() -> None:
    text = ["我们选派10名干部到常州跟班学习。"]
    assert "我们" not in tokenize(text)[0]
    assert "我们" in tokenize(text, stopwords=False)[0]
    assert "10" in tokenize(text, keep_numbers=True)[0]
    assert "到" in tokenize(text, min_chars=1, stopwords=False)[0]
    assert tokenize(text, lexicon=False)[0][-2:] == ["跟班", "学习"]
    assert "常州跟班" in tokenize(["到常州跟班学习"], lexicon=["常州跟班"])[0]
    assert "常州" not in tokenize(text, stopwords=["常州"])[0]


def test_pos_filter_keeps_nouns_and_lexicon() -> None:
    text = ["干部们积极参加跟班学习，交流工作经验。"]
    nouns = tokenize(text, pos=["n"])[0]
    assert "经验" in nouns and "干部" in nouns and "跟班学习" in nouns
    assert "积极" not in nouns and "参加" not in nouns
    assert "参加" in tokenize(text)[0]


def test_lexicon_words_are_never_stopwords() -> None:
    assert "三高四新" in tokenize(["实现三高四新"], stopwords=["三高四新", "实现"])[0]
    assert "我们" in default_stopwords() and "记者" in default_stopwords()


def test_accepts_series_and_dataframe(seed_corpus) -> None:
    from_frame = tokenize(seed_corpus)
    assert from_frame == tokenize(seed_corpus["text"]) == tokenize(list(seed_corpus["text"]))
    assert len(from_frame) == 5 and all(len(t) > 300 for t in from_frame)
    assert tokenize([]) == []
    assert tokenize(["", None]) == [[], []]


def test_bad_arguments() -> None:
    with pytest.raises(ParameterError, match="list of texts"):
        tokenize("一篇报道")
    with pytest.raises(ParameterError, match=r"texts\[1\] is an int, not a text string"):
        tokenize(["好", 3])
    with pytest.raises(ParameterError, match="n_jobs"):
        tokenize(["好"], n_jobs=0)
    with pytest.raises(ParameterError, match="word list"):
        tokenize(["好"], lexicon="/no/such/list.txt")


def test_parallel_equals_serial(seed_corpus) -> None:
    units = split_units(seed_corpus, "paragraph")["text"].tolist()
    assert len(units) > 50
    assert tokenize(units, n_jobs=2) == tokenize(units, n_jobs=1)


def test_parallel_run_shares_the_work_with_the_calling_process(seed_corpus) -> None:
    from cadretext.tokenize import _SEGMENTERS, make_config

    units = split_units(seed_corpus, "sentence")["text"].tolist()
    texts = [*units, "", units[0], "  ", *units[:40]]  # empty and repeated texts too
    stop = ["本测试专用停用词"]  # a configuration no other test has built in this process
    key = make_config(stopwords=stop).key
    _SEGMENTERS.pop(key, None)
    parallel = tokenize(texts, stopwords=stop, n_jobs=3)
    # the calling process segmented part of the texts itself while the two workers started
    assert key in _SEGMENTERS and _SEGMENTERS[key]._decisions
    assert parallel == tokenize(texts, stopwords=stop, n_jobs=1)


# --------------------------------------------------------------------------- cache
def test_cache_hit_does_not_resegment(tmp_path: Path, seed_corpus, monkeypatch) -> None:
    texts = seed_corpus["text"].tolist()
    cold = TokenCache(tmp_path)
    first = tokenize(texts, cache=cold)
    assert (cold.hits, cold.misses) == (0, 5)

    def boom(self, text):
        raise AssertionError("segmented although cached")

    monkeypatch.setattr(_Segmenter, "_segment", boom)
    warm = TokenCache(tmp_path)
    assert tokenize(texts, cache=warm) == first
    assert (warm.hits, warm.misses) == (5, 0)
    with pytest.raises(AssertionError, match="segmented"):
        tokenize(texts, cache=tmp_path, stopwords=False)  # other settings: other keys


def test_corrupt_cache_entry_is_recomputed(tmp_path: Path) -> None:
    texts = ["商丘市选派年轻干部赴常州跟班学习。", "中央党校专题培训。"]
    expected = tokenize(texts, cache=tmp_path)
    con = sqlite3.connect(tmp_path / "tokens.sqlite")
    with con:
        con.execute("UPDATE tokens SET value = ?", (b"not zlib at all",))
    con.close()
    store = TokenCache(tmp_path)
    assert tokenize(texts, cache=store) == expected
    assert store.corrupt == 2 and store.misses == 2
    assert tokenize(texts, cache=TokenCache(tmp_path)) == expected  # repaired


def test_corrupt_cache_file_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "tokens.sqlite").write_bytes(b"garbage, not a database" * 100)
    with pytest.warns(RuntimeWarning, match="unreadable"):
        assert tokenize(["跟班学习"], cache=tmp_path) == [["跟班学习"]]
    assert list(tmp_path.glob("tokens.sqlite.corrupt-*"))


def test_default_cache_dir_from_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CADRETEXT_CACHE_DIR", str(tmp_path / "c"))
    tokenize(["跟班学习"], cache=True)
    assert (tmp_path / "c" / "tokens.sqlite").is_file()


# --------------------------------------------------------------------------- rjieba backend
def test_rjieba_backend_keeps_lexicon_and_agrees_with_jieba(seed_corpus) -> None:
    words = load_wordlist("domain_words").words
    texts = [CONTEXTS[0].format(w) for w in words]
    fast = tokenize(texts, backend="rjieba", stopwords=False)
    assert [w for w, toks in zip(words, fast, strict=True) if w not in toks] == []
    sentences = split_units(seed_corpus, "sentence")["text"].tolist()
    same = sum(
        a == b
        for a, b in zip(tokenize(sentences), tokenize(sentences, backend="rjieba"), strict=True)
    )
    assert same / len(sentences) >= 0.985


def test_rjieba_pos_filter_and_cache_key(tmp_path: Path) -> None:
    text = ["干部们积极参加跟班学习，交流工作经验。"]
    nouns = tokenize(text, pos=["n"], backend="rjieba")[0]
    assert "经验" in nouns and "跟班学习" in nouns and "参加" not in nouns
    store = TokenCache(tmp_path)
    tokenize(text, cache=store)
    tokenize(text, cache=store, backend="rjieba")
    assert store.misses == 2  # the backend is part of the cache key


def test_unknown_backend() -> None:
    with pytest.raises(ParameterError, match="backend"):
        tokenize(["好"], backend="pkuseg")


def test_clean_inside_tokenize(seed_raw) -> None:
    from cadretext import clean_text

    raw = [seed_raw["003"], seed_raw["002"]]
    assert tokenize(raw, clean=True) == tokenize([clean_text(t) for t in raw])
    assert tokenize(raw, clean=True, n_jobs=2) == tokenize(raw, clean=True)
    assert "红河县" not in tokenize(raw, clean=True)[0]


def test_worker_imports_stay_light() -> None:
    # every spawned tokenizer worker imports cadretext.tokenize; pandas alone took a quarter
    # of a worker's start-up, and the worker never uses it
    import subprocess
    import sys

    code = "import sys, cadretext.tokenize, cadretext.clean; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_repeated_texts_get_their_own_lists(tmp_path) -> None:
    text = "商丘市选派干部赴常州跟班学习。"
    for cache in (None, tmp_path, tmp_path):  # computed, stored, then read from the cache
        first, second, _ = tokenize([text, text, "在党校学习。"], cache=cache)
        assert first == second and first is not second
        first.append("改动")
        assert "改动" not in second


def test_two_workers_in_piped_code(tmp_path) -> None:
    code = (
        "from cadretext import tokenize\n"
        "texts = ['党校学习。' * 20 + str(i) for i in range(200)]\n"
        "print(tokenize(texts, n_jobs=2) == tokenize(texts))\n"
    )
    out = output_of_piped_code(code, tmp_path)
    assert out == "True"


def _damage_pages(path: Path) -> None:
    """Overwrite every page after the first two with junk: the header still says SQLite."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for i in range(2 * page, len(data), 7):
        data[i] = 0xAB
    path.write_bytes(bytes(data))


def test_cache_corrupt_behind_an_intact_header_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    texts = [f"商丘市选派年轻干部赴常州跟班学习第{i}批。" * 20 for i in range(300)]
    expected = tokenize(texts, cache=tmp_path)
    _damage_pages(tmp_path / "tokens.sqlite")
    store = TokenCache(tmp_path)
    with pytest.warns(RuntimeWarning, match="malformed.*started a new one"):
        assert tokenize(texts, cache=store) == expected
    assert store.disabled is None and store.misses == len(texts)
    assert len(list(tmp_path.glob("tokens.sqlite.corrupt-*"))) == 1
    again = TokenCache(tmp_path)  # the rebuilt cache serves the next run
    assert tokenize(texts, cache=again) == expected
    assert again.hits == len(texts)


def test_locked_cache_is_bypassed_never_discarded(tmp_path: Path) -> None:
    texts = ["商丘市选派年轻干部赴常州跟班学习。", "中央党校专题培训。"]
    expected = tokenize(texts, cache=tmp_path)
    before = (tmp_path / "tokens.sqlite").read_bytes()
    holder = sqlite3.connect(tmp_path / "tokens.sqlite")
    holder.execute("BEGIN EXCLUSIVE")  # another process writing for a long time
    try:
        store = TokenCache(tmp_path, timeout=0.2)
        with pytest.warns(RuntimeWarning, match="locked.*without the cache"):
            got = tokenize([*texts, "新的一段文字。"], cache=store)
        assert got == expected + tokenize(["新的一段文字。"])
        assert store.disabled is not None
    finally:
        holder.rollback()
        holder.close()
    assert not list(tmp_path.glob("*.corrupt-*"))
    assert (tmp_path / "tokens.sqlite").read_bytes() == before
    assert tokenize(texts, cache=TokenCache(tmp_path)) == expected


@pytest.mark.parametrize("kind", ["file", "unwritable"])
def test_cache_folder_that_cannot_be_used_means_a_run_without_cache(tmp_path: Path, kind) -> None:
    target = tmp_path / "cache"
    if kind == "file":
        target.write_text("not a folder")
    else:
        target.mkdir()
        (target / "tokens.sqlite").mkdir()  # sqlite cannot open a folder as its file
    store = TokenCache(target)
    with pytest.warns(RuntimeWarning, match="without the cache"):
        assert tokenize(["跟班学习"], cache=store) == [["跟班学习"]]
    assert store.disabled is not None
    if kind == "file":
        assert target.read_text() == "not a folder"


def test_cleaning_runs_a_batch_ahead_of_segmenting(seed_corpus, monkeypatch) -> None:
    """Texts are cleaned a batch at a time before the batch is segmented (alternating the two
    per text cost the rjieba pipeline a fifth of its time), and the tokens are the same as one
    text at a time, across batch boundaries."""
    import importlib

    clean_module = importlib.import_module("cadretext.clean")
    tokenize_module = importlib.import_module("cadretext.tokenize")  # the name is the function's
    seeds = seed_corpus["text"].tolist()
    texts = seeds + [t + "\n再次刊发。" for t in seeds]  # 10 texts: batches of 4, 4 and 2
    one_by_one = [tokenize([t], clean=True)[0] for t in texts]
    events: list[str] = []
    real_clean, real_segment = clean_module.clean_text, _Segmenter._segment

    def clean(text: str, **kwargs) -> str:
        events.append("c")
        return real_clean(text, **kwargs)

    def segment(self, text: str) -> list[str]:
        events.append("s")
        return real_segment(self, text)

    monkeypatch.setattr(tokenize_module, "_CLEAN_BATCH", 4)
    monkeypatch.setattr(clean_module, "clean_text", clean)
    monkeypatch.setattr(_Segmenter, "_segment", segment)
    assert tokenize(texts, clean=True) == one_by_one
    assert "".join(events) == "ccccssss" * 2 + "ccss"
