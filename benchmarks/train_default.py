"""Build the packaged default program-type model from labelled real reports.

    python benchmarks/train_default.py ../shared/data/real_reports.jsonl

Trains :class:`cadretext.classify.ProgramTypeClassifier` with its default settings on the file's
labels plus the silver and packaged examples (calibration folds grouped by site), and writes
``src/cadretext/classify/default_model.npz`` (plain arrays, no pickle). Deterministic: the same
file and the same versions give the same weights; ``tests/test_classify.py`` checks that the
packaged file matches what this builds. The article texts stay outside the repository; only
the fitted weights are written.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from cadretext.classify import train_default_classifier

OUT = Path(__file__).resolve().parents[1] / "src" / "cadretext" / "classify" / "default_model.npz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled", help="labelled JSONL (id, url, label, text)")
    parser.add_argument("--out", default=str(OUT), help=f"where to write (default: {OUT})")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    clf = train_default_classifier(args.labelled)
    path = clf.save(args.out)
    cal = clf.calibration_
    print(
        f"trained on {clf.n_labelled_} labelled reports from {clf.training_['n_sites']} sites "
        f"+ {clf.n_silver_} silver and {clf.n_base_} packaged examples; temperature {cal['temperature']:.3f} "
        f"(out-of-fold log-loss {cal['log_loss_before']} -> {cal['log_loss_after']}); "
        f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
