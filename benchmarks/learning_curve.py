"""Accuracy against the amount of tagged data, with and without untagged text (a script, not a test).

For each size (a percentage of UD English-EWT train, its first N sentences) a model is
trained as an explicit Train in the app trains it (the ``default`` preset scaled to the
data, ``ml.schedule.train_config``), once on the tagged sentences only and once with
word vectors learned from the whole of train's text as untagged text (``ml.raw_vectors``:
the tagged sentences and the rest, their tags unused), which is what the window does
with a project of that corpus; that run also learns from the untagged sentences
(``ml.cross_view``, as a Train does). With the untagged text a run trains twice up to
``--self-train-upto`` percent (``ml.self_training``: the second model gets the first one's
mean predictions for the untagged words), both counted in its seconds. Sizes up to 10% run
with several seeds. Reported: dev accuracy (the epoch is chosen on dev), test accuracy,
training seconds (the vectors are learned once, cached like the app caches them, and timed apart).

With ``--retrain`` each size also times the model in the loop's retrain on those sentences,
as the window's Assist runs it (``ml.schedule.scaled_config``, seed 1): from a model of all
but the last ``LAST_ROUND`` sentences, the tag profile of the untagged text (timed apart),
then a retrain from scratch (the loop's first model, or one whose shape changed) and a
warm start from that model (the loop's usual retrain). EWT dev picks the epoch there, where
the window holds out a share of the tagged sentences.

    .venv/bin/python benchmarks/learning_curve.py [--data DIR] [--json OUT] [--plot OUT.png]
        [--sizes 1,2,5,10,25,50,100] [--seeds 3] [--threads 2] [--self-train-upto 10] [--retrain]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tagger_gui.core.formats import read_file  # noqa: E402
from tagger_gui.ml.config import preset_config  # noqa: E402
from tagger_gui.ml.raw_vectors import learn_vectors  # noqa: E402
from tagger_gui.ml.schedule import scaled_config, train_config  # noqa: E402
from tagger_gui.ml.self_training import fit_with_own_profile  # noqa: E402
from tagger_gui.ml.tag_profile import predicted_profile  # noqa: E402
from tagger_gui.ml.training import Trainer  # noqa: E402
from tagger_gui.session.untagged import MIN_COUNT  # noqa: E402

from benchmarks.plotting import Panel, save_panels  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ud-english-ewt"
PERCEPTRON = {"1": 74.5, "5": 83.8, "10": 87.3}
"""An averaged perceptron's EWT dev accuracy at these sizes (issue 15's table), for comparison."""
LAST_ROUND = 20
"""Sentences the loop's timed retrain adds to its previous model (the window retrains after every 20)."""


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--sizes", default="1,2,5,10,25,50,100", help="percentages of train, comma-separated")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per size up to 10%%")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--preset", default="default")
    parser.add_argument("--self-train-upto", type=float, default=10.0,
                        help="train twice with the untagged text up to this size in percent (0: never)")
    parser.add_argument("--retrain", action="store_true", help="also time the loop's retrains at each size")
    return parser.parse_args()


def _run(part, dev, test, base, vectors, seed: int, threads: int, untagged=None, self_train=False) -> dict:
    """One run, learning from ``untagged`` (word lists) too; ``self_train``: twice (``fit_with_own_profile``)."""
    config = train_config(base.replace(seed=seed), sum(s.tagged_count for s in part))
    start = time.perf_counter()
    result = fit_with_own_profile(Trainer(config, threads=threads), part, dev, untagged, self_train=self_train,
                                  raw_vectors=vectors)
    seconds = time.perf_counter() - start
    return {
        "dev": 100 * result.best_dev_accuracy,
        "test": 100 * result.tagger.evaluate(test).accuracy,
        "seconds": seconds,
        "best_epoch": result.best_epoch,
        "epochs": config.epochs,
        "layers": config.num_layers,
    }


def _timed(work):
    """``(work(), seconds)``."""
    start = time.perf_counter()
    return work(), time.perf_counter() - start


