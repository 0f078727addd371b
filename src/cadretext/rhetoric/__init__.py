"""Shared rhetoric: numbered formulas, idioms, quoted slogans, metaphors, places.

Local reports on cadre training repeat formulations (提法) from higher-level discourse: numbered
slogans (三高四新, 两个维护, “1+1+N”), set phrases (如饥似渴, 他山之石), quoted catchwords
(“金钥匙”, “肠梗阻”) and metaphors of refuelling, pilgrimage, ice-breaking or war. This module
extracts them with character offsets, so a notebook can show each one in context, and compares
them across program types.

Every extractor takes one cleaned text, a list of texts, or a corpus DataFrame (``doc_id`` +
``text``) and returns a DataFrame with ``doc_id, item, kind, start, end, sentence`` (plus
extractor-specific columns). ``text[start:end] == item`` always holds, with ``text`` the cleaned
text the extractor was given; text in traditional script is matched in its simplified form (a
conversion that keeps every character in place), so items and sentences are reported in
simplified script and ``start``/``end`` still point at the same characters of the input.

Libraries used, and why:

* **ahocorasick_rs** finds all ~31,000 jionlp idioms, the jieba idiom list, the metaphor lexicon,
  the known-formula list and the place gazetteer in one compiled pass per text; a Python loop
  over windows or a 30,000-branch regex would be 10-100x slower on a 10k-document corpus, and
  pyahocorasick, used before, 19x slower on the idioms (its cost per character grows with the
  number of distinct first characters).
* **jionlp** provides the idiom dictionary (``chinese_idiom_loader``), the administrative
  gazetteer (``china_location_loader``) and sentence splitting (via :mod:`cadretext.clean`).
  jionlp's own ``recognize_location`` is not used: it returns no offsets and took ~28 s on one
  seed report.
* **jieba** (loaded with the cadretext lexicons, as :func:`cadretext.tokenize` is) supplies
  token boundaries, used to reject matches inside longer words, and the ``i``/``l`` tags of its
  dictionary as a second idiom source.

The grammar of numbered formulas and the sending/host place cues are hand-written: no library
knows Chinese political formulations.

Layout: one module per extractor (:mod:`~cadretext.rhetoric.formulas`,
:mod:`~cadretext.rhetoric.idioms`, :mod:`~cadretext.rhetoric.metaphors`,
:mod:`~cadretext.rhetoric.quotes`), one for comparison across groups
(:mod:`~cadretext.rhetoric.compare`), one that scores the extractors against a hand annotation
of your own reports (:mod:`~cadretext.rhetoric.evaluate`: :func:`check_rhetoric`) and the
helpers they share (:mod:`~cadretext.rhetoric.base`). Places and sending/host flows live in
:mod:`cadretext.locations`; ``places`` and ``place_flow`` stay importable from here.
"""

from __future__ import annotations

from .base import KINDS
from .compare import (
    cooccurrence_graph,
    describe_overlap,
    describe_shared,
    extract_all,
    rhetoric_overlap,
    shared_rhetoric,
)
from .evaluate import check_rhetoric, read_rhetoric_annotations
from .formulas import numbered_formulas
from .idioms import idioms
from .metaphors import metaphors
from .quotes import quoted_phrases

__all__ = [
    "KINDS",
    "check_rhetoric",
    "cooccurrence_graph",
    "describe_overlap",
    "describe_shared",
    "extract_all",
    "idioms",
    "metaphors",
    "numbered_formulas",
    "place_flow",
    "places",
    "quoted_phrases",
    "read_rhetoric_annotations",
    "rhetoric_overlap",
    "shared_rhetoric",
]


def __getattr__(name: str):
    # places and place_flow moved to cadretext.locations, which imports this package's
    # helpers; importing them lazily keeps ``from cadretext.rhetoric import places`` working
    # without a circular import
    if name in ("places", "place_flow"):
        from .. import locations

        return getattr(locations, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
