"""Is the window responsive while it trains, and does training in the window cost speed?

Trains the default preset on UD English-EWT train (dev for model choice) through
the GUI's ``TrainingJob`` (worker thread, throttled signals, the live plot and
panel fed as in the app), offscreen, while a 10 ms timer in the UI thread records
how late it fires. Then trains the same settings headless (plain ``Trainer``, as
the CLI does) in the same process and compares training words/s.

    python benchmarks/gui_training.py [--epochs 2] [--json OUT]

Targets (issue 4): largest event-loop delay <= 50 ms; in-app words/s >= 90% of headless.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402

from tagger_gui.core.formats import read_file  # noqa: E402
from tagger_gui.gui.app import create_application  # noqa: E402
from tagger_gui.gui.panels.training_panel import TrainingPanel  # noqa: E402
from tagger_gui.gui.background import QtRunner  # noqa: E402
from tagger_gui.ml.runtime import freeze_long_lived  # noqa: E402
from tagger_gui.session.jobs import Job, JobSlot  # noqa: E402
from tagger_gui.session.training import TrainingData, training_task  # noqa: E402
from tagger_gui.ml.config import preset_config  # noqa: E402
from tagger_gui.ml.runtime import warm_up  # noqa: E402
from tagger_gui.ml.training import Trainer, TrainingHooks  # noqa: E402

TICK_MS = 10


class LatenessProbe:
    """A repeating timer in the UI thread; records how much later than due each tick arrives."""

    def __init__(self) -> None:
        self.delays_ms: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer(interval=TICK_MS)
        self._timer.setTimerType(self._timer.timerType().PreciseTimer)
        self._timer.timeout.connect(self._on_tick)

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_tick(self) -> None:
        elapsed = self._clock.nsecsElapsed() / 1e6
        self._clock.restart()
        self.delays_ms.append(max(0.0, elapsed - TICK_MS))


def train_in_app(app, config, train, dev) -> tuple[list[float], object]:
    panel = TrainingPanel()
    panel.resize(420, 800)
    panel.show()
    app.processEvents()  # the first paint of the panel and plot is not part of training
    outcome: dict = {}
    job = Job("training", training_task(config, TrainingData.snapshot(train, dev, _tagset(train)), None),
              on_done=lambda result: (outcome.setdefault("result", result.result), app.quit()),
              on_failed=lambda message, details: (outcome.setdefault("error", message), app.quit()),
              on_progress=panel.show_event)
    probe = LatenessProbe()
    probe.start()
    JobSlot(QtRunner(panel)).start(job)
    app.exec()
    probe.stop()
    if "error" in outcome:
        raise SystemExit(f"training failed: {outcome['error']}")
    panel.grab().save(str(REPO / "out" / "gui_training_panel.png"))
    return probe.delays_ms, outcome["result"]


def _tagset(train):
    from tagger_gui.core.corpus import TagSet

    return TagSet(sorted({t for s in train for t in s.tags if t}))


def words_per_second(result) -> float:
    return float(np.mean([h.words_per_second for h in result.history]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "ud-english-ewt")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    train = read_file(args.data / "en_ewt-ud-train.conllu")
    dev = read_file(args.data / "en_ewt-ud-dev.conllu")
    config = preset_config("default", epochs=args.epochs, patience=0, device="cpu")
    (REPO / "out").mkdir(exist_ok=True)
    app = create_application()  # as the app: Python's cyclic GC runs only in the UI thread
    freeze_long_lived()  # as the window does with a loaded corpus (Document)
    warm_up()  # as the app does at launch

    delays, app_result = train_in_app(app, config, train, dev)
    headless = Trainer(config, TrainingHooks()).fit(train, dev, tagset=_tagset(train))
    figures = {
        "epochs": args.epochs,
        "ticks": len(delays),
        "max_delay_ms": round(max(delays), 1),
        "p99_delay_ms": round(float(np.percentile(delays, 99)), 1),
        "median_delay_ms": round(float(np.median(delays)), 1),
        "app_words_per_second": round(words_per_second(app_result)),
        "headless_words_per_second": round(words_per_second(headless)),
        "app_dev_accuracy": app_result.best_dev_accuracy,
    }
    figures["app_vs_headless"] = round(figures["app_words_per_second"] / figures["headless_words_per_second"], 3)
    for key, value in figures.items():
        print(f"{key:28s} {value}")
    print("targets: max_delay_ms <= 50, app_vs_headless >= 0.90")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
