"""Qt item models over the core ``Corpus``: sentences, the tokens of one sentence, the tag set.

The models hold no copies: ``data()`` reads the corpus, and the corpus listener
turns each ``Change`` into the narrowest model signal. The core notifies after the
fact, so inserts and removals are announced with back-to-back ``begin*``/``end*``
calls; views and ``QSortFilterProxyModel`` only need the row ranges.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from PySide6.QtCore import (
    QAbstractListModel, QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer,
)
from PySide6.QtGui import QColor

from tagger_gui.core.corpus import Change, ChangeKind, Corpus, Sentence, Split, Status
from tagger_gui.gui.style import tag_color
from tagger_gui.ml.uncertainty import disagrees

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
TAG_ROLE = Qt.ItemDataRole.UserRole + 2
COLOR_ROLE = Qt.ItemDataRole.UserRole + 3
KEY_ROLE = Qt.ItemDataRole.UserRole + 4
KNOWN_ROLE = Qt.ItemDataRole.UserRole + 5
PREDICTED_ROLE = Qt.ItemDataRole.UserRole + 6  # (predicted tag, its probability) or None

_STATUS_ORDER = {Status.UNTAGGED: 0, Status.PARTIAL: 1, Status.COMPLETE: 2, Status.REVIEWED: 3}
_STATUS_COLORS = {
    Status.UNTAGGED: QColor("#8a8a8a"),
    Status.PARTIAL: QColor("#d9822b"),
    Status.COMPLETE: QColor("#3b9b4a"),
    Status.REVIEWED: QColor("#3a78c9"),
}
_STATUS_LABELS = {Status.UNTAGGED: "untagged", Status.PARTIAL: "partial", Status.COMPLETE: "complete", Status.REVIEWED: "✓ reviewed"}


def tag_key(position: int) -> str:
    """The digit that assigns the tag at ``position`` (0-based): 1..9 then 0, else ``""``."""
    return str(position + 1) if position < 9 else ("0" if position == 9 else "")


def _row_range(model, first: int, last: int, columns: int):
    return model.index(first, 0), model.index(last, columns - 1)


class ColumnsModel(QAbstractTableModel):
    """A table with a fixed horizontal header: ``COLUMNS`` titles and optional ``TIPS`` per column."""

    COLUMNS: tuple[str, ...] = ()
    TIPS: dict[int, str] = {}

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.TIPS.get(section)
        return None


class ListTableModel(ColumnsModel):
    """A read-only ``ColumnsModel`` whose rows are held in a list (``set_rows`` resets the view)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)


