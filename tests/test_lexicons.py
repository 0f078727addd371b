from __future__ import annotations

from pathlib import Path

import pytest

from cadretext.errors import ParameterError
from cadretext.lexicons import as_wordlist, available, load_wordlist


def test_packaged_lists_are_versioned() -> None:
    assert {"domain_words", "stopwords_domain"} <= set(available())
    for name in available():
        assert load_wordlist(name).version, name


def test_user_list_replaces_packaged_one(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("# version: 7\n## section\n跟班学习 nz\n新词\n新词\n\n", encoding="utf-8")
    wl = load_wordlist(path)
    assert wl.words == ("跟班学习", "新词") and wl.tags == {"跟班学习": "nz"} and wl.version == "7"
    assert as_wordlist(str(path), "domain_words").words == wl.words
    assert as_wordlist(["甲", "乙"], "domain_words").words == ("甲", "乙")
    assert as_wordlist(False, "domain_words") is None
    assert as_wordlist(["甲"], "x").sha256 != as_wordlist(["乙"], "x").sha256


def test_unknown_list() -> None:
    with pytest.raises(ParameterError, match="no packaged word list"):
        load_wordlist("nope")


def test_merge_wordlists_keeps_order_first_tag_and_names_versions():
    from cadretext.lexicons import WordList, merge_wordlists

    a = WordList(name="a", words=("甲", "乙"), tags={"乙": "n"}, version="1", sha256="x")
    b = WordList(name="b", words=("乙", "丙"), tags={"乙": "v", "丙": "v"}, version="3", sha256="y")
    merged = merge_wordlists([a, b])
    assert merged.words == ("甲", "乙", "丙")
    assert merged.tags == {"乙": "n", "丙": "v"}
    assert merged.version == "a:1+b:3"
    assert merged.sha256 != merge_wordlists([b, a]).sha256


def test_default_tokenizer_lexicon_is_domain_words_plus_metaphors():
    from cadretext.tokenize import make_config

    config = make_config()
    words = {w for w, _ in config.lexicon}
    assert set(load_wordlist("domain_words").words) <= words
    assert set(load_wordlist("metaphors").words) <= words
    assert "metaphors" in config.lexicon_version


def test_lists_and_default_configs_are_resolved_once_per_process(tmp_path: Path) -> None:
    """tokenize() resolves its lists on every call: packaged lists are parsed once, the same
    settings give the same config (its lexicon hash computed once), and a user's list file is
    read again when it changes."""
    import os

    from cadretext.tokenize import make_config

    assert load_wordlist("metaphors") is load_wordlist("metaphors")
    assert as_wordlist(None, ("domain_words", "metaphors")) is as_wordlist(
        None, ("domain_words", "metaphors")
    )
    config = make_config(backend="jieba", pos="n")
    assert make_config(backend="jieba", pos=("n",)) is config
    assert make_config(backend="jieba", pos="n", min_chars=1) is not config
    path = tmp_path / "mine.txt"
    path.write_text("新词\n", encoding="utf-8")
    first = make_config(lexicon=str(path))
    assert {w for w, _ in first.lexicon} == {"新词"}
    assert load_wordlist(path) is load_wordlist(path)
    path.write_text("新词\n另一个新词\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time even on a coarse clock
    assert {w for w, _ in make_config(lexicon=str(path)).lexicon} == {"新词", "另一个新词"}
    with pytest.raises(ParameterError, match="min_chars"):
        make_config(min_chars=[2])
