"""Time to accuracy and command-line tagging speed, for ``benchmarks/ewt.py``.

``ScoresTest`` scores test at every dev evaluation of a run, so that the time at which
the dev-selected model first reaches a test accuracy can be read off afterwards
(``seconds_to``); its own scoring time is left out of those times. ``cli_predict``
times ``tagger-gui predict`` as a separate process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from tagger_gui.ml.bundle import save_bundle  # noqa: E402
from tagger_gui.ml.training import EpochSummary, TrainingHooks  # noqa: E402

TAGGED = re.compile(r"tagged (\d+) words")


class ScoresTest(TrainingHooks):
    """Scores ``test`` after each dev evaluation: ``points[epoch] = (seconds since created, test accuracy)``.

    The seconds exclude the time spent scoring test, so they are what the run alone took.
    """

    def __init__(self, test: list) -> None:
        self.test = test
        self.points: dict[int, tuple[float, float]] = {}
        self._started = time.monotonic()
        self.scoring_seconds = 0.0

    def on_dev_scored(self, epoch: int, tagger) -> None:
        began = time.monotonic()
        accuracy = tagger.evaluate(self.test).accuracy
        self.points[epoch] = (began - self._started - self.scoring_seconds, accuracy)
        self.scoring_seconds += time.monotonic() - began


def evaluations(history: list[EpochSummary], points: dict[int, tuple[float, float]]) -> list[dict]:
    """One row per evaluated epoch: its epoch, seconds into the run, dev and test accuracy."""
    return [{"epoch": h.epoch, "seconds": points[h.epoch][0], "dev_accuracy": h.dev_accuracy,
             "test_accuracy": points[h.epoch][1]} for h in history if h.epoch in points]


def seconds_to(target: float, rows: list[dict]) -> float | None:
    """When the model the run would keep (best dev so far, the first on ties) first reached ``target`` test
    accuracy; ``None`` if it never did."""
    best_dev = None
    for row in rows:
        if best_dev is None or row["dev_accuracy"] > best_dev:
            best_dev, selected = row["dev_accuracy"], row["test_accuracy"]
            if selected >= target:
                return row["seconds"]
    return None


def _wall(command: list[str]) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return time.perf_counter() - began, done.stdout


def cli_predict(tagger, data: Path, column: str, startups: int = 3) -> dict:
    """``tagger-gui predict`` on ``data`` as a process: its wall time, and its words/s after start-up.

    Start-up (the interpreter importing torch and the package as the command does, timed as
    ``python -m tagger_gui predict --help``) is timed apart, the fastest of ``startups`` runs,
    and subtracted from the whole process's time.
    """
    with tempfile.TemporaryDirectory() as folder:
        model, out = Path(folder) / "model", Path(folder) / f"tagged{data.suffix}"
        save_bundle(tagger, model)
        startup = min(_wall([sys.executable, "-m", "tagger_gui", "predict", "--help"])[0] for _ in range(startups))
        wall, stdout = _wall([sys.executable, "-m", "tagger_gui", "predict", str(model), str(data),
                              "--out", str(out), "--column", column])
    found = TAGGED.search(stdout)
    if found is None:
        raise RuntimeError(f"tagger-gui predict did not say how many words it tagged: {stdout!r}")
    words = int(found.group(1))
    return {"predict_process_seconds": wall, "predict_startup_seconds": startup, "predict_words": words,
            "predict_words_per_second": words / max(wall - startup, 1e-9)}
