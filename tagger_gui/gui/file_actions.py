"""Project and file commands of a window: new, open, save, import, export, recent files.

Kept out of the main window so that it only wires actions; everything here talks
to the user through standard dialogs (patched in tests) and to the project through
the ``Document``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from tagger_gui.core.formats import FILE_FILTER, FormatError
from tagger_gui.core.project import PROJECT_FILTER, PROJECT_SUFFIX, ProjectError
from tagger_gui.core.resources import TAGSET_PRESETS
from tagger_gui.gui.dialogs import TAG_COLUMNS, ImportPreviewDialog, ask_unsaved, show_error
from tagger_gui.session.jobs import describe_error

EXPORT_FILTERS = {
    "CoNLL-U (*.conllu)": ("conllu", ".conllu"),
    "Token/tag columns (*.tsv *.conll)": ("columns", ".tsv"),
    "JSON lines (*.jsonl)": ("jsonl", ".jsonl"),
    "Plain text, no tags (*.txt)": ("text", ".txt"),
}
MAX_RECENT = 10


class FileActions(QObject):
    """The File menu's behaviour for one window.

    Signals:
        recent_changed(): the recent-files list changed.
        message(str): a short note for the status bar.
    """

    recent_changed = Signal()
    message = Signal(str)

    def __init__(self, window: QWidget, document, settings: QSettings) -> None:
        super().__init__(window)
        self.window, self.document, self.settings = window, document, settings

    # --------------------------------------------------------- guard
    def maybe_save(self) -> bool:
        """``True`` when it is fine to drop the current project (saved, discarded or clean)."""
        if not self.document.is_dirty:
            return True
        answer = ask_unsaved(self.window, self.document.name)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # --------------------------------------------------------- project
    def new_project(self) -> bool:
        if not self.maybe_save():
            return False
        preset, ok = QInputDialog.getItem(self.window, "New project", "Tag set:", list(TAGSET_PRESETS), 0, False)
        if not ok:
            return False
        self.document.new_project(preset)
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open project or corpus", self._folder(), f"{PROJECT_FILTER};;{FILE_FILTER}"
        )
        if not path:
            return False
        column = self.ask_tag_column(path)
        return column is not None and self.open_path(path, ask=False, tag_column=column)

    def ask_tag_column(self, path: str | Path) -> str | None:
        """For a CoNLL-U file, which column holds the tags (as Import and ``--column`` offer); ``None`` = cancel."""
        if Path(path).suffix.lower() != ".conllu":
            return "upos"
        column, ok = QInputDialog.getItem(
            self.window, "Tag column", f"Read the tags of {Path(path).name} from the column:", list(TAG_COLUMNS), 0, False)
        return column if ok else None

    def open_path(self, path: str | Path, ask: bool = True, tag_column: str | int = "upos") -> bool:
        """Open a project, or start a project from a corpus file; errors are shown, not raised."""
        if ask and not self.maybe_save():
            return False
        try:
            self.document.open_path(path, tag_column)
        except (ProjectError, FormatError, OSError) as error:
            show_error(self.window, "Cannot open", describe_error(error))
            return False
        self.remember(path)
        self.message.emit(f"Opened {Path(path).name}")
        return True

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        suggested = str(self.document.path or Path(self._folder()) / f"{Path(self.document.name).stem}{PROJECT_SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project as", suggested, PROJECT_FILTER)
        if not path:
            return False
        if not path.endswith(PROJECT_SUFFIX):
            path += PROJECT_SUFFIX
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        project = self.document.project
        if path == project.path and project.changed_on_disk() and QMessageBox.question(
                self.window, "File changed on disk",
                f"{path} was changed by another window or program since it was opened here. "
                "Save anyway, replacing those changes?") != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.document.save(path)
        except OSError as error:
            show_error(self.window, "Cannot save", f"{path}: {error.strerror or error}")
            return False
        self.remember(path)
        self.message.emit(f"Saved {path.name}")
        return True

    # ------------------------------------------------- import / export
    def import_dialog(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import corpus", self._folder(), FILE_FILTER)
        return bool(path) and self.import_path(path)

    def import_path(self, path: str | Path) -> bool:
        """Preview ``path`` and import it if the user agrees (one undoable step)."""
        dialog = ImportPreviewDialog(path, self.document.corpus.tagset, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.sentences:
            return False
        self.document.import_sentences(
            dialog.sentences, replace=dialog.replace, add_tags=dialog.add_tags, label=f"Import {Path(path).name}"
        )
        self.message.emit(f"Imported {len(dialog.sentences)} sentences from {Path(path).name}")
        return True

    def export_dialog(self) -> bool:
        suggested = str(Path(self._folder()) / f"{self.document.name}.conllu")
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export corpus", suggested, ";;".join(EXPORT_FILTERS))
        if not path:
            return False
        fmt, suffix = EXPORT_FILTERS.get(chosen, (None, ".conllu"))
        if not Path(path).suffix:
            path += suffix
        return self.export_path(path, fmt)

    def export_path(self, path: str | Path, fmt: str | None = None) -> bool:
        try:
            self.document.export(path, fmt)
        except (OSError, FormatError) as error:
            show_error(self.window, "Cannot export", describe_error(error))
            return False
        self.message.emit(f"Exported {len(self.document.corpus)} sentences to {Path(path).name}")
        return True

    # ------------------------------------------------------- recent files
    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        files = [value] if isinstance(value, str) else list(value or [])
        return [f for f in files if f]

    def remember(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        files = [path] + [f for f in self.recent_files() if f != path]
        self.settings.setValue("recentFiles", files[:MAX_RECENT])
        self.settings.setValue("lastFolder", str(Path(path).parent))
        self.recent_changed.emit()

    def clear_recent(self) -> None:
        self.settings.setValue("recentFiles", [])
        self.recent_changed.emit()

    def _folder(self) -> str:
        """Where file dialogs start: beside the project (or its corpus file), else the last folder used."""
        folder = self.document.project.folder
        if folder is not None:
            return str(folder)
        return str(self.settings.value("lastFolder", str(Path.home())))
