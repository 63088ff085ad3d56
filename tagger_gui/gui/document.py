"""The open project of a window: the project, its undo stack and its unsaved-changes state.

The ``Document`` keeps one ``Corpus`` object for its whole life: opening another
project resets that corpus in place, so the Qt models built over it stay valid and
only see a ``RESET`` change. Every edit is pushed onto the undo stack as a command
from ``tagger_gui.gui.commands``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtGui import QUndoStack

from tagger_gui.core.corpus import Corpus, Sentence, Split, Tag, TagSet
from tagger_gui.core.formats import write_file
from tagger_gui.core.project import PROJECT_SUFFIX, Project, project_from_corpus_file
from tagger_gui.core.resources import load_tagset_preset
from tagger_gui.core.stats import tags_by_frequency
from tagger_gui.gui import commands
from tagger_gui.gui.background import QtRunner
from tagger_gui.ml.runtime import freeze_long_lived
from tagger_gui.session import Session


def app_data_folder() -> Path:
    """The user's data folder for this app (models of untitled projects live under it)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation))


class Document(QObject):
    """Owns the ``Project`` shown in one window, its ``QUndoStack`` and its model ``Session``.

    Signals:
        dirty_changed(bool): the unsaved-changes state changed.
        path_changed(): the project's file (and so its name) changed.
        loaded(): a different project was opened or created.
    """

    dirty_changed = Signal(bool)
    path_changed = Signal()
    about_to_save = Signal(object)  # Path: where the project is about to be written
    loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.corpus = Corpus(tagset=load_tagset_preset("UD UPOS"))
        self.project = Project(corpus=self.corpus)
        self.undo_stack = QUndoStack(self)
        self.session = Session(self.project, QtRunner(self), app_data_folder())
        self.model_message: str | None = None  # why the project's model could not be loaded
        self._extra_dirty = False  # changes outside the undo stack (e.g. training settings)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    # ------------------------------------------------------------- state
    @property
    def is_dirty(self) -> bool:
        return self._extra_dirty or not self.undo_stack.isClean()

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def path(self) -> Path | None:
        return self.project.path

    def mark_dirty(self) -> None:
        """Flag a change that is not on the undo stack (project settings, model location)."""
        if not self._extra_dirty:
            self._extra_dirty = True
            self.dirty_changed.emit(True)

    def _on_clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(self.is_dirty)

    # ------------------------------------------------------ open / save
    def new_project(self, preset: str = "UD UPOS") -> None:
        self._adopt(Project(corpus=Corpus(tagset=load_tagset_preset(preset))))

    def open_project(self, path: str | os.PathLike, *, as_template: bool = False) -> None:
        """Load a ``.tagproj`` file; raises ``ProjectError``.

        With ``as_template`` the project starts untitled (used for the bundled sample,
        so Save never writes into the installation).
        """
        project = Project.load(path)
        if as_template:
            project.path = None
        self._adopt(project)

    def open_corpus(self, path: str | os.PathLike, tag_column: str | int = "upos") -> None:
        """Start an untitled project from a corpus file; raises ``FormatError``."""
        self._adopt(project_from_corpus_file(path, tag_column))

    def adopt_recovered(self, project: Project) -> None:
        """Show a project restored from a recovery file: same path as before, with its changes unsaved."""
        self._adopt(project)
        self.mark_dirty()

    def open_path(self, path: str | os.PathLike, tag_column: str | int = "upos") -> None:
        """Open a project or import a corpus file (its tags from ``tag_column``), by extension."""
        if Path(path).suffix.lower() == PROJECT_SUFFIX:
            self.open_project(path)
        else:
            self.open_corpus(path, tag_column)

    def save(self, path: str | os.PathLike | None = None) -> None:
        """Write the project atomically (to ``path`` or where it came from); raises ``OSError``."""
        old = self.project.path
        self.about_to_save.emit(Path(path) if path is not None else old)
        self.session.sync_to_project()
        self.project.save(path)
        self._extra_dirty = False
        self.undo_stack.setClean()
        self.dirty_changed.emit(False)
        if self.project.path != old:
            self.path_changed.emit()

    def _adopt(self, project: Project) -> None:
        self.undo_stack.clear()
        self.corpus.reset(project.corpus.sentences, project.corpus.tagset)
        project.corpus = self.corpus
        self.project = project
        self.model_message = self.session.open(project)
        self._extra_dirty = False
        self.undo_stack.setClean()
        # A large corpus is hundreds of thousands of long-lived objects: keep them out of
        # the cyclic GC's full passes, which would otherwise stall key presses for 20+ ms.
        freeze_long_lived()
        self.loaded.emit()
        self.path_changed.emit()
        self.dirty_changed.emit(False)

    # ---------------------------------------------------- import / export
    def import_sentences(
        self, sentences: Sequence[Sentence], *, replace: bool = False, add_tags: bool = True, label: str = "Import"
    ) -> None:
        """Add (or replace the corpus with) imported sentences as one undoable step."""
        unknown = [t for t in tags_by_frequency(sentences) if t not in self.corpus.tagset] if add_tags else []
        self.undo_stack.beginMacro(label)
        if replace:
            self.undo_stack.push(commands.ResetCorpusCommand(self.corpus, sentences, None, label))
        else:
            self.undo_stack.push(commands.InsertSentencesCommand(self.corpus, sentences, None, label))
        for name in unknown:
            self.undo_stack.push(commands.AddTagCommand(self.corpus, Tag(name)))
        self.undo_stack.endMacro()

    def export(self, path: str | os.PathLike, fmt: str | None = None) -> None:
        """Write every sentence to ``path``; raises ``OSError`` or ``FormatError``."""
        write_file(path, self.corpus.sentences, fmt, tag_column=self.project.tag_column)

    # ------------------------------------------------------------ edits
    def set_tag(self, sentence: int, token: int, tag: str | None) -> None:
        if self.corpus[sentence].tokens[token].tag != tag:
            self.undo_stack.push(commands.SetTagsCommand(self.corpus, sentence, {token: tag}))

    def set_reviewed(self, sentence: int, reviewed: bool) -> None:
        self.undo_stack.push(commands.SetReviewedCommand(self.corpus, sentence, reviewed))

    def set_split(self, rows: Sequence[int], split: Split) -> None:
        if rows:
            self.undo_stack.push(commands.SetSplitCommand(self.corpus, rows, split))

    def add_sentences(self, sentences: Sequence[Sentence], index: int | None = None) -> int:
        """Insert sentences; returns the row of the first one."""
        command = commands.InsertSentencesCommand(self.corpus, sentences, index)
        self.undo_stack.push(command)
        return command.first_row

    def remove_sentences(self, rows: Sequence[int]) -> None:
        if rows:
            self.undo_stack.push(commands.RemoveSentencesCommand(self.corpus, rows))

    def replace_sentence(self, row: int, sentence: Sentence) -> None:
        self.undo_stack.push(commands.ReplaceSentenceCommand(self.corpus, row, sentence))

    def add_tag(self, tag: Tag) -> None:
        self.undo_stack.push(commands.AddTagCommand(self.corpus, tag))

    def update_tag(self, name: str, description: str | None = None, color: str | None = None) -> None:
        self.undo_stack.push(commands.UpdateTagCommand(self.corpus, name, description, color))

    def rename_tag(self, old: str, new: str) -> None:
        self.undo_stack.push(commands.RenameTagCommand(self.corpus, old, new))

    def merge_tags(self, source: str, target: str) -> None:
        self.undo_stack.push(commands.MergeTagsCommand(self.corpus, source, target))

    def remove_tag(self, name: str) -> None:
        self.undo_stack.push(commands.RemoveTagCommand(self.corpus, name))

    def set_tagset(self, tagset: TagSet, text: str = "Replace tag set") -> None:
        self.undo_stack.push(commands.SetTagsetCommand(self.corpus, tagset, text))
