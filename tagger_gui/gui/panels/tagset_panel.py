"""The tag set panel: tags with colour, key and description; add, rename, recolour, merge, delete, presets."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QColorDialog, QHBoxLayout, QHeaderView, QInputDialog, QMessageBox, QTableView, QToolButton, QVBoxLayout, QWidget, QMenu,
)

from tagger_gui.core.corpus import Tag
from tagger_gui.core.resources import TAGSET_PRESETS, load_tagset_preset
from tagger_gui.gui.qt_models import TagSetModel

RENAME_DIALOG_CHARS = 60


class TagSetPanel(QWidget):
    """Shows the tag set and edits it through the document (every change undoable).

    Name and description cells are edited in place (double-click or F2); the buttons
    ask through standard dialogs.
    """

    def __init__(self, document, stats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = TagSetModel(document, stats, self)
        self._build_table()
        self._build_buttons()
        self._build_layout()

    def _build_table(self) -> None:
        table = self.table = QTableView(self)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.verticalHeader().hide()
        table.setShowGrid(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(TagSetModel.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(TagSetModel.KEY, 36)
        header.resizeSection(TagSetModel.NAME, 78)
        header.resizeSection(TagSetModel.COUNT, 64)

    def _build_buttons(self) -> None:
        specs = (
            ("add", "Add…", "Add a new tag", self.add_tag),
            ("rename", "Rename…", "Rename the selected tag (on every token too)", self.rename_tag),
            ("color", "Colour…", "Change the selected tag's colour", self.recolor_tag),
            ("merge", "Merge…", "Retag the selected tag's tokens as another tag and drop it", self.merge_tag),
            ("delete", "Delete", "Delete the selected tag and untag its tokens", self.delete_tag),
        )
        self.buttons: dict[str, QToolButton] = {}
        for key, text, tip, slot in specs:
            button = QToolButton(text=text, toolTip=tip, autoRaise=False)
            button.clicked.connect(slot)
            self.buttons[key] = button
        presets = QMenu(self)
        for name in TAGSET_PRESETS:
            presets.addAction(name).triggered.connect(lambda _=False, n=name: self.apply_preset(n))
        self.preset_button = QToolButton(text="Presets", toolTip="Replace the tag set with a preset (tokens keep their tags)")
        self.preset_button.setMenu(presets)
        self.preset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def _build_layout(self) -> None:
        row = QHBoxLayout()
        row.setSpacing(4)
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.preset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)

    # ------------------------------------------------------------ API
    def selected_tag(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.tag_at(index.row()).name if index.isValid() else None

    def select_tag(self, name: str) -> None:
        if name in self.document.corpus.tagset:
            self.table.selectRow(self.document.corpus.tagset.index(name))

    def add_tag(self) -> None:
        name, ok = QInputDialog.getText(self, "Add tag", "Name of the new tag:")
        name = name.strip()
        if not ok or not name:
            return
        if name in self.document.corpus.tagset:
            QMessageBox.information(self, "Add tag", f"The tag set already has {name}.")
            return
        description, ok = QInputDialog.getText(self, "Add tag", f"Description of {name} (optional):")
        self.document.add_tag(Tag(name, description.strip() if ok else ""))
        self.select_tag(name)

    def rename_tag(self) -> None:
        old = self.selected_tag()
        if old is None:
            return
        dialog = self.rename_dialog(old)
        if not dialog.exec():
            return
        new = dialog.textValue().strip()
        if not new or new == old:
            return
        if new in self.document.corpus.tagset:
            QMessageBox.information(self, "Rename tag", f"{new} already exists: use Merge to combine two tags.")
            return
        self.document.rename_tag(old, new)
        self.select_tag(new)

    def rename_dialog(self, old: str) -> QInputDialog:
        """The question for ``rename_tag``, wide enough for a long tag name and its explanation."""
        count = self.model.count(old)
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Rename tag")
        dialog.setLabelText(f"New name for the tag {old}.\nThe {count:,} token(s) tagged {old} keep their tag under the new name.")
        dialog.setTextValue(old)
        dialog.setMinimumWidth(dialog.fontMetrics().averageCharWidth() * RENAME_DIALOG_CHARS)
        return dialog

    def recolor_tag(self) -> None:
        name = self.selected_tag()
        if name is None:
            return
        tag = self.document.corpus.tagset[name]
        color = QColorDialog.getColor(QColor(tag.color or "#888888"), self, f"Colour of {name}")
        if color.isValid():
            self.document.update_tag(name, color=color.name())

    def merge_tag(self) -> None:
        source = self.selected_tag()
        if source is None:
            return
        targets = [n for n in self.document.corpus.tagset.names if n != source]
        if not targets:
            return
        count = self.model.count(source)
        target, ok = QInputDialog.getItem(
            self, "Merge tag", f"Retag the {count} {source} token(s) as, and drop {source}:", targets, 0, False
        )
        if ok and target:
            self.document.merge_tags(source, target)
            self.select_tag(target)

    def delete_tag(self) -> None:
        name = self.selected_tag()
        if name is None:
            return
        count = sum(len(v) for v in self.document.corpus.tokens_with_tag(name).values())
        answer = QMessageBox.question(
            self, "Delete tag", f"Delete {name}? {count} token(s) carry it and will become untagged.\n(You can undo this.)"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.document.remove_tag(name)

    def apply_preset(self, name: str) -> None:
        self.document.set_tagset(load_tagset_preset(name), f"Use tag-set preset {name}")
