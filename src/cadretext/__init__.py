"""cadretext: computational analysis of Chinese news reports about cadre training programs.

The public API, re-exported from the pipeline modules::

    from cadretext import load_corpus, clean_text, split_units, tokenize

    corpus = load_corpus("seeds/")               # one row per report, cleaned, with metadata
    units = split_units(corpus, "paragraph")     # paragraphs keep their document's metadata
    tokens = tokenize(units["text"], cache=True)  # list[list[str]], aligned with units
"""

from importlib.metadata import PackageNotFoundError, version

from .clean import (
    clean_text,
    normalize_whitespace,
    remove_pinyin_glosses,
    split_sentences,
    split_units,
    to_simplified,
)
from .errors import CadretextError
from .lexicons import load_wordlist
from .tokenize import TokenCache, default_cache_dir, tokenize

# The corpus reader imports pandas, the analysis stages scikit-learn / gensim / networkx: they
# are loaded on first use, so that `import cadretext` (and every tokenizer worker process,
# which needs only clean and tokenize) stays fast.
_LAZY = {
    "SkippedInputWarning": "corpus",
    "corpus_hash": "corpus",
    "extract_metadata": "corpus",
    "load_corpus": "corpus",
    "ProgramTypeClassifier": "classify",
    "classify_corpus": "classify",
    "fill_program_types": "classify",
    "load_default_classifier": "classify",
    "keyness": "keywords",
    "keyness_by_group": "keywords",
    "kwic": "keywords",
    "tfidf": "keywords",
    "top_terms": "keywords",
    "numbered_formulas": "rhetoric",
    "idioms": "rhetoric",
    "quoted_phrases": "rhetoric",
    "metaphors": "rhetoric",
    "extract_all": "rhetoric",
    "shared_rhetoric": "rhetoric",
    "rhetoric_overlap": "rhetoric",
    "cooccurrence_graph": "rhetoric",
    "places": "locations",
    "place_flow": "locations",
    "build_bow": "topics",
    "fit_lda": "topics",
    "fit_seeded_lda": "topics",
    "sweep_k": "topics",
    "suggest_k": "topics",
    "topic_prevalence": "topics",
    "to_pyldavis_html": "topics",
    "save_topic_outputs": "topics",
    "LdaResult": "topics",
    "Analysis": "analysis",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cadretext' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


try:
    __version__ = version("cadretext")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "Analysis",
    "CadretextError",
    "TokenCache",
    "__version__",
    "clean_text",
    "default_cache_dir",
    "load_wordlist",
    "normalize_whitespace",
    "remove_pinyin_glosses",
    "split_sentences",
    "split_units",
    "to_simplified",
    "tokenize",
    *_LAZY,
]
