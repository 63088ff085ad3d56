"""Speed and accuracy of the taggers on UD English EWT (a script, not a test).

Trains the ``default`` preset on train, keeps the best epoch on dev, and prints test
UPOS accuracy, accuracy on words unseen in training, training words/s, seconds per
epoch, tagging words/s and peak memory. In the same run it trains the ``tutorial``
preset one sentence at a time for one epoch with embedding = hidden = 64 and prints
the training speed ratio between the two.

    .venv/bin/python benchmarks/ewt.py [--data DIR] [--json OUT] [--epochs N]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tagger_gui.core.formats import read_file  # noqa: E402
from tagger_gui.ml.config import preset_config  # noqa: E402
from tagger_gui.ml.training import EpochSummary, Trainer, TrainingHooks, TrainResult  # noqa: E402


class _PrintEpochs(TrainingHooks):
    def __init__(self, name: str) -> None:
        self.name = name

    def on_epoch_end(self, summary: EpochSummary) -> None:
        dev = "" if summary.dev_accuracy is None else f"  dev {summary.dev_accuracy:.4f}"
        best = " *" if summary.is_best else ""
        print(
            f"[{self.name}] epoch {summary.epoch:3d}  loss {summary.train_loss:.4f}{dev}  "
            f"{summary.words_per_second:,.0f} words/s  {summary.seconds:.1f} s{best}",
            flush=True,
        )


def _training_speed(result: TrainResult) -> tuple[float, float]:
    """(words/s over all completed epochs, mean seconds per epoch), dev evaluation excluded."""
    seconds = sum(h.seconds for h in result.history)
    words = sum(h.words_per_second * h.seconds for h in result.history)
    return words / seconds, seconds / len(result.history)


def _tagging_speed(tagger, sentences) -> float:
    """Words/s of ``tagger.predict`` over ``sentences`` (after one warm-up call)."""
    words = [s.words for s in sentences]
    tagger.predict(words[:200])
    started = time.perf_counter()
    tagger.predict(words)
    return sum(map(len, words)) / (time.perf_counter() - started)


def _default_run(data: Path, epochs: int | None, max_minutes: float | None) -> dict:
    train = read_file(data / "en_ewt-ud-train.conllu")
    dev = read_file(data / "en_ewt-ud-dev.conllu")
    test = read_file(data / "en_ewt-ud-test.conllu")
    overrides = {"device": "cpu"}
    if epochs is not None:
        overrides["epochs"] = epochs
    if max_minutes is not None:
        overrides["max_minutes"] = max_minutes
    config = preset_config("default", **overrides)
    started = time.perf_counter()
    result = Trainer(config, _PrintEpochs("default")).fit(train, dev)
    wall = time.perf_counter() - started
    evaluation = result.tagger.evaluate(test)
    train_speed, epoch_seconds = _training_speed(result)
    return {
        "test_accuracy": evaluation.accuracy,
        "test_oov_accuracy": evaluation.oov_accuracy,
        "test_words": evaluation.words,
        "best_epoch": result.best_epoch,
        "best_dev_accuracy": result.best_dev_accuracy,
        "epochs_run": len(result.history),
        "stopped": result.stopped,
        "training_seconds": wall,
        "training_words_per_second": train_speed,
        "seconds_per_epoch": epoch_seconds,
        "tagging_words_per_second": _tagging_speed(result.tagger, test),
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "config": config.to_dict(),
    }


def _tutorial_run(data: Path) -> dict:
    train = read_file(data / "en_ewt-ud-train.conllu")
    config = preset_config("tutorial", embedding_dim=64, hidden_dim=64, epochs=1, device="cpu")
    result = Trainer(config, _PrintEpochs("tutorial")).fit(train)
    return {"training_words_per_second": result.history[0].words_per_second, "seconds": result.history[0].seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/ud-english-ewt")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--epochs", type=int, help="override the default preset's epochs (for quick checks)")
    parser.add_argument("--max-minutes", type=float, help="time limit for the default preset's training")
    parser.add_argument("--skip-tutorial", action="store_true", help="do not run the tutorial preset")
    args = parser.parse_args()
    figures = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    figures["default"] = _default_run(args.data, args.epochs, args.max_minutes)
    if not args.skip_tutorial:
        figures["tutorial"] = _tutorial_run(args.data)
        figures["speed_ratio"] = (
            figures["default"]["training_words_per_second"] / figures["tutorial"]["training_words_per_second"]
        )
    _print_figures(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def _print_figures(figures: dict) -> None:
    d = figures["default"]
    oov = d["test_oov_accuracy"]
    print(f"torch {figures['torch']}, {figures['threads']} threads")
    print(f"default: test UPOS accuracy {d['test_accuracy']:.2%}  OOV accuracy {oov:.2%}  ({d['test_words']} words)")
    print(f"default: best epoch {d['best_epoch']} of {d['epochs_run']} ({d['stopped']}), dev {d['best_dev_accuracy']:.2%}")
    print(f"default: training {d['training_seconds']:.0f} s wall, {d['training_words_per_second']:,.0f} words/s, "
          f"{d['seconds_per_epoch']:.1f} s/epoch")
    print(f"default: tagging {d['tagging_words_per_second']:,.0f} words/s; peak RSS {d['peak_rss_gib']:.2f} GiB")
    if "tutorial" in figures:
        t = figures["tutorial"]
        print(f"tutorial (emb = hidden = 64, one sentence at a time): {t['training_words_per_second']:,.0f} words/s, "
              f"{t['seconds']:.0f} s/epoch; default is {figures['speed_ratio']:.1f}x faster")


if __name__ == "__main__":
    sys.exit(main())
