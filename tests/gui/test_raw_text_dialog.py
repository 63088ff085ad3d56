"""The project's untagged text files: the dialog edits the list, the window keeps it in the project."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from tagger_gui.core.project import Project
from tagger_gui.gui import main_window
from tagger_gui.gui.raw_text_dialog import RawTextDialog


def test_the_dialog_adds_files_once_and_removes_the_selected(qtbot):
    dialog = RawTextDialog([Path("/data/a.txt")])
    qtbot.addWidget(dialog)
    assert not dialog.remove.isEnabled()
    dialog.add_files(["/data/b.txt", "/data/a.txt"])
    assert dialog.files() == [Path("/data/a.txt"), Path("/data/b.txt")]
    dialog.list.item(0).setSelected(True)
    assert dialog.remove.isEnabled()
    dialog.remove.click()
    assert dialog.files() == [Path("/data/b.txt")]


def test_the_window_saves_the_list_with_the_project(window, tmp_path, monkeypatch):
    raw = tmp_path / "more.txt"
    raw.write_text("some untagged text\n", encoding="utf-8")

    class Accepting(RawTextDialog):
        def exec(self):
            self.add_files([str(raw)])
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(main_window, "RawTextDialog", Accepting)
    window.actions["raw_text"].trigger()
    assert window.document.project.raw_text == [raw] and window.document.is_dirty
    window.document.save(tmp_path / "p.tagger.json")
    assert Project.load(tmp_path / "p.tagger.json").raw_text == [raw]
