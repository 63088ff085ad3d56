"""How well the error finder finds planted annotation errors on UD English EWT dev (a script, not a test).

Copies EWT dev, flips 2% of its tags at random to another tag of the data, runs the
k-fold error finder on the copy, and prints the precision and recall of the top N
and top 2N of its ranked list against the flipped tokens (N = number flipped), and
the time it took. Target: at least 90% of the flipped tokens among the top 2N.

    .venv/bin/python benchmarks/error_finder.py [--data DIR] [--json OUT] [--folds K] [--epochs E] [--rate R] [--threads T]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tagger_gui.core.formats import read_file  # noqa: E402
from tagger_gui.ml.error_finder import ErrorFinderHooks, FinderProgress, find_errors, finder_config, rank_quality  # noqa: E402


class _PrintFolds(ErrorFinderHooks):
    def __init__(self) -> None:
        self.started = time.monotonic()

    def on_fold_end(self, fold: int, folds: int, suspects: int) -> None:
        print(f"fold {fold}/{folds} done after {time.monotonic() - self.started:.0f} s; {suspects} suspects so far",
              flush=True)

    def on_progress(self, progress: FinderProgress) -> None:
        pass


def flip_tags(sentences, rate: float, seed: int) -> set[tuple[int, int]]:
    """Change ``rate`` of the tagged tokens (in place) to a different tag met in the data; returns their positions."""
    rng = np.random.default_rng(seed)
    positions = [(i, t) for i, s in enumerate(sentences) for t, tok in enumerate(s.tokens) if tok.tag is not None]
    tags = sorted({sentences[i].tokens[t].tag for i, t in positions})
    count = round(len(positions) * rate)
    chosen = rng.choice(len(positions), size=count, replace=False)
    flipped = set()
    for c in chosen:
        i, t = positions[c]
        token = sentences[i].tokens[t]
        token.tag = rng.choice([tag for tag in tags if tag != token.tag])
        flipped.add((i, t))
    return flipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/ud-english-ewt")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, help="override the finder's epochs per fold")
    parser.add_argument("--rate", type=float, default=0.02, help="share of tags to flip")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, help="torch threads (1 avoids oversubscription on a busy machine)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    sentences = read_file(args.data / "en_ewt-ud-dev.conllu")
    flipped = flip_tags(sentences, args.rate, args.seed)
    n = len(flipped)
    config = finder_config(device="cpu", **({"epochs": args.epochs} if args.epochs else {}))
    print(f"{len(sentences)} sentences, {sum(len(s.tokens) for s in sentences)} words; flipped {n} tags; "
          f"{args.folds} folds, {config.epochs} epochs each; torch {torch.__version__}, {torch.get_num_threads()} threads",
          flush=True)
    result = find_errors(sentences, config, folds=args.folds, hooks=_PrintFolds())
    quality = rank_quality(result.suspects, flipped, [n, 2 * n])
    figures = {
        "sentences": len(sentences), "flipped": n, "folds": args.folds, "seconds": result.seconds,
        "suspects": len(result.suspects), "held_out_accuracy": result.held_out_accuracy,
        "top_n": quality[n], "top_2n": quality[2 * n],
        "target_met": quality[2 * n]["recall"] >= 0.9, "config": result.config,
        "torch": torch.__version__, "threads": torch.get_num_threads(),
    }
    print(f"held-out agreement with the saved tags {result.held_out_accuracy:.2%}; {len(result.suspects)} suspects")
    for name, key in (("top N ", "top_n"), ("top 2N", "top_2n")):
        q = figures[key]
        print(f"{name} ({q['k']}): precision {q['precision']:.1%}  recall {q['recall']:.1%}  ({q['hits']} of {n} flipped)")
    print(f"time {result.seconds:.0f} s; target (recall in top 2N >= 90%) {'met' if figures['target_met'] else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
