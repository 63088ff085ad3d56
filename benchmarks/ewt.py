"""Speed and accuracy of the taggers on UD English EWT (a script, not a test).

Trains a preset (``default`` unless ``--preset`` says otherwise) on train, keeps the
best epoch on dev, and prints test accuracy (UPOS, or XPOS with ``--column xpos``),
accuracy on words unseen in training, training words/s, seconds per epoch, tagging
words/s and peak memory. In the same run it trains the ``tutorial`` preset one
sentence at a time for one epoch with embedding = hidden = 64 and prints the
training speed ratio between the first preset and it.

Like ``tagger-gui train`` and the window, each run first learns word vectors from the
training sentences' words (``ml.raw_vectors``, their tags unused; about a second, counted in
the training seconds); ``--set raw_dim=0`` trains without them, as the ablation's last row does.

Each run also scores test at every dev evaluation and prints how long the run took until the
model it would keep (best on dev so far) first reached 95.0% and 96.0% test accuracy, and
times ``tagger-gui predict`` on EWT train as a separate process: its whole wall time and its
words/s after start-up (importing torch and the package, timed apart and subtracted).
``--precision fp32,bf16`` runs each preset in each precision (``TrainConfig.precision``).

``--seeds N`` trains each preset with seeds 1..N and adds the mean and spread;
``--ablation`` retrains each preset with each of its additions switched off in
turn (character encoder, shape features, suffixes, word dropout, dropout,
learning-rate schedule, label smoothing, bidirectional LSTM) and prints a table of test / dev accuracy and time.

Training uses as many CPU threads as there are cores other programs leave free, adapted
while it runs (``tagger_gui.ml.threads``); ``--threads N`` fixes the count instead.

    .venv/bin/python benchmarks/ewt.py [--data DIR] [--json OUT] [--epochs N] [--threads auto|N]
        [--preset NAME[,NAME]] [--column upos[,xpos]] [--precision auto|fp32|bf16[,...]] [--seeds N]
        [--ablation] [--set NAME=VALUE] [--limit N] [--skip-predict] [--skip-tutorial]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tagger_gui.core.formats import read_file  # noqa: E402
from tagger_gui.ml.config import PRECISIONS, PRESETS, TrainConfig, preset_config  # noqa: E402
from tagger_gui.ml.training import EpochSummary, Trainer, TrainingInfo, TrainResult  # noqa: E402
from tagger_gui.session.untagged import UntaggedText, VectorCache  # noqa: E402

from ewt_timing import ScoresTest, cli_predict, evaluations, seconds_to  # noqa: E402


class _PrintEpochs(ScoresTest):
    def __init__(self, name: str, test: list) -> None:
        super().__init__(test)
        self.name = name

    def on_start(self, info: TrainingInfo) -> None:
        print(f"[{self.name}] {info.threads}", flush=True)

    def on_epoch_end(self, summary: EpochSummary) -> None:
        dev = "" if summary.dev_accuracy is None else f"  dev {summary.dev_accuracy:.4f}"
        if summary.epoch in self.points:
            dev += f"  test {self.points[summary.epoch][1]:.4f} at {self.points[summary.epoch][0]:.0f} s"
        best = " *" if summary.is_best else ""
        print(
            f"[{self.name}] epoch {summary.epoch:3d}  loss {summary.train_loss:.4f}{dev}  "
            f"{summary.words_per_second:,.0f} words/s ({summary.threads} threads)  {summary.seconds:.1f} s{best}",
            flush=True,
        )


def _training_speed(result: TrainResult) -> tuple[float, float]:
    """(words/s over all completed epochs, mean seconds per epoch), dev evaluation excluded."""
    seconds = sum(h.seconds for h in result.history)
    words = sum(h.words_per_second * h.seconds for h in result.history)
    return words / seconds, seconds / len(result.history)


def _tagging_speed(tagger, sentences, passes: int = 3) -> float:
    """Words/s of ``tagger.predict`` over ``sentences``: the best of ``passes`` (after a warm-up call).

    One pass over EWT test takes under half a second, so a moment's interference from
    elsewhere on the machine could halve a single measurement; the best pass is the
    tagger's own speed.
    """
    words = [s.words for s in sentences]
    tagger.predict(words[:200])
    fastest = math.inf
    for _ in range(passes):
        started = time.perf_counter()
        tagger.predict(words)
        fastest = min(fastest, time.perf_counter() - started)
    return sum(map(len, words)) / fastest


ABLATIONS: dict[str, dict] = {
    "no char encoder": {"char_encoder": "none"},
    "no shape features": {"shape_features": False},
    "no suffixes": {"suffix_length": 0},
    "no word dropout": {"word_dropout": 0.0},
    "no dropout": {"dropout": 0.0},
    "constant lr": {"lr_schedule": "constant"},
    "no label smoothing": {"label_smoothing": 0.0},
    "unidirectional": {"bidirectional": False},
    "no untagged-text vectors": {"raw_dim": 0},
}
"""Each addition of the accurate presets and the setting that switches it off."""

SPREAD_KEYS = ("test_accuracy", "test_oov_accuracy", "best_dev_accuracy", "training_seconds",
               "training_words_per_second", "tagging_words_per_second", "predict_words_per_second",
               "predict_process_seconds")


def _read(data: Path, column: str, limit: int | None) -> tuple[list, list, list]:
    """Train (its first ``limit`` sentences if given), dev and test."""
    train, dev, test = (read_file(data / f"en_ewt-ud-{part}.conllu", tag_column=column) for part in ("train", "dev", "test"))
    return train[:limit], dev, test


def _train_run(splits: tuple, preset: str, overrides: dict, label: str, predict: tuple[Path, str] | None) -> dict:
    """Train ``preset`` with ``overrides`` on train (best epoch on dev) and measure it on test.

    ``predict``: (data file, column) to time ``tagger-gui predict`` on with the model, as a process.
    """
    train, dev, test = splits
    config = preset_config(preset, **{"device": "cpu", **overrides})
    hooks = _PrintEpochs(label, test)
    started = time.perf_counter()
    # As `tagger-gui train` and the window do: word vectors from the training text, its tags unused.
    vectors = VectorCache().vectors(UntaggedText([s.words for s in train]), config.raw_dim)
    vector_seconds = time.perf_counter() - started
    result = Trainer(config, hooks).fit(train, dev, raw_vectors=vectors)
    wall = time.perf_counter() - started - hooks.scoring_seconds
    evaluation = result.tagger.evaluate(test)
    train_speed, epoch_seconds = _training_speed(result)
    rows = evaluations(result.history, hooks.points)
    return {
        "precision": result.tagger.info["precision"],
        "seconds_to_95": seconds_to(0.95, rows),
        "seconds_to_96": seconds_to(0.96, rows),
        "evaluations": rows,
        "test_accuracy": evaluation.accuracy,
        "test_oov_accuracy": evaluation.oov_accuracy,
        "test_words": evaluation.words,
        "best_epoch": result.best_epoch,
        "best_dev_accuracy": result.best_dev_accuracy,
        "epochs_run": len(result.history),
        "stopped": result.stopped,
        "training_seconds": wall,
        "vector_seconds": vector_seconds,
        "training_words_per_second": train_speed,
        "seconds_per_epoch": epoch_seconds,
        "tagging_words_per_second": _tagging_speed(result.tagger, test),
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "config": config.to_dict(),
        **(cli_predict(result.tagger, *predict) if predict else {}),
    }


def _spread(runs: list[dict]) -> dict:
    """Mean, standard deviation, min and max of the main figures over ``runs`` (one per seed)."""
    out: dict = {"seeds": [r["config"]["seed"] for r in runs]}
    for key in (k for k in SPREAD_KEYS if k in runs[0]):  # the predict figures are measured for main runs only
        values = [r[key] for r in runs]
        out[key] = {
            "mean": statistics.fmean(values),
            "std": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values),
            "max": max(values),
            "values": values,
        }
    return out


def _seeded_runs(splits: tuple, preset: str, overrides: dict, seeds: int, label: str,
                 predict: tuple[Path, str] | None = None) -> dict:
    """One run per seed 1..``seeds``: the seed-1 figures, plus ``over_seeds`` when ``seeds`` > 1.

    ``predict``: (data file, column) to time ``tagger-gui predict`` on with each run's model.
    """
    runs = []
    for seed in range(1, seeds + 1):
        tag = label if seeds == 1 else f"{label} seed {seed}"
        runs.append(_train_run(splits, preset, {**overrides, "seed": seed}, tag, predict))
    figures = dict(runs[0])
    if seeds > 1:
        figures["runs"] = runs
        figures["over_seeds"] = _spread(runs)
    return figures


def _ablation(splits: tuple, preset: str, overrides: dict, base: dict, seeds: int, label: str) -> list[dict]:
    """``base`` plus one row per addition of ``preset`` switched off (skipping ones already off)."""
    config = preset_config(preset, **overrides)
    rows = [{"variant": "full preset", "changes": {}, **_row_figures(base)}]
    for variant, changes in ABLATIONS.items():
        if all(getattr(config, k) == v for k, v in changes.items()):
            continue
        figures = _seeded_runs(splits, preset, {**overrides, **changes}, seeds, f"{label} {variant}")
        rows.append({"variant": variant, "changes": changes, **_row_figures(figures)})
    return rows


def _row_figures(figures: dict) -> dict:
    keys = ("test_accuracy", "test_oov_accuracy", "best_dev_accuracy", "best_epoch", "epochs_run",
            "training_seconds", "training_words_per_second", "tagging_words_per_second")
    row = {k: figures[k] for k in keys}
    if "over_seeds" in figures:
        row["over_seeds"] = figures["over_seeds"]
    return row


def _tutorial_run(data: Path) -> dict:
    train = read_file(data / "en_ewt-ud-train.conllu")
    config = preset_config("tutorial", embedding_dim=64, hidden_dim=64, epochs=1, device="cpu")
    result = Trainer(config, _PrintEpochs("tutorial", [])).fit(train)
    return {"training_words_per_second": result.history[0].words_per_second, "seconds": result.history[0].seconds}


def _names(values: list[str] | None, default: str) -> list[str]:
    """Repeatable, comma-separated option values, in order, without repeats."""
    names = [n.strip() for v in (values or [default]) for n in v.split(",") if n.strip()]
    return list(dict.fromkeys(names))


def _setting(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` -> ``(NAME, VALUE)``; VALUE is read as JSON (numbers, true, null) or else kept as text."""
    name, sep, value = text.partition("=")
    if not sep or name not in TrainConfig.__dataclass_fields__:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with a training setting's NAME, got {text!r}")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def _key(preset: str, column: str, precision: str | None) -> str:
    """``preset[@precision][:column]``: precision when ``--precision`` is given, column when not UPOS."""
    name = preset if precision is None else f"{preset}@{precision}"
    return name if column == "upos" else f"{name}:{column}"


