"""The sentence list: ids elided in the middle, the filtered count, and a filter reset by opening a project."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from tagger_gui.core.corpus import Status
from tagger_gui.gui.qt_models import SentenceTableModel


def test_sentence_ids_elide_in_the_middle_and_the_text_at_the_end(window):
    table = window.sentence_list.table
    modes = {}
    for column in (SentenceTableModel.ID, SentenceTableModel.TEXT):
        option = QStyleOptionViewItem()
        option.textElideMode = table.textElideMode()  # what the view passes to its delegates
        delegate = table.itemDelegateForColumn(column) or table.itemDelegate()
        delegate.initStyleOption(option, table.model().index(0, column))
        modes[column] = option.textElideMode
    assert modes[SentenceTableModel.ID] == Qt.TextElideMode.ElideMiddle
    assert modes[SentenceTableModel.TEXT] == Qt.TextElideMode.ElideRight  # the sentence text keeps its end elision


def test_an_active_filter_shows_how_many_sentences_of_all(window, qtbot):
    panel = window.sentence_list
    assert panel.count_text() == "" and panel.count_label.isHidden()
    qtbot.keyClicks(panel.filter_edit, "book")
    panel.apply_filter()
    assert panel.count_label.text() == "1 of 3 sentences" and not panel.count_label.isHidden()
    panel.filter_edit.clear()
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(Status.UNTAGGED))
    assert panel.count_label.text() == "3 of 3 sentences"  # a filter that hides nothing is still a filter
    window.document.remove_sentences([0])
    assert panel.count_label.text() == "2 of 2 sentences"  # follows edits
    panel.status_combo.setCurrentIndex(0)
    assert panel.count_label.isHidden()


def test_opening_another_project_clears_the_filter(window, qtbot, tiny_project):
    panel = window.sentence_list
    qtbot.keyClicks(panel.filter_edit, "no such words")
    panel.split_combo.setCurrentIndex(panel.split_combo.findText("test"))
    panel.apply_filter()
    assert panel.proxy.rowCount() == 0
    window.document.open_project(tiny_project)
    assert panel.filter_edit.text() == "" and panel.split_combo.currentIndex() == 0
    assert panel.proxy.rowCount() == 3 and panel.count_label.isHidden() and window.editor.sentence_row == 0


def test_sorting_by_uncertainty_shows_the_list_from_its_top(qtbot, settings, tmp_path):
    from tagger_gui.core.corpus import Corpus, Sentence
    from tagger_gui.core.project import Project
    from tests.gui.conftest import make_window

    path = tmp_path / "many.tagproj"
    Project(Corpus([Sentence.from_words(["word", str(i)], id=f"m{i}") for i in range(300)])).save(path)
    panel = make_window(qtbot, settings, path).sentence_list
    bar = panel.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    panel.sort_by_uncertainty()
    assert bar.value() == 0
