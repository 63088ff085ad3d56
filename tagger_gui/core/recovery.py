"""Autosave for crash recovery: unsaved work is mirrored to a recovery file until saved or discarded.

The window writes the project to a recovery file a few seconds after each edit. A
clean save or an explicit discard removes it. After a crash the file is still there
and the next launch offers to restore it. Each process writes its own recovery
files (two windows on one project never overwrite each other's) and records its
pid in them, so a window that is still running does not have its live recovery
file offered to another instance. A recovery file that cannot be read is offered
as damaged: it can be discarded or set aside, and never blocks a launch.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tagger_gui.core.atomic import atomic_open
from tagger_gui.core.files import MAX_CORPUS_BYTES, process_alive, read_regular_bytes
from tagger_gui.core.project import Project, ProjectError
from tagger_gui.core.validation import expect, loads

SUFFIX = ".recovery.tagproj"


@dataclass(frozen=True)
class Recovery:
    """A recovery file left behind: where it is, which project it belongs to, when it was written."""

    file: Path
    original: Path | None
    saved_at: float
    sentences: int
    model: Path | None = None
    problem: str | None = None
    """Why the file cannot be restored (it is damaged), or ``None``."""


class RecoveryStore:
    """Recovery files for the projects of this process, kept in ``folder``."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self._written: set[Path] = set()

    def file_for(self, project: Project) -> Path:
        """One recovery file per project file and process (so two windows on one project keep theirs)."""
        key = str(project.path.resolve()) if project.path else "untitled"
        return self.folder / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}-{os.getpid()}{SUFFIX}"

    def save(self, project: Project) -> Path:
        """Write the project's current state to its recovery file (atomically) in one go."""
        target, chunks = self.writer(project)
        with atomic_open(target) as file:
            for chunk in chunks:
                file.write(chunk.encode("utf-8"))
        return target

    def writer(self, project: Project) -> tuple[Path, Iterator[str]]:
        """The recovery file of ``project`` and its text in pieces, for writing it a slice at a time."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.file_for(project)
        header = {
            "recovery": {
                "original": str(project.path.resolve()) if project.path else None,
                "model": str(Path(project.model_path).resolve()) if project.model_path else None,
                "pid": os.getpid(),
                "saved_at": time.time(),
            }
        }
        self._written.add(target)
        return target, project.json_chunks(project.path.parent if project.path else self.folder, header)

    def discard(self, project: Project) -> None:
        """Remove the project's recovery file (after a clean save, or when the user discards)."""
        self.file_for(project).unlink(missing_ok=True)

    def pending(self) -> list[Recovery]:
        """Recovery files whose writer is no longer running, and damaged ones, newest first."""
        found = []
        for file in self.folder.glob(f"*{SUFFIX}"):
            if file in self._written:
                continue
            try:
                recovery, pid = _read_recovery(file)
            except (OSError, ValueError, KeyError, TypeError) as error:
                recovery, pid = _damaged(file, error), -1
            if recovery is not None and not _process_alive(pid):
                found.append(recovery)
        return sorted(found, key=lambda r: r.saved_at, reverse=True)

    @staticmethod
    def restore(recovery: Recovery) -> Project:
        """Load a recovered project; it keeps its original path (so Save writes there) and the file.

        Raises:
            ProjectError: the recovery file is damaged (offer ``set_aside`` or ``remove``).
        """
        if recovery.problem:
            raise ProjectError(f"{recovery.file}: damaged recovery file ({recovery.problem})")
        project = Project.load(recovery.file)
        project.path, project.model_path = recovery.original, recovery.model
        project.note_disk_version()
        return project

    @staticmethod
    def remove(recovery: Recovery) -> None:
        recovery.file.unlink(missing_ok=True)

    def set_aside(self, recovery: Recovery) -> Path:
        """Move a (damaged) recovery file into ``damaged/``, where it is no longer offered; returns its new path."""
        aside = self.folder / "damaged"
        aside.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = aside / f"{recovery.file.name[: -len(SUFFIX)]}-{stamp}.tagproj"
        os.replace(recovery.file, target)
        return target


def _read_recovery(file: Path) -> tuple[Recovery, int]:
    """The recovery described by ``file``'s header, and the pid of its writer (errors: a damaged file)."""
    data = loads(read_regular_bytes(file, MAX_CORPUS_BYTES).decode("utf-8"))
    header = expect(expect(data, dict, "the file")["recovery"], dict, "the recovery header")
    original = expect(header.get("original"), (str, type(None)), "original")
    model = expect(header.get("model"), (str, type(None)), "model")
    saved_at = float(expect(header.get("saved_at", 0), (int, float), "saved_at"))
    sentences = len(expect(data.get("sentences", []), list, "sentences"))
    pid = expect(header.get("pid", -1), int, "pid")
    return Recovery(file, Path(original) if original else None, saved_at, sentences,
                    Path(model) if model else None), pid


def _damaged(file: Path, error: Exception) -> Recovery | None:
    """A damaged recovery file as an offer to discard or set aside (``None`` if it vanished meanwhile)."""
    try:
        saved_at = file.stat().st_mtime
    except OSError:
        return None
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return Recovery(file, None, saved_at, 0, problem=reason or type(error).__name__)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # not written by this store, so a stale file from an earlier process with our pid
    return process_alive(pid)

