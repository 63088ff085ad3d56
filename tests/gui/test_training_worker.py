"""The Qt bridge: training runs in a thread, reports throttled numbers, stops on request, fails cleanly."""

from __future__ import annotations

import time
import types

import pytest

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.project import Project
from tagger_gui.core.resources import sample_project_path
from tagger_gui.gui.training_worker import TrainingData, TrainingJob, _SignalHooks
from tagger_gui.ml.progress import Progress
from tagger_gui.ml.training import BatchInfo, TrainingInfo
from tagger_gui.ml.config import preset_config


@pytest.fixture
def sample_data() -> TrainingData:
    corpus = Project.load(sample_project_path()).corpus
    train = [s for s in corpus if s.split.value == "train"]
    dev = [s for s in corpus if s.split.value == "dev"]
    return TrainingData.snapshot(train, dev, corpus.tagset)


def small_config(**overrides):
    settings = dict(embedding_dim=16, hidden_dim=16, num_layers=1, char_hidden=16, batch_size=4, epochs=3, device="cpu")
    settings.update(overrides)
    return preset_config("default", **settings)


def test_training_finishes_with_a_model_and_plot_points(qtbot, sample_data):
    job = TrainingJob(small_config(), sample_data)
    steps, epochs = [], []
    job.losses.connect(lambda s, losses: steps.extend(s))
    job.epoch_ended.connect(epochs.append)
    with qtbot.waitSignal(job.finished, timeout=60_000) as finished:
        job.start()
    result = finished.args[0]
    assert result.tagger is not None and len(result.history) == 3 == len(epochs)
    assert steps and steps == list(range(1, len(steps) + 1))  # every batch point, in order
    assert not job.is_running()


def test_stop_mid_epoch_returns_within_a_second(qtbot, sample_data):
    many = TrainingData.snapshot(sample_data.train * 40, sample_data.dev, sample_data.tagset)
    job = TrainingJob(small_config(epochs=50, batch_size=2), many)
    with qtbot.waitSignal(job.progress, timeout=30_000):
        job.start()
    asked = time.monotonic()
    with qtbot.waitSignal(job.finished, timeout=5_000) as finished:
        job.stop()
    assert time.monotonic() - asked < 1.0
    assert finished.args[0].stopped == "cancelled" and not job.is_running()


def test_worker_errors_arrive_as_one_failed_signal(qtbot, sample_data):
    untagged = TrainingData.snapshot([Sentence.from_words(["no", "tags"])], None, sample_data.tagset)
    job = TrainingJob(small_config(), untagged)
    with qtbot.waitSignal(job.failed, timeout=30_000) as failed:
        job.start()
    message, details = failed.args
    assert "no training sentence has a tagged word" in message and "Traceback" in details
    assert not job.is_running()


def test_the_snapshot_is_not_changed_by_later_edits(sample_data):
    original = sample_data.train[0].tags
    data = TrainingData.snapshot(sample_data.train, None, sample_data.tagset)
    sample_data.train[0].tokens[0].tag = "CHANGED"
    assert data.train[0].tags == original


class _Emitter:
    def __init__(self) -> None:
        self.sent: list = []

    def emit(self, *args) -> None:
        self.sent.append(args)


def test_progress_reports_carry_the_ml_eta_under_the_time_limit():
    worker = types.SimpleNamespace(started=_Emitter(), losses=_Emitter(), progress=_Emitter())
    hooks = _SignalHooks(worker)
    hooks.on_start(TrainingInfo(100, 1000, 10, 5, 10, 1000, "cpu", epochs=10, time_limit_minutes=1.0))
    hooks.clock.started -= 30.0  # 30 s for 1 of 100 batches: 49.5 minutes to go by the epochs
    hooks.on_batch_end(BatchInfo(epoch=1, batch=1, n_batches=10, step=1, loss=1.0, words_per_second=1.0))
    [(progress,)] = worker.progress.sent
    assert isinstance(progress, Progress) and progress.eta_seconds == pytest.approx(30.0, abs=1.0)
    assert progress.note is not None and "the 1-minute limit will stop it before the first epoch ends" in progress.note
