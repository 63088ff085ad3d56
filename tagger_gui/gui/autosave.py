"""Autosave for crash recovery, and the offer to restore after a crash.

A few seconds after the last edit, the window's project is mirrored to a recovery
file (``tagger_gui.core.recovery``). The file is written a slice of sentences per
event-loop turn, so a 100,000-sentence corpus never freezes the window; it only
replaces the previous recovery file once complete. A clean save or an explicit
discard removes it. At the next launch, recovery files left by a process that no
longer runs are offered for restoring.
"""

from __future__ import annotations

import itertools
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO, Iterator

from PySide6.QtCore import QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from tagger_gui.core.atomic import atomic_open
from tagger_gui.core.project import ProjectError
from tagger_gui.core.recovery import Recovery, RecoveryStore

AUTOSAVE_DELAY_MS = 3000
SENTENCES_PER_SLICE = 400  # about 10 ms of writing between two event-loop turns


def default_store() -> RecoveryStore:
    """Recovery files live in the user's local data folder, under ``recovery/``."""
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return RecoveryStore(Path(data) / "recovery")


class Autosave(QObject):
    """Mirrors the document's unsaved state to a recovery file, ``delay_ms`` after the last edit."""

    def __init__(self, document, store: RecoveryStore, delay_ms: int | None = None) -> None:
        super().__init__(document)
        self.document, self.store = document, store
        self._written: Path | None = None
        self._write: tuple[ExitStack, BinaryIO, Iterator[str], Path] | None = None
        self._again = False
        self._timer = QTimer(self, singleShot=True, interval=delay_ms or AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.start_saving)
        self._slice_timer = QTimer(self, singleShot=True, interval=0)
        self._slice_timer.timeout.connect(self._write_slice)
        document.corpus.add_listener(lambda change: self._timer.start())
        document.dirty_changed.connect(self._on_dirty_changed)

    @property
    def busy(self) -> bool:
        """A recovery file is being written (or one more write is due)."""
        return self._write is not None or self._timer.isActive()

    def start_saving(self) -> None:
        """Begin writing the recovery file if there is anything unsaved (again later if one is under way)."""
        if self._write is not None:
            self._again = True
            return
        if not self.document.is_dirty:
            return
        try:
            target, chunks = self.store.writer(self.document.project)
            stack = ExitStack()
            file = stack.enter_context(atomic_open(target))
        except OSError:
            return  # a full or read-only disk must not disturb annotating; the next edit tries again
        self._write = (stack, file, chunks, target)
        self._slice_timer.start()

    def _write_slice(self) -> None:
        stack, file, chunks, target = self._write
        try:
            pieces = list(itertools.islice(chunks, SENTENCES_PER_SLICE))
            file.write("".join(pieces).encode("utf-8"))
        except (OSError, UnicodeError):  # text that cannot be written must not stall autosave for good
            self._abort()
            return
        if pieces:
            self._slice_timer.start()
            return
        self._finish(stack, target)

    def _finish(self, stack: ExitStack, target: Path) -> None:
        self._write = None
        try:
            stack.close()  # fsync and rename over the previous recovery file
        except OSError:
            return
        if self._written is not None and self._written != target:
            self._written.unlink(missing_ok=True)  # e.g. an untitled project was saved under a name
        self._written = target
        if self._again:
            self._again = False
            self.start_saving()

    def _abort(self) -> None:
        """Drop a write under way; its temporary file is removed and the previous recovery file stays."""
        self._slice_timer.stop()
        if self._write is not None:
            stack = self._write[0]
            self._write = None
            try:
                stack.__exit__(RuntimeError, RuntimeError("autosave cancelled"), None)
            except RuntimeError:
                pass

    def discard(self) -> None:
        """Remove this window's recovery file (after a clean save, or when changes are thrown away)."""
        self._timer.stop()
        self._again = False
        self._abort()
        if self._written is not None:
            self._written.unlink(missing_ok=True)
            self._written = None

    def _on_dirty_changed(self, dirty: bool) -> None:
        if dirty:
            self._timer.start()
        else:
            self.discard()


def offer_recovery(parent: QWidget, document, store: RecoveryStore) -> bool:
    """Ask whether to restore the newest recovery file left by a crash; True if one was restored.

    Older leftovers are offered one after another; declined ones are removed. A
    damaged one is discarded or set aside, as the user chooses, and never stops the launch.
    """
    for recovery in store.pending():
        if recovery.problem is None and _ask(parent, recovery):
            try:
                document.adopt_recovered(store.restore(recovery))
            except ProjectError as error:
                _discard_or_keep(parent, store, recovery, str(error))
                continue
            store.remove(recovery)
            return True
        if recovery.problem is not None:
            _discard_or_keep(parent, store, recovery, recovery.problem)
        else:
            store.remove(recovery)
    return False


def _discard_or_keep(parent: QWidget, store: RecoveryStore, recovery: Recovery, problem: str) -> None:
    """Tell that an autosaved copy is damaged; discard it, or keep it aside where it is no longer offered."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Autosaved copy is damaged",
                      f"The autosaved copy {recovery.file} cannot be restored:\n{problem}", parent=parent)
    keep = box.addButton("Keep a Copy Aside", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.exec()
    try:
        if box.clickedButton() is keep:
            store.set_aside(recovery)
        else:
            store.remove(recovery)
    except OSError:
        pass  # a read-only recovery folder: the copy stays, and the window still starts


def _ask(parent: QWidget, recovery: Recovery) -> bool:
    from datetime import datetime

    name = recovery.original.name if recovery.original else "an untitled project"
    when = datetime.fromtimestamp(recovery.saved_at).strftime("%Y-%m-%d %H:%M:%S")
    answer = QMessageBox.question(
        parent, "Restore unsaved work?",
        f"tagger-gui ended without saving changes to {name} ({recovery.sentences:,} sentences, "
        f"autosaved {when}). Restore them?\n\nNo discards the autosaved copy.",
    )
    return answer == QMessageBox.StandardButton.Yes
