"""Evaluation dock (confusion cell -> its tokens -> the editor) and the likely-errors dock (run, stop, accept/keep, undo)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tagger_gui.core.corpus import Corpus, Sentence, Split, TagSet
from tagger_gui.core.project import Project
from tagger_gui.ml.review import Decision
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.error_finder import FinderResult, Suspect
from tagger_gui.ml.training import Trainer
from tests.gui.conftest import make_window

TINY = dict(embedding_dim=16, hidden_dim=16, num_layers=1, char_hidden=16, batch_size=8, device="cpu")


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models on a shared 2-core machine: one torch thread avoids oversubscription stalls."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def sample_tagger(one_thread):
    from tagger_gui.core.resources import sample_project_path

    corpus = Project.load(sample_project_path()).corpus
    train = [s for s in corpus if s.split == Split.TRAIN]
    return Trainer(preset_config("default", epochs=2, **TINY)).fit(train, [], tagset=corpus.tagset).tagger


def _use_model(window, tagger):
    window.document.session.set_tagger(tagger)


def _click(qtbot, view, index, double=False):
    view.scrollTo(index)
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if double:  # a real double click starts with a press: QTest's lone double-click event is ignored by views
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_confusion_cell_lists_exactly_its_tokens_and_double_click_jumps(qtbot, sample_window, sample_tagger):
    panel = sample_window.evaluation_panel
    sample_window.docks["evaluationDock"].raise_()
    _use_model(sample_window, sample_tagger)
    panel.split_combo.setCurrentIndex(panel.split_combo.findData("all"))
    assert panel.evaluate()
    qtbot.waitUntil(lambda: panel.run is not None, timeout=30_000)
    run = panel.run
    assert run is not None and run.evaluation.words == sample_window.document.corpus.tagged_word_count
    assert "Accuracy" in panel.summary.text()
    model = panel.confusion_model
    # pick the largest off-diagonal cell (a 2-epoch model makes mistakes), else the largest cell
    cells = [(model.counts[r, c], r, c) for r in range(model.rowCount()) for c in range(model.columnCount())]
    errors = [cell for cell in cells if cell[1] != cell[2] and cell[0]]
    count, r, c = max(errors or cells)
    _click(qtbot, panel.confusion_view, model.index(r, c))
    gold, predicted = model.tags[r], model.tags[c]
    expected = [
        (row, t) for row, sentence, tags in zip(run.rows, run.sentences, run.predicted)
        for t, (token, tag) in enumerate(zip(sentence.tokens, tags)) if token.tag == gold and tag == predicted
    ]
    shown = [(panel.hits_model.hit(i).row, panel.hits_model.hit(i).token) for i in range(panel.hits_model.rowCount())]
    assert shown == expected and len(shown) == count > 0
    last = panel.hits_model.index(len(shown) - 1, 2)
    _click(qtbot, panel.hits_view, last, double=True)
    row, token = expected[-1]
    assert sample_window.editor.sentence_row == row and sample_window.editor.current_token() == token


def test_evaluation_without_model_does_nothing(sample_window):
    assert not sample_window.evaluation_panel.evaluate()
    assert not sample_window.evaluation_panel.evaluate_button.isEnabled()


def _review_project(tmp_path, n=40):
    tagset = TagSet(["DET", "NOUN", "VERB", "PUNCT"])
    sentences = [Sentence.from_words(["the", "dog", "sees", "a", "cat", "."], ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"],
                                     id=f"s{i}") for i in range(n)]
    sentences[3].tokens[1].tag = "VERB"  # a planted error
    path = tmp_path / "review.tagproj"
    Project(Corpus(sentences, tagset)).save(path)
    return path


def _fake_result(window, suspects):
    return FinderResult(suspects, 3, 3, 240, 0.99, False, 1.0)


def test_accept_and_keep_are_undoable(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, _review_project(tmp_path))
    panel, corpus, stack = window.review_panel, window.document.corpus, window.document.undo_stack
    suspects = [Suspect(3, "s3", 1, "dog", "VERB", "NOUN", 0.98, 0.01, 4.6), Suspect(5, "s5", 2, "sees", "VERB", "NOUN", 0.6, 0.3, 0.7)]
    panel.show_result(_fake_result(window, suspects))
    assert panel.model.rowCount() == 2 and "[dog]" in panel.model.index(0, 2).data()
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # accept row 0, go to row 1
    assert corpus[3].tokens[1].tag == "NOUN" and panel.model.item(0).decision is Decision.ACCEPTED
    assert panel.view.currentIndex().row() == 1
    qtbot.keyClick(panel.view, Qt.Key.Key_K)  # keep row 1
    assert corpus[5].tokens[2].tag == "VERB" and panel.model.item(1).decision is Decision.KEPT
    stack.undo()
    assert panel.model.item(1).decision is Decision.PENDING
    stack.undo()
    assert corpus[3].tokens[1].tag == "VERB" and panel.model.item(0).decision is Decision.PENDING
    stack.redo()
    assert corpus[3].tokens[1].tag == "NOUN" and panel.model.item(0).decision is Decision.ACCEPTED


def test_finder_runs_in_the_background_and_finds_the_planted_error(qtbot, settings, tmp_path, monkeypatch):
    monkeypatch.setattr("tagger_gui.gui.panels.review_panel.finder_config",
                        lambda **kw: preset_config("default", **{**TINY, "epochs": 4, "patience": 0, **kw}))
    window = make_window(qtbot, settings, _review_project(tmp_path))
    panel = window.review_panel
    panel.folds_spin.setValue(3)
    panel.epochs_spin.setValue(4)
    assert panel.start()
    assert not panel.find_button.isEnabled() and panel.stop_button.isEnabled()
    with qtbot.waitSignal(panel.running_changed, timeout=60_000):
        pass
    assert panel.result is not None and not panel.result.stopped and panel.progress.value() > 0
    top = panel.model.item(0).suspect
    assert (top.sentence_id, top.token, top.suggested) == ("s3", 1, "NOUN")
    _click(qtbot, panel.view, panel.model.index(0, 2), double=True)
    assert window.editor.sentence_row == 3 and window.editor.current_token() == 1


def test_finder_stops_on_request(qtbot, settings, tmp_path, monkeypatch):
    monkeypatch.setattr("tagger_gui.gui.panels.review_panel.finder_config",
                        lambda **kw: preset_config("default", **{**TINY, "batch_size": 1, "patience": 0, **kw}))
    window = make_window(qtbot, settings, _review_project(tmp_path, n=200))
    panel = window.review_panel
    panel.epochs_spin.setValue(50)
    assert panel.start()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=30_000)
    with qtbot.waitSignal(panel.running_changed, timeout=5_000):
        panel.stop_button.click()
    assert not panel.is_running and panel.result.stopped and panel.find_button.isEnabled()


def test_no_search_while_training(qtbot, settings, tmp_path):
    from tagger_gui.session import TRAINING, Job

    window = make_window(qtbot, settings, _review_project(tmp_path))
    jobs = window.document.session.jobs
    jobs.start(Job(TRAINING, lambda stop, report: stop.wait(10)))
    try:
        assert not window.review_panel.start() and not window.review_panel.find_button.isEnabled()
        assert "Wait for the training" in window.review_panel.status.text()
    finally:
        jobs.shutdown()


def test_decision_buttons_need_a_selected_row(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, _review_project(tmp_path))
    panel = window.review_panel
    buttons = (panel.accept_button, panel.keep_button)
    assert not any(b.isEnabled() for b in buttons)
    panel.show_result(_fake_result(window, [Suspect(3, "s3", 1, "dog", "VERB", "NOUN", 0.98, 0.01, 4.6)]))
    assert all(b.isEnabled() for b in buttons)
    panel.view.clearSelection()
    assert not any(b.isEnabled() for b in buttons)
    panel.view.selectRow(0)
    panel.clear()
    assert not any(b.isEnabled() for b in buttons)


def test_no_training_while_the_finder_runs(qtbot, settings, tmp_path, monkeypatch):
    def wait_for_stop(*args, should_stop, **kwargs):
        should_stop.wait(10)
        return FinderResult([], 3, 0, 0, 0.0, True, 0.0)

    monkeypatch.setattr("tagger_gui.gui.panels.review_panel.find_errors", wait_for_stop)
    window = make_window(qtbot, settings, _review_project(tmp_path))
    panel, actions = window.review_panel, window.actions
    assert panel.start()
    assert not actions["train"].isEnabled() and not actions["find_errors"].isEnabled()
    assert not window.training_panel.train_button.isEnabled() and not window.training.start()
    [box] = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert "Wait for the error finder" in box.text()
    box.close()
    with qtbot.waitSignal(panel.running_changed, timeout=10_000):
        panel.stop()
    assert actions["train"].isEnabled() and actions["find_errors"].isEnabled()
    assert window.training_panel.train_button.isEnabled()


def test_the_review_list_and_its_decisions_come_back_when_the_project_is_reopened(qtbot, settings, tmp_path):
    path = _review_project(tmp_path)
    window = make_window(qtbot, settings, path)
    panel = window.review_panel
    suspects = [Suspect(3, "s3", 1, "dog", "VERB", "NOUN", 0.98, 0.01, 4.6), Suspect(5, "s5", 2, "sees", "VERB", "NOUN", 0.6, 0.3, 0.7)]
    panel.show_result(_fake_result(window, suspects))
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # accept the first
    window.document.save()
    again = make_window(qtbot, settings, path)
    restored = again.review_panel
    assert restored.model.rowCount() == 2 and restored.result.checked_tokens == 240
    assert [restored.model.item(r).decision for r in range(2)] == [Decision.ACCEPTED, Decision.PENDING]
    assert again.document.corpus[3].tokens[1].tag == "NOUN"


def test_evaluation_offers_exactly_the_held_out_sentences_that_pick_the_epoch(qtbot, settings, tmp_path, sample_tagger):
    path = _review_project(tmp_path, n=60)  # all train, none marked dev: training holds a share out
    window = make_window(qtbot, settings, path)
    panel = window.evaluation_panel
    _use_model(window, sample_tagger)
    assert panel.split_combo.currentData() == "held_out"  # the default: what a Train just picked its epoch on
    held = window.document.session.dev_sentences()
    assert held and len(held) < 60
    assert panel.evaluate()
    qtbot.waitUntil(lambda: panel.run is not None, timeout=30_000)
    assert [s.id for s in panel.run.sentences] == [s.id for s in held]
