"""What a loaded corpus holds: its hash, what cleaning removed, where its cadres went."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._io import sha256_of
from ..errors import (
    ParameterError,
)


def corpus_hash(corpus: pd.DataFrame) -> str:
    """A short hash of a corpus' ids and texts, to stamp reports and key caches."""
    return sha256_of(
        part for row in corpus[["doc_id", "text"]].itertuples(index=False) for part in row
    )[:16]


def _require_audit(corpus: pd.DataFrame, name: str) -> None:
    missing = [c for c in ("raw_text", "removed") if c not in corpus.columns]
    if missing or corpus["removed"].isna().any():
        raise ParameterError(
            f"{name} needs the cleaning audit (columns raw_text and removed), which this corpus "
            "does not have: load it with load_corpus(..., audit=True), the default"
        )


def removal_summary(corpus: pd.DataFrame) -> pd.DataFrame:
    """Per document: characters before and after cleaning and the number of removals by kind.

    Needs the ``raw_text``, ``text`` and ``removed`` columns :func:`load_corpus` produces.
    """
    _require_audit(corpus, "removal_summary")
    rows = []
    for rec in corpus[["doc_id", "raw_text", "text", "removed"]].to_dict("records"):
        row: dict[str, Any] = {
            "doc_id": rec["doc_id"],
            "raw_chars": len(rec["raw_text"]),
            "clean_chars": len(rec["text"]),
        }
        for item in rec["removed"]:
            if item["kind"] != "t2s_converted":
                row[item["kind"]] = row.get(item["kind"], 0) + 1
        converted = [i for i in rec["removed"] if i["kind"] == "t2s_converted"]
        row["t2s_converted"] = int(converted[0]["text"].split()[0]) if converted else 0
        rows.append(row)
    table = pd.DataFrame(rows).fillna(0)
    counts = [c for c in table.columns if c not in ("doc_id", "raw_chars", "clean_chars")]
    return table.astype({c: int for c in counts})


def removal_examples(corpus: pd.DataFrame, *, per_kind: int = 3, width: int = 60) -> pd.DataFrame:
    """Examples of what cleaning removed: up to ``per_kind`` per kind of removal, truncated.

    The examples of a kind are distinct texts, from as many different reports as there are
    (a glossed report removes the same "(qū)" a hundred times; three copies of it show nothing).
    Returns doc_id, kind, line and text (shortened to ``width`` characters with an ellipsis).
    """
    _require_audit(corpus, "removal_examples")
    rows = []
    for doc_id, removed in zip(corpus["doc_id"], corpus["removed"], strict=True):
        for item in removed:
            if item["kind"] == "t2s_converted":
                continue
            text = item["text"]
            rows.append(
                {
                    "doc_id": doc_id,
                    "kind": item["kind"],
                    "line": item["line"],
                    "text": text if len(text) <= width else text[: width - 1] + "…",
                }
            )
    table = pd.DataFrame(rows, columns=["doc_id", "kind", "line", "text"])
    table = table.drop_duplicates(["kind", "text"])
    # each report's first example of a kind before any report's second one (stable order)
    table = table.assign(_nth=table.groupby(["kind", "doc_id"]).cumcount())
    table = table.sort_values(["kind", "_nth"], kind="stable").drop(columns="_nth")
    return table.groupby("kind", sort=True, group_keys=False).head(per_kind).reset_index(drop=True)


def place_flows(
    corpus: pd.DataFrame, *, send: str = "send_place", host: str = "host_place"
) -> pd.DataFrame:
    """Sending -> host pairs recorded in the corpus metadata (manifest columns), one row each.

    Several host places separated by ``;`` give one row per host. Returns columns doc_id,
    program_type, send, host (empty if the corpus has no such columns).
    """
    columns = ["doc_id", "program_type", "send", "host"]
    if send not in corpus.columns or host not in corpus.columns:
        return pd.DataFrame(columns=columns)
    pairs = corpus.assign(send=corpus[send], host=corpus[host].astype("string").str.split(";"))
    pairs = pairs.explode("host").dropna(subset=["send", "host"])
    pairs["host"] = pairs["host"].str.strip()
    program = pairs.get("program_type")
    return pd.DataFrame(
        {
            "doc_id": pairs["doc_id"],
            "program_type": program,
            "send": pairs["send"],
            "host": pairs["host"],
        },
        columns=columns,
    ).reset_index(drop=True)
