"""A run's ETA under its time limit, and what the limit does and why a run ended, said in words."""

from __future__ import annotations

import pytest

from tagger_gui.ml.progress import RunClock, ending_label, ending_sentence, pace_sentence, start_sentence
from tagger_gui.ml.training import BatchInfo, EpochSummary, TrainingInfo, TrainResult


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def batch(step: int, epoch: int = 1, n_batches: int = 10) -> BatchInfo:
    return BatchInfo(epoch=epoch, batch=(step - 1) % n_batches + 1, n_batches=n_batches, step=step, loss=1.0,
                     words_per_second=100.0)


def clock(epochs: int, limit: float | None) -> tuple[RunClock, FakeTime]:
    time = FakeTime()
    run = RunClock(epochs, limit, clock=time)
    run.batches_per_epoch = 10
    return run, time


def test_eta_never_passes_the_time_limit():
    limited, time = clock(10, 1.0)
    time.now += 30.0  # 30 s for 1 of 100 batches: 49.5 minutes to go by the epochs, 30 s by the limit
    assert limited.eta(1) == pytest.approx(30.0)
    unlimited, time = clock(10, None)
    time.now += 30.0
    assert unlimited.eta(1) == pytest.approx(30.0 * 99)
    assert unlimited.eta(0) is None and limited.eta(0) == pytest.approx(30.0)


def test_progress_carries_the_fraction_done_and_the_pace_once():
    run, time = clock(4, 2.0)
    time.now += 1.0
    first = run.progress(batch(2))
    assert first.fraction == pytest.approx(0.05) and first.note is None  # pace not known yet
    time.now += 9.0  # 10 s for 5 batches: 20 s an epoch, 80 s for 4 epochs
    assert run.progress(batch(5)).note == "At this pace 4 epochs take about 80 s, within the 2-minute limit."
    assert run.progress(batch(6)).note is None  # said once


def test_the_pace_says_what_the_time_limit_will_do():
    assert pace_sentence(100.0, 4, 2.0) == (
        "At this pace 4 epochs take about 7 min: the 2-minute limit will end it after about 1 of 4 epochs,"
        " with the learning rate brought down in time.")
    assert "before the first epoch ends" in pace_sentence(200.0, 4, 2.0)
    assert pace_sentence(20.0, 50, None) == "At this pace 50 epochs take about 17 min."
    assert pace_sentence(3600.0, 2, 9.5).startswith("At this pace 2 epochs take about 2 h 0 min: the 9.5-minute")


def test_the_start_says_what_the_limit_is():
    info = TrainingInfo(100, 1000, 10, 5, 4, 1000, "cpu", epochs=4, time_limit_minutes=2.0)
    assert start_sentence(info).startswith("Time limit: 2 minutes for up to 4 epochs.")
    info.time_limit_minutes = 0.1
    assert start_sentence(info).startswith("Time limit: 6 seconds for up to 4 epochs.")
    info.time_limit_minutes = 1.0
    assert start_sentence(info).startswith("Time limit: 1 minute for up to 4 epochs.")
    info.time_limit_minutes = None
    assert start_sentence(info) == "No time limit: up to 4 epochs."


def result(stopped: str, epochs_done: int, best: int = 1) -> TrainResult:
    history = [EpochSummary(e, 1.0, 0.8, 100.0, 1.0, e == best) for e in range(1, epochs_done + 1)]
    return TrainResult(None, history, best if epochs_done else 0, 0.8, stopped, 10.0, "cpu")


@pytest.mark.parametrize(("stopped", "done", "limit", "sentence", "label"), [
    ("time_limit", 1, 2.0, "Stopped at the 2-minute limit after 1 of 4 epochs.", "time limit reached"),
    ("time_limit", 0, 9.5, "Stopped at the 9.5-minute limit before the first epoch ended.", "time limit reached"),
    ("cancelled", 2, None, "Stopped by you after 2 of 4 epochs.", "stopped by you"),
    ("finished", 4, 2.0, "Finished all 4 epochs.", "finished"),
    ("early_stopping", 3, None,
     "Stopped early after 3 of 4 epochs: dev accuracy stopped improving (no better epoch since epoch 1).",
     "stopped early"),
])
def test_why_a_run_ended_in_words(stopped, done, limit, sentence, label):
    run = result(stopped, done)
    assert ending_sentence(run, 4, limit) == sentence
    assert ending_label(run) == label and "_" not in ending_label(run)
