"""Build ``lexicons/t2s_triggers.txt``: the characters without which OpenCC's t2s changes nothing.

    python benchmarks/build_t2s_triggers.py [--out PATH]

:func:`cadretext.clean_text` converts traditional script with OpenCC (``t2s``), whose cost grows
with the text, simplified or not. Most lines of most corpora need no conversion, and a line that
holds none of these characters is provably left as it is, so cleaning skips it:

* every character that ``t2s`` changes on its own (the normalisation of compatibility
  ideographs, ``TSCharacters``, ``TSCharactersExt``, and the single-character entries of
  ``TSPhrases``);
* for each phrase of ``TSPhrases`` that ``t2s`` changes although none of its characters changes
  alone (回覆 -> 回复, 深沈 -> 深沉), one of its characters: any occurrence of the phrase holds
  it. The rarest in jieba's dictionary is taken, so that few lines are converted for nothing.

No phrase of OpenCC spans a line break, so converting line by line gives the same text as
converting the whole report. The facts come from OpenCC's own dictionaries, dumped to text with
the ``opencc_dict`` tool that ships inside the ``opencc`` wheel. The file records the OpenCC
version it was derived from; cleaning uses it only when that version is installed (otherwise
every line is converted, as before). ``tests/test_clean.py`` checks that the packaged file is
what this script derives from the installed OpenCC.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "cadretext" / "lexicons" / "t2s_triggers.txt"


def opencc_home() -> Path:
    import opencc

    return Path(opencc.__file__).resolve().parent / "clib"


def dump_dictionaries(config: str = "t2s") -> list[tuple[str, str]]:
    """``(key, first value)`` of every dictionary the OpenCC configuration uses."""
    import json

    home = opencc_home()
    tool = home / "bin" / "opencc_dict"
    if not tool.is_file():
        raise FileNotFoundError(f"{tool} is not here (the opencc wheel ships it)")
    share = home / "share" / "opencc"
    spec = json.loads((share / f"{config}.json").read_text(encoding="utf-8"))

    def files(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["file"]] if node.get("type") == "ocd2" else []
            return found + [f for v in node.values() for f in files(v)]
        if isinstance(node, list):
            return [f for v in node for f in files(v)]
        return []

    env = {**os.environ, "LD_LIBRARY_PATH": str(home / "lib64")}
    pairs: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(set(files(spec))):
            out = Path(tmp) / (name + ".txt")
            subprocess.run(
                [str(tool), "-i", str(share / name), "-o", str(out), "-f", "ocd2", "-t", "text"],
                check=True,
                env=env,
                capture_output=True,
            )
            for line in out.read_text(encoding="utf-8").splitlines():
                key, values = line.split("\t", 1)
                pairs.append((key, values.split(" ")[0]))
    return pairs


def char_frequencies() -> dict[str, int]:
    """Frequency of each single-character word in jieba's dictionary."""
    import jieba

    freq: dict[str, int] = {}
    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts[0]) == 1:
            freq[parts[0]] = int(parts[1])
    return freq


def derive() -> list[str]:
    """The file's lines (header, then one entry per line, sorted by code point)."""
    import opencc

    converter = opencc.OpenCC("t2s")
    pairs = dump_dictionaries()
    if any("\n" in k for k, _ in pairs):  # pragma: no cover - would break line-wise conversion
        raise RuntimeError("an OpenCC key spans a line break")
    key_chars = sorted({c for k, _ in pairs for c in k})
    alone = converter.convert("\n".join(key_chars)).split("\n")
    changed = {c for c, out in zip(key_chars, alone, strict=True) if c != out}
    freq = char_frequencies()
    phrase_of: dict[str, str] = {}
    for key, _ in sorted(pairs):
        if len(key) < 2 or changed & set(key) or converter.convert(key) == key:
            continue
        if any(c in key for c in phrase_of):
            continue  # a trigger chosen for another phrase is in this one too
        pick = min(key, key=lambda c: (freq.get(c, 0), c))
        phrase_of[pick] = key
    header = [
        "# cadretext: characters without which OpenCC t2s leaves a line unchanged",
        f"# version: opencc-{version('opencc')}",
        "# Built by benchmarks/build_t2s_triggers.py from OpenCC's own dictionaries; read by",
        "# cadretext.clean. An entry with a tag is one character of the phrase in the tag, which",
        "# t2s changes although none of its characters changes alone.",
    ]
    entries = sorted(changed | set(phrase_of))
    return header + [f"{c} {phrase_of[c]}" if c in phrase_of else c for c in entries]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    lines = derive()
    from cadretext._io import atomic_write_text

    atomic_write_text(args.out, "\n".join(lines) + "\n")
    print(f"wrote {len(lines)} lines to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
