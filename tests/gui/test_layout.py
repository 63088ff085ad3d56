"""The default layout at 1280x800 (a common laptop) and View > Zoom.

Screenshots with a trained model and real data: ``benchmarks/screenshots.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tagger_gui.core.corpus import Corpus, Sentence, Tag, TagSet
from tagger_gui.core.project import Project
from tagger_gui.gui.panels.scores_panel import ScoreTable
from tagger_gui.gui.zoom import FONT_KEY, default_points
from tagger_gui.ml.evaluation import EvaluationRun
from tagger_gui.ml.metrics import evaluate_predictions
from tagger_gui.ml.predict import Prediction
from tagger_gui.ml.uncertainty import TagChange
from tests.gui.conftest import TINY_TAGS, make_window

LAPTOP = (1280, 800)
LONG_ID = "weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713-0005"
WORDS = ("Bush also nominated A. Noel Anketell Kramer for a 15 - year term as associate judge of the District "
         "of Columbia Court of Appeals , replacing John Montague Steadman .").split()


@pytest.fixture(autouse=True)
def default_font():
    """Zoom changes the application's font: every test here ends at the size it started with."""
    yield
    font = QApplication.font()
    font.setPointSizeF(default_points())
    QApplication.setFont(font)


@pytest.fixture
def long_project(tmp_path):
    """One 30-word sentence with a long EWT id (its cards wrap at 1280 px) and a few short ones."""
    tagset = TagSet(Tag(*spec) for spec in TINY_TAGS)
    sentences = [Sentence.from_words(WORDS, id=LONG_ID)]
    sentences += [Sentence.from_words(["a", "dog"], id=f"s{i}") for i in range(5)]
    path = tmp_path / "long.tagproj"
    Project(Corpus(sentences, tagset)).save(path)
    return path


def _flat_prediction(words: list[str], tags: list[str], best: str = "NOUN") -> Prediction:
    log_probs = np.full((len(words), len(tags)), np.log(0.5 / (len(tags) - 1)), np.float32)
    log_probs[:, tags.index(best)] = np.log(0.5)
    return Prediction(log_probs, tags)


def _laptop_window(qtbot, settings, path):
    window = make_window(qtbot, settings, path)
    window.resize(*LAPTOP)
    qtbot.waitUntil(lambda: window.width() == LAPTOP[0])
    return window


def _fully_visible(view, column: int) -> bool:
    header = view.horizontalHeader()
    start = header.sectionViewportPosition(column)
    return start >= 0 and start + header.sectionSize(column) <= view.viewport().width()


def test_zoom_changes_the_font_and_persists_into_a_new_window(qtbot, settings, tiny_project):
    window = make_window(qtbot, settings, tiny_project)
    before = QApplication.font().pointSizeF()
    word_before = window.editor.view.itemDelegate().word_font.pointSizeF()
    window.actions["zoom_in"].trigger()
    window.actions["zoom_in"].trigger()
    assert QApplication.font().pointSizeF() == before + 2
    delegate = window.editor.view.itemDelegate()
    qtbot.waitUntil(lambda: delegate.word_font.pointSizeF() > word_before)  # the cards follow (font events are posted)
    assert float(settings.value(FONT_KEY)) == before + 2
    window.actions["zoom_out"].trigger()
    assert QApplication.font().pointSizeF() == before + 1
    window.close()
    font = QApplication.font()
    font.setPointSizeF(before)
    QApplication.setFont(font)
    make_window(qtbot, settings, tiny_project)  # a new start with the same settings
    assert QApplication.font().pointSizeF() == before + 1


def test_reset_zoom_returns_to_the_system_size_and_forgets_the_setting(qtbot, settings, tiny_project):
    window = make_window(qtbot, settings, tiny_project)
    window.actions["zoom_in"].trigger()
    assert settings.contains(FONT_KEY)
    window.actions["zoom_reset"].trigger()
    assert QApplication.font().pointSizeF() == default_points()
    assert not settings.contains(FONT_KEY)
    assert [a.shortcut().toString() for a in (window.actions[n] for n in ("zoom_in", "zoom_out", "zoom_reset"))] == [
        "Ctrl++", "Ctrl+-", "Ctrl+0"]
    assert window.actions["zoom_in"] in window.menu("View").actions()


@pytest.mark.parametrize("zoom_steps", [0, 2])
def test_the_editor_shows_two_full_rows_of_cards_with_predictions(qtbot, settings, long_project, zoom_steps):
    window = _laptop_window(qtbot, settings, long_project)
    for _ in range(zoom_steps):
        window.actions["zoom_in"].trigger()
    names = window.document.corpus.tagset.names
    window.editor.set_prediction_source(lambda row: _flat_prediction(window.document.corpus[row].words, names))
    window.editor.show_sentence(0, 0)
    view = window.editor.view
    qtbot.waitUntil(lambda: view.visualRect(view.model().index(len(WORDS) - 1, 0)).top() > 0)
    first = view.visualRect(view.model().index(0, 0))
    second_row = next(view.visualRect(view.model().index(i, 0)) for i in range(len(WORDS))
                      if view.visualRect(view.model().index(i, 0)).top() > first.bottom())
    assert second_row.bottom() < view.viewport().height()
    assert view.viewport().height() >= 2 * first.height()


