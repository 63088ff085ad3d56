"""Autosave for crash recovery: unsaved work is mirrored to a recovery file until saved or discarded.

The window writes the project to a recovery file a few seconds after each edit. A
clean save or an explicit discard removes it. After a crash the file is still there
and the next launch offers to restore it. Each recovery file records the process
that wrote it, so a second window that is still running does not have its live
recovery file offered to another instance.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tagger_gui.core.atomic import atomic_open
from tagger_gui.core.project import Project

SUFFIX = ".recovery.tagproj"


@dataclass(frozen=True)
class Recovery:
    """A recovery file left behind: where it is, which project it belongs to, when it was written."""

    file: Path
    original: Path | None
    saved_at: float
    sentences: int
    model: Path | None = None


class RecoveryStore:
    """Recovery files for the projects of this process, kept in ``folder``."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self._written: set[Path] = set()

    def file_for(self, project: Project) -> Path:
        """One recovery file per project file (untitled projects: one per process)."""
        key = str(project.path.resolve()) if project.path else f"untitled-{os.getpid()}"
        return self.folder / (hashlib.sha1(key.encode()).hexdigest()[:16] + SUFFIX)

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
        """Recovery files whose writer is no longer running, newest first."""
        found = []
        for file in self.folder.glob(f"*{SUFFIX}"):
            info = None if file in self._written else _read_header(file)
            if info is not None and not _process_alive(info.get("pid", -1)):
                original, model = info.get("original"), info.get("model")
                found.append(Recovery(file, Path(original) if original else None, float(info.get("saved_at", 0)),
                                      int(info["sentences"]), Path(model) if model else None))
        return sorted(found, key=lambda r: r.saved_at, reverse=True)

    @staticmethod
    def restore(recovery: Recovery) -> Project:
        """Load a recovered project; it keeps its original path (so Save writes there) and the file."""
        project = Project.load(recovery.file)
        project.path, project.model_path = recovery.original, recovery.model
        return project

    @staticmethod
    def remove(recovery: Recovery) -> None:
        recovery.file.unlink(missing_ok=True)


def _read_header(file: Path) -> dict | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        header = dict(data["recovery"])
        header["sentences"] = len(data.get("sentences", []))
        return header
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _process_alive(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return False  # not written by this store, so a stale file from an earlier process with our pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True

