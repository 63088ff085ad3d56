"""Does training keep its speed when another program keeps one core busy? (a script, not a test)

Trains the same short run twice in this process: once on an idle machine and once
while a child process spins in a Python loop pinned to one core, and prints the
training words/s of both and their ratio. With the thread count chosen from the free
cores and adapted while training (``tagger_gui.ml.threads``) the busy run should keep
about half the idle speed or more on 2 cores; with PyTorch's default (one thread per
core, ``--threads 2`` on 2 cores) it kept about 3%.

The data is the first ``--sentences`` sentences of UD English-EWT train, or the
bundled sample project repeated when EWT is absent. Run it on an otherwise idle
machine: anything else running skews both figures.

    python benchmarks/busy_core.py [--threads auto|N] [--epochs 2] [--sentences 1500] [--json OUT]

Target (issue 13): busy_vs_idle >= 0.45.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from tagger_gui.core.formats import read_file  # noqa: E402
from tagger_gui.core.project import Project  # noqa: E402
from tagger_gui.core.resources import sample_project_path  # noqa: E402
from tagger_gui.ml.config import preset_config  # noqa: E402
from tagger_gui.ml.runtime import warm_up  # noqa: E402
from tagger_gui.ml.training import Trainer, TrainingHooks, TrainingInfo  # noqa: E402

EWT_TRAIN = ROOT.parent / "shared/data/ud-english-ewt/en_ewt-ud-train.conllu"
TARGET = 0.45


def _spin(core: int) -> None:
    """The competing program: a Python loop that never sleeps, on one core."""
    os.sched_setaffinity(0, {core})
    while True:
        pass


class _Threads(TrainingHooks):
    """Keeps the thread choice announced at the start and after every epoch."""

    def __init__(self) -> None:
        self.start = ""
        self.per_epoch: list[int] = []

    def on_start(self, info: TrainingInfo) -> None:
        self.start = info.threads

    def on_epoch_end(self, summary) -> None:
        self.per_epoch.append(summary.threads)


def _sentences(count: int) -> list:
    if EWT_TRAIN.is_file():
        return read_file(EWT_TRAIN)[:count]
    sample = [s for s in Project.load(sample_project_path()).corpus if s.tagged_count]
    return (sample * (count // max(len(sample), 1) + 1))[:count]


def _train(sentences: list, epochs: int, threads: int | None) -> dict:
    """Words/s of the training steps (the run has no dev set, so nothing else is timed)."""
    config = preset_config("fast", epochs=epochs, max_minutes=None, dev_fraction=0.0, device="cpu")
    hooks = _Threads()
    result = Trainer(config, hooks, threads=threads).fit(sentences)
    seconds = sum(h.seconds for h in result.history)
    words = sum(h.words_per_second * h.seconds for h in result.history)
    return {"words_per_second": words / seconds, "seconds": seconds, "threads_at_start": hooks.start,
            "threads_per_epoch": hooks.per_epoch}


def _busy_run(sentences: list, epochs: int, threads: int | None, core: int) -> dict:
    spinner = multiprocessing.Process(target=_spin, args=(core,), daemon=True)
    spinner.start()
    try:
        time.sleep(0.5)  # let the spinner settle on its core
        return _train(sentences, epochs, threads)
    finally:
        spinner.terminate()
        spinner.join()


def _thread_count(text: str) -> int | None:
    if text == "auto":
        return None
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected auto or a positive number, got {text!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=_thread_count, default=None, metavar="auto|N",
                        help="auto (default): chosen and adapted; N: fixed, e.g. 2 for PyTorch's default here")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=1500)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    sentences = _sentences(args.sentences)
    warm_up()
    print(f"torch {torch.__version__}, cores {cores}, load average {os.getloadavg()[0]:.2f}, "
          f"{len(sentences)} sentences x {args.epochs} epochs", flush=True)
    idle = _train(sentences, args.epochs, args.threads)
    print(f"idle: {idle['words_per_second']:,.0f} words/s ({idle['threads_at_start']}; per epoch "
          f"{idle['threads_per_epoch']})", flush=True)
    busy = _busy_run(sentences, args.epochs, args.threads, cores[0])
    print(f"busy core {cores[0]}: {busy['words_per_second']:,.0f} words/s ({busy['threads_at_start']}; "
          f"per epoch {busy['threads_per_epoch']})", flush=True)
    ratio = busy["words_per_second"] / idle["words_per_second"]
    print(f"busy / idle: {ratio:.2f} (target >= {TARGET})")
    if args.json:
        args.json.write_text(json.dumps({
            "idle_words_per_second": idle["words_per_second"], "busy_words_per_second": busy["words_per_second"],
            "busy_vs_idle": ratio, "idle": idle, "busy": busy, "cores": cores, "torch": torch.__version__,
            "threads": "auto" if args.threads is None else args.threads,
        }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
