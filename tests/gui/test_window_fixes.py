"""Bugs a code read found, each pinned: undo of an import's new tag, invalid settings in the form,
the tag column of a corpus opened from the command line, a worse model never replacing a better one."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from tagger_gui.core.corpus import Sentence
from tagger_gui.gui.app import build_window
from tagger_gui.gui.document import Document
from tagger_gui.gui.panels.training_panel import TrainingPanel
from tagger_gui.gui.training_controller import TrainingController
from tests.gui.test_training_controller import make_controller, saved_sample, small_config  # noqa: F401 (fixture)

CONLLU = """# sent_id = a1
1\tDogs\tdog\tNOUN\tNNS\t_\t2\tnsubj\t_\t_
2\tbark\tbark\tVERB\tVBP\t_\t0\troot\t_\t_

"""


def test_undo_then_redo_of_an_import_keeps_the_new_tag_on_its_tokens(qtbot):
    document = Document()
    document.import_sentences([Sentence.from_words(["Paris", "shines"], ["LOC-NEW", None], id="imp")])
    assert document.corpus.by_id("imp").tags == ["LOC-NEW", None] and "LOC-NEW" in document.corpus.tagset
    document.undo_stack.undo()
    assert "LOC-NEW" not in document.corpus.tagset
    document.undo_stack.redo()
    assert document.corpus.by_id("imp").tags == ["LOC-NEW", None] and "LOC-NEW" in document.corpus.tagset


def test_a_learning_rate_of_zero_is_refused_in_the_form_with_a_message(qtbot, monkeypatch):
    warnings, requests = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.train_requested.connect(lambda *args: requests.append(args))
    panel._editors["lr"].setValue(0.0)
    panel.train_button.click()
    assert requests == [] and len(warnings) == 1 and "lr" in warnings[0]
    assert "Cannot train with these settings" in panel.log.toPlainText()


def test_a_corpus_opened_from_the_command_line_takes_the_chosen_column(qtbot, tmp_path, settings):
    corpus = tmp_path / "tiny.conllu"
    corpus.write_text(CONLLU, encoding="utf-8")
    for column, tags in (("upos", ["NOUN", "VERB"]), ("xpos", ["NNS", "VBP"])):
        window, error = build_window(corpus, settings, column)
        qtbot.addWidget(window, before_close_func=lambda w: w.document.undo_stack.setClean())
        assert error is None and window.document.corpus[0].tags == tags
        assert window.document.project.tag_column == column
        assert window.windowTitle().startswith("tiny.conllu") and window.files._folder() == str(tmp_path)


def test_a_worse_model_from_a_stopped_run_does_not_replace_the_better_one(qtbot, saved_sample, monkeypatch):  # noqa: F811
    controller, document, _ = make_controller(qtbot, saved_sample)
    with qtbot.waitSignal(controller.model_changed, timeout=120_000):
        controller.start(small_config(epochs=3))
    better, folder = controller.tagger, document.project.model_path
    weights = (folder / "model.safetensors").read_bytes()
    asked = []
    monkeypatch.setattr(TrainingController, "_user_prefers_new", lambda self, outcome: asked.append(outcome) or False)
    with qtbot.waitSignal(controller.running_changed, timeout=120_000, check_params_cb=lambda running: not running):
        controller.start(small_config(epochs=1, lr=1e-6))
    assert len(asked) == 1 and asked[0].new_accuracy < asked[0].previous_accuracy
    assert controller.tagger is better and (folder / "model.safetensors").read_bytes() == weights
    assert "Kept the current model" in controller.panel.log.toPlainText()


def test_training_an_empty_project_says_why_and_opening_another_resets_the_panel(qtbot, window):
    window.training_panel.log.appendPlainText("a line of the previous run")
    window.training_panel.plot.add_losses([1, 2], [1.0, 0.5])
    window.document.new_project()
    panel = window.training_panel
    assert panel.log.toPlainText() == "" and panel.plot.point_count == 0 and panel.speed_label.text() == ""
    assert not window.training.start()
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1 and "Nothing to train on" in boxes[0].text() and not boxes[0].detailedText()
    boxes[0].close()
