"""Building blocks of the report pages: tables, figures, findings and corpus-specific notes.

The notebooks in ``notebooks/`` are rendered to HTML by :mod:`cadretext.report`. They state
results through one :class:`Page` object each, so every page follows the same rules whatever
corpus it runs on:

* **Tables** (:meth:`Page.table`) show at most ``max_rows`` rows (30), without the pandas index,
  numbers rounded, missing values as "—", line breaks flattened; the *whole* table is written
  as a CSV beside the page and linked from it, and the page says how many rows it left out.
* **Figures** (:meth:`Page.figure`) are numbered, captioned and carry alt text; they are
  embedded as PNG data URIs (the pages open offline) and closed, so a notebook does not print
  them twice.
* **Findings** (:meth:`Page.say`) are sentences computed from the tables (the ``describe_*``
  functions of each stage). The first three marked ``key=True`` lead the index page.
* **Seed notes** (:meth:`Page.seed_note`): interpretation written for the five seed reports is
  shown only when the corpus *is* the seed corpus (by its hash, :data:`SEED_CORPUS_HASH`); on any
  other corpus the page says nothing it did not compute.
* **Caveats** scale with the corpus (:func:`corpus_caveat`).

The findings are written to ``<stem>_findings.json`` in the output folder; :mod:`cadretext.report`
moves them into ``report.json`` and onto the index.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from ._io import atomic_write_text
from .errors import ParameterError

__all__ = [
    "MAX_ROWS",
    "SEED_CORPUS_HASH",
    "Page",
    "corpus_caveat",
    "format_table",
    "is_seed_corpus",
    "labels_for_documents",
    "read_findings",
    "sample_rows",
]

#: :func:`cadretext.corpus.corpus_hash` of the five seed reports in ``seeds/`` (a test checks it
#: against the folder, so a change to cleaning that changes their text updates it here).
SEED_CORPUS_HASH = "e613312c05ed806d"

#: Rows a page shows of any table; the whole table is in the CSV beside the page.
MAX_ROWS = 30

_FINDINGS = "_findings.json"


def is_seed_corpus(corpus: pd.DataFrame) -> bool:
    """True when ``corpus`` is the packaged seed corpus (same ids and cleaned texts)."""
    from .corpus import corpus_hash

    return corpus_hash(corpus) == SEED_CORPUS_HASH


def corpus_caveat(n_reports: int, n_groups: int | None = None) -> str:
    """What a corpus of this size supports, in one or two sentences.

    Examples
    --------
    >>> corpus_caveat(5)[:52]
    '5 reports: read every figure as a description of the'
    >>> "too few" in corpus_caveat(5000)
    False
    """
    if n_reports < 1:
        raise ParameterError(f"n_reports must be at least 1; got {n_reports}")
    if n_reports < 30:
        text = (
            f"{n_reports} report{'s' if n_reports != 1 else ''}: read every figure as a "
            "description of these reports, not as inference about how Chinese media describe "
            "cadre training; differences between program types are differences between a few "
            "reports."
        )
    elif n_reports < 300:
        text = (
            f"{n_reports} reports: enough to describe the corpus, but the intervals are wide "
            "and small groups (a program type with a handful of reports) rest on those reports."
        )
    else:
        text = (
            f"{n_reports:,} reports: the intervals and tests are meaningful, but only for the "
            "sites and years the corpus covers; near-duplicates are flagged, not dropped, so a "
            "syndicated story counts once per copy."
        )
    if n_groups == 1:
        text += " The corpus holds one program type only, so nothing is compared between types."
    return text


def sample_rows(df: pd.DataFrame, n: int, *, seed: int = 0) -> pd.DataFrame:
    """``n`` rows of ``df`` drawn with ``seed`` (all rows, in order, when there are no more)."""
    if len(df) <= n:
        return df
    return df.sample(n=n, random_state=seed).sort_index()


def _flatten(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"\s*\n\s*", " ⏎ ", value).strip()
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(v) for v in value)
    return value


def format_table(df: pd.DataFrame, *, digits: int | None = 3) -> pd.DataFrame:
    """A copy of ``df`` as a page shows it: index dropped (a named index becomes a column),
    floats rounded to ``digits`` decimals (``None``: kept whole, as in the CSV), lists joined
    with 、, line breaks shown as ⏎.

    Examples
    --------
    >>> format_table(pd.DataFrame({"a": [0.123456, None], "b": ["x\\ny", ["甲", "乙"]]}))
           a      b
    0  0.123  x ⏎ y
    1    NaN    甲、乙
    """
    out = df.copy()
    if out.index.name is not None or isinstance(out.index, pd.MultiIndex):
        out = out.reset_index()
    out = out.reset_index(drop=True)
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s):
            if digits is not None:
                out[col] = s.round(digits)
        elif pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            out[col] = s.map(_flatten, na_action="ignore")
    return out


def _html_table(df: pd.DataFrame, digits: int) -> str:
    """The table's HTML: numbers right-aligned, text left-aligned, missing values as —."""
    numeric = {c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, rec, strict=True):
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
                cells.append('<td class="na">—</td>')
            elif col in numeric:
                if isinstance(value, (float, np.floating)):
                    text = f"{value:,.{digits}f}"
                    text = text.rstrip("0").rstrip(".") if "." in text else text
                else:
                    text = f"{value:,}" if isinstance(value, (int, np.integer)) else str(value)
                cells.append(f'<td class="num">{html.escape(text)}</td>')
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="ct-table"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _markdown_inline(text: str) -> str:
    """Seed notes are short prose: escape it, keep `code` and **bold** (all they use)."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)


class Page:
    """The report page a notebook writes: numbered tables and figures, findings, seed notes.

    Parameters
    ----------
    stem : str
        The notebook's name (``"03_topics"``): CSV files are ``<stem>_<name>.csv``.
    out_dir : path
        Where the page's HTML will be; CSV files and findings are written there.
    corpus : DataFrame, optional
        The corpus the page describes; decides :attr:`is_seeds`.
    seed : int
        Random seed of sampled examples.
    max_rows : int
        Rows shown of any table.

    Examples
    --------
    >>> import tempfile
    >>> page = Page("00_demo", tempfile.mkdtemp(), display=False)
    >>> page.table(pd.DataFrame({"term": list("abcde"), "n": range(5)}), "terms", "Terms",
    ...            max_rows=2)
    >>> len(page.shown["terms"]), sorted(p.name for p in page.out_dir.iterdir())
    (2, ['00_demo_terms.csv'])
    """

    def __init__(
        self,
        stem: str,
        out_dir: str | Path,
        corpus: pd.DataFrame | None = None,
        *,
        seed: int = 0,
        max_rows: int = MAX_ROWS,
        display: bool = True,
    ):
        if not re.fullmatch(r"[0-9A-Za-z_]+", stem):
            raise ParameterError(f"page stem must be letters, digits and _; got {stem!r}")
        self.stem = stem
        self.out_dir = Path(out_dir)
        self.seed = seed
        self.max_rows = max_rows
        self.is_seeds = corpus is not None and is_seed_corpus(corpus)
        self.n_reports = None if corpus is None else len(corpus)
        self._display = display
        self._figures = 0
        self._tables = 0
        self._files: set[str] = set()
        self.findings: list[dict[str, Any]] = []
        #: the rows each table showed, by name
        self.shown: dict[str, pd.DataFrame] = {}
        #: every sentence :meth:`say` showed
        self.said: list[str] = []

    # -- output ---------------------------------------------------------------------------------
    def _show(self, markup: str, *, markdown: bool = False) -> None:
        if not self._display:
            return
        from IPython.display import HTML, Markdown, display

        display(Markdown(markup) if markdown else HTML(markup))

    def table(
        self,
        df: pd.DataFrame,
        name: str,
        caption: str,
        *,
        max_rows: int | None = None,
        digits: int = 3,
        sample: bool = False,
        per_group: str | None = None,
    ) -> None:
        """Show ``df`` as the page's next numbered table and write all of it to a CSV.

        At most ``max_rows`` rows are shown: the first ones, the first of each value of the
        column ``per_group`` (an equal share each), or (``sample=True``) rows drawn with the
        page's seed. The caption says how many rows the CSV holds and links it.
        The rows shown are kept in :attr:`shown` (by table name) for tests and callers.
        """
        if not re.fullmatch(r"[0-9A-Za-z_]+", name):
            raise ParameterError(f"table name must be letters, digits and _; got {name!r}")
        limit = self.max_rows if max_rows is None else max_rows
        whole = format_table(df, digits=None)  # the CSV keeps every digit
        csv_name = f"{self.stem}_{name}.csv"
        if csv_name in self._files:
            raise ParameterError(f"table {name!r} was already written on this page")
        self._files.add(csv_name)
        atomic_write_text(self.out_dir / csv_name, whole.to_csv(index=False))
        full = format_table(whole, digits=digits)  # rounded for the page
        if sample:
            shown = sample_rows(full, limit, seed=self.seed)
        elif per_group is not None and per_group in full.columns:
            n_groups = max(full[per_group].nunique(), 1)
            shown = full.groupby(per_group, sort=False).head(max(limit // n_groups, 1))
            shown = shown.head(limit)
        else:
            shown = full.head(limit)
        self._tables += 1
        if len(full) > len(shown):
            how = (
                "sampled with the page's seed"
                if sample
                else f"the first of each {per_group}"
                if per_group
                else "the first"
            )
            extent = f"{len(shown)} of {len(full):,} rows shown ({how}); "
        else:
            extent = f"{len(full):,} row{'s' if len(full) != 1 else ''}; "
        link = f'<a class="csv" href="{html.escape(csv_name)}">{html.escape(csv_name)}</a>'
        self._show(
            f'<figure class="ct-tab" id="{self.stem}-table-{self._tables}"><figcaption>'
            f"<b>Table {self._tables}.</b> {html.escape(caption)} "
            f'<span class="extent">({extent}whole table: {link})</span></figcaption>'
            f"{_html_table(shown, digits)}</figure>"
        )
        self.shown[name] = shown

    def figure(self, fig: Any, caption: str, *, alt: str | None = None, dpi: int = 100) -> None:
        """Show a matplotlib figure as the page's next numbered figure, with caption and alt
        text (default: the caption), and close it."""
        import matplotlib.pyplot as plt

        from . import plots  # noqa: F401  (registers the CJK font for figures drawn elsewhere)

        if hasattr(fig, "figure") and not hasattr(fig, "savefig"):
            fig = fig.figure  # an Axes
        buf = io.BytesIO()
        # A figure with a layout engine (every figure of cadretext.plots: constrained layout)
        # already fits its canvas; cropping it to its tight box would lay every label out once
        # more (a quarter of the time of saving). Others are cropped, so no label is cut off.
        tight = None if fig.get_layout_engine() is not None else "tight"
        # no timestamp or software tag in the PNG: the same figure gives the same bytes
        with warnings.catch_warnings():
            # a character no font has (a rare ideograph, an emoji) is drawn as a box; the
            # warning would be printed on the page, where it says nothing about the corpus
            warnings.filterwarnings(
                "ignore", message="Glyph .* missing from font", category=UserWarning
            )
            fig.savefig(buf, format="png", dpi=dpi, bbox_inches=tight, metadata={"Software": None})
        plt.close(fig)
        self._figures += 1
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        self._show(
            f'<figure class="ct-fig" id="{self.stem}-figure-{self._figures}">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt or caption)}">'
            f"<figcaption><b>Figure {self._figures}.</b> {html.escape(caption)}</figcaption>"
            "</figure>"
        )

    def say(self, *sentences: str, key: bool = False) -> None:
        """Show computed sentences as a paragraph; ``key=True`` also records them as findings
        for the index page (the first three of a page lead it)."""
        text = " ".join(s.strip() for s in sentences if s and s.strip())
        if not text:
            return
        self.said.append(text)
        if key:
            self.findings.append({"text": text})
            atomic_write_text(
                self.out_dir / f"{self.stem}{_FINDINGS}",
                json.dumps(self.findings, ensure_ascii=False, indent=1) + "\n",
            )
        self._show(f'<p class="finding">{html.escape(text)}</p>')

    def stop(self, *sentences: str) -> NoReturn:
        """End the notebook here: show ``sentences`` (why the page cannot go on; they are also
        a finding for the index page) and raise :class:`SystemExit`.

        papermill, and so ``cadretext report``, takes a bare ``SystemExit`` as the notebook's
        end rather than its failure: the page keeps what it showed up to here and drops the
        cells after (:func:`cadretext.kernels.execute`), and the other pages of the report are
        rendered as usual. In Jupyter the kernel stays up and "run all" stops at this cell.
        Meant for notebooks: in a plain script it ends the script.
        """
        self.say(*sentences, key=True)
        raise SystemExit from None  # no chained context: IPython cannot format one with it

    def seed_note(self, markdown: str) -> None:
        """Show interpretation written for the seed corpus, only when this corpus is it
        (:attr:`is_seeds`); the page marks it as such."""
        if self.is_seeds:
            self.said.append(markdown)
            self._show(
                '<div class="seed-note"><b>On the seed corpus.</b> '
                + _markdown_inline(markdown)
                + "</div>"
            )

    def caveat(self, n_groups: int | None = None) -> None:
        """Show :func:`corpus_caveat` for this page's corpus."""
        if self.n_reports is None:
            raise ParameterError("caveat needs the page's corpus")
        text = corpus_caveat(self.n_reports, n_groups)
        self.said.append(text)
        self._show(f'<p class="caveat"><b>Scope.</b> {html.escape(text)}</p>')


