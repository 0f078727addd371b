"""cadretext._jieba: tokenizers that share one load of jieba's dictionary and tag table."""

from __future__ import annotations

import jieba
import jieba.posseg

from cadretext import _jieba

TEXT = "干部赴常州跟班学习，参加党校主体班次，接受半军事化封闭式培训。"


def test_a_new_tokenizer_segments_as_a_freshly_loaded_jieba() -> None:
    reference = jieba.Tokenizer()
    reference.initialize()
    tk = _jieba.new_tokenizer()
    assert tk.lcut(TEXT) == reference.lcut(TEXT)
    assert tk.total == reference.total and tk.FREQ == reference.FREQ


def test_words_added_to_one_tokenizer_reach_no_other() -> None:
    a = _jieba.new_tokenizer()
    a.add_word("赴常州跟班", freq=10**6)
    b = _jieba.new_tokenizer()
    assert "赴常州跟班" in a.lcut(TEXT)
    assert "赴常州跟班" not in b.lcut(TEXT)
    assert "赴常州跟班" not in b.FREQ and b.total != a.total


def test_the_dictionary_and_tags_are_loaded_once_per_process() -> None:
    _jieba.clear()
    first = _jieba.new_tokenizer()
    _jieba.new_pos_tokenizer(first)
    second = _jieba.new_tokenizer()
    _jieba.new_pos_tokenizer(second)
    assert _jieba._dictionary.cache_info().misses == 1
    assert _jieba._word_tags.cache_info().misses == 1
    _jieba.clear()
    assert _jieba._dictionary.cache_info().currsize == 0


def test_a_pos_tokenizer_tags_as_jiebas_own() -> None:
    tk = _jieba.new_tokenizer()
    tk.add_word("跟班学习", freq=10**6, tag="nz")  # a user tag reaches the table, as in jieba
    reference_tk = jieba.Tokenizer()
    reference_tk.initialize()
    reference_tk.add_word("跟班学习", freq=10**6, tag="nz")
    ours = [(p.word, p.flag) for p in _jieba.new_pos_tokenizer(tk).cut(TEXT)]
    theirs = [(p.word, p.flag) for p in jieba.posseg.POSTokenizer(reference_tk).cut(TEXT)]
    assert ours == theirs and ("跟班学习", "nz") in ours
    # each POS tokenizer has a table of its own: the user tag did not reach the shared one
    assert _jieba._word_tags().get("跟班学习") != "nz"
