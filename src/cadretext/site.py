"""The report as a small web site: its pages (:data:`NOTEBOOKS`), each page's provenance stamp,
the HTML of an executed notebook (nbconvert, offline: no CDN), the page chrome (Chinese fonts,
navigation bar, contents) and the index page. :mod:`cadretext.report` runs the notebooks and
writes what this module makes.
"""

from __future__ import annotations

import html
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .errors import CadretextError
from .pages import corpus_caveat
from .webfont import FONT_FACE_CSS, FONT_STACK

__all__ = [
    "FONT_STACK",
    "LDAVIS_PAGE",
    "NOTEBOOKS",
    "TITLE",
    "ReportSpec",
    "decorate",
    "index_html",
    "stamp",
    "stamp_markdown",
    "to_html",
    "without_topic_map",
]


@dataclass(frozen=True)
class ReportSpec:
    """One notebook and how the index describes its report."""

    stem: str
    title: str
    summary: str


NOTEBOOKS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "01_corpus",
        "The corpus",
        "What the corpus holds: documents, lengths, dates, sources and program types; what "
        "cleaning removed from each report (with examples); near-duplicates; the places involved.",
    ),
    ReportSpec(
        "02_keywords",
        "Keywords",
        "Which words distinguish the program types: TF-IDF top terms per report and per type, "
        "keyness of each type against the rest (G² and weighted log-odds), keywords in context.",
    ),
    ReportSpec(
        "03_topics",
        "Topics",
        "Paragraph-level LDA: the choice of K by coherence, diversity and stability across seeds; "
        "the topics; topic shares per report and prevalence by program type with bootstrap "
        "intervals; seeded topics; an interactive pyLDAvis page that opens offline.",
    ),
    ReportSpec(
        "04_program_types",
        "Program types",
        "Each report labelled secondment, party school, closed-format training or other, with "
        "calibrated probabilities and the sentences carrying the evidence; paragraphs that mix "
        "formats; the reliability diagram of the probabilities; the uncertain reports to read by "
        "hand; a stratified coding sheet and the agreement of hand codes with the labels.",
    ),
    ReportSpec(
        "05_shared_rhetoric",
        "Shared rhetoric",
        "Numbered formulas, idioms, quoted slogans and metaphors: what all program types share "
        "and what is specific to one, their overlap, the items that occur together most, and who "
        "is sent where, read from the text.",
    ),
    ReportSpec(
        "06_diffusion",
        "How formulations spread",
        "Dates of the reports; the share of reports using each formula and metaphor per period, "
        "with intervals that resample whole reports; where each formula appears first and how "
        "many places take it up; its rate by program type once the year is held fixed.",
    ),
)


_PACKAGES = (
    "cadretext",
    "jieba",
    "gensim",
    "scikit-learn",
    "pandas",
    "opencc",
    "jionlp",
    "matplotlib",
    "papermill",
    "nbconvert",
)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def stamp(
    corpus_path: str | Path,
    *,
    seed: int,
    label: str | None = None,
    corpus: Any = None,
) -> dict[str, Any]:
    """Provenance of a report: versions, corpus hash and size, seed, lexicon version and hash.

    ``label`` is how the corpus is named in the report (default: ``corpus_path``); ``corpus``
    is the loaded corpus when the caller has it already (else it is loaded here).
    """
    from .corpus import corpus_hash, load_corpus
    from .lexicons import available, load_wordlist, merge_wordlists

    if corpus is None:
        corpus = load_corpus(corpus_path)
    # every packaged word list (domain words, stopwords, metaphors, topic seeds...) is stamped
    lexicon = merge_wordlists(load_wordlist(name) for name in available())
    return {
        "corpus": label or str(corpus_path),
        "documents": len(corpus),
        "corpus_hash": corpus_hash(corpus),
        "seed": seed,
        "lexicon_version": lexicon.version,
        "lexicon_sha256": lexicon.sha256[:16],
        "rendered_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "versions": _versions(),
    }


def stamp_markdown(info: dict[str, Any]) -> str:
    """The provenance stamp of a notebook page, as one HTML block of a Markdown cell (a
    Markdown paragraph inside ``<small>`` would leave the small print, and the style that wraps
    the long lexicon version, behind: the renderer closes the tag before the paragraph)."""
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return (
        '<p class="provenance"><strong>Provenance.</strong> Corpus '
        f"<code>{html.escape(info['corpus'])}</code> ({info['documents']} documents, "
        f"hash <code>{info['corpus_hash']}</code>); seed {info['seed']}; lexicon version "
        f"{html.escape(info['lexicon_version'])} (<code>{info['lexicon_sha256']}</code>); "
        f"rendered {info['rendered_utc']} UTC.<br>{html.escape(versions)}</p>"
    )