def _loop_retrains(part, dev, base, vectors, untagged, threads: int) -> dict:
    """Seconds (and dev accuracy) of the loop's retrains on ``part``: from scratch and warm-started."""
    base = base.replace(seed=1)
    earlier = part[: max(1, len(part) - LAST_ROUND)]
    previous = Trainer(scaled_config(base, sum(s.tagged_count for s in earlier)), threads=threads).fit(
        earlier, dev, raw_vectors=vectors)
    profile, profile_seconds = _timed(lambda: predicted_profile(previous.tagger, untagged))
    tokens = sum(s.tagged_count for s in part)
    scratch, scratch_seconds = _timed(lambda: Trainer(scaled_config(base, tokens), threads=threads).fit(
        part, dev, raw_vectors=vectors, tag_profile=profile))
    warm, warm_seconds = _timed(lambda: Trainer(scaled_config(base, tokens, warm=True), threads=threads).fit(
        part, dev, start_from=previous.tagger, raw_vectors=vectors, tag_profile=profile))
    row = {"profile_seconds": round(profile_seconds, 2), "scratch_seconds": round(scratch_seconds, 2),
           "warm_seconds": round(warm_seconds, 2), "scratch_dev": round(100 * scratch.best_dev_accuracy, 2),
           "warm_dev": round(100 * warm.best_dev_accuracy, 2)}
    print(f"      the loop's retrain on {len(part)} sentences: from scratch {scratch_seconds:.1f} s "
          f"(dev {row['scratch_dev']:.2f}), warm-started from {len(earlier)} {warm_seconds:.1f} s "
          f"(dev {row['warm_dev']:.2f}), + {profile_seconds:.1f} s for the tag profile", flush=True)
    return row


def _mean(runs: list[dict], key: str) -> float:
    return statistics.fmean(run[key] for run in runs)


def _size_row(size: str, train, dev, test, base, vectors, args) -> dict:
    count = max(1, round(len(train) * float(size) / 100))
    part = train[:count]
    seeds = range(1, args.seeds + 1) if float(size) <= 10 else range(1, 2)
    row: dict = {"sentences": count, "tokens": sum(len(s.words) for s in part)}
    untagged = [s.words for s in train]
    self_train = float(size) <= args.self_train_upto
    for variant, raw in (("tagged_only", None), ("with_raw", vectors)):
        runs = [_run(part, dev, test, base, raw, seed, args.threads, untagged if raw else None, self_train)
                for seed in seeds]
        row[variant] = round(_mean(runs, "dev"), 2)
        row[variant + "_test"] = round(_mean(runs, "test"), 2)
        row[variant + "_seconds"] = round(_mean(runs, "seconds"), 1)
        row[variant + "_runs"] = runs
        per_seed = ", ".join(f"{run['dev']:.2f}" for run in runs)
        print(f"{size:>4}% {count:>6} sentences {variant:<11} dev {row[variant]:6.2f}  test {row[variant + '_test']:6.2f}"
              f"  {row[variant + '_seconds']:6.1f} s  (dev per seed: {per_seed})", flush=True)
    row["seconds"] = row["with_raw_seconds"]
    row["self_trained"] = self_train
    if args.retrain:
        row["retrain"] = _loop_retrains(part, dev, base, vectors, [s.words for s in train], args.threads)
    return row


def main() -> None:
    args = _args()
    if not args.data.is_dir():
        sys.exit(f"no data folder {args.data}: UD English-EWT is needed")
    torch.set_num_threads(args.threads)
    train = read_file(args.data / "en_ewt-ud-train.conllu")
    dev = read_file(args.data / "en_ewt-ud-dev.conllu")
    test = read_file(args.data / "en_ewt-ud-test.conllu")
    base = preset_config(args.preset, max_minutes=None)
    start = time.perf_counter()
    vectors = learn_vectors([s.words for s in train], base.raw_dim, min_count=MIN_COUNT)
    vector_seconds = time.perf_counter() - start
    print(f"word vectors from {sum(len(s.words) for s in train):,} words of untagged text: "
          f"{len(vectors.words):,} words in {vector_seconds:.1f} s", flush=True)
    curve = {size: _size_row(size, train, dev, test, base, vectors, args) for size in args.sizes.split(",")}
    result = {"curve": curve, "vector_seconds": round(vector_seconds, 2), "threads": args.threads,
              "preset": args.preset, "perceptron": PERCEPTRON, "self_train_upto": args.self_train_upto}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    if args.plot:
        sizes = [float(size) for size in curve]
        save_panels([Panel("% of EWT train tagged", "dev accuracy %", [
            ("tagged only", sizes, [row["tagged_only"] for row in curve.values()]),
            ("with the rest of train as untagged text", sizes, [row["with_raw"] for row in curve.values()]),
        ], log_x=True)], args.plot, width=800)


if __name__ == "__main__":
    main()
