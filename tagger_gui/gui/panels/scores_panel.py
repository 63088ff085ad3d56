"""The per-word tag score table: one row per word, one column per tag, as the model sees the sentence.

``ScoreTableModel`` adapts one ``Prediction`` (no copies of the numbers); cells show
the probability or the log-softmax score the tutorial prints, shaded by probability,
with the best tag per row in bold and the gold tag framed. ``ScoreTable`` is the
reusable widget (toggle, copy, export as the ``tagger-gui predict --scores`` TSV);
``ScoresPanel`` shows the sentence open in the tag editor.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QButtonGroup, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QSizePolicy, QStyledItemDelegate, QTableView, QToolButton, QVBoxLayout, QWidget,
)

from tagger_gui.core.atomic import atomic_write_text
from tagger_gui.gui.style import fit_rows_to_font
from tagger_gui.ml.predict import Prediction
from tagger_gui.ml.scores import score_table
from tagger_gui.ml.uncertainty import disagrees

SCORE_ROLE = Qt.ItemDataRole.UserRole + 20
"""The raw float of a tag cell in the shown mode (probability or log-softmax)."""
GOLD_ROLE = Qt.ItemDataRole.UserRole + 21
"""True on the cell of the word's gold tag."""
CELL_PADDING = 12
MAX_FIXED_WIDTH = 160


class ScoreTableModel(QAbstractTableModel):
    """Rows are words; columns are Word, Gold, Predicted, then one per tag of the model."""

    FIXED = ("Word", "Gold", "Predicted")
    WORD, GOLD, PREDICTED = range(3)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.words: list[str] = []
        self.gold: list[str | None] = []
        self.prediction: Prediction | None = None
        self.log_scale = False
        self._best: np.ndarray = np.zeros(0, np.int64)
        self._probs: np.ndarray = np.zeros((0, 0), np.float32)

    # ------------------------------------------------------------ content
    def set_content(self, words: list[str], gold: list[str | None] | None, prediction: Prediction | None) -> None:
        """Show ``words`` with their gold tags (``None``: none) and ``prediction`` (``None``: no model)."""
        self.beginResetModel()
        self.words = list(words)
        self.gold = list(gold) if gold is not None else [None] * len(words)
        self.prediction = prediction if prediction is not None and len(prediction.log_probs) == len(words) else None
        if self.prediction is not None:
            self._probs = self.prediction.probs
            self._best = self.prediction.log_probs.argmax(axis=1)
        else:
            self._probs, self._best = np.zeros((0, 0), np.float32), np.zeros(0, np.int64)
        self.endResetModel()

    def set_gold(self, gold: list[str | None]) -> None:
        """Refresh the gold tags (after an edit) without resetting the view."""
        if len(gold) == len(self.words) and self.words:
            self.gold = list(gold)
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.words) - 1, self.columnCount() - 1))

    def set_log_scale(self, log_scale: bool) -> None:
        if log_scale != self.log_scale:
            self.log_scale = log_scale
            if self.words and self.prediction is not None:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self.words) - 1, self.columnCount() - 1))

    @property
    def tag_names(self) -> list[str]:
        return self.prediction.tag_names if self.prediction is not None else []

    # ------------------------------------------------------------ Qt
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.words)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.FIXED) + len(self.tag_names)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return self.FIXED[section] if section < len(self.FIXED) else self.tag_names[section - len(self.FIXED)]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        if column < len(self.FIXED):
            return self._fixed_data(row, column, role)
        tag = column - len(self.FIXED)
        if role == SCORE_ROLE:
            return float(self.prediction.log_probs[row, tag] if self.log_scale else self._probs[row, tag])
        if role == Qt.ItemDataRole.DisplayRole:
            # two decimals fit the column; the tooltip, copy and export carry the full precision
            value = float(self.prediction.log_probs[row, tag])
            return f"{value:.2f}" if self.log_scale else f"{self._probs[row, tag]:.3f}"
        if role == GOLD_ROLE:
            return self.gold[row] == self.tag_names[tag]
        if role == Qt.ItemDataRole.BackgroundRole:
            return _shade(float(self._probs[row, tag]))
        if role == Qt.ItemDataRole.ForegroundRole and self._probs[row, tag] > 0.55:
            return QColor("#ffffff")
        if role == Qt.ItemDataRole.FontRole and tag == self._best[row]:
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, tag)
        return None

    def _fixed_data(self, row: int, column: int, role):
        predicted = self.tag_names[self._best[row]] if self.prediction is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.WORD:
                return self.words[row]
            if column == self.GOLD:
                return self.gold[row] or "—"
            return f"{predicted} {self._probs[row, self._best[row]]:.0%}" if predicted else ""
        conflict = disagrees(self.gold[row], predicted)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.PREDICTED and conflict:
            return QColor("#d0342c")
        if role == Qt.ItemDataRole.FontRole and column == self.WORD:
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole and column == self.PREDICTED and conflict:
            return f"The model predicts {predicted}; the saved tag is {self.gold[row]}"
        return None

    def _tooltip(self, row: int, tag: int) -> str:
        name = self.tag_names[tag]
        marks = [m for m, on in (("best", tag == self._best[row]), ("gold", self.gold[row] == name)) if on]
        extra = f" ({', '.join(marks)})" if marks else ""
        return (f"{self.words[row]} as {name}{extra}: probability {self._probs[row, tag]:.4f}, "
                f"log-softmax {float(self.prediction.log_probs[row, tag]):.5g}")

    def tsv(self, sentence_number: int = 1) -> str:
        """The ``tagger-gui predict --scores`` text for the shown sentence (log-softmax scores)."""
        if self.prediction is None:
            return ""
        return score_table([self.words], [self.prediction], first_number=sentence_number)


