"""Corpora beyond one machine: cleaning and tokenization on Dask, tokens streamed from Parquet.

:func:`tokenize_to_parquet` spreads files over a Dask cluster (the user's
``dask.distributed.Client``, or a local one): each task loads and cleans a batch of files with
:func:`cadretext.load_corpus` and tokenizes them with :func:`cadretext.tokenize`, and the
results are written as a Parquet dataset (one row per document: metadata + ``tokens``).
:func:`iter_tokens` streams the token lists back in batches, so keyword and topic functions
that accept any iterable (gensim's Dictionary and bag-of-words corpora) never hold the corpus in
memory; :func:`read_tokens` loads it as a DataFrame when it fits.

Results are identical to the in-process path: the same cleaning, lexicon and settings run in
every worker, and documents keep the order of the sorted file list.

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")          # your cluster
    tokenize_to_parquet("reports/", "tokens.parquet", client=client, files_per_task=200)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import NoDocumentsError, ParameterError

__all__ = ["iter_tokens", "list_files", "read_tokens", "tokenize_to_parquet"]

_META_COLUMNS = ["doc_id", "title", "date", "source", "program_type", "path", "n_chars"]


def list_files(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """The readable files under ``paths`` (same rules as :func:`cadretext.load_corpus`), sorted."""
    import warnings

    from .corpus import SUPPORTED, SkippedInputWarning, expand_paths

    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    found, problems = expand_paths([Path(p) for p in paths], set())
    for exc in problems:  # unreadable folders, special files, broken links
        warnings.warn(f"skipped {exc}", SkippedInputWarning, stacklevel=2)
    return [str(f) for f, _ in found if f.suffix.lower() in SUPPORTED]


def _process_batch(files: Sequence[str], options: dict[str, Any]) -> pd.DataFrame:
    """Worker side: load, clean and tokenize one batch of files into a metadata+tokens frame."""
    import warnings

    from .corpus import SkippedInputWarning, load_corpus
    from .tokenize import tokenize

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedInputWarning)  # reported through 'skipped'
        try:
            corpus = load_corpus(
                list(files),
                manifest=options.get("manifest"),
                text_column=options.get("text_column", "text"),
                duplicate_threshold=None,
            )
        except NoDocumentsError:
            return pd.DataFrame(columns=[*_META_COLUMNS, "tokens"])
    tokens = tokenize(corpus["text"], **options.get("tokenize", {}))
    frame = corpus[_META_COLUMNS].copy()
    for col in ("title", "date", "source", "program_type"):
        frame[col] = frame[col].astype("string")
    frame["tokens"] = tokens
    return frame


def tokenize_to_parquet(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    client: Any = None,
    files_per_task: int = 100,
    manifest: str | os.PathLike[str] | None = None,
    text_column: str = "text",
    progress: bool = False,
    **tokenize_kwargs: Any,
) -> Path:
    """Load, clean and tokenize files on Dask and write the tokens as a Parquet dataset.

    Parameters
    ----------
    paths : path or list of paths
        Files and folders, as for :func:`cadretext.load_corpus`.
    out : path
        Parquet dataset folder to write (replaced if it exists).
    client : dask.distributed.Client, optional
        Where to run. ``None`` uses Dask's current default scheduler (threads, or the client
        most recently created in this process).
    files_per_task : int
        Files per Dask task; a few hundred keeps scheduler overhead small.
    manifest, text_column
        Passed to :func:`cadretext.load_corpus` in each task. A folder's ``manifest.csv`` is
        found automatically as in :func:`load_corpus`.
    progress : bool
        Show Dask's progress bar (a local client) while the tasks run.
    **tokenize_kwargs
        Passed to :func:`cadretext.tokenize` (``lexicon``, ``stopwords``, ``backend``...);
        ``n_jobs`` is forced to 1 because Dask provides the parallelism.

    Returns
    -------
    Path
        ``out``.

    Examples
    --------
    >>> from dask.distributed import Client, LocalCluster          # doctest: +SKIP
    >>> with Client(LocalCluster(n_workers=2)) as client:         # doctest: +SKIP
    ...     tokenize_to_parquet("seeds", "tokens.parquet", client=client)
    >>> read_tokens("tokens.parquet")["tokens"].str.len()          # doctest: +SKIP
    """
    import dask

    if files_per_task < 1:
        raise ParameterError("files_per_task must be at least 1")
    files = list_files(paths)
    if not files:
        raise NoDocumentsError(f"no readable files in {paths}")
    tokenize_kwargs.pop("n_jobs", None)
    tokenize_kwargs.pop("progress", None)
    options = {
        "manifest": str(manifest) if manifest else None,
        "text_column": text_column,
        "tokenize": tokenize_kwargs,
    }
    batches = [files[i : i + files_per_task] for i in range(0, len(files), files_per_task)]
    out = Path(out)
    if out.exists():
        shutil.rmtree(out) if out.is_dir() else out.unlink()
    out.mkdir(parents=True)
    # One task per batch writes its own part file with an explicit Arrow schema (tokens as
    # list<string>); zero-padded names keep file order == document order.
    tasks = [
        dask.delayed(_write_batch)(batch, options, str(out / f"part.{i:06d}.parquet"))
        for i, batch in enumerate(batches)
    ]
    if client is not None:
        futures = client.compute(tasks)
        if progress:
            from dask.distributed import progress as show

            show(futures)
        counts = client.gather(futures)
    else:
        counts = dask.compute(*tasks)
    if sum(counts) == 0:
        shutil.rmtree(out)
        raise NoDocumentsError(f"no readable documents in {paths}")
    return out


_SCHEMA_FIELDS = [
    ("doc_id", "string"),
    ("title", "string"),
    ("date", "string"),
    ("source", "string"),
    ("program_type", "string"),
    ("path", "string"),
    ("n_chars", "int64"),
]


def _write_batch(files: Sequence[str], options: dict[str, Any], target: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = _process_batch(files, options)
    schema = pa.schema(
        [
            pa.field(name, pa.string() if kind == "string" else pa.int64())
            for name, kind in _SCHEMA_FIELDS
        ]
        + [pa.field("tokens", pa.list_(pa.string()))]
    )
    columns = {}
    for name, kind in _SCHEMA_FIELDS:
        values = frame[name].tolist()
        if kind == "string":
            values = [None if pd.isna(v) else str(v) for v in values]
        columns[name] = values
    columns["tokens"] = [list(t) for t in frame["tokens"]]
    table = pa.Table.from_pydict(columns, schema=schema)
    tmp = target + ".tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, target)
    return len(frame)


def read_tokens(
    path: str | os.PathLike[str], *, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Load a token Parquet dataset written by :func:`tokenize_to_parquet` as a DataFrame."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(Path(path).glob("*.parquet"))
    if not files:
        raise ParameterError(f"no Parquet files in {path}")
    cols = list(columns) if columns else None
    table = pa.concat_tables(pq.read_table(str(f), columns=cols) for f in files)
    frame = table.to_pandas()
    if "tokens" in frame.columns:
        frame["tokens"] = [list(t) for t in frame["tokens"]]
    return frame


def iter_tokens(path: str | os.PathLike[str], *, batch_size: int = 2048) -> Iterator[list[str]]:
    """Stream the token lists of a Parquet dataset, one document at a time, in file order.

    Memory stays at one batch, so gensim can build a dictionary and a bag-of-words corpus
    from corpora that do not fit in memory.
    """
    import pyarrow.dataset as ds

    files = sorted(str(p) for p in Path(path).glob("*.parquet"))
    dataset = ds.dataset(files, format="parquet")
    for batch in dataset.to_batches(columns=["tokens"], batch_size=batch_size):
        for tokens in batch.column(0).to_pylist():
            yield list(tokens)
