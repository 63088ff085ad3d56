"""The trainer's hooks of a session job: reports of the run, with the ml clock's ETA under the time limit."""

from __future__ import annotations

import pytest

from tagger_gui.ml.progress import Progress
from tagger_gui.ml.training import BatchInfo, EpochSummary, TrainingInfo
from tagger_gui.session.training import LossPoints, ReportingHooks


def test_progress_reports_carry_the_ml_eta_under_the_time_limit():
    sent = []
    hooks = ReportingHooks(sent.append)
    info = TrainingInfo(100, 1000, 10, 5, 10, 1000, "cpu", epochs=10, time_limit_minutes=1.0)
    hooks.on_start(info)
    hooks.clock.started -= 30.0  # 30 s for 1 of 100 batches: 49.5 minutes to go by the epochs
    hooks.on_batch_end(BatchInfo(epoch=1, batch=1, n_batches=10, step=1, loss=1.0, words_per_second=1.0))
    assert sent[0] is info and isinstance(sent[1], LossPoints) and sent[1].steps == [1]
    progress = sent[2]
    assert isinstance(progress, Progress) and progress.eta_seconds == pytest.approx(30.0, abs=1.0)
    assert progress.note is not None and "the 1-minute limit will stop it before the first epoch ends" in progress.note


def test_batch_losses_between_reports_arrive_together_before_the_epoch_summary():
    sent = []
    hooks = ReportingHooks(sent.append)
    hooks.on_start(TrainingInfo(10, 100, 0, 3, 4, 100, "cpu", epochs=1))
    for step in range(1, 5):
        hooks.on_batch_end(BatchInfo(epoch=1, batch=step, n_batches=4, step=step, loss=1.0 / step, words_per_second=1.0))
    summary = EpochSummary(1, 0.5, None, 100.0, 1.0, True)
    hooks.on_epoch_end(summary)
    steps = [s for event in sent if isinstance(event, LossPoints) for s in event.steps]
    assert steps == [1, 2, 3, 4] and sent[-1] is summary
