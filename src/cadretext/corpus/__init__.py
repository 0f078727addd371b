"""Files -> corpus DataFrame: formats, encodings, manifest, header metadata, near-duplicates.

:func:`load_corpus` reads plain text/Markdown, HTML (main text via trafilatura), JSON Lines, JSON
and CSV, detects the encoding of each file (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK,
Big5) with charset-normalizer, cleans the text with :func:`cadretext.clean_text`, joins a
manifest of metadata, fills missing title/date/source from the report's own header and footer
lines, and flags near-duplicates (the same story syndicated on several sites) without dropping
them. Input files are only ever read.

The package's modules, one job each: :mod:`~cadretext.corpus.load` (:func:`load_corpus`, the
manifest), :mod:`~cadretext.corpus.readers` (one reader per format),
:mod:`~cadretext.corpus.decode` (bytes to text), :mod:`~cadretext.corpus.metadata` (header
metadata), :mod:`~cadretext.corpus.duplicates` (near-duplicates),
:mod:`~cadretext.corpus.summary` (what cleaning removed, place flows) and
:mod:`~cadretext.corpus.base` (what they share).
"""

from .base import SkippedInputWarning
from .decode import decode_bytes, read_text_file
from .duplicates import flag_near_duplicates
from .load import (
    CORPUS_COLUMNS,
    CSV_SUFFIXES,
    HTML_SUFFIXES,
    JSON_SUFFIXES,
    JSONL_SUFFIXES,
    MANIFEST_NAME,
    SUPPORTED,
    TEXT_SUFFIXES,
    expand_paths,
    load_corpus,
)
from .metadata import extract_metadata, find_title
from .summary import corpus_hash, place_flows, removal_examples, removal_summary

__all__ = [
    "CORPUS_COLUMNS",
    "CSV_SUFFIXES",
    "HTML_SUFFIXES",
    "JSONL_SUFFIXES",
    "JSON_SUFFIXES",
    "MANIFEST_NAME",
    "SUPPORTED",
    "TEXT_SUFFIXES",
    "SkippedInputWarning",
    "corpus_hash",
    "decode_bytes",
    "expand_paths",
    "extract_metadata",
    "find_title",
    "flag_near_duplicates",
    "load_corpus",
    "place_flows",
    "read_text_file",
    "removal_examples",
    "removal_summary",
]