def read_findings(folder: str | Path, stem: str) -> list[str]:
    """The key findings a page recorded (and remove their file); [] when it recorded none."""
    path = Path(folder) / f"{stem}{_FINDINGS}"
    if not path.is_file():
        return []
    try:
        found = [str(f["text"]) for f in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, KeyError, TypeError):
        found = []
    path.unlink(missing_ok=True)
    return found


def labels_for_documents(corpus: pd.DataFrame, *, width: int = 18) -> pd.Series:
    """A short human label per report for figure axes: its title, else the opening words of
    its text, else its id; cut to ``width`` characters and made unique with a number."""
    n = len(corpus)
    titles: Sequence[Any] = corpus["title"].tolist() if "title" in corpus.columns else [None] * n
    texts: Sequence[Any] = corpus["text"].tolist() if "text" in corpus.columns else [None] * n
    out: list[str] = []
    seen: dict[str, int] = {}
    for doc_id, title, text in zip(corpus["doc_id"], titles, texts, strict=True):
        base = next(
            (
                re.sub(r"\s+", " ", value).strip()
                for value in (title, text)
                if isinstance(value, str) and value.strip()
            ),
            str(doc_id),
        )
        if len(base) > width:
            base = base[: width - 1] + "…"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return pd.Series(out, index=corpus.index, name="label")