class SentenceTableModel(ColumnsModel):
    """One row per sentence: id, text preview, token count, status, split."""

    COLUMNS = ("ID", "Sentence", "Tokens", "Status", "Split", "Min p", "Max H")
    ID, TEXT, TOKENS, STATUS, SPLIT, MIN_P, MAX_H = range(7)
    PREVIEW_CHARS = 200
    TIPS = {
        MIN_P: "The model's lowest best-tag probability in the sentence (low = unsure); sort ascending for the most uncertain first",
        MAX_H: "The highest entropy of a word's tag distribution in the sentence (high = unsure)",
    }

    def __init__(self, corpus: Corpus, parent=None) -> None:
        super().__init__(parent)
        self.corpus = corpus
        self.predictions = None  # the window's PredictionStore: sentence uncertainty per row
        corpus.add_before_listener(self._on_corpus_changing)
        corpus.add_listener(self._on_corpus_changed)

    def refresh_uncertainty(self) -> None:
        """The predictions changed: repaint (and re-sort) the model columns."""
        if len(self.corpus):
            self.dataChanged.emit(self.index(0, self.MIN_P), self.index(len(self.corpus) - 1, self.MAX_H))

    def _uncertainty(self, row: int):
        return self.predictions.uncertainty(row) if self.predictions is not None else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.corpus)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        sentence = self.corpus.sentences[index.row()]
        column = index.column()
        if column >= self.MIN_P:
            return self._model_data(index.row(), column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(sentence, column)
        if role == SORT_ROLE:
            return self._sort_key(sentence, column, index.row())
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS:
            return _STATUS_COLORS[sentence.status]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TEXT:
            return sentence.text
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.TOKENS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _model_data(self, row: int, column: int, role):
        uncertainty = self._uncertainty(row)
        if role == SORT_ROLE:  # sentences without a prediction sort last either way
            if uncertainty is None:
                return 2.0 if column == self.MIN_P else -1.0
            return uncertainty.min_confidence if column == self.MIN_P else uncertainty.max_entropy
        if uncertainty is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{uncertainty.min_confidence:.2f}" if column == self.MIN_P else f"{uncertainty.max_entropy:.2f}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and uncertainty.min_confidence < 0.5:
            return QColor("#d0342c")
        return None

    def _display(self, sentence: Sentence, column: int):
        if column == self.ID:
            return sentence.id
        if column == self.TEXT:
            text = sentence.text
            return text if len(text) <= self.PREVIEW_CHARS else text[: self.PREVIEW_CHARS] + "…"
        if column == self.TOKENS:
            return len(sentence.tokens)
        if column == self.STATUS:
            return _STATUS_LABELS[sentence.status]
        return sentence.split.value

    def _sort_key(self, sentence: Sentence, column: int, row: int):
        if column == self.ID:
            return row  # corpus order: ids like "s10" would sort badly as text
        if column == self.TEXT:
            return sentence.text.lower()
        if column == self.TOKENS:
            return len(sentence.tokens)
        if column == self.STATUS:
            return _STATUS_ORDER[sentence.status]
        return sentence.split.value

    def _on_corpus_changing(self, change: Change) -> None:
        """Announce rows about to come or go, before the corpus changes (as Qt's proxies require)."""
        if change.kind == ChangeKind.INSERTED:
            self.beginInsertRows(QModelIndex(), change.first, change.last)
        elif change.kind == ChangeKind.REMOVED:
            self.beginRemoveRows(QModelIndex(), change.first, change.last)
        elif change.kind == ChangeKind.RESET:
            self.beginResetModel()

    def _on_corpus_changed(self, change: Change) -> None:
        kind, columns = change.kind, len(self.COLUMNS)
        if kind in (ChangeKind.TAGS, ChangeKind.SENTENCE):
            self.dataChanged.emit(*_row_range(self, change.first, change.last, columns))
        elif kind == ChangeKind.INSERTED:
            self.endInsertRows()
        elif kind == ChangeKind.REMOVED:
            self.endRemoveRows()
        elif kind == ChangeKind.TAGSET and len(self.corpus):
            self.dataChanged.emit(*_row_range(self, 0, len(self.corpus) - 1, columns))
        elif kind == ChangeKind.RESET:
            self.endResetModel()


class SentenceFilterProxy(QSortFilterProxyModel):
    """Filters sentences by text (or id), by a tag they contain, by status and by split."""

    def __init__(self, source: SentenceTableModel, parent=None) -> None:
        super().__init__(parent)
        self._corpus = source.corpus
        self._text = ""
        self._tag: str | None = None
        self._status: Status | None = None
        self._split: Split | None = None
        self._model_filter: str | float | None = None  # max best-tag probability, or "disagree"
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)

    def set_filter(self, text: str = "", tag: str | None = None, status: Status | None = None, split: Split | None = None) -> None:
        """Set all criteria at once (empty text / ``None`` = no constraint) and re-filter."""
        new = (text.strip().lower(), tag or None, status, split)
        if new != (self._text, self._tag, self._status, self._split):
            self.beginFilterChange()
            self._text, self._tag, self._status, self._split = new
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_model_filter(self, value: str | float | None) -> None:
        """Keep sentences the model is unsure about (a ``float``: lowest best-tag probability below it),
        those where it disagrees with a saved tag (``"disagree"``), or all (``None``)."""
        if value != self._model_filter:
            self.beginFilterChange()
            self._model_filter = value
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def is_filtering(self) -> bool:
        return (bool(self._text) or self._tag is not None or self._status is not None or self._split is not None
                or self._model_filter is not None)

    def _model_accepts(self, source_row: int) -> bool:
        store = self.sourceModel().predictions
        if store is None or store.tagger is None:
            return True
        entry = store.cached(source_row)
        if entry is None:
            return False
        if self._model_filter == "disagree":
            gold = self._corpus.sentences[source_row].tags
            return any(disagrees(g, p) for g, p in zip(gold, entry.prediction.best))
        return entry.uncertainty.min_confidence < self._model_filter

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        if not self.is_filtering:
            return True
        sentence = self._corpus.sentences[source_row]
        if self._status is not None and sentence.status != self._status:
            return False
        if self._split is not None and sentence.split != self._split:
            return False
        if self._tag is not None and not any(token.tag == self._tag for token in sentence.tokens):
            return False
        if self._text and self._text not in sentence.text.lower() and self._text != sentence.id.lower():
            return False
        if self._model_filter is not None and not self._model_accepts(source_row):
            return False
        return True


