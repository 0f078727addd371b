"""Outputs: an offline pyLDAvis page and the saved tables of a fitted model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._io import atomic_write_text
from ..errors import CadretextError, ParameterError
from ..webfont import FONT_FACE_CSS, FONT_STACK
from .fit import LdaResult


def _pyldavis() -> Any:
    try:
        import pyLDAvis
        import pyLDAvis.urls
    except ImportError as exc:  # optional dependency
        raise CadretextError(
            "to_pyldavis_html needs pyLDAvis, which is not installed: pip install 'pyLDAvis>=3.4.1'"
        ) from exc
    return pyLDAvis


def _inline(code: str) -> str:
    # a literal "</" would end the inlined <script>/<style> element early
    return code.replace("</", "<\\/")


def _js_pcoa(distributions: np.ndarray) -> np.ndarray:
    """2-D principal coordinates of the topics under the Jensen-Shannon distance.

    pyLDAvis' own PCoA takes ``numpy.linalg.eig`` of the (symmetric) centred distance matrix,
    which returns complex values from rounding once there are about ten topics, and its JSON
    export then fails; the symmetric solver ``eigh`` gives the same coordinates, always real.
    """
    from scipy.spatial.distance import pdist, squareform

    d = squareform(pdist(np.asarray(distributions, dtype=np.float64), "jensenshannon")) ** 2
    n = d.shape[0]
    centre = np.eye(n) - np.full((n, n), 1.0 / n)
    b = -0.5 * centre @ d @ centre
    values, vectors = np.linalg.eigh(b)
    order = np.argsort(values)[::-1][:2]
    coords = vectors[:, order] * np.sqrt(np.clip(values[order], 0.0, None))
    if coords.shape[1] < 2:  # two topics: one axis
        coords = np.hstack([coords, np.zeros((n, 2 - coords.shape[1]))])
    return coords


def to_pyldavis_html(
    result: LdaResult,
    path: str | os.PathLike[str] | None = None,
    *,
    R: int = 30,
    lambda_step: float = 0.01,
    title: str | None = None,
) -> Path | str:
    """Interactive pyLDAvis page that opens offline: d3, LDAvis JS and CSS are inlined.

    pyLDAvis' own HTML loads d3 and LDAvis from CDNs; here the data are prepared with
    ``pyLDAvis.prepare`` (topic order kept, topics numbered from 0 as in ``doc_topics``), and the
    page inlines the d3 and LDAvis files shipped inside the installed pyLDAvis package. Above the
    chart, a list maps topic numbers to their top five words (and seeded names). Its labels use
    the reader's Chinese fonts, or the font ``cadretext report`` writes beside it
    (:mod:`cadretext.webfont`).

    Parameters
    ----------
    result : LdaResult
    path : path, optional
        Write the page here (atomically).
    R : int, default 30
        Terms shown per topic.
    lambda_step : float, default 0.01
    title : str, optional

    Returns
    -------
    Path or str
        The path written, when ``path`` is given; otherwise the HTML page itself.

    Examples
    --------
    >>> from cadretext.topics import fit_lda
    >>> docs = [["党校", "授课", "研讨"], ["跟班学习", "挂职", "企业"]] * 8
    >>> page = to_pyldavis_html(fit_lda(docs, 2, passes=2, no_above=1.0))
    >>> "<script src=" in page, "new LDAvis(" in page
    (False, True)
    """
    if not isinstance(result, LdaResult):
        raise ParameterError("result must be an LdaResult from fit_lda or fit_seeded_lda")
    pyLDAvis = _pyldavis()
    model, dictionary = result.model, result.dictionary
    n_terms = len(dictionary)
    term_frequency = np.zeros(n_terms)
    doc_lengths = []
    for doc in result.corpus:
        doc_lengths.append(sum(c for _, c in doc))
        for wid, count in doc:
            term_frequency[wid] += count
    topic_term = model.get_topics().astype(np.float64)
    topic_term /= topic_term.sum(axis=1, keepdims=True)
    prepared = pyLDAvis.prepare(
        topic_term_dists=topic_term,
        doc_topic_dists=result.doc_topics.to_numpy(dtype=np.float64),
        doc_lengths=np.asarray(doc_lengths),
        vocab=[dictionary[i] for i in range(n_terms)],
        term_frequency=term_frequency,
        R=max(1, min(int(R), n_terms)),
        lambda_step=lambda_step,
        sort_topics=False,
        start_index=0,
        n_jobs=1,
        mds=_js_pcoa,
    )
    files = pyLDAvis.urls

    def read(p: str) -> str:
        return Path(p).read_text(encoding="utf-8")

    import html as html_lib

    title = title or f"LDA topics (K={result.params['k']}, seed={result.params['seed']})"
    labels = "\n".join(
        f"<li>{html_lib.escape(lab)}</li>" for lab in result.topic_labels(5).values()
    )
    page = f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>{html_lib.escape(title)}</title>
<style>
{_inline(read(files.LDAVIS_CSS_LOCAL))}
{FONT_FACE_CSS}
body, text {{ font-family: {FONT_STACK}; }}
body {{ background: white; }}
</style>
<script>
{_inline(read(files.D3_LOCAL))}
</script>
<script>
{_inline(read(files.LDAVIS_LOCAL))}
</script>
</head>
<body>
<h1>{html_lib.escape(title)}</h1>
<ul style="list-style: none; padding-left: 0;">
{labels}
</ul>
<div id="ldavis_cadretext"></div>
<script>
var ldavis_cadretext_data = {_inline(prepared.to_json())};
new LDAvis("#ldavis_cadretext", ldavis_cadretext_data);
</script>
</body>
</html>
"""
    if path is not None:
        return atomic_write_text(path, page)
    return page


# --------------------------------------------------------------------------- outputs
def save_topic_outputs(
    result: LdaResult,
    out_dir: str | os.PathLike[str],
    *,
    meta: pd.DataFrame | None = None,
    html: bool = True,
) -> dict[str, Path]:
    """Write ``top_words.csv``, ``doc_topics.csv`` and ``ldavis.html`` into ``out_dir``, atomically.

    Parameters
    ----------
    result : LdaResult
    out_dir : path
        Created if needed.
    meta : DataFrame, optional
        Columns to put before the topic shares in ``doc_topics.csv`` (e.g. doc_id,
        program_type), indexed like ``result.doc_topics``.
    html : bool, default True
        Also write the offline pyLDAvis page.

    Returns
    -------
    dict
        File kind -> path written.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out / out_dir must be a folder: {out} is a file")
    table = result.doc_topics
    if meta is not None:
        table = meta.reindex(table.index).join(table)
    written = {
        "top_words": atomic_write_text(out / "top_words.csv", result.top_words.to_csv(index=False)),
        "doc_topics": atomic_write_text(out / "doc_topics.csv", table.to_csv()),
    }
    if html:
        written["ldavis"] = Path(to_pyldavis_html(result, out / "ldavis.html"))
    return written
