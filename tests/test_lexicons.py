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
