"""jieba tokenizers that share one load of jieba's dictionary within a process.

cadretext keeps private jieba tokenizers (each with its own lexicon added): the tokenizer of
:mod:`cadretext.tokenize` and the extractors' tokenizer of :mod:`cadretext.rhetoric`. Each
``jieba.Tokenizer().initialize()`` unpickles the whole dictionary again (about a second), and
each ``jieba.posseg.POSTokenizer`` parses the dictionary file again for its tags (about 0.4 s):
a report's preparation made both twice. Here the dictionary and the tag table are loaded once
per process, and each new tokenizer gets its own copy (15 MB and 8 MB, copied in 10-20 ms), so
that adding a lexicon to one leaves the others as they were.

jieba has no API for this: the helpers set the attributes ``initialize`` itself sets
(``FREQ``, ``total``, ``initialized``) and give the tag parser a table instead of the file.
"""

from __future__ import annotations

import contextlib
import io
import logging
import types
from functools import lru_cache
from typing import Any

__all__ = ["clear", "new_pos_tokenizer", "new_tokenizer"]


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary (word and prefix frequencies, their total), loaded once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    with contextlib.redirect_stderr(io.StringIO()):  # jieba's "Building prefix dict" notes
        tk.initialize()
    return tk.FREQ, tk.total


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    """The part-of-speech tag of every word of jieba's default dictionary, parsed once."""
    import jieba
    from jieba import posseg

    holder = types.SimpleNamespace()
    posseg.POSTokenizer.load_word_tag(holder, jieba.get_dict_file())  # jieba's own parser
    return holder.word_tag_tab


def new_tokenizer() -> Any:
    """A new ``jieba.Tokenizer`` with the default dictionary, initialized, of its own (words
    added to it reach no other tokenizer)."""
    import jieba

    freq, total = _dictionary()
    tk = jieba.Tokenizer()
    tk.FREQ = dict(freq)
    tk.total = total
    tk.initialized = True
    return tk


def new_pos_tokenizer(tokenizer: Any) -> Any:
    """``jieba.posseg.POSTokenizer(tokenizer)``, with the default dictionary's tags copied from
    the process's table instead of parsed from the file again (a tokenizer with another
    dictionary has its file parsed, as jieba does)."""
    return _pos_class()(tokenizer)


@lru_cache(maxsize=1)
def _pos_class() -> type:
    from jieba import posseg

    class SharedTagsPOSTokenizer(posseg.POSTokenizer):  # type: ignore[misc]
        def load_word_tag(self, f: Any) -> None:
            if self.tokenizer.dictionary is not None:  # not jieba's default dictionary
                super().load_word_tag(f)
                return
            f.close()
            self.word_tag_tab = dict(_word_tags())

    return SharedTagsPOSTokenizer


def clear() -> None:
    """Let go of the process's copy of the dictionary and of the tag table (the tokenizers
    made from them keep theirs)."""
    _dictionary.cache_clear()
    _word_tags.cache_clear()
