"""Seconds to tokenize 1 MB lines built to be hard (long runs of marks), and a 50 MB one.

The first tokenizer stripped marks by slicing and re-matching the rest, so a line
of 200,000 periods took 17 s and 50 MB would take days (issue 16); now every case
is linear. Target: each 1 MB line under a second.

    python benchmarks/hostile_lines.py [--big-mb 50]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tagger_gui.core.tokenize import tokenize  # noqa: E402

LINES = {
    "periods": lambda n: "." * n,
    "brackets": lambda n: "(" * (n // 2) + "a" + ")" * (n // 2),
    "url + closers": lambda n: "http://x" + ")" * n,
    "digits + commas": lambda n: "1" * (n // 2) + "," * (n // 2),
    "abbreviation": lambda n: "a." * (n // 2) + "!",
    "words": lambda n: "word, " * (n // 6),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big-mb", type=int, default=50, help="size of the last line (0: skip it)")
    args = parser.parse_args()
    for name, build in LINES.items():
        line = build(1_000_000)
        start = time.perf_counter()
        tokens = tokenize(line)
        print(f"1 MB {name:<16} {time.perf_counter() - start:6.2f} s  {len(tokens):>9,} tokens")
    if args.big_mb:
        line = "." * (args.big_mb * 1_000_000)
        start = time.perf_counter()
        tokens = tokenize(line)
        print(f"{args.big_mb} MB periods          {time.perf_counter() - start:6.2f} s  {len(tokens):>9,} tokens")


if __name__ == "__main__":
    main()