class TokenModel(QAbstractListModel):
    """The tokens of one sentence (followed by its id, so inserts and removals elsewhere do not matter)."""

    def __init__(self, corpus: Corpus, parent=None) -> None:
        super().__init__(parent)
        self.corpus = corpus
        self._sentence_id: str | None = None
        self._tokens: list = []
        self.prediction_source = None  # callable(corpus row) -> Prediction | None, set by the window
        self._prediction = None
        self._prediction_known = False
        corpus.add_listener(self._on_corpus_changed)

    def prediction(self):
        """The model's ``Prediction`` for the shown sentence (fetched once per sentence), or ``None``."""
        if not self._prediction_known:
            row = self.sentence_row
            source = self.prediction_source
            self._prediction = source(row) if source is not None and row is not None else None
            if self._prediction is not None and len(self._prediction.log_probs) != len(self._tokens):
                self._prediction = None
            self._prediction_known = True
        return self._prediction

    def refresh_predictions(self) -> None:
        """Fetch the prediction again (the model changed) and repaint the tokens."""
        self._prediction_known = False
        if self._tokens:
            self.dataChanged.emit(self.index(0), self.index(len(self._tokens) - 1))

    @property
    def sentence_row(self) -> int | None:
        """The corpus row of the shown sentence, or ``None``."""
        if self._sentence_id is None:
            return None
        try:
            return self.corpus.index_of(self._sentence_id)
        except KeyError:
            return None

    @property
    def sentence(self) -> Sentence | None:
        row = self.sentence_row
        return None if row is None else self.corpus.sentences[row]

    def set_sentence(self, row: int | None) -> None:
        """Show the sentence at corpus ``row`` (``None``: nothing)."""
        sentence = None if row is None or not 0 <= row < len(self.corpus) else self.corpus.sentences[row]
        self.beginResetModel()
        self._sentence_id = sentence.id if sentence else None
        self._tokens = sentence.tokens if sentence else []
        self._prediction_known = False
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._tokens)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        token = self._tokens[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return token.form
        if role == TAG_ROLE:
            return token.tag
        if role == PREDICTED_ROLE:
            prediction = self.prediction()
            if prediction is None:
                return None
            scores = prediction.log_probs[index.row()]
            best = int(scores.argmax())
            return prediction.tag_names[best], math.exp(float(scores[best]))
        tagset = self.corpus.tagset
        if role == COLOR_ROLE:
            return tag_color(token.tag, tagset[token.tag].color if token.tag in tagset else "")
        if role == KNOWN_ROLE:
            return token.tag is None or token.tag in tagset
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(token.form, token.tag)
        return None

    def _tooltip(self, form: str, tag: str | None) -> str:
        if tag is None:
            return f"{form}: untagged"
        tagset = self.corpus.tagset
        if tag not in tagset:
            return f"{form}: {tag} (not in the tag set)"
        return f"{form}: {tag} — {tagset[tag].description}".rstrip(" —")

    def _on_corpus_changed(self, change: Change) -> None:
        row = self.sentence_row
        kind = change.kind
        if kind == ChangeKind.TAGS and change.first == row:
            for i in change.tokens:
                self.dataChanged.emit(self.index(i), self.index(i))
        elif kind == ChangeKind.SENTENCE and row is not None and change.first <= row <= change.last:
            if self.corpus.sentences[row].tokens is not self._tokens:
                self.set_sentence(row)
            elif self._tokens:
                self.dataChanged.emit(self.index(0), self.index(len(self._tokens) - 1))
        elif kind == ChangeKind.TAGSET and self._tokens:
            self.dataChanged.emit(self.index(0), self.index(len(self._tokens) - 1))
        elif kind == ChangeKind.RESET or (kind == ChangeKind.REMOVED and row is None and self._sentence_id):
            self.set_sentence(row)


class TagSetModel(ColumnsModel):
    """The tag set: key, name (editable: renames), description (editable), tokens using it."""

    COLUMNS = ("Key", "Tag", "Description", "Tokens")
    KEY, NAME, DESCRIPTION, COUNT = range(4)
    COUNT_DELAY_MS = 300

    def __init__(self, document, stats, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.corpus: Corpus = document.corpus
        self._stats = stats
        self._counts: dict[str, int] = {}
        self._count_timer = QTimer(self, singleShot=True, interval=self.COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.refresh_counts)
        self.corpus.add_listener(self._on_corpus_changed)
        self.refresh_counts()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.corpus.tagset)

    def tag_at(self, row: int):
        return self.corpus.tagset.at(row)

    def count(self, name: str) -> int:
        return self._counts.get(name, 0)

    def flags(self, index):
        flags = super().flags(index)
        if index.column() in (self.NAME, self.DESCRIPTION):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        tag, column = self.corpus.tagset.at(index.row()), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (tag_key(index.row()), tag.name, tag.description, self._counts.get(tag.name, 0))[column]
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            return tag_color(tag.name, tag.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tag.description or tag.name
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.KEY, self.COUNT):
            return int(Qt.AlignmentFlag.AlignCenter if column == self.KEY else Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        tag = self.corpus.tagset.at(index.row())
        value = str(value).strip()
        if index.column() == self.DESCRIPTION and value != tag.description:
            self.document.update_tag(tag.name, description=value)
            return True
        if index.column() == self.NAME and value and value != tag.name and value not in self.corpus.tagset:
            self.document.rename_tag(tag.name, value)
            return True
        return False

    def refresh_counts(self) -> None:
        self._counts = dict(self._stats.tag_counts)
        if len(self.corpus.tagset):
            self.dataChanged.emit(self.index(0, self.COUNT), self.index(len(self.corpus.tagset) - 1, self.COUNT))

    def _on_corpus_changed(self, change: Change) -> None:
        if change.kind in (ChangeKind.TAGSET, ChangeKind.RESET):
            self.beginResetModel()
            self.endResetModel()
        self._count_timer.start()