_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//"
    r"|import\(\s*[\"']https?://|@import\s+url\(\s*[\"']?https?://",
    re.I,
)


def to_html(nb: Any, show_code: bool) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = not show_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    body, _ = exporter.from_notebook_node(nb)
    # The lab template links require.js and MathJax from CDNs; the reports use neither (no
    # widgets, no LaTeX), so those elements are dropped and the page opens offline.
    body = re.sub(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", "", body, flags=re.I)
    body = re.sub(r"<link[^>]*\bhref=[\"']https?://[^>]*>", "", body, flags=re.I)
    body = re.sub(
        r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", "", body, flags=re.S
    )
    # ... and a module script that would import mermaid.js from a CDN (no diagrams here).
    body = re.sub(
        r"<script type=\"module\">(?:(?!</script>).)*?mermaid.*?</script>", "", body, flags=re.S
    )
    if _EXTERNAL.search(body):
        raise CadretextError("rendered HTML still references an external resource")
    return body


LDAVIS_PAGE = "03_topics_ldavis.html"

_CSS = f"""
{FONT_FACE_CSS}
body, .jp-RenderedHTMLCommon, .jp-Notebook {{ font-family: {FONT_STACK}; }}
nav.ct-nav {{ position: sticky; top: 0; z-index: 10; background: #f6f6f6;
  border-bottom: 1px solid #ddd; padding: 0.4rem 1rem; font-size: 0.9rem; }}
nav.ct-nav a {{ margin-right: 1rem; text-decoration: none; color: #1a4f8b; }}
nav.ct-nav a.current {{ font-weight: 700; color: #222; }}
nav.ct-toc {{ margin: 0.5rem 0 1rem 0; font-size: 0.95rem; }}
nav.ct-toc ol {{ margin: 0.2rem 0 0 1.2rem; padding: 0; }}
figure.ct-fig, figure.ct-tab {{ margin: 1rem 0; }}
figure.ct-fig img {{ max-width: 100%; height: auto; }}
figcaption {{ font-size: 0.9rem; color: #333; margin: 0.3rem 0; }}
figcaption .extent {{ color: #666; }}
table.ct-table {{ border-collapse: collapse; font-size: 0.85rem; margin: 0.3rem 0; }}
.jp-RenderedHTMLCommon table.ct-table th, table.ct-table th {{ text-align: left; border-bottom: 1px solid #999; padding: 0.2rem 0.5rem; }}
.jp-RenderedHTMLCommon table.ct-table td, table.ct-table td {{ text-align: left; padding: 0.15rem 0.5rem; vertical-align: top;
  border-bottom: 1px solid #eee; }}
.jp-RenderedHTMLCommon table.ct-table td.num, table.ct-table td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.jp-RenderedHTMLCommon table.ct-table td.na, table.ct-table td.na {{ color: #999; text-align: center; }}
p.finding {{ margin: 0.5rem 0; }}
p.provenance {{ font-size: 0.8rem; overflow-wrap: anywhere; }}
div.seed-note {{ background: #eef4fb; padding: 0.4rem 0.6rem; border-left: 3px solid #1a4f8b;
  margin: 0.5rem 0; }}
p.caveat {{ background: #fff8e1; padding: 0.4rem 0.6rem; border-left: 3px solid #e0a800; }}
"""


def _page_number(stem: str) -> int | None:
    """A page's number in the report (1 for ``01_corpus``), None for a page of no notebook."""
    stems = [spec.stem for spec in NOTEBOOKS]
    return stems.index(stem) + 1 if stem in stems else None


def _nav(current: str | None) -> str:
    links = [
        '<a href="index.html"' + (' class="current"' if current is None else "") + ">Index</a>"
    ]
    for number, spec in enumerate(NOTEBOOKS, 1):
        mark = ' class="current"' if spec.stem == current else ""
        links.append(f'<a href="{spec.stem}.html"{mark}>{number}. {html.escape(spec.title)}</a>')
    links.append(f'<a href="{LDAVIS_PAGE}">Topic map (pyLDAvis)</a>')
    return '<nav class="ct-nav">' + "".join(links) + "</nav>"


def without_topic_map(body: str) -> str:
    """``body`` (a page or the index) without its navigation link to the topic map: for a
    report whose topics page ended before the map was made (no topic model on the corpus).
    Pages are decorated as their notebooks finish, before it is known whether the map will
    exist, so the link is taken out afterwards."""
    return body.replace(f'<a href="{LDAVIS_PAGE}">Topic map (pyLDAvis)</a>', "")


_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h2>', re.S)


def decorate(body: str, spec: ReportSpec) -> str:
    """Page chrome: Chinese language tag and fonts, a title, the navigation bar and a list of
    contents built from the page's section headings."""
    number = _page_number(spec.stem)
    title = f"{number}. {spec.title}" if number else spec.title
    body = re.sub(r"<html\b[^>]*>", '<html lang="zh-Hans">', body, count=1)
    body = re.sub(
        r"<title>.*?</title>",
        lambda _: f"<title>{html.escape(title)} — cadretext report</title>",
        body,
        count=1,
        flags=re.S,
    )
    body = body.replace("</head>", f"<style>{_CSS}</style>\n</head>", 1)
    body = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + _nav(spec.stem), body, count=1)
    sections = [
        (anchor, re.sub(r"<[^>]+>", "", text).strip()) for anchor, text in _H2.findall(body)
    ]
    if sections:
        items = "".join(
            f'<li><a href="#{a}">{html.escape(html.unescape(t))}</a></li>' for a, t in sections
        )
        toc = f'<nav class="ct-toc"><b>Contents</b><ol>{items}</ol></nav>'
        body = re.sub(r"(</h1>)", lambda m: m.group(1) + toc, body, count=1)
    return body


