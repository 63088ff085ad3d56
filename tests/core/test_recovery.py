"""Autosave files: written, offered after a crash (SIGKILL), restored with every edit, removed on save."""

from __future__ import annotations

import signal
import subprocess
import sys

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.project import Project
from tagger_gui.core.recovery import RecoveryStore

CRASHING_EDITOR = r"""
import os, signal, sys
from tagger_gui.core.project import Project
from tagger_gui.core.recovery import RecoveryStore

project = Project.load(sys.argv[1])
store = RecoveryStore(sys.argv[2])
for i in range(len(project.corpus)):
    project.corpus.set_tag(i, 0, "EDITED")
    store.save(project)
os.kill(os.getpid(), signal.SIGKILL)
"""


def make_project(tmp_path) -> Project:
    project = Project()
    project.corpus.append_sentences([Sentence.from_words(["a", "b"], ["X", "Y"]) for _ in range(5)])
    project.model_path = tmp_path / "model"
    project.save(tmp_path / "work.tagproj")
    return project


def test_edits_of_a_killed_process_are_offered_and_restored(tmp_path):
    make_project(tmp_path)
    store = RecoveryStore(tmp_path / "recovery")
    child = subprocess.run([sys.executable, "-c", CRASHING_EDITOR, str(tmp_path / "work.tagproj"), str(store.folder)])
    assert child.returncode == -signal.SIGKILL
    [recovery] = store.pending()
    assert recovery.original == (tmp_path / "work.tagproj").resolve() and recovery.sentences == 5
    restored = store.restore(recovery)
    assert [s.tags[0] for s in restored.corpus] == ["EDITED"] * 5
    assert restored.path == recovery.original and restored.model_path == (tmp_path / "model").resolve()
    assert [s.tags[0] for s in Project.load(tmp_path / "work.tagproj").corpus] == ["X"] * 5


def test_discard_removes_the_file_and_live_writers_are_not_offered(tmp_path):
    project = make_project(tmp_path)
    store = RecoveryStore(tmp_path / "recovery")
    path = store.save(project)
    assert path.exists() and store.pending() == []  # written by this live process
    store.discard(project)
    assert not path.exists()


def test_untitled_projects_get_their_own_recovery_file(tmp_path):
    store = RecoveryStore(tmp_path)
    assert store.file_for(Project()) != store.file_for(make_project(tmp_path))
