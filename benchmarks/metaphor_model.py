"""Would a supervised model find the metaphors the lexicon and its rules miss? (No, so far.)

    python benchmarks/metaphor_model.py ../shared/data/real_reports.jsonl --pool POOL3_PAGES.jsonl

An experiment on the development data only: the 102 dev reports of
``tests/data/rhetoric_real.jsonl`` and the 145 pages of the second pool
(``rhetoric_pool3_annotations.jsonl``; its pages are kept outside the repository). Every jieba
word of 2-4 Chinese characters of a page that is not an idiom or a formula is a candidate,
labelled a metaphor when it overlaps an item an annotator listed (items marked unsure are left
out). Features: the word, its characters, first and last character, length, its family in the
metaphor lexicon (and whether ambiguous), the family of its head, whether it is a whole
quotation, the three words on each side, and the families the page is literally about.
A logistic regression (hashed features, balanced classes) is scored out of fold, five folds
grouped by site, and used two ways:

* to **add** candidates the rules do not find, above a probability threshold;
* to **filter** the rules' hits below a threshold.

It prints precision and recall over the candidates (recall of the annotated items that are
candidates) for each threshold. Result at session 22 (247 pages, metaphor lexicon v8): the
rules alone 0.894 / 0.661; adding the model's candidates above 0.9 gives 0.854 / 0.704, above
0.98 0.883 / 0.671; as a filter it drops more right hits than wrong ones. The model learns the
words it has seen (基层一线, 结对帮扶), not the figure, so it was not built into
:func:`cadretext.metaphors`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from rhetoric_quality import ANNOTATIONS, POOL3, read_records, read_texts  # noqa: E402

_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
THRESHOLDS_ADD = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
THRESHOLDS_FILTER = (0.1, 0.2, 0.3, 0.4, 0.5)


def _pages(reports: Path, pool: Path) -> list[tuple[str, str, set[str], set[str]]]:
    """``(site, text, annotated metaphors, unsure items)`` of every development page."""
    from cadretext.classify import site_of

    real = read_records(reports)
    pages = []
    for line in ANNOTATIONS.read_text("utf-8").splitlines():
        g = json.loads(line)
        if g["split"] == "dev":
            r = real[g["id"]]
            unsure = {u["item"] for u in g["unsure"]}
            pages.append((site_of(r["url"]), r["text"], set(g["metaphors"]), unsure))
    texts = read_texts(pool)
    by_page: dict[str, list[dict]] = defaultdict(list)
    for line in POOL3.read_text("utf-8").splitlines():
        record = json.loads(line)
        by_page[record["id"]].append(record)
    for page_id, golds in by_page.items():
        listed = set().union(*(set(g["metaphors"]) for g in golds))
        unsure = {u["item"] for g in golds for u in g.get("unsure", [])}
        pages.append((golds[0]["site"], texts[page_id], listed, unsure))
    return pages


def candidates(pages):
    """One row per (page, candidate word): ``(page, word, features, label, found)``."""
    from cadretext import clean_text, idioms, metaphors, numbered_formulas
    from cadretext.rhetoric import base

    mod = sys.modules["cadretext.rhetoric.metaphors"]
    lex = mod._lexicon("metaphors")
    rows = []
    for index, (_site, raw, gold, unsure) in enumerate(pages):
        text = clean_text(raw)
        found = set(metaphors([text])["item"])
        other_kinds = set(idioms([text])["item"]) | set(numbered_formulas([text])["item"])
        doc = base.Doc(0, text)
        quotes = base.quote_spans(text)
        literal = mod._literal_families(lex, text)
        seen: set[str] = set()
        for s0, s1 in doc.sentence_spans():
            words = base.tokens(text[s0:s1])
            for j, (word, a, b) in enumerate(words):
                if not _WORD.match(word) or word in seen or word in other_kinds:
                    continue
                seen.add(word)
                if word in unsure:
                    continue
                feats = [f"w={word}", f"first={word[0]}", f"last={word[-1]}", f"len={len(word)}"]
                feats += [f"c={c}" for c in word]
                family = lex.families.get(word)
                if family:
                    feats += [f"family={family}", f"ambiguous={word in lex.ambiguous}"]
                head = mod._head_family(lex, word)
                if head:
                    feats.append(f"head={head}")
                if (s0 + a, s0 + b) in quotes:
                    feats.append("quoted")
                around = words[max(0, j - 3) : j] + words[j + 1 : j + 4]
                feats += [f"ctx={w}" for w, _, _ in around]
                feats += [f"literal={f}" for f in literal]
                label = any(word in g or g in word for g in gold)
                hit = any(word in f for f in found)
                rows.append((index, word, feats, label, hit))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, help="real_reports.jsonl")
    parser.add_argument("--pool", type=Path, required=True, help="the second pool's pages")
    args = parser.parse_args(argv)
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    pages = _pages(args.reports, args.pool)
    rows = candidates(pages)
    x = FeatureHasher(2**18, input_type="string").transform([r[2] for r in rows])
    y = np.array([r[3] for r in rows])
    found = np.array([r[4] for r in rows])
    sites = np.array([pages[r[0]][0] for r in rows])
    oof = np.zeros(len(rows))
    for train, test in GroupKFold(5).split(x, y, sites):
        model = LogisticRegression(C=0.5, max_iter=2000, class_weight="balanced")
        oof[test] = model.fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    positives = y.sum()
    print(
        f"{len(pages)} development pages, {len(rows)} candidates, {positives} of them "
        f"annotated metaphors ({(y & ~found).sum()} not found by the rules)"
    )
    tp, fp = (found & y).sum(), (found & ~y).sum()
    print(f"rules alone: precision {tp / (tp + fp):.3f}, recall {tp / positives:.3f}")
    print("adding the model's candidates (out of fold, by site):")
    for th in THRESHOLDS_ADD:
        add = ~found & (oof >= th)
        a_tp, a_fp = tp + (add & y).sum(), fp + (add & ~y).sum()
        print(
            f"  above {th:.2f}: {add.sum():>4} added, {(add & y).sum():>3} right -> "
            f"precision {a_tp / (a_tp + a_fp):.3f}, recall {a_tp / positives:.3f}"
        )
    print("filtering the rules' hits with the model:")
    for th in THRESHOLDS_FILTER:
        keep = found & (oof >= th)
        dropped = found & ~keep
        k_tp, k_fp = (keep & y).sum(), (keep & ~y).sum()
        print(
            f"  below {th:.2f}: {dropped.sum():>3} dropped, {(dropped & y).sum():>3} of them right "
            f"-> precision {k_tp / (k_tp + k_fp):.3f}, recall {k_tp / positives:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
