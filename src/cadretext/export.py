"""Export a tokenized corpus for R: quanteda's dfm, stm, or tidy long tables.

Many researchers who study Chinese official discourse model in R (quanteda, stm, tidytext).
:func:`export_corpus` writes what those packages read, with cadretext's cleaning and
segmentation already done, into one folder:

``quanteda`` and ``stm``
    ``dfm.mtx`` (the document-feature matrix in Matrix Market format, documents as rows,
    written by ``scipy.io.mmwrite``), ``features.txt`` (one feature per line, in column order),
    ``docvars.csv`` (one row per document, in row order: ``doc_id``, dates, program type and
    the other metadata), ``tokens.txt`` (one document per line, tokens separated by spaces);
``tidy``
    ``counts.csv`` (``doc_id, feature, count``), ``tokens.csv`` (``doc_id, position, token``)
    and ``docvars.csv``.

A ``README.md`` in the folder shows the R lines that read the files. Every file is written
atomically.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ._io import atomic_write_bytes, atomic_write_text
from .errors import OutputError, ParameterError
from .validation import check_choice, check_token_lists

__all__ = ["EXPORT_TARGETS", "export_corpus"]

EXPORT_TARGETS = ("quanteda", "stm", "tidy")
_NOT_DOCVARS = {"text", "raw_text", "removed"}

_R_SNIPPETS = {
    "quanteda": """```r
library(quanteda); library(Matrix)
dv <- read.csv("docvars.csv", encoding = "UTF-8")
m <- readMM("dfm.mtx"); dimnames(m) <- list(dv$doc_id, readLines("features.txt", encoding = "UTF-8"))
d <- as.dfm(m); docvars(d) <- dv
# or the tokens themselves:
# toks <- tokens(readLines("tokens.txt", encoding = "UTF-8"), what = "fastestword")
```
""",
    "stm": """```r
library(quanteda); library(Matrix); library(stm)
dv <- read.csv("docvars.csv", encoding = "UTF-8")
m <- readMM("dfm.mtx"); dimnames(m) <- list(dv$doc_id, readLines("features.txt", encoding = "UTF-8"))
d <- as.dfm(m); docvars(d) <- dv
s <- convert(d, to = "stm")  # s$documents, s$vocab, s$meta for stm(s$documents, s$vocab, K, data = s$meta)
```
""",
    "tidy": """```r
library(readr); library(dplyr)
counts <- read_csv("counts.csv")            # doc_id, feature, count (tidytext's shape)
docvars <- read_csv("docvars.csv")
counts |> left_join(docvars, by = "doc_id")
```
""",
}


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def export_corpus(
    corpus: pd.DataFrame,
    out_dir: str | Path,
    *,
    to: str = "quanteda",
    tokens: Sequence[Sequence[str]] | None = None,
    lexicon: Any = None,
) -> dict[str, Path]:
    """Write ``corpus`` (one row per document) for R; returns ``{file name: path}``.

    Parameters
    ----------
    corpus : DataFrame
        From :func:`cadretext.load_corpus`: ``doc_id``, ``text`` and metadata.
    out_dir : path
        A folder (created if missing); files of the same names are replaced atomically.
    to : "quanteda", "stm" or "tidy"
    tokens : list of token lists, optional
        One per document; :func:`cadretext.tokenize` of ``corpus["text"]`` (with ``lexicon``)
        when not given.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["干部跟班学习。", "党校培训干部。"]})
    >>> out = export_corpus(corpus, tempfile.mkdtemp(), tokens=[["干部", "跟班学习"], ["党校", "干部"]])
    >>> sorted(out)
    ['README.md', 'dfm.mtx', 'docvars.csv', 'features.txt', 'tokens.txt']
    """
    from scipy import sparse
    from scipy.io import mmwrite

    check_choice("to", to, EXPORT_TARGETS)
    if not isinstance(corpus, pd.DataFrame) or not {"doc_id", "text"} <= set(corpus.columns):
        raise ParameterError("corpus must be a DataFrame with doc_id and text (load_corpus)")
    if tokens is None:
        from .tokenize import tokenize

        tokens = tokenize(corpus["text"].tolist(), lexicon=lexicon)
    tokens = check_token_lists(tokens, "tokens")
    if len(tokens) != len(corpus):
        raise ParameterError(f"tokens has {len(tokens)} lists for {len(corpus)} documents")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(out, "exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    docvars = corpus[[c for c in corpus.columns if c not in _NOT_DOCVARS]].copy()
    docvars = docvars[["doc_id", *[c for c in docvars.columns if c != "doc_id"]]]
    written: dict[str, Path] = {}
    written["docvars.csv"] = atomic_write_bytes(out / "docvars.csv", _csv_bytes(docvars))
    ids = corpus["doc_id"].astype(str).tolist()
    if to == "tidy":
        counts = [
            (doc_id, feature, n)
            for doc_id, toks in zip(ids, tokens, strict=True)
            for feature, n in sorted(Counter(toks).items())
        ]
        written["counts.csv"] = atomic_write_bytes(
            out / "counts.csv",
            _csv_bytes(pd.DataFrame(counts, columns=["doc_id", "feature", "count"])),
        )
        long = [
            (doc_id, i, tok)
            for doc_id, toks in zip(ids, tokens, strict=True)
            for i, tok in enumerate(toks)
        ]
        written["tokens.csv"] = atomic_write_bytes(
            out / "tokens.csv",
            _csv_bytes(pd.DataFrame(long, columns=["doc_id", "position", "token"])),
        )
    else:
        features = sorted({tok for toks in tokens for tok in toks})
        column = {f: j for j, f in enumerate(features)}
        rows, cols, vals = [], [], []
        for i, toks in enumerate(tokens):
            for feature, n in Counter(toks).items():
                rows.append(i)
                cols.append(column[feature])
                vals.append(n)
        matrix = sparse.coo_matrix(
            (vals, (rows, cols)), shape=(len(tokens), len(features)), dtype="int64"
        )
        buf = io.BytesIO()
        mmwrite(buf, matrix, comment="cadretext document-feature matrix: documents as rows")
        written["dfm.mtx"] = atomic_write_bytes(out / "dfm.mtx", buf.getvalue())
        written["features.txt"] = atomic_write_text(
            out / "features.txt", "".join(f + "\n" for f in features)
        )
        written["tokens.txt"] = atomic_write_text(
            out / "tokens.txt", "".join(" ".join(toks) + "\n" for toks in tokens)
        )
    readme = (
        f"# cadretext export for {to}\n\n{len(ids)} documents. Files: "
        + ", ".join(f"`{name}`" for name in sorted(written))
        + ".\n\nIn R, from this folder:\n\n"
        + _R_SNIPPETS[to]
    )
    written["README.md"] = atomic_write_text(out / "README.md", readme)
    return written
