"""Qt table models of the evaluation view and the error review list.

Thin read-only adapters over the plain results of ``ml.evaluation`` and
``ml.error_finder``: per-tag scores, the confusion matrix (a heat map through
``BackgroundRole``), the tokens behind a cell, and the ranked suspects with the
reviewer's decision on each.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from tagger_gui.gui.qt_models import SORT_ROLE, ListTableModel
from tagger_gui.gui.style import is_dark, text_on
from tagger_gui.ml.evaluation import TokenHit
from tagger_gui.ml.metrics import Evaluation
from tagger_gui.ml.review import CONTEXT_WORDS, Decision, ReviewItem

Display = Qt.ItemDataRole.DisplayRole
Align = Qt.ItemDataRole.TextAlignmentRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)


class PerTagModel(ListTableModel):
    """One row per tag: precision, recall, F1, support (sortable through ``SORT_ROLE``)."""

    COLUMNS = ("Tag", "Precision", "Recall", "F1", "Support")
    TIPS = {1: "Of the tokens predicted with this tag, the share that has it",
            2: "Of the tokens that have this tag, the share predicted with it",
            3: "Harmonic mean of precision and recall", 4: "Tokens with this tag in the evaluated sentences"}

    def set_evaluation(self, evaluation: Evaluation | None) -> None:
        rows = [] if evaluation is None else [
            (tag, s.precision, s.recall, s.f1, s.support) for tag, s in evaluation.per_tag.items()
            if s.support or evaluation.confusion[:, evaluation.tags.index(tag)].any()
        ]
        self.set_rows(rows)

    def data(self, index, role=Display):
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Display:
            return value if index.column() in (0, 4) else f"{value:.1%}"
        if role == SORT_ROLE:
            return value
        if role == Align and index.column():
            return RIGHT
        return None


class ConfusionModel(QAbstractTableModel):
    """The confusion matrix: rows are gold tags, columns predicted tags, cells shaded by count.

    Only tags that occur (as gold or predicted) are shown. Correct cells (the
    diagonal) are shaded blue by the row's recall, errors orange-red by a log scale
    of their count, so small error counts stay visible next to large diagonals.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tags: list[str] = []
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self._max_error = 1

    def set_evaluation(self, evaluation: Evaluation | None) -> None:
        self.beginResetModel()
        if evaluation is None:
            self.tags, self.counts = [], np.zeros((0, 0), dtype=np.int64)
        else:
            matrix = evaluation.confusion
            keep = np.flatnonzero(matrix.sum(axis=0) + matrix.sum(axis=1))
            self.tags = [evaluation.tags[i] for i in keep]
            self.counts = matrix[np.ix_(keep, keep)]
        errors = self.counts.copy()
        np.fill_diagonal(errors, 0)
        self._max_error = max(int(errors.max()) if errors.size else 0, 1)
        self.endResetModel()

    def cell(self, index: QModelIndex) -> tuple[str, str, int]:
        """``(gold tag, predicted tag, count)`` of a cell."""
        r, c = index.row(), index.column()
        return self.tags[r], self.tags[c], int(self.counts[r, c])

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.tags)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.tags)

    def headerData(self, section, orientation, role=Display):
        if role == Display:
            return self.tags[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            kind = "predicted" if orientation == Qt.Orientation.Horizontal else "gold"
            return f"{kind} tag {self.tags[section]}"
        return None

    def data(self, index, role=Display):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        count = int(self.counts[r, c])
        if role == Display:
            return str(count) if count else ""
        if role == Align:
            return CENTER
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._color(r, c, count)
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self._color(r, c, count)
            return text_on(color) if color is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            gold, predicted = self.tags[r], self.tags[c]
            what = "tagged right" if r == c else f"predicted {predicted}"
            return f"{count} token(s) with gold tag {gold} {what} — click to list them"
        return None

    def _color(self, r: int, c: int, count: int) -> QColor | None:
        if not count:
            return None
        if r == c:
            row_total = max(int(self.counts[r].sum()), 1)
            strength = 0.15 + 0.85 * count / row_total
            return _blend(QColor("#2b6cb0"), strength)
        strength = 0.2 + 0.8 * math.log1p(count) / math.log1p(self._max_error)
        return _blend(QColor("#d9480f"), strength)


def _blend(color: QColor, strength: float) -> QColor:
    base = QColor(40, 40, 44) if is_dark() else QColor(255, 255, 255)
    return QColor(*(round(b + (x - b) * strength) for b, x in (
        (base.red(), color.red()), (base.green(), color.green()), (base.blue(), color.blue()))))


class TokenHitsModel(ListTableModel):
    """The tokens behind a confusion cell, each in its context."""

    COLUMNS = ("Sentence", "Left context", "Word", "Right context", "Gold", "Predicted")

    def __init__(self, corpus, parent=None) -> None:
        super().__init__(parent)
        self.corpus = corpus

    def hit(self, row: int) -> TokenHit:
        return self.rows[row]

    def data(self, index, role=Display):
        if not index.isValid():
            return None
        hit: TokenHit = self.rows[index.row()]
        column = index.column()
        if role == Display:
            return (str(hit.row + 1), hit.left, hit.word, hit.right, hit.gold, hit.predicted)[column]
        if role == Align:
            return RIGHT if column in (0, 1) else None
        if role == Qt.ItemDataRole.FontRole and column == 2:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None


class SuspectsModel(ListTableModel):
    """The ranked review list: most likely annotation errors first."""

    COLUMNS = ("#", "Score", "Word in context", "Saved", "Suggested", "Decision")
    TIPS = {1: "How strongly the held-out model contradicts the saved tag: ln(p suggested / p saved)",
            3: "The tag in the corpus (its held-out probability in brackets)",
            4: "The held-out model's tag (its probability in brackets)"}
    CONTEXT = CONTEXT_WORDS

    def __init__(self, corpus, parent=None) -> None:
        super().__init__(parent)
        self.corpus = corpus
        self._contexts: list[str] = []

    def set_items(self, items: Sequence[ReviewItem], contexts: Sequence[str]) -> None:
        self._contexts = list(contexts)
        self.set_rows(items)

    def item(self, row: int) -> ReviewItem:
        return self.rows[row]

    def refresh_item(self, item: ReviewItem) -> None:
        """Repaint the row of ``item`` (if it is in the list)."""
        for row, other in enumerate(self.rows):
            if other is item:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
                return

    def data(self, index, role=Display):
        if not index.isValid():
            return None
        item: ReviewItem = self.rows[index.row()]
        s, column = item.suspect, index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return f"the suggestion {s.suggested} is {math.exp(min(s.score, 80)):,.0f} times as probable as {s.saved}"
        if role == Display:
            return (
                str(index.row() + 1), f"{s.score:.1f}", self._contexts[index.row()],
                f"{s.saved} ({_percent(s.p_saved)})", f"{s.suggested} ({_percent(s.p_suggested)})", item.decision.value,
            )[column]
        if role == Align and column in (0, 1):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and item.decision is not Decision.PENDING:
            return QColor("#8a8a8a")
        return None


def _percent(p: float) -> str:
    return "<1%" if p < 0.005 else f"{p:.0%}"
