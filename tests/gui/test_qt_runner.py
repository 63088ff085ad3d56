"""The window's runner: a session job in a QThread, progress and outcome in the UI thread, stop, failure."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QObject

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.project import Project
from tagger_gui.core.resources import sample_project_path
from tagger_gui.gui.background import QtRunner
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.training import EpochSummary
from tagger_gui.session.jobs import Job, JobSlot
from tagger_gui.ml.progress import Progress
from tagger_gui.session.training import LossPoints, TrainingData, training_task


@pytest.fixture
def sample_data() -> TrainingData:
    corpus = Project.load(sample_project_path()).corpus
    train = [s for s in corpus if s.split.value == "train"]
    dev = [s for s in corpus if s.split.value == "dev"]
    return TrainingData.snapshot(train, dev, corpus.tagset)


def small_config(**overrides):
    settings = dict(embedding_dim=16, hidden_dim=16, num_layers=1, char_hidden=16, batch_size=4, epochs=3, device="cpu",
                    scale_to_data=False)
    settings.update(overrides)
    return preset_config("default", **settings)


class Recorder:
    """Collects a job's callbacks and the thread each ran in."""

    def __init__(self) -> None:
        self.events, self.done, self.failed, self.threads = [], [], [], set()

    def job(self, name, task) -> Job:
        return Job(name, task, self._done, self._failed, self._event)

    def _event(self, event) -> None:
        self.threads.add(threading.current_thread())
        self.events.append(event)

    def _done(self, result) -> None:
        self.threads.add(threading.current_thread())
        self.done.append(result)

    def _failed(self, message, details) -> None:
        self.failed.append((message, details))


@pytest.fixture
def slot(qtbot):
    owner = QObject()
    slot = JobSlot(QtRunner(owner))
    yield slot
    slot.shutdown()


def test_training_finishes_with_a_model_and_every_plot_point_in_the_ui_thread(qtbot, slot, sample_data):
    seen = Recorder()
    assert slot.start(seen.job("training", training_task(small_config(), sample_data, None)))
    qtbot.waitUntil(lambda: bool(seen.done), timeout=60_000)
    outcome = seen.done[0]
    assert outcome.result.tagger is not None and len(outcome.result.history) == 3
    assert len([e for e in seen.events if isinstance(e, EpochSummary)]) == 3
    steps = [s for e in seen.events if isinstance(e, LossPoints) for s in e.steps]
    assert steps and steps == list(range(1, len(steps) + 1))  # every batch point, in order
    assert seen.threads == {threading.main_thread()} and not slot.busy


def test_stop_mid_epoch_ends_within_a_second_with_the_partial_result(qtbot, slot, sample_data):
    many = TrainingData.snapshot(sample_data.train * 40, sample_data.dev, sample_data.tagset)
    seen = Recorder()
    slot.start(seen.job("training", training_task(small_config(epochs=50, batch_size=2), many, None)))
    qtbot.waitUntil(lambda: any(isinstance(e, Progress) for e in seen.events), timeout=30_000)
    asked = time.monotonic()
    slot.cancel()
    qtbot.waitUntil(lambda: bool(seen.done), timeout=5_000)
    assert time.monotonic() - asked < 1.0
    assert seen.done[0].result.stopped == "cancelled" and not slot.busy


def test_worker_errors_arrive_as_one_failure_with_the_traceback(qtbot, slot, sample_data):
    untagged = TrainingData.snapshot([Sentence.from_words(["no", "tags"])], [], sample_data.tagset)
    seen = Recorder()
    slot.start(seen.job("training", training_task(small_config(), untagged, None)))
    qtbot.waitUntil(lambda: bool(seen.failed), timeout=30_000)
    message, details = seen.failed[0]
    assert "no training sentence has a tagged word" in message and "Traceback" in details
    assert not seen.done and not slot.busy


def test_shutdown_joins_the_thread_and_returns_the_result_without_callbacks(qtbot, slot):
    seen = Recorder()

    def task(stop, report):
        stop.wait(30)
        return "partial"

    slot.start(seen.job("slow", task))
    job, result = slot.shutdown(timeout_s=5)
    assert job.name == "slow" and result == "partial" and not slot.busy
    qtbot.wait(50)
    assert seen.done == []


def test_the_snapshot_is_not_changed_by_later_edits(sample_data):
    original = sample_data.train[0].tags
    data = TrainingData.snapshot(sample_data.train, [], sample_data.tagset)
    sample_data.train[0].tokens[0].tag = "CHANGED"
    assert data.train[0].tags == original