def test_per_tag_scores_show_every_column_at_1280(qtbot, settings, long_project):
    window = _laptop_window(qtbot, settings, long_project)
    corpus = window.document.corpus
    tags = corpus.tagset.names
    gold = [[tags[i % len(tags)] for i in range(len(WORDS))]]
    predicted = [[tags[(i + i // 3) % len(tags)] for i in range(len(WORDS))]]
    evaluation = evaluate_predictions([WORDS], gold, predicted, tags=tags)
    run = EvaluationRun(evaluation, [0], [corpus[0].copy()], predicted, 0.01)
    window.docks["evaluationDock"].raise_()
    panel = window.evaluation_panel
    panel.show_run(run)
    qtbot.waitUntil(lambda: panel.per_tag_view.isVisible())
    header = panel.per_tag_view.horizontalHeader()
    for column in range(panel.per_tag_model.columnCount()):
        assert header.sectionSize(column) >= header.sectionSizeHint(column)
        assert _fully_visible(panel.per_tag_view, column), panel.per_tag_model.COLUMNS[column]


def test_score_headers_are_never_elided(qtbot):
    """A sentence whose tags are all short made the Predicted column narrower than its header ("Predictec")."""
    table = ScoreTable()
    qtbot.addWidget(table)
    table.table.setColumnHidden(1, True)  # as Try it shows it
    words = ["a", "b"]
    table.set_content(words, None, _flat_prediction(words, ["X", "Y", "INTJ"], best="X"))
    header = table.table.horizontalHeader()
    for column in range(table.model.columnCount()):
        assert header.sectionSize(column) >= header.sectionSizeHint(column), table.model.headerData(column, 1)


def test_what_changed_shows_the_word_and_tags_before_the_long_sentence_id(qtbot, settings, long_project):
    window = _laptop_window(qtbot, settings, long_project)
    window.docks["changesDock"].raise_()
    panel = window.assist.changes_panel
    panel.set_changes([(LONG_ID, TagChange(0, 3, "A.", "NOUN", "PROPN", 0.6))], len(WORDS))
    qtbot.waitUntil(panel.table.isVisible)
    model = panel.model
    for column in (model.WORD, model.BEFORE, model.NOW, model.GOLD, model.CONFIDENCE):
        assert _fully_visible(panel.table, column), model.COLUMNS[column]
    assert panel.table.model().index(0, model.WORD).data() == "A."


def test_the_rename_dialog_is_wide_enough_for_its_question(qtbot, window):
    dialog = window.tagset_panel.rename_dialog("NOUN")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() >= 40 * dialog.fontMetrics().averageCharWidth()
    assert dialog.textValue() == "NOUN"



def test_the_right_docks_keep_their_share_when_the_window_grows(qtbot, settings, long_project):
    """Maximised on 1920x1080, the right-hand docks grow with the window, not only the central widget."""
    window = _laptop_window(qtbot, settings, long_project)
    right = window.docks["tagSetDock"]
    width = right.width()
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: right.width() != width)  # the layout follows the resize in the event loop
    assert right.width() == pytest.approx(width * 1.5, abs=4)
    window.resize(*LAPTOP)
    qtbot.waitUntil(lambda: right.width() < width * 1.2)
    assert right.width() == pytest.approx(width, abs=4)


def test_per_tag_scores_beside_the_matrix_in_a_wide_dock_show_every_column(qtbot, settings, long_project):
    """Evaluated in a laptop-sized window, then maximised on a large screen: the table moves beside the matrix whole."""
    window = _laptop_window(qtbot, settings, long_project)
    right = window.docks["evaluationDock"]
    right.raise_()
    panel = window.evaluation_panel
    corpus, tags = window.document.corpus, window.document.corpus.tagset.names
    gold = [[tags[i % len(tags)] for i in range(len(WORDS))]]
    predicted = [[tags[(i + i // 3) % len(tags)] for i in range(len(WORDS))]]
    panel.show_run(EvaluationRun(evaluate_predictions([WORDS], gold, predicted, tags=tags), [0], [corpus[0].copy()],
                                 predicted, 0.01))
    qtbot.waitUntil(lambda: panel.per_tag_view.isVisible())
    window.resize(2560, 1440)
    qtbot.waitUntil(lambda: panel.tables_splitter.orientation() == Qt.Orientation.Horizontal)
    for column in range(panel.per_tag_model.columnCount()):
        assert _fully_visible(panel.per_tag_view, column), panel.per_tag_model.COLUMNS[column]


def test_the_right_docks_tab_titles_are_whole_at_1280(qtbot, settings, long_project):
    """Six docks share the right-hand tab bar: none of their titles is squeezed to "Trai…"."""
    from PySide6.QtWidgets import QTabBar

    window = _laptop_window(qtbot, settings, long_project)
    titles = {window.docks[name].windowTitle() for name in ("tagSetDock", "trainingDock", "progressDock")}
    bars = [bar for bar in window.findChildren(QTabBar)
            if bar.isVisible() and titles <= {bar.tabText(i) for i in range(bar.count())}]
    assert len(bars) == 1
    bar = bars[0]
    assert bar.count() == 6
    assert all(bar.tabRect(i).width() >= bar.tabSizeHint(i).width() for i in range(bar.count()))


def test_the_editor_header_keeps_the_end_of_a_long_sentence_id(qtbot, settings, long_project):
    """A clipped header lost the id's distinguishing end (its sentence number); its middle is elided instead."""
    window = _laptop_window(qtbot, settings, long_project)
    title = window.editor.title
    window.sentence_list.select_row(0)
    qtbot.waitUntil(lambda: LONG_ID in title.full_text())
    assert title.text().endswith(LONG_ID[-12:]) and "…" in title.text()
    assert title.fontMetrics().horizontalAdvance(title.text()) <= title.contentsRect().width()
    window.resize(2400, 800)
    qtbot.waitUntil(lambda: title.text() == title.full_text())  # room enough: the whole id
