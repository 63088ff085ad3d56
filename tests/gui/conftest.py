"""Fixtures for the window tests: isolated settings, a tiny project, a shown main window.

No test may leave a modal dialog blocking: message boxes and the unsaved-changes
question fail the test unless the test patches them on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

from tagger_gui.core.corpus import Corpus, Sentence, Tag, TagSet
from tagger_gui.core.project import Project
from tagger_gui.gui.app import collect_garbage_in_ui_thread
from tagger_gui.gui.document import Document
from tagger_gui.gui.main_window import MainWindow

TINY_TAGS = (("NOUN", "noun", "#4e79a7"), ("VERB", "verb", "#e15759"), ("DET", "determiner", "#76b7b2"),
             ("NUM", "numeral", "#59a14f"), ("PUNCT", "punctuation", ""))
TINY_WORDS = (
    ("the", "dog", "ate", "the", "apple"),
    ("everybody", "read", "that", "book"),
    ("two", "cats", "sleep", "."),
)


@pytest.fixture(scope="session", autouse=True)
def ui_thread_gc(qapp):
    """As in the app: cyclic garbage is collected only in the UI thread (never in a training thread).

    Qt's test mode also keeps recovery files and saved models out of the user's data folders.
    """
    QStandardPaths.setTestModeEnabled(True)
    collect_garbage_in_ui_thread(qapp)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """Any QSettings made without an explicit file goes to a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("qsettings")
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(folder))
    monkeypatch.setattr("tagger_gui.gui.app.user_settings", lambda: QSettings(str(folder / "user.ini"), QSettings.Format.IniFormat))


@pytest.fixture(autouse=True)
def no_surprise_dialogs(monkeypatch):
    """A message box a test did not expect is a failure, not a hang."""

    def unexpected(kind):
        def fail(parent, title, text, *args, **kwargs):
            raise AssertionError(f"unexpected QMessageBox.{kind}: {title}: {text}")
        return fail

    for kind in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))

    def unexpected_exec(box):
        raise AssertionError(f"unexpected modal QMessageBox: {box.windowTitle()}: {box.text()}")

    monkeypatch.setattr(QMessageBox, "exec", unexpected_exec)


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def tiny_project(tmp_path) -> Path:
    """Three untagged sentences and a five-tag tag set, saved as a project file."""
    tagset = TagSet(Tag(*spec) for spec in TINY_TAGS)
    sentences = [Sentence.from_words(words, id=f"t{i}") for i, words in enumerate(TINY_WORDS, start=1)]
    path = tmp_path / "tiny.tagproj"
    Project(Corpus(sentences, tagset)).save(path)
    return path


def make_window(qtbot, settings, path: Path | None = None) -> MainWindow:
    """A shown window on ``path`` (the bundled sample when ``None``)."""
    from tagger_gui.core.resources import sample_project_path

    document = Document()
    if path is None:
        document.open_project(sample_project_path(), as_template=True)
    else:
        document.open_path(path)
    window = MainWindow(document, settings)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.undo_stack.setClean())
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, settings, tiny_project) -> MainWindow:
    """The window on the tiny project, keyboard in the tag editor."""
    win = make_window(qtbot, settings, tiny_project)
    win.editor.focus_tokens()
    return win


@pytest.fixture
def sample_window(qtbot, settings) -> MainWindow:
    return make_window(qtbot, settings)
