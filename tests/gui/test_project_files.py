"""Projects and files through the window: save/reopen, import with preview, export, the unsaved prompt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import read_file, write_file
from tagger_gui.core.project import Project
from tagger_gui.gui.dialogs import ImportPreviewDialog

from .conftest import make_window

IMPORTED = [
    Sentence.from_words(["Birds", "fly", "."], ["NOUN", "VERB", "PUNCT"]),
    Sentence.from_words(["Wow", "!"], ["INTJ", "PUNCT"]),  # INTJ is not in the tiny tag set
]


def snapshot(corpus):
    return [(s.id, s.words, s.tags, s.split, s.reviewed) for s in corpus], corpus.tagset.to_dict()


def save_dialog_returns(monkeypatch, path, chosen=""):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), chosen))


def accept_import(monkeypatch, seen=None, replace=False):
    def run(dialog):
        if seen is not None:
            seen["summary"] = dialog.summary.text()
        dialog.replace_radio.setChecked(replace)
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportPreviewDialog, "exec", run)


def test_save_reopen_gives_the_same_content(window, qtbot, monkeypatch, tmp_path, settings):
    qtbot.keyClicks(window.editor.view, "31212")
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    window.document.set_split([2], "dev")
    window.document.add_tag(__import__("tagger_gui.core.corpus", fromlist=["Tag"]).Tag("ADJ", "adjective", "#f28e2b"))
    target = tmp_path / "saved"
    save_dialog_returns(monkeypatch, target)
    window.actions["save_as"].trigger()
    saved = tmp_path / "saved.tagproj"
    assert saved.is_file() and not window.isWindowModified() and window.windowTitle().startswith("saved")
    before = snapshot(window.document.corpus)
    other = make_window(qtbot, settings, saved)
    assert snapshot(other.document.corpus) == before == snapshot(Project.load(saved).corpus)
    assert str(saved.resolve()) in window.files.recent_files()


def test_save_writes_to_the_project_file_without_asking(window, qtbot, monkeypatch, tiny_project):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("asked for a file name"))
    qtbot.keyClick(window.editor.view, Qt.Key.Key_1)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert Project.load(tiny_project).corpus[0].tags[0] == "NOUN" and not window.isWindowModified()


@pytest.mark.parametrize("suffix", [".conllu", ".tsv", ".jsonl", ".txt"])
def test_import_each_format_with_preview_and_undo(window, monkeypatch, tmp_path, suffix):
    path = tmp_path / f"new{suffix}"
    write_file(path, [s.copy() for s in IMPORTED])
    seen = {}
    accept_import(monkeypatch, seen)
    corpus, before = window.document.corpus, snapshot(window.document.corpus)
    assert window.files.import_path(path)
    assert len(corpus) == 5 and corpus[3].words == ["Birds", "fly", "."]
    assert "<b>2</b> sentences" in seen["summary"] and "<b>5</b> words" in seen["summary"]
    if suffix != ".txt":
        assert corpus[4].tags == ["INTJ", "PUNCT"] and "INTJ" in corpus.tagset
        assert "INTJ" in seen["summary"].split("not in the tag set")[1]
    else:
        assert corpus[3].tags == [None, None, None]
    window.document.undo_stack.undo()  # the whole import is one step
    assert snapshot(corpus) == before


def test_import_replace_and_bad_file(window, monkeypatch, tmp_path):
    path = tmp_path / "replace.jsonl"
    write_file(path, [s.copy() for s in IMPORTED])
    accept_import(monkeypatch, replace=True)
    assert window.files.import_path(path)
    assert [s.words for s in window.document.corpus] == [s.words for s in IMPORTED]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"tokens": 3}\n')
    dialog = ImportPreviewDialog(bad, window.document.corpus.tagset)
    assert "bad.jsonl:1" in dialog.summary.text() and not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()


@pytest.mark.parametrize("chosen", ["CoNLL-U (*.conllu)", "Token/tag columns (*.tsv *.conll)", "JSON lines (*.jsonl)"])
def test_export_and_reimport(window, qtbot, monkeypatch, tmp_path, chosen):
    qtbot.keyClicks(window.editor.view, "31212")
    target = tmp_path / "out"  # no suffix: the chosen filter decides
    save_dialog_returns(monkeypatch, target, chosen)
    assert window.files.export_dialog()
    written = next(tmp_path.glob("out.*"))
    again = read_file(written)
    assert [(s.words, s.tags) for s in again] == [(s.words, s.tags) for s in window.document.corpus]


def test_export_plain_text_keeps_the_words(window, tmp_path):
    assert window.files.export_path(tmp_path / "words.txt")
    assert (tmp_path / "words.txt").read_text().splitlines()[0] == "the dog ate the apple"


def test_open_a_corpus_file_starts_an_untitled_project(qtbot, settings, ewt_dir):
    window = make_window(qtbot, settings, ewt_dir / "en_ewt-ud-dev.conllu")
    assert len(window.document.corpus) > 2000 and window.document.path is None
    assert window.document.corpus.tagset.names[0] == "NOUN"  # the UD UPOS preset covers EWT's tags
    assert window.editor.model.rowCount() == len(window.document.corpus[0].tokens)


@pytest.mark.parametrize("answer", ["Cancel", "Discard", "Save"])
def test_unsaved_changes_prompt_on_close(window, qtbot, monkeypatch, tiny_project, answer):
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_2)
    window.close()
    assert asked and "tiny" in asked[0] and "unsaved" in asked[0]
    assert window.isVisible() == (answer == "Cancel")
    saved_tag = Project.load(tiny_project).corpus[0].tags[0]
    assert saved_tag == ("VERB" if answer == "Save" else None)


def test_unsaved_prompt_on_open_and_new(window, qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(window.editor.view, Qt.Key.Key_2)
    assert not window.files.new_project() and not window.files.open_dialog()
    assert window.document.corpus[0].tags[0] == "VERB"  # nothing was dropped
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Discard)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getItem", lambda *a, **k: ("Penn Treebank", True))
    assert window.files.new_project()
    assert len(window.document.corpus) == 0 and "NN" in window.document.corpus.tagset
    assert window.editor.sentence_row is None and not window.isWindowModified()


def test_open_error_is_shown_not_raised(window, monkeypatch, tmp_path):
    bad = tmp_path / "broken.tagproj"
    bad.write_text("{not json")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert not window.files.open_path(bad)
    assert shown and "broken.tagproj" in shown[0] and len(window.document.corpus) == 3


def test_geometry_and_recent_files_persist(window, qtbot, settings, tiny_project):
    window.resize(790, 640)  # above the minimum height: the editor keeps two rows of cards
    window.files.remember(tiny_project)
    window.close()
    again = make_window(qtbot, settings, tiny_project)
    assert again.height() == 640 and again.height() != 800  # restored, not the default
    assert again.recent_menu.actions()[0].toolTip() == str(tiny_project.resolve())
