"""Model-assisted annotation in the window: score table, predictions in the editor, accepting,
pre-annotation, the model-ranked palette, uncertainty sort and jump, Try it, What changed."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tagger_gui.cli import main as cli_main
from tagger_gui.core.corpus import Split
from tagger_gui.core.project import Project
from tagger_gui.core.resources import sample_project_path
from tagger_gui.gui.panels.scores_panel import SCORE_ROLE, ScoreTableModel
from tagger_gui.ml.bundle import save_bundle
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.training import Trainer
from tagger_gui.ml.uncertainty import review_order

from .conftest import make_window


def _train(seed: int):
    """A small model that tags in fp32: its scores are compared to the last digits across batchings."""
    corpus = Project.load(sample_project_path()).corpus
    config = preset_config("default", embedding_dim=16, hidden_dim=16, num_layers=1, char_hidden=16, epochs=2,
                           device="cpu", seed=seed, precision="fp32")
    return Trainer(config).fit([s for s in corpus if s.split == Split.TRAIN], None, tagset=corpus.tagset).tagger


@pytest.fixture(scope="module")
def tagger():
    return _train(1)


@pytest.fixture
def model_window(qtbot, settings, tagger):
    """The sample project with a tiny trained model, the whole corpus predicted."""
    window = make_window(qtbot, settings)
    store = window.assist.store
    with qtbot.waitSignal(store.running_changed, timeout=30_000, check_params_cb=lambda running: not running):
        window.document.session.set_tagger(tagger)
    assert store.is_complete
    window.editor.focus_tokens()
    return window


def _untag_some(window, rows=(0, 1, 2)):
    corpus = window.document.corpus
    for row in rows:
        for i in range(0, len(corpus[row].tokens), 2):
            corpus.set_tag(row, i, None)


def test_score_table_equals_the_predictor_and_the_cli_scores(model_window, tagger, tmp_path):
    window, corpus = model_window, model_window.document.corpus
    window.sentence_list.select_row(3)
    model = window.assist.scores_panel.model
    expected = tagger.predict([corpus[3].words])[0]
    fixed = len(ScoreTableModel.FIXED)
    assert model.rowCount() == len(corpus[3].tokens) and model.columnCount() == fixed + len(tagger.tag_names)
    assert [model.headerData(fixed + j, Qt.Orientation.Horizontal) for j in range(len(tagger.tag_names))] == tagger.tag_names
    shown = np.array([[model.index(r, fixed + j).data(SCORE_ROLE) for j in range(len(tagger.tag_names))]
                      for r in range(model.rowCount())])
    np.testing.assert_allclose(shown, expected.probs, rtol=1e-6)
    window.assist.scores_panel.scores.log_button.click()
    shown_log = np.array([[model.index(r, fixed + j).data(SCORE_ROLE) for j in range(len(tagger.tag_names))]
                          for r in range(model.rowCount())])
    np.testing.assert_allclose(shown_log, expected.log_probs, rtol=1e-6)
    best = expected.best
    assert [model.index(r, ScoreTableModel.PREDICTED).data().split()[0] for r in range(model.rowCount())] == best

    # the exported TSV is the CLI's --scores text for the same sentence
    model_dir, data, out, scores = tmp_path / "m", tmp_path / "corpus.conllu", tmp_path / "o.conllu", tmp_path / "s.tsv"
    save_bundle(tagger, model_dir)
    window.document.export(data)
    assert cli_main(["predict", str(model_dir), str(data), "--out", str(out), "--scores", str(scores), "--device", "cpu"]) == 0
    cli_lines = scores.read_text().splitlines()
    exported = tmp_path / "panel.tsv"
    window.assist.scores_panel.scores.export(exported)
    panel_lines = exported.read_text().splitlines()
    assert panel_lines[0] == cli_lines[0]
    assert panel_lines[1:] == [line for line in cli_lines[1:] if line.split("\t")[0] == "4"]


def test_editor_shows_predictions_and_highlights_disagreement(model_window):
    window, corpus = model_window, model_window.document.corpus
    window.sentence_list.select_row(0)
    prediction = window.assist.store.prediction(0)
    other = next(t for t in corpus.tagset.names if t != prediction.best[0])
    corpus.set_tag(0, 0, other)
    from tagger_gui.gui.qt_models import PREDICTED_ROLE
    tokens = window.editor.model
    tag, p = tokens.index(0).data(PREDICTED_ROLE)
    assert tag == prediction.best[0] and p == pytest.approx(float(prediction.confidence[0]), rel=1e-5)
    size = window.editor.view.itemDelegate().sizeHint(None, tokens.index(0))
    window.document.session.set_tagger(None)
    assert tokens.index(0).data(PREDICTED_ROLE) is None
    assert window.editor.view.itemDelegate().sizeHint(None, tokens.index(0)).height() < size.height()


def test_space_accepts_token_shift_space_the_sentence_each_undoable(model_window, qtbot):
    window, corpus = model_window, model_window.document.corpus
    _untag_some(window, (0,))
    window.sentence_list.select_row(0)
    best = window.assist.store.prediction(0).best
    before = corpus[0].tags
    view = window.editor.view
    view.set_current_row(0)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert corpus[0].tokens[0].tag == best[0] and view.current_row() == 1
    window.document.undo_stack.undo()
    assert corpus[0].tags == before
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert corpus[0].tags == best
    window.document.undo_stack.undo()
    assert corpus[0].tags == before


def test_pre_annotation_fills_only_untagged_tokens_in_one_undo_step(model_window, qtbot):
    window, corpus = model_window, model_window.document.corpus
    _untag_some(window, (0, 1, 2))
    before = [s.tags for s in corpus]
    stack = window.document.undo_stack
    count = stack.count()
    window.actions["pre_annotate"].trigger()
    assert stack.count() == count + 1
    predictions = window.assist.store.all_predictions()
    for sentence, old, prediction in zip(corpus, before, predictions):
        assert sentence.tags == [o if o is not None else b for o, b in zip(old, prediction.best)]
    stack.undo()
    assert [s.tags for s in corpus] == before


def test_ranked_palette_digits_follow_the_model_probabilities(model_window, qtbot):
    window, corpus = model_window, model_window.document.corpus
    window.sentence_list.select_row(2)
    view = window.editor.view
    window.actions["ranked_palette"].trigger()
    assert window.editor.ranked_palette
    prediction = window.assist.store.prediction(2)
    for k in (1, 2, 3):
        view.set_current_row(1)
        order = np.argsort(-prediction.log_probs[1], kind="stable")
        qtbot.keyClick(view, str(k))
        assert corpus[2].tokens[1].tag == prediction.tag_names[order[k - 1]]
    assert "Model-ranked" in window.editor.palette_label.text()
    assert f"{np.exp(prediction.log_probs[1].max()):.0%}" in window.editor.palette_label.text()
    window.actions["ranked_palette"].trigger()
    view.set_current_row(1)
    qtbot.keyClick(view, "1")
    assert corpus[2].tokens[1].tag == corpus.tagset.names[0]


def test_uncertainty_sort_orders_by_lowest_best_tag_probability(model_window):
    window, store = model_window, model_window.assist.store
    window.actions["sort_uncertainty"].trigger()
    panel = window.sentence_list
    rows = [panel.proxy.mapToSource(panel.proxy.index(r, 0)).row() for r in range(panel.proxy.rowCount())]
    minima = [store.uncertainty(row).min_confidence for row in rows]
    assert minima == sorted(minima) and len(rows) == len(window.document.corpus)
    panel.model_combo.setCurrentIndex(panel.model_combo.findData(0.9))
    kept = [panel.proxy.mapToSource(panel.proxy.index(r, 0)).row() for r in range(panel.proxy.rowCount())]
    assert kept == [row for row in rows if store.uncertainty(row).min_confidence < 0.9]


def test_jump_key_lands_on_the_most_uncertain_untagged_or_disagreeing_token(model_window, qtbot):
    window, corpus = model_window, model_window.document.corpus
    _untag_some(window, (5, 9))
    order = review_order([s.tags for s in corpus], window.assist.store.all_predictions())
    in_order = {(r.sentence, r.token) for r in order}
    start = next((s, t) for s in range(len(corpus)) for t in range(len(corpus[s].tokens)) if (s, t) not in in_order)
    window.sentence_list.select_row(start[0])
    window.editor.view.set_current_row(start[1])
    qtbot.keyClick(window.editor.view, Qt.Key.Key_F8)
    assert (window.editor.sentence_row, window.editor.current_token()) == (order[0].sentence, order[0].token)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_F8)
    assert (window.editor.sentence_row, window.editor.current_token()) == (order[1].sentence, order[1].token)


def test_try_it_predicts_typed_text(model_window, tagger):
    panel = model_window.assist.try_panel
    panel.set_text("The dog can't sleep.")
    words = ["The", "dog", "ca", "n't", "sleep", "."]
    assert panel.scores.model.words == words
    expected = tagger.predict([words])[0]
    np.testing.assert_allclose(panel.scores.model.prediction.log_probs, expected.log_probs)
    assert all(tag in panel.tags_label.text() for tag in expected.best)


def test_retrain_lists_tokens_whose_prediction_changed(model_window, qtbot):
    window, store = model_window, model_window.assist.store
    old = [p.best for p in store.all_predictions()]
    new_tagger = _train(7)
    with qtbot.waitSignal(store.changes_ready, timeout=30_000):
        window.document.session.set_tagger(new_tagger)
    new = [p.best for p in new_tagger.predict([s.words for s in window.document.corpus])]
    expected = {(window.document.corpus[s].id, t) for s, (a, b) in enumerate(zip(old, new))
                for t, (x, y) in enumerate(zip(a, b)) if x != y}
    model = window.assist.changes_panel.model
    assert {(sid, c.token) for sid, c in model.changes} == expected
    if model.changes:
        sid, change = model.changes[0]
        window.assist.changes_panel.table.doubleClicked.emit(model.index(0, 0))
        assert window.editor.sentence_row == window.document.corpus.index_of(sid)
        assert window.editor.current_token() == change.token
