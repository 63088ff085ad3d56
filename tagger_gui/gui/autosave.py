"""Autosave for crash recovery, and the offer to restore after a crash.

A few seconds after the last edit, the window's project is mirrored to a recovery
file (``tagger_gui.core.recovery``). A clean save or an explicit discard removes
it. At the next launch, recovery files left by a process that no longer runs are
offered for restoring.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from tagger_gui.core.recovery import Recovery, RecoveryStore

AUTOSAVE_DELAY_MS = 3000


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
        self._timer = QTimer(self, singleShot=True, interval=delay_ms or AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        document.corpus.add_listener(lambda change: self._timer.start())
        document.dirty_changed.connect(self._on_dirty_changed)

    def save_now(self) -> None:
        """Write the recovery file now if there is anything unsaved."""
        if not self.document.is_dirty:
            return
        try:
            written = self.store.save(self.document.project)
        except OSError:
            return  # a full or read-only disk must not disturb annotating; the next edit tries again
        if self._written is not None and self._written != written:
            self._written.unlink(missing_ok=True)  # e.g. an untitled project was saved under a name
        self._written = written

    def discard(self) -> None:
        """Remove this window's recovery file (after a clean save, or when changes are thrown away)."""
        self._timer.stop()
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

    Older leftovers are offered one after another; declined ones are removed.
    """
    for recovery in store.pending():
        if _ask(parent, recovery):
            document.adopt_recovered(store.restore(recovery))
            store.remove(recovery)
            return True
        store.remove(recovery)
    return False


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
