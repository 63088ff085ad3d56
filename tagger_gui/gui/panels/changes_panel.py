"""What changed: after a retrain, the tokens whose predicted tag differs from the previous model's."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from tagger_gui.core.corpus import Corpus
from tagger_gui.gui.qt_models import ListTableModel
from tagger_gui.gui.style import fit_rows_to_font
from tagger_gui.ml.uncertainty import TagChange


class ChangesModel(ListTableModel):
    """One row per changed token: word, old and new predicted tag, the saved tag, confidence, sentence.

    The sentence id comes last: EWT's are 60 characters long and would push the word out of sight.
    """

    COLUMNS = ("Word", "Before", "Now", "Saved tag", "p(now)", "Sentence")
    WORD, BEFORE, NOW, GOLD, CONFIDENCE, SENTENCE = range(6)

    def __init__(self, corpus: Corpus, parent=None) -> None:
        super().__init__(parent)
        self.corpus = corpus

    @property
    def changes(self) -> list[tuple[str, TagChange]]:
        """The rows: (sentence id, change)."""
        return self.rows

    def set_changes(self, changes: list[tuple[str, TagChange]]) -> None:
        self.set_rows(changes)

    def location(self, row: int) -> tuple[int, int] | None:
        """Corpus (sentence row, token) of a change, or ``None`` if the sentence is gone."""
        sid, change = self.changes[row]
        try:
            return self.corpus.index_of(sid), change.token
        except KeyError:
            return None

    def _gold(self, row: int) -> str | None:
        where = self.location(row)
        if where is None:
            return None
        tokens = self.corpus[where[0]].tokens
        return tokens[where[1]].tag if where[1] < len(tokens) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        sid, change = self.changes[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (change.word, change.old, change.new, self._gold(index.row()) or "—", f"{change.confidence:.0%}", sid)
            return values[column]
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.BEFORE, self.NOW):
            gold = self._gold(index.row())
            if gold is not None:
                right = (change.old if column == self.BEFORE else change.new) == gold
                return QColor("#3b9b4a") if right else QColor("#d0342c")
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Double-click to open the token in the tag editor"
        return None


class ChangesPanel(QWidget):
    """The list of tokens whose predicted tag changed with the last retrain.

    Signals:
        token_activated(int, int): open (sentence row, token) in the editor.
    """

    token_activated = Signal(int, int)

    def __init__(self, corpus: Corpus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ChangesModel(corpus, self)
        self.summary = QLabel("Retrain to see which predictions the new model changes.", wordWrap=True)
        table = self.table = QTableView(self)
        table.setModel(self.model)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        fit_rows_to_font(table)
        table.setWordWrap(False)  # one line per row: a wrapped id was cut after its first hyphen
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a sentence id's distinguishing end stays
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ChangesModel.SENTENCE, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(self._on_double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(table, 1)

    def set_changes(self, changes: list[tuple[str, TagChange]], words: int) -> None:
        """Show ``changes`` (sentence id, change) out of ``words`` predicted words."""
        self.model.set_changes(changes)
        fixed = sum(1 for i in range(len(changes)) if self.model._gold(i) == changes[i][1].new)
        broken = sum(1 for i in range(len(changes)) if self.model._gold(i) == changes[i][1].old)
        self.summary.setText(
            f"The new model changed its tag for <b>{len(changes)}</b> of {words:,} words: "
            f"<span style='color:#3b9b4a'>{fixed} now match the saved tag</span>, "
            f"<span style='color:#d0342c'>{broken} no longer do</span>."
        )

    def _on_double_clicked(self, index) -> None:
        where = self.model.location(index.row())
        if where is not None:
            self.token_activated.emit(*where)
