"""Injected training faults leave the project and the previous model as they were."""

from __future__ import annotations

import errno

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tagger_gui.core import atomic
from tagger_gui.ml import training
from tagger_gui.ml.bundle import load_bundle
from tests.gui.test_training_controller import make_controller, saved_sample, small_config  # noqa: F401 (fixture)


@pytest.fixture
def trained(qtbot, saved_sample):  # noqa: F811 - the fixture above
    """A controller whose project already has a saved model, plus that model's predictions."""
    controller, document, panel = make_controller(qtbot, saved_sample)
    with qtbot.waitSignal(controller.model_changed, timeout=60_000):
        controller.start(small_config())
    document.save()
    words = [s.words for s in document.corpus][:6]
    before = [p.log_probs for p in controller.tagger.predict(words)]
    model_file = document.project.model_path / "model.safetensors"
    return controller, document, words, before, model_file.read_bytes()


def run_to_end(qtbot, controller, config):
    with qtbot.waitSignal(controller.running_changed, timeout=60_000, check_params_cb=lambda running: not running):
        controller.start(config)


def visible_failure_texts() -> list[str]:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    texts = [box.text() for box in boxes]
    for box in boxes:
        box.close()
    return texts


def assert_intact(controller, document, words, before, weights):
    assert document.project.model_path.joinpath("model.safetensors").read_bytes() == weights
    after = [p.log_probs for p in load_bundle(document.project.model_path).predict(words)]
    assert all((a == b).all() for a, b in zip(after, before))
    assert all((a == b).all() for a, b in zip((p.log_probs for p in controller.tagger.predict(words)), before))


def test_nan_loss_stops_with_a_message_and_keeps_the_last_good_model(qtbot, trained, monkeypatch):
    controller, document, words, before, weights = trained
    real_step = training.Trainer._step
    monkeypatch.setattr(training.Trainer, "_step", lambda self, batch, run: float("nan") if run.step >= 3 else real_step(self, batch, run))
    run_to_end(qtbot, controller, small_config(epochs=3))
    [text] = visible_failure_texts()
    assert "loss became nan" in text
    assert_intact(controller, document, words, before, weights)


def test_an_exception_in_a_hook_fails_the_run_cleanly(qtbot, trained, monkeypatch):
    controller, document, words, before, weights = trained
    tags = [s.tags for s in document.corpus]

    def broken_hook(self, info):
        raise ValueError("hook exploded")

    monkeypatch.setattr("tagger_gui.session.training.ReportingHooks.on_batch_end", broken_hook)
    run_to_end(qtbot, controller, small_config())
    assert visible_failure_texts() == ["hook exploded"]
    assert [s.tags for s in document.corpus] == tags
    assert_intact(controller, document, words, before, weights)


def test_a_full_disk_when_saving_the_model_keeps_the_previous_one(qtbot, trained, monkeypatch):
    controller, document, words, before, weights = trained

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("tagger_gui.session.training.TrainingOutcome.is_not_worse", True)
    monkeypatch.setattr(atomic, "atomic_write_bytes", disk_full)
    monkeypatch.setattr("tagger_gui.ml.bundle.atomic_write_bytes", disk_full)
    run_to_end(qtbot, controller, small_config(seed=5))
    [text] = visible_failure_texts()
    assert "No space left on device" in text and "previous model is kept" in text
    assert_intact(controller, document, words, before, weights)


def test_stopping_during_the_first_batch_leaves_the_previous_model(qtbot, trained, monkeypatch):
    controller, document, words, before, weights = trained
    monkeypatch.setattr("tagger_gui.session.training.ReportingHooks.on_start", lambda self, info: controller.stop())
    run_to_end(qtbot, controller, small_config())
    assert visible_failure_texts() == []
    assert "Stopped by you before the first epoch ended. No model was kept." in controller.panel.log.toPlainText()
    assert_intact(controller, document, words, before, weights)
