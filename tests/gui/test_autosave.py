"""Autosave and recovery: edits reach a recovery file within seconds, survive SIGKILL, and are restored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from PySide6.QtWidgets import QMessageBox

from tagger_gui.core.project import Project
from tagger_gui.core.recovery import RecoveryStore
from tagger_gui.gui.autosave import offer_recovery
from tagger_gui.gui.document import Document
from tagger_gui.gui.main_window import MainWindow

CRASHING_APP = textwrap.dedent(
    """
    import os, signal, sys, time
    from PySide6.QtCore import QSettings
    from tagger_gui.gui import autosave
    autosave.AUTOSAVE_DELAY_MS = 100
    from tagger_gui.core.recovery import RecoveryStore
    from tagger_gui.gui.app import create_application
    from tagger_gui.gui.document import Document
    from tagger_gui.gui.main_window import MainWindow

    project, store_folder, settings_file = sys.argv[1:4]
    app = create_application()
    document = Document()
    document.open_project(project)
    window = MainWindow(document, QSettings(settings_file, QSettings.Format.IniFormat),
                        recovery_store=RecoveryStore(store_folder))
    window.show()
    for row in range(len(document.corpus)):
        document.set_tag(row, 0, "NOUN")
    document.set_tag(0, 1, "VERB")
    deadline = time.monotonic() + 20
    while not list(window.autosave.store.folder.glob("*.tagproj")) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def make(qtbot, settings, project_path, store) -> MainWindow:
    document = Document()
    document.open_project(project_path)
    window = MainWindow(document, settings, recovery_store=store)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.save())
    return window


def test_edits_reach_the_recovery_file_within_seconds_and_a_save_removes_it(qtbot, settings, tiny_project, tmp_path):
    store = RecoveryStore(tmp_path / "recovery")
    window = make(qtbot, settings, tiny_project, store)
    window.document.set_tag(0, 0, "DET")
    qtbot.waitUntil(lambda: store.file_for(window.document.project).exists(), timeout=6000)
    recovered = Project.load(store.file_for(window.document.project))
    assert recovered.corpus[0].tags[0] == "DET"
    window.document.save()
    assert not store.file_for(window.document.project).exists()


def test_after_sigkill_the_next_launch_restores_every_edit(qtbot, settings, tiny_project, tmp_path, monkeypatch):
    store = RecoveryStore(tmp_path / "recovery")
    child = subprocess.run(
        [sys.executable, "-c", CRASHING_APP, str(tiny_project), str(store.folder), str(tmp_path / "child.ini")],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=120,
    )
    assert child.returncode == -signal.SIGKILL
    assert [s.tags[0] for s in Project.load(tiny_project).corpus] == [None, None, None]  # the file was never saved

    window = make(qtbot, settings, tiny_project, store)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    assert offer_recovery(window, window.document, store)
    corpus = window.document.corpus
    assert [s.tags[0] for s in corpus] == ["NOUN"] * 3 and corpus[0].tags[1] == "VERB"
    assert window.document.is_dirty and window.document.path == tiny_project.resolve()
    assert "tiny.tagproj" in asked[0] and store.pending() == []


def test_declined_recovery_is_removed_and_not_offered_again(qtbot, settings, tiny_project, tmp_path, monkeypatch):
    store = RecoveryStore(tmp_path / "recovery")
    leftover = Project.load(tiny_project)
    leftover.corpus.set_tag(0, 0, "NUM")
    store.save(leftover)
    other = RecoveryStore(store.folder)  # a new process: the file is not its own
    window = make(qtbot, settings, tiny_project, other)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not offer_recovery(window, window.document, other)
    assert window.document.corpus[0].tags[0] is None and other.pending() == []


def test_a_large_recovery_file_is_written_in_slices_between_events(qtbot, settings, tiny_project, tmp_path, monkeypatch):
    from tagger_gui.core.corpus import Sentence
    from tagger_gui.gui import autosave

    monkeypatch.setattr(autosave, "SENTENCES_PER_SLICE", 50)
    store = RecoveryStore(tmp_path / "recovery")
    window = make(qtbot, settings, tiny_project, store)
    document = window.document
    document.add_sentences([Sentence.from_words(["w"] * 20) for _ in range(2000)])
    window.autosave.start_saving()
    assert window.autosave.busy and not store.file_for(document.project).exists()
    document.set_tag(2, 0, "NUM")  # an edit while the file is being written: written again afterwards
    qtbot.waitUntil(lambda: not window.autosave.busy, timeout=20_000)
    saved = Project.load(store.file_for(document.project))
    assert len(saved.corpus) == 2003 and saved.corpus[2].tags[0] == "NUM"
    assert not [p for p in store.folder.iterdir() if p.suffix == ".tmp"]
