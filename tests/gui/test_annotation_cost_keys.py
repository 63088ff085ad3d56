"""The annotation cost model counts the presses the real tag editor needs: replay its plans with qtbot."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tagger_gui.core.corpus import Sentence
from tagger_gui.gui.document import Document
from tagger_gui.gui.panels.tag_editor import TagEditorPanel
from tagger_gui.ml.annotation_cost import sentence_cost
from tagger_gui.ml.predict import Prediction
from tagger_gui.ml.uncertainty import is_unsure

KEYS = {"Space": Qt.Key.Key_Space, "Right": Qt.Key.Key_Right, "Left": Qt.Key.Key_Left, "Home": Qt.Key.Key_Home,
        "End": Qt.Key.Key_End, "Return": Qt.Key.Key_Return, "Tab": Qt.Key.Key_Tab}

GOLD = ["PRON", "VERB", "DET", "ADJ", "NOUN", "ADP", "PROPN", "PUNCT", "SCONJ", "AUX", "ADV"]
WORDS = "I saw the old dog in Paris , because was so".split()


def _prediction(names: list[str], best: list[str], runner_up: list[str], sure: tuple[int, ...] = ()) -> Prediction:
    """Scores that rank ``best`` first and ``runner_up`` second for each token: 0.6, or 0.95 on the ``sure`` tokens."""
    log_probs = np.full((len(best), len(names)), np.log(0.001), dtype=np.float32)
    for t, (first, second) in enumerate(zip(best, runner_up)):
        log_probs[t, names.index(first)] = np.log(0.95 if t in sure else 0.6)
        log_probs[t, names.index(second)] = np.log(0.03 if t in sure else 0.3)
    return Prediction(log_probs, names)


def _press(qtbot, view, key: str) -> None:
    if key in ("Shift+Space", "Shift+Tab"):
        qtbot.keyClick(view, KEYS[key[6:]], Qt.KeyboardModifier.ShiftModifier)
    elif key in KEYS:
        qtbot.keyClick(view, KEYS[key])
    else:
        qtbot.keyClicks(view, key)


@pytest.fixture
def editor(qtbot):
    document = Document()
    document.corpus.append_sentences([Sentence.from_words(WORDS)])
    panel = TagEditorPanel(document)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_sentence(0)
    panel.focus_tokens()
    return panel


def _ranked(prediction: Prediction) -> list[list[str]]:
    order = np.argsort(-prediction.log_probs, axis=1, kind="stable")
    return [[prediction.tag_names[k] for k in row[:9]] for row in order.tolist()]


def test_from_scratch_presses_tag_the_sentence_in_the_real_editor(editor, qtbot):
    names = editor.document.corpus.tagset.names
    cost = sentence_cost(GOLD, names)
    for key in cost.presses:
        _press(qtbot, editor.view, key)
    assert editor.document.corpus[0].tags == GOLD
    assert cost.keys == len(cost.presses) + 1 < 2 * len(GOLD)


@pytest.mark.parametrize("wrong", [(1,), (1, 4, 9), (9,), tuple(range(len(GOLD)))])
def test_presses_with_suggestions_fix_exactly_the_wrong_tokens(editor, qtbot, wrong):
    names = editor.document.corpus.tagset.names
    suggested = ["X" if t in wrong else tag for t, tag in enumerate(GOLD)]
    prediction = _prediction(names, suggested, [tag if t in wrong else "X" for t, tag in enumerate(GOLD)])
    editor.set_prediction_source(lambda row: prediction)
    editor.set_ranked_palette(True)
    cost = sentence_cost(GOLD, names, prediction.best, _ranked(prediction))
    assert cost.changed == len(wrong)
    for key in cost.presses:
        _press(qtbot, editor.view, key)
    assert editor.document.corpus[0].tags == GOLD
    if len(wrong) == 1 and wrong[0] == 9:
        assert cost.presses == ("Shift+Space", "End", "Left", "2")


def _sure_except(names: list[str], wrong: tuple[int, ...]) -> Prediction:
    """The model suggests ``X`` on the ``wrong`` tokens (unsure, gold second) and the gold tag elsewhere (sure)."""
    suggested = ["X" if t in wrong else tag for t, tag in enumerate(GOLD)]
    runner_up = [tag if t in wrong else "X" for t, tag in enumerate(GOLD)]
    return _prediction(names, suggested, runner_up, sure=tuple(t for t in range(len(GOLD)) if t not in wrong))


def test_tab_visits_the_unsure_and_the_disagreeing_tokens_then_the_ends(editor, qtbot):
    prediction = _sure_except(editor.document.corpus.tagset.names, (3, 8))
    editor.set_prediction_source(lambda row: prediction)
    view = editor.view
    for key in ("Right",) * 5 + ("X",):  # token 5: a tag the model (sure of ADP) disagrees with
        _press(qtbot, view, key)
    _press(qtbot, view, "Home")
    visited = []
    for key in ("Tab",) * 4 + ("Shift+Tab",) * 4:
        _press(qtbot, view, key)
        visited.append(editor.current_token())
    assert visited == [3, 5, 8, 10, 8, 5, 3, 0]


@pytest.mark.parametrize("wrong", [(4,), (2, 9), (6, 7)])
def test_presses_with_tab_jumps_fix_exactly_the_wrong_tokens(editor, qtbot, wrong):
    names = editor.document.corpus.tagset.names
    prediction = _sure_except(names, wrong)
    editor.set_prediction_source(lambda row: prediction)
    editor.set_ranked_palette(True)
    stops = [is_unsure(c) for c in prediction.confidence.tolist()]
    assert [t for t, stop in enumerate(stops) if stop] == list(wrong)
    cost = sentence_cost(GOLD, names, prediction.best, _ranked(prediction), stops)
    assert "Tab" in cost.presses and cost.changed == len(wrong)
    for key in cost.presses:
        _press(qtbot, editor.view, key)
    assert editor.document.corpus[0].tags == GOLD