#: What the index page's title says (and how an old report folder is recognised).
TITLE = "<title>cadretext reports</title>"


def index_html(pages: Sequence[dict[str, Any]], info: dict[str, Any]) -> str:
    specs = {spec.stem: spec for spec in NOTEBOOKS}
    mixed = len({p.get("run") for p in pages}) > 1
    items = []
    for page in pages:
        spec = specs.get(page["stem"])
        title = spec.title if spec else page["stem"]
        summary = spec.summary if spec else ""
        number = _page_number(page["stem"])
        origin = ""
        if mixed:
            origin = (
                f'<p class="origin">Rendered {html.escape(str(page.get("rendered_utc")))} UTC '
                f"on <code>{html.escape(str(page.get('corpus')))}</code> "
                f"({page.get('documents')} documents, hash {html.escape(str(page.get('corpus_hash')))}"
                f"), seed {page.get('seed')}.</p>"
            )
        findings = [str(f) for f in page.get("findings") or []][:3]
        found = ""
        if findings:
            found = (
                '<ul class="findings">'
                + "".join(f"<li>{html.escape(f)}</li>" for f in findings)
                + "</ul>"
            )
        items.append(
            f'<li><a href="{html.escape(page["stem"])}.html">'
            f"{number}. {html.escape(title)}</a>{found}"
            f'<p class="summary">{html.escape(summary)}</p>{origin}</li>'
            if number
            else f'<li><a href="{html.escape(page["stem"])}.html">{html.escape(title)}</a>'
            f"{found}{origin}</li>"
        )
    note = ""
    if mixed:
        note = (
            "<p><strong>These pages come from more than one run</strong> (some were rendered "
            "again with <code>--only</code>): each page says when and on which corpus.</p>"
        )
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    listing = "\n".join(items)
    scope = "(the latest run: the pages marked with its time) on" if mixed else "on"
    caveat = corpus_caveat(int(info["documents"])) if int(info["documents"]) > 0 else ""
    return f"""<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8">
{TITLE}
<style>
body {{ font-family: {FONT_STACK}; max-width: 56rem; margin: 0 auto 2rem auto;
       line-height: 1.5; color: #222; padding: 0 1rem; }}
ul.pages {{ list-style: none; padding-left: 0; }}
ul.pages > li {{ margin-bottom: 1.2rem; }} ul.pages > li > a {{ font-size: 1.15rem; font-weight: 600; }}
ul.findings {{ margin: 0.3rem 0; }} p.summary {{ margin: 0.2rem 0 0 0; color: #555;
  font-size: 0.9rem; }}
footer, .origin {{ font-size: 0.8rem; color: #666; }} footer {{ overflow-wrap: anywhere; }}
div.seed-note {{ background: #eef4fb; padding: 0.4rem 0.6rem; border-left: 3px solid #1a4f8b;
  margin: 0.5rem 0; }}
{_CSS}
</style></head>
<body>{_nav(None)}
<h1>cadretext reports</h1>
<p>Computational analysis of Chinese news reports about cadre training programs
(secondment, party school, closed-format training), rendered from the notebooks in
<code>notebooks/</code> {scope} the corpus <code>{html.escape(info["corpus"])}</code>
({info["documents"]} documents). Under each page: its key findings, computed on this corpus.</p>
<p class="caveat"><b>Scope.</b> {html.escape(caveat)}</p>
{note}
<ul class="pages">
{listing}
</ul>
<footer>{"Latest run: c" if mixed else "C"}orpus hash {info["corpus_hash"]}; seed {info["seed"]}; lexicon version
{html.escape(info["lexicon_version"])} ({info["lexicon_sha256"]}); rendered
{info["rendered_utc"]} UTC; {html.escape(versions)}.</footer>
</body></html>
"""
