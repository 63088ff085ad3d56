"""The loop in the window: annotate-next jumps and says why, keys and corrections are counted, a retrain
refreshes the suggestions without moving the cursor, Assist and the strategy are remembered."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tagger_gui.core.project import Project
from tagger_gui.core.resources import sample_project_path
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.training import Trainer
from tests.gui.conftest import make_window

TINY = dict(embedding_dim=16, hidden_dim=16, num_layers=1, char_hidden=16, batch_size=4, epochs=2, device="cpu")


def tiny_tagger():
    corpus = Project.load(sample_project_path()).corpus
    return Trainer(preset_config("default", **TINY)).fit([s for s in corpus if s.tagged_count], []).tagger


def test_annotate_next_goes_to_an_untagged_sentence_and_says_why(qtbot, settings):
    window = make_window(qtbot, settings)
    corpus = window.document.corpus
    window.loop_assist.set_strategy("in_order")
    window.actions["annotate_next"].trigger()
    row = window.editor.sentence_row
    assert corpus[row].tagged_count == 0 and "Next:" in window.statusBar().currentMessage()


def test_annotate_next_with_a_model_ranks_by_uncertainty(qtbot, settings):
    window = make_window(qtbot, settings)
    store = window.assist.store
    with qtbot.waitSignal(store.running_changed, timeout=30_000, check_params_cb=lambda running: not running):
        window.document.session.set_tagger(tiny_tagger())
    window.loop_assist.set_strategy("entropy")
    window.actions["annotate_next"].trigger()
    row = window.editor.sentence_row
    assert window.document.corpus[row].tagged_count == 0
    assert "chosen for its uncertain words" in window.statusBar().currentMessage() or "Next:" in window.statusBar().currentMessage()


def test_keys_and_corrections_of_the_suggestions_are_counted(window, qtbot):
    view, effort = window.editor.view, window.document.session.effort
    qtbot.keyClicks(view, "31")  # the dog: DET NOUN (no model: nothing to correct)
    record = effort.sentences["t1"]
    assert record.keys == 2 and record.tagged == 2 and record.changed == 0


def test_a_new_model_refreshes_the_suggestions_without_moving_the_cursor(qtbot, window):
    view = window.editor.view
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    before = window.editor.current_token()
    window.document.session.set_tagger(tiny_tagger())
    assert window.editor.current_token() == before and window.editor.model.prediction() is not None


def test_assist_and_the_strategy_are_remembered(qtbot, settings, tiny_project):
    window = make_window(qtbot, settings, tiny_project)
    window.actions["assist"].trigger()  # on by default: now off
    window.loop_assist.set_strategy("margin")
    again = make_window(qtbot, settings, tiny_project)
    assert not again.loop_assist.loop.enabled and not again.actions["assist"].isChecked()
    assert again.loop_assist.loop.strategy == "margin"


def test_completing_sentences_retrains_in_the_background_and_the_progress_dock_shows_it(qtbot, settings, monkeypatch):
    monkeypatch.setattr("tagger_gui.gui.file_actions.ask_unsaved", lambda *a: QMessageBox.StandardButton.Discard)
    window = make_window(qtbot, settings)
    corpus, loop = window.document.corpus, window.loop_assist.loop
    loop.every = 2
    loop.base_config = lambda: preset_config("default", **TINY)
    untagged = [row for row, s in enumerate(corpus) if s.tagged_count == 0][:2]
    assert len(untagged) == 2 and window.document.session.tagger is None
    for row in untagged:
        for token in range(len(corpus[row].tokens)):
            window.document.set_tag(row, token, "NOUN")
    qtbot.waitUntil(lambda: window.document.session.tagger is not None, timeout=60_000)
    qtbot.waitUntil(lambda: "Retrained" in window.statusBar().currentMessage(), timeout=10_000)
    assert window.loop_assist.panel.point_count == 1 and not loop.pending
