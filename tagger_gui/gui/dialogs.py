"""Dialogs of the window: import preview, keyboard shortcuts, the unsaved-changes question."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QMessageBox, QPlainTextEdit, QRadioButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QHeaderView,
)

from tagger_gui.core.corpus import Sentence, Split, TagSet
from tagger_gui.core.data_split import split_from_name
from tagger_gui.core.formats import FORMATS, FormatError, format_for_path, read_file

TAG_COLUMNS = ("upos", "xpos")


def ask_unsaved(parent: QWidget, name: str) -> QMessageBox.StandardButton:
    """Save / Discard / Cancel for a project with unsaved changes."""
    buttons = QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
    return QMessageBox.question(
        parent, "Unsaved changes", f"“{name}” has unsaved changes. Save them first?", buttons, QMessageBox.StandardButton.Save
    )


def show_error(parent: QWidget, title: str, message: str) -> None:
    QMessageBox.critical(parent, title, message)


class ImportPreviewDialog(QDialog):
    """Reads a corpus file and shows what would be imported before anything changes.

    After ``exec()`` returns ``Accepted``, ``sentences``, ``replace`` and ``add_tags``
    describe the import.
    """

    PREVIEW_SENTENCES = 5

    def __init__(self, path: str | Path, tagset: TagSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {Path(path).name}")
        self.resize(640, 520)
        self.path, self.tagset = Path(path), tagset
        self.sentences: list[Sentence] = []
        self.error: str | None = None
        self._build()
        self._reload()

    def _build(self) -> None:
        self.format_combo = QComboBox()
        self.format_combo.addItems(FORMATS)
        try:
            self.format_combo.setCurrentText(format_for_path(self.path))
        except FormatError:
            pass
        self.column_combo = QComboBox(toolTip="CoNLL-U column to read the tag from")
        self.column_combo.addItems(TAG_COLUMNS)
        self.split_combo = QComboBox(toolTip="Split for the imported sentences")
        self.split_combo.addItem("as in the file", None)
        for split in Split:
            self.split_combo.addItem(split.value, split)
        named = split_from_name(self.path)  # "…-dev.conllu": offer dev
        if named is not None:
            self.split_combo.setCurrentIndex(self.split_combo.findData(named))
        self.summary = QLabel(wordWrap=True)
        self.preview = QPlainTextEdit(readOnly=True)
        self.add_radio = QRadioButton("Add to the current corpus", checked=True)
        self.replace_radio = QRadioButton("Replace the current corpus")
        self.add_tags_check = QCheckBox("Add tags not in the tag set to it", checked=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.format_combo.currentIndexChanged.connect(self._reload)
        self.column_combo.currentIndexChanged.connect(self._reload)
        form = QFormLayout()
        form.addRow("Format:", self.format_combo)
        form.addRow("Tag column:", self.column_combo)
        form.addRow("Split:", self.split_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 1)
        for widget in (self.add_radio, self.replace_radio, self.add_tags_check, self.buttons):
            layout.addWidget(widget)

    @property
    def replace(self) -> bool:
        return self.replace_radio.isChecked()

    @property
    def add_tags(self) -> bool:
        return self.add_tags_check.isChecked()

    @property
    def tag_column(self) -> str:
        return self.column_combo.currentText()

    def accept(self) -> None:
        split = self.split_combo.currentData()
        if split is not None:
            for sentence in self.sentences:
                sentence.split = Split(split)
        super().accept()

    def _reload(self) -> None:
        fmt = self.format_combo.currentText()
        self.column_combo.setEnabled(fmt == "conllu")
        try:
            self.sentences = read_file(self.path, fmt, tag_column=self.tag_column if fmt == "conllu" else "last")
            self.error = None
        except (OSError, ValueError) as error:  # every failure to read ends in the summary
            self.sentences, self.error = [], str(error)
        self._show_summary()

    def _show_summary(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.sentences))
        if self.error:
            self.summary.setText(f"<b>Cannot read this file:</b> {html.escape(self.error)}")
            self.preview.setPlainText("")
            return
        tags = Counter(t.tag for s in self.sentences for t in s.tokens if t.tag is not None)
        words = sum(len(s.tokens) for s in self.sentences)
        unknown = [name for name in tags if name not in self.tagset]
        found = ", ".join(f"{name} ({n})" for name, n in tags.most_common()) or "none"
        self.summary.setText(
            f"<b>{len(self.sentences)}</b> sentences, <b>{words}</b> words, "
            f"<b>{sum(tags.values())}</b> tagged.<br>Tags found: {html.escape(found)}<br>"
            f"Tags not in the tag set: <b>{html.escape(', '.join(unknown) or 'none')}</b>"
        )
        lines = [
            " ".join(f"{t.form}/{t.tag or '_'}" for t in s.tokens) for s in self.sentences[: self.PREVIEW_SENTENCES]
        ]
        self.preview.setPlainText("\n\n".join(lines))


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts: the tag editor's keys and the menu shortcuts."""

    def __init__(self, editor_keys, actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 560)
        rows = [(None, "In the tag editor (click the tokens or press F6 to focus it)")]
        rows += [(keys, what) for keys, what in editor_keys]
        rows += [(None, "Anywhere in the window (the menus' shortcuts)")]
        rows += [(a.shortcut().toString(), a.text().replace("&", "")) for a in actions if not a.shortcut().isEmpty()]
        table = self.table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(rows):
            if keys is None:  # a section's heading across both columns
                heading = QTableWidgetItem(what)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                table.setItem(row, 0, heading)
                table.setSpan(row, 0, 1, 2)
                continue
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(what))
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
