"""The window against hostile files (issue 16): damaged recovery files, another window's save, broken projects."""

from __future__ import annotations

import json
import os

import pytest
from PySide6.QtWidgets import QMessageBox

from tagger_gui.core.project import Project
from tagger_gui.core.recovery import RecoveryStore
from tagger_gui.gui import file_actions
from tagger_gui.gui.autosave import offer_recovery
from tagger_gui.gui.document import Document
from tagger_gui.gui.main_window import MainWindow


def _damaged_recovery(tiny_project, folder) -> None:
    """A recovery file of a dead process whose header reads but whose sentences do not."""
    RecoveryStore(folder).save(Project.load(tiny_project))
    [written] = list(folder.iterdir())
    written.write_text(written.read_text().replace('"pid": ', '"pid": -').replace('"tags": [', '"tags": 5, "x": [', 1))


@pytest.mark.parametrize("choice", ["Keep a Copy Aside", "Discard"])
def test_a_damaged_recovery_file_is_set_aside_or_discarded_and_the_window_starts(
        qtbot, settings, tiny_project, tmp_path, monkeypatch, choice):
    folder = tmp_path / "recovery"
    _damaged_recovery(tiny_project, folder)
    store = RecoveryStore(folder)
    document = Document()
    document.open_project(tiny_project)
    window = MainWindow(document, settings, recovery_store=store)
    qtbot.addWidget(window)
    shown = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    def answer(box):
        shown.append(box.text())
        next(b for b in box.buttons() if b.text() == choice).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert not offer_recovery(window, document, store)
    assert "cannot be restored" in shown[0] and "tags must be a list" in shown[0]
    assert store.pending() == [] and document.corpus[0].words  # the window runs on with its project
    kept = list((folder / "damaged").glob("*")) if (folder / "damaged").exists() else []
    assert len(kept) == (1 if choice.startswith("Keep") else 0)


def test_saving_over_a_file_another_window_changed_asks_first(qtbot, settings, tiny_project, monkeypatch):
    windows = []
    for _ in range(2):
        document = Document()
        document.open_project(tiny_project)
        windows.append(MainWindow(document, settings, recovery_store=RecoveryStore(tiny_project.parent / "r")))
        qtbot.addWidget(windows[-1])
    first, second = windows
    second.document.set_tag(0, 0, "NOUN")
    assert second.files.save()
    first.document.set_tag(1, 0, "VERB")
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answers.pop(0))
    assert not first.files.save()
    assert Project.load(tiny_project).corpus[0].tags[0] == "NOUN"  # the other window's work is kept
    assert first.files.save() and len(asked) == 2 and "changed" in asked[0]
    assert Project.load(tiny_project).corpus[1].tags[0] == "VERB"
    assert second.document.project.changed_on_disk()


_HOSTILE_PROJECTS = {
    "numeric tag names": {"tagset": [{"name": 1}, {"name": 2}]},
    "huge version": {"version": 10**30},
    "string as a flag": {"sentences": [{"id": "a", "words": ["x"], "tags": [None], "reviewed": "false"}]},
    "words as a string": {"sentences": [{"id": "a", "words": "word", "tags": [None] * 4}]},
    "deep nesting": None,
}


@pytest.mark.parametrize("case", [*_HOSTILE_PROJECTS, "fifo"])
def test_a_hostile_project_ends_in_a_dialog_naming_the_file_and_the_window_runs_on(
        qtbot, settings, tiny_project, tmp_path, monkeypatch, case):
    path = tmp_path / "hostile.tagproj"
    if case == "fifo":
        os.mkfifo(path)
    elif case == "deep nesting":
        path.write_text('{"format": "tagger-gui project", "train_settings": ' + "[" * 10**5 + "]" * 10**5 + "}")
    else:
        data = {"format": "tagger-gui project", "version": 1, "tagset": [], "sentences": []}
        path.write_text(json.dumps({**data, **_HOSTILE_PROJECTS[case]}))
    document, errors = _open_on_the_tiny_project(path, qtbot, settings, tiny_project, tmp_path, monkeypatch)
    assert len(errors) == 1 and str(path) in errors[0]
    assert document.path == tiny_project and len(document.corpus) == 3


def test_opening_an_empty_corpus_file_says_so_and_keeps_the_project(qtbot, settings, tiny_project, tmp_path, monkeypatch):
    empty = tmp_path / "empty.conllu"
    empty.write_text("")
    document, errors = _open_on_the_tiny_project(empty, qtbot, settings, tiny_project, tmp_path, monkeypatch)
    assert errors == [f"{empty}: no sentences in it"] and len(document.corpus) == 3


def _open_on_the_tiny_project(path, qtbot, settings, tiny_project, tmp_path, monkeypatch):
    """Open ``path`` in a window showing the tiny project, which must refuse it: (the document, the errors shown)."""
    document = Document()
    document.open_project(tiny_project)
    window = MainWindow(document, settings, recovery_store=RecoveryStore(tmp_path / "r"))
    qtbot.addWidget(window)
    errors = []
    monkeypatch.setattr(file_actions, "show_error", lambda parent, title, text: errors.append(text))
    assert not window.files.open_path(path, ask=False)
    return document, errors