def _thread_count(text: str) -> str:
    """``--threads``: ``auto`` or a positive number; a number is fixed through ``OMP_NUM_THREADS``."""
    if text != "auto" and not (text.isdigit() and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"expected auto or a positive number, got {text!r}")
    return text


def _fix_threads(threads: str) -> None:
    if threads != "auto":
        os.environ["OMP_NUM_THREADS"] = threads  # the trainer keeps a count the environment fixes
        torch.set_num_threads(int(threads))


def _arguments() -> argparse.Namespace:
    """The command line, checked; ``presets`` and ``columns`` hold the names to run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/ud-english-ewt")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--preset", action="append", metavar="NAME[,NAME]",
                        help=f"preset(s) to measure, repeatable (default: default; known: {', '.join(PRESETS)})")
    parser.add_argument("--column", action="append", metavar="upos|xpos",
                        help="tag column(s) to train and score on, repeatable or comma list (default: upos)")
    parser.add_argument("--seeds", type=int, default=1, help="train with seeds 1..N and report mean and spread")
    parser.add_argument("--ablation", action="store_true",
                        help="also retrain each preset with each addition switched off in turn")
    parser.add_argument("--epochs", type=int, help="override the presets' epochs (for quick checks)")
    parser.add_argument("--max-minutes", type=float, help="time limit for the presets' training")
    parser.add_argument("--skip-tutorial", action="store_true", help="do not run the tutorial preset")
    parser.add_argument("--precision", action="append", metavar="NAME[,NAME]",
                        help=f"train each preset in each of these precisions ({', '.join(PRECISIONS)}; default: the "
                             "preset's)")
    parser.add_argument("--limit", type=int, help="train on the first N training sentences only (quick checks)")
    parser.add_argument("--skip-predict", action="store_true",
                        help="do not time tagger-gui predict on EWT train as a process")
    parser.add_argument("--threads", default="auto", metavar="auto|N", type=_thread_count,
                        help="CPU threads: auto (default: the free cores, adapted while training) or a fixed N")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", type=_setting,
                        help="override one training setting, repeatable (e.g. --set hidden_dim=200)")
    args = parser.parse_args()
    presets, columns = _names(args.preset, "default"), _names(args.column, "upos")
    for name in presets:
        if name not in PRESETS or name == "tutorial":
            parser.error(f"--preset: unknown or unsupported preset {name!r} (choose from "
                         f"{', '.join(p for p in PRESETS if p != 'tutorial')})")
    for column in columns:
        if column not in ("upos", "xpos"):
            parser.error(f"--column: {column!r} is not upos or xpos")
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    precisions = _names(args.precision, "") or [None]
    for name in precisions:
        if name is not None and name not in PRECISIONS:
            parser.error(f"--precision: {name!r} is not one of {', '.join(PRECISIONS)}")
    args.presets, args.columns, args.precisions = presets, columns, precisions
    return args


def _measure(args: argparse.Namespace, figures: dict, splits: tuple, run: tuple[str, str, str | None],
             overrides: dict) -> None:
    """Train ``run`` = (preset, column, precision or ``None``) over the seeds (and its ablation) into ``figures``."""
    preset, column, precision = run
    key = _key(preset, column, precision)
    label = key.replace(":", " ")
    if precision is not None:
        overrides = {**overrides, "precision": precision}
    predict = None if args.skip_predict else (args.data / "en_ewt-ud-train.conllu", column)
    figures[key] = _seeded_runs(splits, preset, overrides, args.seeds, label, predict)
    figures[key]["column"] = column
    figures["presets"].append(key)
    if args.ablation:
        figures.setdefault("ablation", {})[key] = _ablation(splits, preset, overrides, figures[key], args.seeds, label)


def main() -> int:
    args = _arguments()
    presets, columns = args.presets, args.columns
    _fix_threads(args.threads)
    figures: dict = {"torch": torch.__version__, "threads": args.threads, "presets": [], "seeds": args.seeds}
    overrides = {k: v for k, v in (("epochs", args.epochs), ("max_minutes", args.max_minutes)) if v is not None}
    overrides.update(dict(args.set))
    for column in columns:
        splits = _read(args.data, column, args.limit)
        for preset in presets:
            for precision in args.precisions:
                _measure(args, figures, splits, (preset, column, precision), overrides)
                if args.json:  # keep what is measured so far, in case a long run is cut short
                    args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if not args.skip_tutorial:
        figures["tutorial"] = _tutorial_run(args.data)
        first = figures["presets"][0]
        figures["speed_ratio"] = (
            figures[first]["training_words_per_second"] / figures["tutorial"]["training_words_per_second"]
        )
    _print_figures(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def _print_figures(figures: dict) -> None:
    print(f"torch {figures['torch']}, {figures['threads']} threads")
    for key in figures["presets"]:
        d = figures[key]
        name, tags = key.split(":")[0], d["column"].upper()
        oov = d["test_oov_accuracy"]
        print(f"{name}: test {tags} accuracy {d['test_accuracy']:.2%}  OOV accuracy {oov:.2%}  ({d['test_words']} words)")
        print(f"{name}: best epoch {d['best_epoch']} of {d['epochs_run']} ({d['stopped']}), "
              f"dev {d['best_dev_accuracy']:.2%}")
        print(f"{name}: training {d['training_seconds']:.0f} s wall, {d['training_words_per_second']:,.0f} words/s "
              f"in {d['precision']}, {d['seconds_per_epoch']:.1f} s/epoch")
        print(f"{name}: tagging {d['tagging_words_per_second']:,.0f} words/s; peak RSS {d['peak_rss_gib']:.2f} GiB")
        _print_timing(name, d)
        if "over_seeds" in d:
            _print_spread(f"{name} {tags}", d["over_seeds"])
    for key, rows in figures.get("ablation", {}).items():
        _print_ablation(key, figures[key]["column"].upper(), rows)
    if "tutorial" in figures:
        t = figures["tutorial"]
        first = figures["presets"][0].split(":")[0]
        print(f"tutorial (emb = hidden = 64, one sentence at a time): {t['training_words_per_second']:,.0f} words/s, "
              f"{t['seconds']:.0f} s/epoch; {first} is {figures['speed_ratio']:.1f}x faster")


def _print_timing(name: str, d: dict) -> None:
    """Time to 95/96% dev-selected test accuracy (each seed's) and the predict process's figures."""
    runs = d.get("runs", [d])

    def reached(key: str) -> str:
        return ", ".join("never" if r[key] is None else f"{r[key]:.0f} s" for r in runs)
    print(f"{name}: dev-selected test accuracy reached 95.0% after {reached('seconds_to_95')}; "
          f"96.0% after {reached('seconds_to_96')}")
    for r in runs:
        if "predict_process_seconds" in r:
            print(f"{name}: tagger-gui predict on {r['predict_words']:,} words: {r['predict_process_seconds']:.1f} s "
                  f"as a process, start-up {r['predict_startup_seconds']:.1f} s, "
                  f"{r['predict_words_per_second']:,.0f} words/s after start-up")


def _print_spread(label: str, spread: dict) -> None:
    def fmt(key: str, percent: bool) -> str:
        s = spread[key]
        if percent:
            return f"{s['mean']:.2%} +- {s['std']:.2%} (min {s['min']:.2%}, max {s['max']:.2%})"
        return f"{s['mean']:,.0f} +- {s['std']:,.0f}"
    print(f"{label} over seeds {spread['seeds']}: test {fmt('test_accuracy', True)}; "
          f"OOV {fmt('test_oov_accuracy', True)}; dev {fmt('best_dev_accuracy', True)}; "
          f"training {fmt('training_seconds', False)} s")


def _print_ablation(key: str, tags: str, rows: list[dict]) -> None:
    print(f"ablation of {key.split(':')[0]} ({tags}; each addition switched off in turn)")
    print(f"| variant | test {tags} | delta | OOV | dev | best epoch | training s | words/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    base = _mean(rows[0], "test_accuracy")
    for r in rows:
        test = _mean(r, "test_accuracy")
        spread = f" +- {r['over_seeds']['test_accuracy']['std']:.2%}" if "over_seeds" in r else ""
        delta = "" if r is rows[0] else f"{test - base:+.2%}"
        print(f"| {r['variant']} | {test:.2%}{spread} | {delta} | {_mean(r, 'test_oov_accuracy'):.2%} | "
              f"{_mean(r, 'best_dev_accuracy'):.2%} | {r['best_epoch']}/{r['epochs_run']} | "
              f"{_mean(r, 'training_seconds'):.0f} | {_mean(r, 'training_words_per_second'):,.0f} |")


def _mean(row: dict, key: str) -> float:
    """``row[key]``, or its mean over seeds when the row has several."""
    return row["over_seeds"][key]["mean"] if "over_seeds" in row else row[key]


if __name__ == "__main__":
    sys.exit(main())
