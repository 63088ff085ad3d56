"""Special files, symlinks, modes, leftovers of killed saves, and hostile project files (issue 16)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from tagger_gui.core.atomic import atomic_write_text
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.files import FileKindError, read_regular_bytes
from tagger_gui.core.formats import FormatError, read_file
from tagger_gui.core.project import Project, ProjectError
from tests.conftest import REPO

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, modes and /dev/zero are POSIX")


@pytest.fixture
def fifo(tmp_path):
    """A FIFO nobody writes to: opening it for reading blocks forever."""
    path = tmp_path / "pipe.conllu"
    os.mkfifo(path)
    return path


def _in_a_child(code: str, timeout: float = 20) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter so that a hang fails the test instead of stalling the run."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@posix_only
@pytest.mark.parametrize("reader", ["formats", "project", "bytes"])
def test_a_fifo_is_refused_before_it_is_opened(fifo, reader):
    call = {"formats": "read_file(p)", "project": "Project.load(p)", "bytes": "read_regular_bytes(p, 100)"}[reader]
    child = _in_a_child(
        "import sys\nfrom tagger_gui.core.formats import read_file\nfrom tagger_gui.core.project import Project\n"
        "from tagger_gui.core.files import read_regular_bytes\n"
        f"p = {str(fifo)!r}\ntry:\n    {call}\nexcept Exception as e:\n    print(type(e).__name__, e)\n"
    )
    assert "FIFO" in child.stdout and str(fifo) in child.stdout


@posix_only
def test_character_devices_and_oversized_files_are_refused(tmp_path):
    with pytest.raises(FormatError, match="character device"):
        read_file("/dev/zero", "text")
    big = tmp_path / "sparse.txt"
    with open(big, "wb") as file:
        file.truncate(5000)  # sparse: declared size, nothing written
    with pytest.raises(FileKindError, match="too large") as caught:
        read_regular_bytes(big, 4096)
    assert caught.value.filename == str(big)
    with pytest.raises(FormatError, match="folder"):
        read_file(tmp_path, "text")


def test_deeply_nested_json_is_a_project_error_not_a_recursion_error(tmp_path):
    path = tmp_path / "deep.tagproj"
    path.write_text('{"format": "tagger-gui project", "version": 1, "tagset": [], "sentences": [],'
                    ' "train_settings": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ProjectError, match="nested too deeply"):
        Project.load(path)
    nested: list = []
    for _ in range(70):
        nested = [nested]
    path.write_text(json.dumps({"format": "tagger-gui project", "tagset": [], "sentences": [],
                                "train_settings": {"a": nested}}))
    with pytest.raises(ProjectError, match="nested more than"):
        Project.load(path)


def _project_json(**changes) -> dict:
    sentence = {"id": "s1", "split": "train", "words": ["a", "b"], "tags": ["X", None]}
    sentence.update(changes.pop("sentence", {}))
    data = {"format": "tagger-gui project", "version": 1, "tag_column": "upos",
            "tagset": [{"name": "X", "description": "", "color": ""}], "train_settings": {}, "model": None,
            "sentences": [sentence]}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tagset": [{"name": 5}]}, "a tag name must be a string"),
        ({"tagset": [{"name": "X", "color": 3}]}, "colour"),
        ({"sentence": {"tags": [1, 2]}}, "tags must be"),
        ({"sentence": {"words": "ab", "tags": ["X", None]}}, "words must be a list"),
        ({"sentence": {"reviewed": "false"}}, "reviewed must be true or false"),
        ({"sentence": {"id": 7}}, "id must be a string"),
        ({"sentence": {"id": "a\nb"}}, "line feed"),
        ({"sentence": {"words": ["a\tb", "c"]}}, "a tab"),
        ({"sentence": {"tags": ["_", None]}}, "means untagged"),
        ({"sentence": {"split": 1}}, "split must be train, dev or test"),
        ({"sentence": {"extra_lines": [[9, "1-2\tab"]]}}, "outside the sentence"),
        ({"sentence": {"comments": ["# a\nb"]}}, "line break"),
        ({"version": "1"}, "version must be an integer"),
        ({"version": 10**400}, "newer tagger-gui"),
        ({"train_settings": "epochs"}, "train_settings must be an object"),
        ({"model": 5}, "model must be a string or null"),
        ({"tag_column": None}, "tag_column"),
    ],
)
def test_project_fields_of_the_wrong_type_are_refused_not_coerced(tmp_path, changes, message):
    path = tmp_path / "p.tagproj"
    path.write_text(json.dumps(_project_json(**changes)))
    with pytest.raises(ProjectError, match=message) as caught:
        Project.load(path)
    assert str(path) in str(caught.value)


def test_a_lone_surrogate_in_a_project_is_refused_so_saving_never_fails_later(tmp_path):
    path = tmp_path / "p.tagproj"
    path.write_text(json.dumps(_project_json(sentence={"words": ["a\ud800", "b"]})))
    with pytest.raises(ProjectError, match="lone surrogate"):
        Project.load(path)


def test_changed_on_disk_notices_another_writer(tmp_path):
    path = tmp_path / "p.tagproj"
    mine = Project()
    mine.corpus.append_sentences([Sentence.from_words(["a"])])
    mine.save(path)
    assert not mine.changed_on_disk()
    theirs = Project.load(path)
    assert not theirs.changed_on_disk()
    theirs.train_settings["epochs"] = 3
    theirs.save()
    assert mine.changed_on_disk() and not theirs.changed_on_disk()
    mine.save()
    assert not mine.changed_on_disk() and Project().changed_on_disk() is False


# ------------------------------------------------------------------ atomic replace
@posix_only
def test_a_symlink_is_followed_and_kept(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "data.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


@posix_only
def test_special_and_read_only_outputs_are_refused_naming_the_users_path(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(FileKindError, match="FIFO") as caught:
        atomic_write_text(tmp_path / "fifo", "x")
    assert caught.value.filename == str(tmp_path / "fifo")
    with pytest.raises(FileKindError, match="character device"):
        atomic_write_text("/dev/null", "x")
    read_only = tmp_path / "keep.txt"
    read_only.write_text("precious")
    read_only.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only") as caught:
        atomic_write_text(read_only, "x")
    assert caught.value.filename == str(read_only) and read_only.read_text() == "precious"


@posix_only
def test_modes_are_kept_or_follow_the_umask(tmp_path):
    shared = tmp_path / "shared.txt"
    shared.write_text("old")
    shared.chmod(0o640)
    atomic_write_text(shared, "new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    previous = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "fresh.txt", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o644


def test_a_255_byte_name_can_be_written_and_errors_name_the_users_path(tmp_path):
    long_name = tmp_path / ("é" * 125 + ".txt")  # 254 bytes in UTF-8
    atomic_write_text(long_name, "x")
    assert long_name.read_text() == "x"
    missing = tmp_path / "no-such-folder" / "out.txt"
    with pytest.raises(OSError) as caught:
        atomic_write_text(missing, "x")
    assert caught.value.filename == str(missing)


@posix_only
def test_temp_files_of_killed_saves_are_removed_by_the_next_save(tmp_path):
    target = tmp_path / "corpus.conllu"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = [tmp_path / f".corpus.conllu.{dead_pid}.abcd{i}xyz.tmp" for i in range(3)]
    live = tmp_path / f".corpus.conllu.{os.getppid()}.abcdefgh.tmp"  # a writer that still runs
    other = tmp_path / f".other.conllu.{dead_pid}.abcdefgh.tmp"
    for path in [*stale, live, other]:
        path.write_bytes(b"x" * 100)
    atomic_write_text(target, "new")
    assert not any(path.exists() for path in stale)
    assert live.exists() and other.exists() and target.read_text() == "new"


def test_the_first_bad_sentence_among_many_is_named(tmp_path):
    data = _project_json()
    good = data["sentences"][0]
    data["sentences"] = [dict(good, id=f"s{i}") for i in range(50)]
    data["sentences"][37]["words"] = ["a", "b\r"]
    path = tmp_path / "p.tagproj"
    path.write_text(json.dumps(data))
    with pytest.raises(ProjectError, match="sentence 's37': token 'b\\\\r' contains a carriage return"):
        Project.load(path)
