"""The project's untagged text files: a short list the user edits, with what they are for."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget,
)

EXPLANATION = (
    "New models also learn from untagged text: how words are used tells which tags they can take, even for "
    "words nobody has tagged. Every sentence of the project counts (tagged or not); add text files for more "
    "(one sentence a line, or any corpus format; their tags are not used). The word vectors are learned in "
    "seconds at the start of the next Train and kept beside the project."
)


class RawTextDialog(QDialog):
    """Edit a list of raw text files; ``files()`` gives the result after ``exec()``."""

    def __init__(self, files: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Untagged text files")
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.addItems([str(file) for file in files])
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        add, self.remove = QPushButton("&Add files…"), QPushButton("&Remove")
        add.clicked.connect(self._add)
        self.remove.clicked.connect(self._remove_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        for part in (explanation, self.list):
            layout.addWidget(part)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(560, 360)
        self._update_buttons()

    def files(self) -> list[Path]:
        return [Path(self.list.item(i).text()) for i in range(self.list.count())]

    def add_files(self, paths: list[str]) -> None:
        """Append ``paths`` not already listed."""
        listed = {self.list.item(i).text() for i in range(self.list.count())}
        self.list.addItems([path for path in paths if path not in listed])

    def _add(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Add untagged text", "", "Text and corpus files (*.txt *.conllu *.conll *.tsv *.jsonl);;All files (*)")
        self.add_files(paths)

    def _remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def _update_buttons(self) -> None:
        self.remove.setEnabled(bool(self.list.selectedItems()))
