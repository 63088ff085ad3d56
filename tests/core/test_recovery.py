"""Autosave files: written, offered after a crash (SIGKILL), restored with every edit, removed on save."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.project import Project, ProjectError
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


WRITE_RECOVERY = r"""
import sys
from tagger_gui.core.project import Project
from tagger_gui.core.recovery import RecoveryStore
print(RecoveryStore(sys.argv[2]).save(Project.load(sys.argv[1])))
"""


def test_two_instances_on_one_project_keep_separate_recovery_files(tmp_path):
    project = make_project(tmp_path)
    store = RecoveryStore(tmp_path / "recovery")
    mine = store.save(project)
    other = subprocess.run([sys.executable, "-c", WRITE_RECOVERY, str(project.path), str(store.folder)],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert mine.exists() and other != str(mine) and len(list(store.folder.iterdir())) == 2
    assert [r.file for r in store.pending()] == [store.folder / other.rsplit("/", 1)[-1]]  # the ended one


def test_a_damaged_recovery_file_is_offered_as_damaged_and_can_be_set_aside(tmp_path):
    project = make_project(tmp_path)
    RecoveryStore(tmp_path / "recovery").save(project)
    [written] = list((tmp_path / "recovery").iterdir())
    text = written.read_text().replace('"pid": ', '"pid": -').replace('"words": ["a", "b"]', '"words": "ab"', 1)
    written.write_text(text)  # a dead writer, and a sentence that does not load
    (tmp_path / "recovery" / "junk.recovery.tagproj").write_text('{"recovery": {"pid": "x"}}')
    store = RecoveryStore(tmp_path / "recovery")
    assert sorted(r.problem is None for r in store.pending()) == [False, True]
    readable = next(r for r in store.pending() if r.problem is None)
    with pytest.raises(ProjectError, match="words must be a list"):
        store.restore(readable)
    unreadable = next(r for r in store.pending() if r.problem is not None)
    assert "pid" in unreadable.problem
    with pytest.raises(ProjectError, match="damaged recovery file"):
        store.restore(unreadable)
    kept = store.set_aside(unreadable)
    store.remove(readable)
    assert kept.exists() and kept.parent.name == "damaged" and store.pending() == []
