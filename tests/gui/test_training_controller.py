"""Training from the window: model kept beside the project, reload, stop, failures, closing mid-run."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from tagger_gui.core.project import Project
from tagger_gui.core.resources import sample_project_path
from tagger_gui.gui.document import Document
from tagger_gui.gui.panels.training_panel import TrainingPanel
from tagger_gui.gui.training_controller import TrainingController
from tagger_gui.ml import training
from tagger_gui.ml.config import preset_config

QStandardPaths.setTestModeEnabled(True)


def small_config(**overrides):
    settings = dict(embedding_dim=16, hidden_dim=16, num_layers=1, char_hidden=16, batch_size=4, epochs=2, device="cpu",
                    scale_to_data=False)
    settings.update(overrides)
    return preset_config("default", **settings)


def make_controller(qtbot, project_path=None):
    window = QWidget()
    qtbot.addWidget(window)
    document = Document(window)
    if project_path is not None:
        document.open_project(project_path)
    else:
        document.open_project(sample_project_path(), as_template=True)
    panel = TrainingPanel(window)
    controller = TrainingController(document, panel, window)
    window.parts = (controller, document, panel)  # Python wrappers live as long as the window (pyqtgraph needs it)
    return controller, document, panel


@pytest.fixture
def saved_sample(tmp_path):
    project = Project.load(sample_project_path())
    project.save(tmp_path / "work.tagproj")
    return tmp_path / "work.tagproj"


def test_train_keeps_the_model_beside_the_project_and_reopening_predicts_the_same(qtbot, saved_sample):
    controller, document, panel = make_controller(qtbot, saved_sample)
    with qtbot.waitSignal(controller.model_changed, timeout=60_000):
        assert controller.start(small_config())
    assert panel.plot.point_count > 0 and "best dev accuracy" in panel.log.toPlainText()
    assert document.project.model_path == saved_sample.with_name("work.model")
    assert (saved_sample.with_name("work.model") / "model.safetensors").is_file()
    words = [s.words for s in document.corpus][:5]
    before = [p.best for p in controller.tagger.predict(words)]
    document.save()

    reopened, _, _ = make_controller(qtbot, saved_sample)
    assert reopened.tagger is not None
    assert [p.best for p in reopened.tagger.predict(words)] == before
    assert reopened.panel.config().epochs == 2  # the project's training settings came back too


def test_a_model_trained_untitled_moves_beside_the_project_when_it_is_first_saved(qtbot, tmp_path):
    controller, document, _ = make_controller(qtbot)
    with qtbot.waitSignal(controller.model_changed, timeout=60_000):
        assert controller.start(small_config())
    untitled_folder = document.project.model_path
    assert untitled_folder.parent.name == "models" and untitled_folder.name.startswith("untitled-")
    words = [s.words for s in document.corpus][:5]
    before = [p.best for p in controller.tagger.predict(words)]
    document.save(tmp_path / "new.tagproj")
    assert document.project.model_path == tmp_path / "new.model"
    assert Project.load(tmp_path / "new.tagproj").model_path == tmp_path / "new.model"
    reopened, _, _ = make_controller(qtbot, tmp_path / "new.tagproj")
    assert [p.best for p in reopened.tagger.predict(words)] == before
    document.save(tmp_path / "copy.tagproj")  # a later Save As keeps pointing at the model it has
    assert document.project.model_path == tmp_path / "new.model"


def training_has_progressed(panel) -> bool:
    return panel.progress_bar.format().startswith("epoch")


def close_failure_dialogs() -> list[str]:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    for box in boxes:
        box.close()
    return [box.text() for box in boxes]


def test_only_one_training_at_a_time_and_stop_button_ends_it_quickly(qtbot, saved_sample, monkeypatch):
    controller, document, panel = make_controller(qtbot, saved_sample)
    for sentence in list(document.corpus)[:1]:
        document.corpus.append_sentences([sentence.copy() for _ in range(400)])
    monkeypatch.setattr(TrainingController, "_user_prefers_new", lambda self, outcome: False)
    assert controller.start(small_config(epochs=50, batch_size=1))
    assert not controller.start(small_config()) and not panel.train_button.isEnabled()
    assert "Wait for the training" in close_failure_dialogs()[0]
    qtbot.waitUntil(lambda: training_has_progressed(panel), timeout=30_000)
    asked = time.monotonic()
    with qtbot.waitSignal(controller.running_changed, timeout=5_000):
        panel.stop_button.click()
    assert time.monotonic() - asked < 1.0 and not controller.is_running and panel.train_button.isEnabled()


def test_a_failure_in_the_worker_shows_one_dialog_and_keeps_the_corpus(qtbot, saved_sample, monkeypatch):
    def broken_fit(self, *args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(training.Trainer, "fit", broken_fit)
    controller, document, panel = make_controller(qtbot, saved_sample)
    tags_before = [s.tags for s in document.corpus]
    with qtbot.waitSignal(controller.running_changed, timeout=10_000, check_params_cb=lambda running: not running):
        controller.start(small_config())
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(dialogs) == 1 and "injected failure" in dialogs[0].text()
    assert "Traceback" in dialogs[0].detailedText()
    dialogs[0].close()
    assert "Failed: injected failure" in panel.log.toPlainText() and panel.train_button.isEnabled()
    assert [s.tags for s in document.corpus] == tags_before and controller.tagger is None


def test_closing_during_training_asks_then_stops_and_joins(qtbot, saved_sample, monkeypatch):
    controller, document, _ = make_controller(qtbot, saved_sample)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    controller.start(small_config(epochs=500, batch_size=1))
    qtbot.waitUntil(lambda: training_has_progressed(controller.panel), timeout=30_000)
    assert not controller.confirm_close() and controller.is_running
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    handle = controller.session.jobs._handle
    assert controller.confirm_close()
    assert not controller.is_running and not handle.is_running()


def test_loading_a_model_with_other_tags_offers_to_add_them(qtbot, saved_sample, tmp_path, monkeypatch):
    from tagger_gui.core.corpus import Sentence

    controller, document, _ = make_controller(qtbot, saved_sample)
    data = [Sentence.from_words(["Paris", "is", "nice"], ["B-LOC", "O", "O"])] * 4
    result = training.Trainer(small_config(epochs=1)).fit(data)
    from tagger_gui.ml.bundle import save_bundle

    save_bundle(result.tagger, tmp_path / "ner.model")
    choices = []

    def answer(box):
        choices.append(box.text())
        next(b for b in box.buttons() if b.text().replace("&", "") == wanted[0]).click()

    monkeypatch.setattr(QMessageBox, "exec", lambda box: answer(box))
    wanted = ["Cancel"]  # nothing changes
    assert not controller.load_model(tmp_path / "ner.model") and controller.tagger is None
    wanted = ["Add them to the tag set"]  # as one undoable step
    assert controller.load_model(tmp_path / "ner.model")
    assert {"B-LOC", "O"} <= set(document.corpus.tagset.names) and "B-LOC" in choices[0]
    document.undo_stack.undo()
    assert "B-LOC" not in document.corpus.tagset and controller.tagger is not None


def test_the_time_limit_field_shows_no_limit_for_none_and_round_trips(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    editor = panel._editors["max_minutes"]
    panel.set_config(preset_config("tutorial"))
    assert panel.config().max_minutes is None and editor.text() == "no limit"
    panel.set_config(preset_config("fast"))
    assert panel.config().max_minutes == 2.0 and editor.text() == "2.0 min"
    editor.setValue(0.0)
    assert panel.config().max_minutes is None
