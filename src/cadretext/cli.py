"""The ``cadretext`` command: inspect each stage of the pipeline from the shell.

``cadretext summary PATH``   load, clean and tokenize a corpus; print one line per document.
``cadretext clean PATH``     cleaned text and the audit of what was removed, as JSON Lines.
``cadretext tokens PATH``    tokens per document (or paragraph/sentence), as JSON Lines.
``cadretext topics PATH``    LDA topics: top words, doc-topic table, offline pyLDAvis page.
``cadretext keyness PATH``   words that distinguish one program type from the others.
``cadretext rhetoric PATH``  numbered formulas, idioms, quoted slogans, metaphors; what types share;
                            ``--check ANNOTATIONS`` scores them against your hand annotation.
``cadretext discover PATH``  propose new lexicon entries (terms, formulas) as an editable CSV.
``cadretext export PATH OUT`` the tokenized corpus for R (quanteda, stm, tidy).
``cadretext classify PATH``  program type of each report, with probabilities and evidence.
``cadretext sample PATH``    stratified sample of classified reports, as a CSV for hand coding.
``cadretext validate CSV``   agreement of the hand codes with the classifier and between coders.
``cadretext report``         run the notebooks on a corpus, render HTML reports (main job).

Errors about the input are printed as one line naming the file; the exit status is 2.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from ._io import atomic_write_text
from .errors import CadretextError, InputFileError, MissingColumnError, ParameterError

if TYPE_CHECKING:
    import pandas as pd


def _add_corpus_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of reports")
    p.add_argument("--manifest", help="metadata table (default: manifest.csv in the folder)")
    p.add_argument("--text-column", default="text", help="text field of JSONL/CSV input")
    p.add_argument("--encoding", help="force an encoding instead of detecting it")
    p.add_argument("--strict", action="store_true", help="stop at the first unreadable input")


def _add_output_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", help="write here (atomically) instead of standard output")


def _add_token_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n-jobs", type=int, default=1, help="worker processes (-1: all cores)")
    p.add_argument("--cache", help="token cache folder (default: the user cache folder)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    p.add_argument("--lexicon", help="word list file to use instead of the packaged lexicon")
    p.add_argument("--stopwords", help="stopword file to use instead of the default lists")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cadretext",
        description="Analyse Chinese news reports about cadre training programs.",
    )
    parser.add_argument("--version", action="version", version=f"cadretext {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("summary", help="load, clean and tokenize a corpus; print a table")
    _add_corpus_args(p)
    _add_token_args(p)
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("clean", help="cleaned text and removal audit as JSON Lines")
    _add_corpus_args(p)
    _add_output_args(p)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("tokens", help="tokens as JSON Lines")
    _add_corpus_args(p)
    _add_output_args(p)
    _add_token_args(p)
    p.add_argument(
        "--unit",
        choices=["document", "paragraph", "sentence"],
        default="document",
        help="one record per document (default), paragraph or sentence",
    )
    p.set_defaults(func=cmd_tokens)

    p = sub.add_parser(
        "report", help="run the notebooks on a corpus and render HTML reports (the main job)"
    )
    p.add_argument("--corpus", default="seeds", help="corpus folder or file (default: seeds)")
    p.add_argument("--out", default="reports", help="output folder (default: reports)")
    p.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    p.add_argument("--seed", type=int, default=0, help="random seed of every model (default 0)")
    p.add_argument(
        "--unit",
        choices=["paragraph", "sentence", "document"],
        default="paragraph",
        help="unit of analysis for models (default: paragraph)",
    )
    p.add_argument("--notebooks", help="folder of jupytext notebooks (default: notebooks/)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="render only these notebooks")
    p.add_argument(
        "--backend",
        choices=["auto", "jieba", "rjieba"],
        default="auto",
        help="tokenizer: auto (default) takes rjieba when its tokens equal jieba's on a sample",
    )
    p.add_argument(
        "--jobs", type=int, default=-1, metavar="N", help="processes (default -1: every core)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask.distributed scheduler (tcp://host:8786): tokenize and sweep on its workers",
    )
    p.set_defaults(func=cmd_report)

    register_classify(sub)
    register_sample(sub)
    register_validate(sub)
    register_keyness(sub)
    register_rhetoric(sub)
    register_discover(sub)
    register_export(sub)
    register_topics(sub)
    return parser


def register_classify(sub: Any) -> None:
    p = sub.add_parser(
        "classify",
        help="label reports secondment / party_school / closed_training / other",
        description=(
            "Label each report (or paragraph) with its program type, the probability of every "
            "type and the sentences carrying the evidence. With --train, fit a classifier on "
            "your own labels table and save it for --model."
        ),
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders of reports")
    p.add_argument("--manifest", help="metadata table (default: manifest.csv in the folder)")
    p.add_argument("--text-column", default="text", help="text field of JSONL/CSV input")
    p.add_argument("--encoding", help="force an encoding instead of detecting it")
    p.add_argument("--strict", action="store_true", help="stop at the first unreadable input")
    _add_output_args(p)
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl", help="output format")
    p.add_argument(
        "--unit", choices=["document", "paragraph"], default="document", help="unit labelled"
    )
    p.add_argument("--model", help="a classifier saved with --train (default: the packaged one)")
    p.add_argument(
        "--train",
        metavar="LABELS_CSV",
        help="fit on this table (columns text or file, and program_type or label) and save it",
    )
    p.add_argument(
        "--model-out",
        default="program_type_model.npz",
        help="where --train saves the model (default: program_type_model.npz)",
    )
    p.set_defaults(func=cmd_classify)


def register_keyness(sub: Any) -> None:
    p = sub.add_parser(
        "keyness",
        help="words that distinguish one group of reports (e.g. a program type) from the rest",
        description=(
            "Compare the words of the TARGET group with the other reports (or --reference "
            "groups): signed G2 / chi2 with p-values, PMI or weighted log-odds (Monroe et al. "
            "2008), counts, rates per 10,000 tokens and a log2 ratio, highest first."
        ),
    )
    _add_corpus_args(p)
    _add_output_args(p)
    _add_token_args(p)
    p.add_argument("--by", default="program_type", help="metadata column of the groups")
    p.add_argument("--target", required=True, help="the group whose keywords are wanted")
    p.add_argument("--reference", nargs="+", help="compare with these groups (default: all others)")
    p.add_argument(
        "--measure", choices=["g2", "chi2", "pmi", "logodds"], default="g2", help="statistic"
    )
    p.add_argument(
        "--correction",
        choices=["default", "yates", "williams", "none"],
        default="default",
        help="continuity correction of chi2/g2 (default: Yates for chi2 where expected < 5)",
    )
    p.add_argument("--min-count", type=int, default=5, help="drop rarer terms (default 5)")
    p.add_argument("--n", type=int, default=30, help="rows to show; 0: all (default 30)")
    p.add_argument("--bottom", action="store_true", help="also list the n most under-used terms")
    p.add_argument(
        "--unit", choices=["document", "paragraph"], default="document", help="unit counted"
    )
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv", help="output format")
    p.set_defaults(func=cmd_keyness)


def _grouped(corpus: Any, by: str) -> Any:
    """The corpus with a usable ``--by`` column: ``program_type`` missing from the manifest (or
    with no manifest at all) is filled by the default classifier, as the report does, and the
    number predicted is said; any other column must exist and hold values."""
    if by == "program_type":
        from .classify import fill_program_types

        filled = fill_program_types(corpus)
        n = int((filled["program_type_source"] == "predicted").sum())
        if n:
            print(
                f"cadretext: program_type predicted by the default classifier for {n} of "
                f"{len(filled)} reports (column program_type_source says which)",
                file=sys.stderr,
            )
        return filled
    if by not in corpus.columns:
        shown = ", ".join(c for c in corpus.columns if c not in ("text", "raw_text", "removed"))
        raise ParameterError(f"--by: the corpus has no column {by!r} (columns: {shown})")
    if corpus[by].isna().all():
        raise ParameterError(f"--by: column {by!r} has no values (from a manifest or the records)")
    return corpus


def cmd_keyness(args: argparse.Namespace) -> int:
    import pandas as pd

    from .clean import split_units
    from .keywords import keyness

    if args.n < 0:
        raise ParameterError(f"--n must be >= 0, not {args.n}")
    corpus = _grouped(_load(args), args.by)
    units = split_units(corpus, args.unit)
    tokens = _tokenize(args, units["text"].tolist())
    table = keyness(
        tokens,
        units[args.by].tolist(),
        args.target,
        measure=args.measure,
        min_count=args.min_count,
        reference=args.reference,
        correction=args.correction,
    )
    if args.n:
        parts = [table.head(args.n)]
        if args.bottom:
            parts.append(table.iloc[max(args.n, len(table) - args.n) :])
        table = pd.concat(parts)
    if args.format == "csv":
        _emit(args, table.to_csv(index=False).splitlines())
    else:
        _emit(args, (_dumps(rec) for rec in table.to_dict("records")))
    return 0


def register_export(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write the tokenized corpus for R: quanteda's dfm, stm, or tidy tables",
        description=(
            "Write the document-feature matrix (dfm.mtx, Matrix Market, documents as rows), "
            "features.txt, docvars.csv and the tokens (quanteda, stm), or counts.csv, "
            "tokens.csv and docvars.csv (tidy), with a README.md holding the R lines that "
            "read them."
        ),
    )
    _add_corpus_args(p)
    _add_token_args(p)
    p.add_argument("out", metavar="OUT", help="output folder")
    p.add_argument("--to", choices=["quanteda", "stm", "tidy"], default="quanteda")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_corpus

    corpus = _load(args)
    tokens = _tokenize(args, corpus["text"].tolist())
    written = export_corpus(corpus, args.out, to=args.to, tokens=tokens)
    for path in written.values():
        print(f"cadretext: wrote {path}", file=sys.stderr)
    return 0


def register_discover(sub: Any) -> None:
    p = sub.add_parser(
        "discover",
        help="propose new lexicon entries (terms, numbered formulas) from a corpus, as CSV",
        description=(
            "Propose terms that jieba splits today (by frequency, cohesion and boundary "
            "entropy) and numbered formulas the packaged list lacks, one row each with counts, "
            "scores and two example sentences. Delete the rows you reject (or write 'no' in an "
            "'accept' column) and pass the file back: cadretext tokens --lexicon FILE.csv, or "
            "tokenize(texts, lexicon=('domain_words', 'metaphors', 'FILE.csv'))."
        ),
    )
    _add_corpus_args(p)
    _add_output_args(p)
    p.add_argument("--kinds", default="term,formula", help="comma-separated subset of term,formula")
    p.add_argument("--min-count", type=int, default=5, help="least occurrences (default 5)")
    p.add_argument("--min-docs", type=int, default=2, help="least reports (default 2)")
    p.add_argument("--max-len", type=int, default=8, help="longest term in characters (8)")
    p.add_argument("--top", type=int, default=300, help="best terms to keep (default 300)")
    p.add_argument("--lexicon", help="word list jieba uses (default: the packaged lexicon)")
    p.set_defaults(func=cmd_discover)


def cmd_discover(args: argparse.Namespace) -> int:
    from .discover import discover

    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    corpus = _load(args)
    table = discover(
        corpus,
        kinds=kinds,
        min_count=args.min_count,
        min_docs=args.min_docs,
        max_len=args.max_len,
        top=args.top,
        lexicon=args.lexicon,
    )
    _emit(args, table.to_csv(index=False).splitlines())
    return 0


def register_rhetoric(sub: Any) -> None:
    p = sub.add_parser(
        "rhetoric",
        help="numbered formulas, idioms, quoted slogans and metaphors; what groups share",
        description=(
            "Extract numbered formulas (三高四新, 两个维护, 1+1+N), idioms (如饥似渴), short "
            "quoted phrases and metaphors (充电, 取经, 破冰) with their positions; with --by, "
            "a table of the items each group of reports (e.g. program type) uses and shares; "
            "with --flow, the sending and host places of each report."
        ),
    )
    _add_corpus_args(p)
    _add_output_args(p)
    p.add_argument(
        "--by",
        metavar="COLUMN",
        help="output the shared-rhetoric table for the groups in this metadata column "
        "(e.g. program_type) instead of one row per occurrence",
    )
    p.add_argument(
        "--kinds",
        default="formula,idiom,metaphor,quoted",
        help="comma-separated subset of formula,idiom,metaphor,quoted (default: all)",
    )
    p.add_argument(
        "--flow", action="store_true", help="output sending -> host places, one row per report"
    )
    p.add_argument(
        "--check",
        metavar="ANNOTATIONS",
        help="score the extractors against your hand annotation of some of the reports "
        "(JSON Lines in the annotation guide's format, ids = doc_id): print precision and "
        "recall per kind with 95%% intervals; with -o, also write every item's outcome "
        "(hit, missed, false, unsure)",
    )
    p.add_argument(
        "--match",
        choices=["overlap", "strict"],
        default="overlap",
        help="with --check: an item counts when one contains the other (default) or only "
        "when equal",
    )
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl", help="output format")
    p.set_defaults(func=cmd_rhetoric)


def cmd_rhetoric(args: argparse.Namespace) -> int:
    from .rhetoric import KINDS, extract_all, place_flow, shared_rhetoric

    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ParameterError(f"--kinds: choose from {', '.join(KINDS)}, not {args.kinds!r}")
    if sum(map(bool, (args.flow, args.by, args.check))) > 1:
        raise ParameterError("--flow, --by and --check produce different tables: use one of them")
    if args.check:
        from .rhetoric.evaluate import check_rhetoric, read_rhetoric_annotations

        annotations = read_rhetoric_annotations(args.check)  # bad input fails before loading
        result = check_rhetoric(_load(args), annotations, match=args.match)
        sys.stdout.write(result.summary())
        if args.output:
            items = result.items
            if args.format == "csv":
                _emit(args, items.to_csv(index=False).splitlines())
            else:
                _emit(args, (_dumps(r) for r in items.to_dict("records")))
        return 0
    corpus = _load(args)
    if args.flow:
        table = place_flow(corpus)
    elif args.by:
        corpus = _grouped(corpus, args.by)
        table = shared_rhetoric(corpus, by=args.by, kinds=kinds)
    else:
        table = extract_all(corpus, kinds=kinds)
    if args.format == "csv":
        _emit(args, table.to_csv(index=False).splitlines())
    else:
        _emit(args, (_dumps(r) for r in table.to_dict("records")))
    return 0


def register_topics(sub: Any) -> None:
    p = sub.add_parser(
        "topics",
        help="fit an LDA topic model; write top words, doc-topic shares and a pyLDAvis page",
    )
    _add_corpus_args(p)
    _add_token_args(p)
    p.add_argument("--k", type=int, required=True, help="number of topics (>= 2)")
    p.add_argument(
        "--unit",
        choices=["paragraph", "sentence", "document"],
        default="paragraph",
        help="model paragraphs (default), sentences or whole documents",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--passes", type=int, default=10, help="passes over the corpus (default 10)")
    p.add_argument("--no-below", type=int, default=2, help="drop words in fewer units (default 2)")
    p.add_argument(
        "--no-above", type=float, default=0.5, help="drop words in a larger share of units (0.5)"
    )
    p.add_argument("--out", default="topics", help="output folder (default: topics)")
    p.add_argument("--no-html", action="store_true", help="skip the pyLDAvis page")
    p.set_defaults(func=cmd_topics)


def cmd_topics(args: argparse.Namespace) -> int:
    from .clean import split_units
    from .topics import fit_lda, save_topic_outputs

    corpus = _load(args)
    units = split_units(corpus, args.unit)
    tokens = _tokenize(args, units["text"].tolist())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit_lda(
            tokens,
            args.k,
            seed=args.seed,
            passes=args.passes,
            no_below=args.no_below,
            no_above=args.no_above,
            ids=units["unit_id"],
        )
    for w in caught:
        print(f"cadretext: {w.message}", file=sys.stderr)
    meta_cols = [c for c in ("doc_id", "program_type", "date", "source") if c in units.columns]
    written = save_topic_outputs(
        result, args.out, meta=units.set_index("unit_id")[meta_cols], html=not args.no_html
    )
    for label in result.topic_labels(5).values():
        print(label)
    for path in written.values():
        print(f"cadretext: wrote {path}", file=sys.stderr)
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from .classify import ProgramTypeClassifier, classify_corpus

    if args.train:
        texts, labels = read_training_table(args.train)
        clf = ProgramTypeClassifier().fit(texts, labels)
        path = clf.save(args.model_out)
        n_labelled = sum(label is not None for label in labels)
        temperature = clf.calibration_["temperature"]
        print(
            f"cadretext: trained on {n_labelled} labelled and {len(labels) - n_labelled} "
            f"unlabelled documents ({clf.n_weak_} weak labels) plus {clf.n_base_} packaged "
            f"examples; calibration temperature {temperature:.2f}; saved {path}",
            file=sys.stderr,
        )
        if not args.paths:
            return 0
        model: Any = clf
    elif not args.paths:
        raise ParameterError("classify needs at least one PATH (or --train LABELS_CSV)")
    else:
        model = args.model
    corpus = _load(args)
    result = classify_corpus(corpus, model=model, unit=args.unit, progress=_progress())
    text = records_to_text(result, args.format)
    _emit(args, text.splitlines())
    return 0


def register_sample(sub: Any) -> None:
    p = sub.add_parser(
        "sample",
        help="stratified sample of classified reports, as a CSV coding sheet for hand coding",
        description=(
            "Classify the reports and draw N of them for hand coding, split evenly over the "
            "strata predicted type x uncertain, with a seeded draw (same corpus and seed, same "
            "sheet). The CSV (UTF-8 with BOM, for Excel) has doc_id, path, label, probability, "
            "uncertain, excerpt and empty human_label columns to fill in; check it with "
            "`cadretext validate`."
        ),
    )
    _add_corpus_args(p)
    p.add_argument("-n", "--n", type=int, default=100, help="rows to sample (default 100)")
    p.add_argument("--out", required=True, help="coding sheet CSV to write (atomically)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the draw (default 0)")
    p.add_argument(
        "--coders", type=int, default=1, help="human_label columns, one per coder (default 1)"
    )
    p.add_argument(
        "--excerpt-chars", type=int, default=300, help="length of the excerpt (default 300)"
    )
    p.add_argument("--model", help="a classifier saved with classify --train (default: packaged)")
    p.set_defaults(func=cmd_sample)


def cmd_sample(args: argparse.Namespace) -> int:
    from .classify.apply import classify_corpus
    from .classify.validate import coding_sheet, write_coding_sheet

    for name in ("n", "coders", "excerpt_chars"):
        if getattr(args, name) < 1:
            flag = "--" + name.replace("_", "-")
            raise ParameterError(f"{flag} must be >= 1, not {getattr(args, name)}")
    corpus = _load(args)
    predictions = classify_corpus(corpus, model=args.model or None, progress=_progress())
    predictions["text"] = corpus["text"].tolist()  # the excerpt of reports without evidence
    sheet = coding_sheet(
        predictions,
        args.n,
        seed=args.seed,
        coders=args.coders,
        excerpt_chars=args.excerpt_chars,
    )
    path = write_coding_sheet(sheet, args.out)
    n_strata = len(sheet.groupby(["label", "uncertain"]))
    print(
        f"cadretext: wrote {len(sheet)} of {len(predictions)} reports from {n_strata} strata "
        f"(predicted type x uncertain) to {path}",
        file=sys.stderr,
    )
    return 0


def register_validate(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="agreement of a filled-in coding sheet with the classifier and between coders",
        description=(
            "Read a coding sheet from `cadretext sample` with the human_label column(s) filled "
            "in; print n, accuracy, Cohen's kappa (coder 1 vs the classifier), Krippendorff's "
            "alpha across coders, per-class precision/recall/F1, the confusion matrix and the "
            "rows to look at again."
        ),
    )
    p.add_argument("coding_csv", metavar="CODING_CSV", help="the filled-in coding sheet")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from .classify.validate import format_validation, validate

    sys.stdout.write(format_validation(validate(args.coding_csv)))
    return 0


# --------------------------------------------------------------------------- classify I/O
def records_to_text(result: pd.DataFrame, fmt: str = "jsonl") -> str:
    """Serialise :func:`classify_corpus` output as JSON Lines or CSV (the CLI's output formats).

    JSONL records are ``{"doc_id", ["unit_id",] "path", "label", "labels", "scores",
    "probability", "uncertain", "evidence"}``; in CSV, ``labels`` and ``evidence`` are joined
    with `` | `` and the scores are ``p_<type>`` columns.
    """
    import pandas as pd

    from .classify.labels import CLASSES

    if fmt not in ("jsonl", "csv"):
        raise ParameterError(f"format must be 'jsonl' or 'csv', not {fmt!r}")
    fields = [c for c in ("doc_id", "unit_id", "path") if c in result.columns]
    if fmt == "jsonl":
        lines = []
        for row in result.to_dict("records"):
            rec = {f: (None if pd.isna(row[f]) else row[f]) for f in fields}
            rec.setdefault("path", None)
            rec.update(
                label=row["label"],
                labels=row["labels"],
                scores=row["scores"],
                probability=row["probability"],
                uncertain=bool(row["uncertain"]),
                evidence=row["evidence"],
            )
            lines.append(json.dumps(rec, ensure_ascii=False))
        return "".join(line + "\n" for line in lines)
    table = result[[*fields, "label"]].copy()
    table["labels"] = [" | ".join(v) for v in result["labels"]]
    for c in CLASSES:
        table[f"p_{c}"] = result[f"p_{c}"]
    table["probability"] = result["probability"]
    table["uncertain"] = result["uncertain"]
    table["evidence"] = [" | ".join(v) for v in result["evidence"]]
    return table.to_csv(index=False, lineterminator="\n")


def read_training_table(path: str | os.PathLike[str]) -> tuple[list[str], list[str | None]]:
    """Read a labels table for ``cadretext classify --train``.

    A CSV with a ``text`` column or a ``file`` column (paths relative to the CSV's folder, any
    format :func:`cadretext.load_corpus` reads; a JSONL/CSV file gives all its records that
    label), and a ``program_type`` or ``label`` column. Empty labels mark unlabelled documents,
    used as weak examples when the lexicon is sure about them.
    """
    import pandas as pd

    from .classify.labels import CLASSES, is_unlabelled, normalise_label
    from .corpus import load_corpus

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"labels table not found: {path}")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(path, f"cannot read the labels table as UTF-8 CSV ({exc})") from None
    label_col = next((c for c in ("program_type", "label") if c in table.columns), None)
    if label_col is None:
        raise MissingColumnError(path, "the labels table needs a 'program_type' or 'label' column")
    if "text" not in table.columns and "file" not in table.columns:
        raise MissingColumnError(path, "the labels table needs a 'text' or a 'file' column")
    texts: list[str] = []
    labels: list[str | None] = []
    for i, row in enumerate(table.to_dict("records")):
        line = i + 2
        raw_label = row[label_col].strip()
        try:
            label = None if is_unlabelled(raw_label) else normalise_label(raw_label, i)
        except ParameterError:
            raise InputFileError(
                path, f"unknown program type {raw_label!r}; use {', '.join(CLASSES)}", line=line
            ) from None
        if row.get("text", "").strip():
            texts.append(row["text"])
            labels.append(label)
            continue
        target = (path.parent / row.get("file", "").strip()) if row.get("file") else None
        if target is None or not target.exists():
            raise InputFileError(path, f"no text and no readable file ({target})", line=line)
        try:
            docs = load_corpus(target, manifest=False, errors="raise", duplicate_threshold=None)
        except CadretextError as exc:
            raise InputFileError(path, f"cannot read {target}: {exc}", line=line) from None
        texts.extend(docs["text"].tolist())
        labels.extend([label] * len(docs))
    if not texts:
        raise InputFileError(path, "the labels table has no rows")
    return texts, labels


# --------------------------------------------------------------------------- helpers
def _load(args: argparse.Namespace):
    from .corpus import load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skipped inputs are reported below, once each
        corpus = load_corpus(
            args.paths,
            manifest=args.manifest,
            text_column=args.text_column,
            encoding=args.encoding,
            errors="raise" if args.strict else "skip",
            progress=_progress(),
        )
    for item in corpus.attrs.get("skipped", []):
        where = item["path"] + (f", line {item['line']}" if item.get("line") else "")
        print(f"cadretext: skipped {where}: {item['problem']}", file=sys.stderr)
    return corpus


def _progress() -> bool:
    """Progress bars go to standard error, only when a person is watching it."""
    return sys.stderr.isatty()


def _cache(args: argparse.Namespace) -> Any:
    if args.no_cache:
        return None
    return args.cache or True


def _tokenize(args: argparse.Namespace, texts: Sequence[str]) -> list[list[str]]:
    from .tokenize import tokenize

    return tokenize(
        list(texts),
        lexicon=args.lexicon,
        stopwords=args.stopwords,
        n_jobs=args.n_jobs,
        cache=_cache(args),
        progress=_progress(),
    )


def _emit(args: argparse.Namespace, lines: Iterable[str]) -> None:
    if getattr(args, "output", None):
        buf = io.StringIO()
        for line in lines:
            buf.write(line + "\n")
        path = atomic_write_text(args.output, buf.getvalue())
        print(f"cadretext: wrote {path}", file=sys.stderr)
    else:
        for line in lines:
            sys.stdout.write(line + "\n")


def _clean_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    return value


def _dumps(record: dict[str, Any]) -> str:
    line = json.dumps({k: _clean_value(v) for k, v in record.items()}, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (kept in raw_text): escape it, as JSON allows
        line = json.dumps({k: _clean_value(v) for k, v in record.items()})
    return line


# --------------------------------------------------------------------------- commands
def cmd_clean(args: argparse.Namespace) -> int:
    corpus = _load(args)
    fields = ["doc_id", "path", "title", "date", "source", "program_type", "text", "removed"]
    _emit(args, (_dumps({f: row[f] for f in fields}) for row in corpus.to_dict("records")))
    return 0


def cmd_tokens(args: argparse.Namespace) -> int:
    from .clean import split_units

    corpus = _load(args)
    units = split_units(corpus, args.unit)
    tokens = _tokenize(args, units["text"].tolist())
    id_col = "doc_id" if args.unit == "document" else "unit_id"
    _emit(
        args,
        (
            _dumps({"id": uid, "doc_id": did, "tokens": toks})
            for uid, did, toks in zip(units[id_col], units["doc_id"], tokens, strict=True)
        ),
    )
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    import pandas as pd

    corpus = _load(args)
    tokens = _tokenize(args, corpus["text"].tolist())
    table = pd.DataFrame(
        {
            "doc_id": corpus["doc_id"],
            "program_type": corpus["program_type"],
            "date": corpus["date"],
            "source": corpus["source"],
            "raw_chars": corpus["raw_text"].str.len(),
            "clean_chars": corpus["n_chars"],
            "removed": [
                sum(1 for r in rem if r["kind"] != "t2s_converted") for rem in corpus["removed"]
            ],
            "tokens": [len(t) for t in tokens],
            "types": [len(set(t)) for t in tokens],
            "duplicate_of": corpus["duplicate_of"],
        }
    ).fillna("")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))
    print(
        f"\n{len(corpus)} documents, {int(table['clean_chars'].sum())} characters after "
        f"cleaning, {int(table['tokens'].sum())} tokens, "
        f"{len({w for t in tokens for w in t})} distinct words."
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import render_reports

    written = render_reports(
        args.corpus,
        args.out,
        notebooks=args.notebooks,
        only=args.only,
        seed=args.seed,
        unit=args.unit,
        show_code=args.show_code,
        progress=True,
        backend=args.backend,
        n_jobs=args.jobs,
        scheduler=args.scheduler,
    )
    for path in written:
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CadretextError as exc:
        print(f"cadretext: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `cadretext tokens ... | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # Ctrl-C: one line, no traceback (outputs are atomic: none is half)
        print("cadretext: interrupted; no output was left half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