_BOLD: QFont | None = None


def _bold() -> QFont:
    """A font that sets only the weight: the view's own font (size under zoom, family) fills in the rest."""
    global _BOLD
    if _BOLD is None:
        _BOLD = QFont()
        _BOLD.setBold(True)
    return _BOLD


def _shade(probability: float) -> QColor | None:
    if probability < 0.005:
        return None
    color = QColor("#2f6fbf")
    color.setAlpha(int(25 + 230 * probability))
    return color


class ScoreDelegate(QStyledItemDelegate):
    """Draws the cell as usual, then a frame around the gold tag's cell."""

    def paint(self, painter: QPainter, option, index) -> None:
        super().paint(painter, option, index)
        if index.data(GOLD_ROLE):
            painter.save()
            painter.setPen(QPen(QColor("#e8a300"), 2))
            painter.drawRect(QRect(option.rect).adjusted(1, 1, -2, -2))
            painter.restore()


class ScoreTable(QWidget):
    """The score table with its tool row: probability / log-softmax, copy, export TSV.

    Signals:
        word_activated(int): a row was double-clicked (word index).
    """

    word_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ScoreTableModel(self)
        self.sentence_number = 1
        self._build_tools()
        self._build_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.tools)
        layout.addWidget(self.table, 1)

    def _build_tools(self) -> None:
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.prob_button = QToolButton(text="Probability", checkable=True, checked=True)
        self.prob_button.setToolTip("Show each tag's probability (rows sum to 1)")
        self.log_button = QToolButton(text="Log-softmax", checkable=True)
        self.log_button.setToolTip("Show the log-softmax scores the model outputs (as printed by the tutorial)")
        group = self._mode_group = QButtonGroup(self)
        group.addButton(self.prob_button)
        group.addButton(self.log_button)
        self.log_button.toggled.connect(self.model.set_log_scale)
        self.copy_button = QToolButton(text="Copy")
        self.copy_button.setToolTip("Copy the table as TSV, the same text as tagger-gui predict --scores (Ctrl+C)")
        self.copy_button.clicked.connect(self.copy)
        self.export_button = QToolButton(text="Export TSV…")
        self.export_button.setToolTip("Save the table as TSV, the same text as tagger-gui predict --scores")
        self.export_button.clicked.connect(self.export_dialog)
        tools = self.tools = QHBoxLayout()
        tools.addWidget(self.caption, 1)
        for button in (self.prob_button, self.log_button, self.copy_button, self.export_button):
            tools.addWidget(button)

    def _build_table(self) -> None:
        table = self.table = QTableView(self)
        table.setModel(self.model)
        table.setItemDelegate(ScoreDelegate(table))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setWordWrap(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        fit_rows_to_font(table)
        table.horizontalHeader().setMinimumSectionSize(30)
        table.doubleClicked.connect(lambda index: self.word_activated.emit(index.row()))
        copy = QAction("Copy", table, shortcut=QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy)
        table.addAction(copy)
        self._copy_action = copy
        self.model.modelReset.connect(self._fit_columns)

    # ------------------------------------------------------------ API
    def set_content(self, words, gold, prediction, sentence_number: int = 1, caption: str = "") -> None:
        self.sentence_number = sentence_number
        self.model.set_content(words, gold, prediction)
        self.caption.setText(caption)
        has_scores = self.model.prediction is not None
        self.copy_button.setEnabled(has_scores)
        self.export_button.setEnabled(has_scores)

    def tsv(self) -> str:
        return self.model.tsv(self.sentence_number)

    def copy(self) -> None:
        text = self.tsv()
        if text:
            QApplication.clipboard().setText(text)

    def export_dialog(self) -> None:
        if self.model.prediction is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export scores", "scores.tsv", "Tab-separated (*.tsv);;All files (*)")
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        atomic_write_text(path, self.tsv())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Columns as wide as their header (never elided) and their text, the fixed ones at most 160 px wider.

        The texts are measured directly (in bold, an upper bound for every cell), not through the view's
        ``sizeHintForColumn``, which asks the model and the delegate for every cell and role: this runs
        on every change of sentence.
        """
        header, table, model = self.table.horizontalHeader(), self.table, self.model
        bold = QFont(table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        number = metrics.horizontalAdvance("-88.88") + CELL_PADDING
        rows = model.rowCount()
        for column in range(model.columnCount()):
            if column < len(ScoreTableModel.FIXED):
                texts = (model.data(model.index(row, column)) or "" for row in range(rows))
                cells = max((metrics.horizontalAdvance(str(text)) for text in texts), default=0) + CELL_PADDING
            else:
                cells = number
            header.resizeSection(column, max(header.sectionSizeHint(column), min(cells, MAX_FIXED_WIDTH)))


class ScoresPanel(QWidget):
    """The score table of the sentence open in the tag editor (the dock "Scores")."""

    def __init__(self, store, editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.editor = store, editor
        self.corpus = editor.document.corpus
        self.scores = ScoreTable(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.scores)
        self.scores.word_activated.connect(self._on_word_activated)
        editor.model.modelReset.connect(self.refresh)
        editor.model.dataChanged.connect(self._on_tags_changed)
        editor.view.selectionModel().currentRowChanged.connect(self._on_token_changed)
        store.changed.connect(self.refresh)
        self.refresh()

    @property
    def model(self) -> ScoreTableModel:
        return self.scores.model

    def refresh(self) -> None:
        row = self.editor.sentence_row
        if row is None:
            self.scores.set_content([], None, None, caption="No sentence selected")
            return
        sentence = self.corpus[row]
        prediction = self.store.prediction(row)
        if prediction is None:
            caption = "No model yet: train one (Model ▸ Train) or load one to see its scores"
        else:
            caption = f"Sentence {row + 1} · {len(sentence.tokens)} words · bold = best tag, framed = saved tag"
        self.scores.set_content(sentence.words, sentence.tags, prediction, row + 1, caption)
        self._on_token_changed(self.editor.view.currentIndex())

    def _on_tags_changed(self, *_args) -> None:
        sentence = self.editor.model.sentence
        if sentence is not None:
            self.model.set_gold(sentence.tags)

    def _on_token_changed(self, current, *_args) -> None:
        if current.isValid() and current.row() < self.model.rowCount():
            self.scores.table.selectRow(current.row())

    def _on_word_activated(self, word: int) -> None:
        self.editor.view.set_current_row(word)
        self.editor.focus_tokens()
