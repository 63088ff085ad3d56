"""The sentence list: a sortable, filterable table over the corpus (model/view, no row widgets).

Sentence ids are elided in the middle, where corpus ids repeat their prefix
(``weblog-blogspot.com_...-0007``); while a filter hides sentences the bar says how
many are shown; opening another project clears the filter, so it never looks empty.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QStyledItemDelegate, QTableView,
    QVBoxLayout, QWidget,
)

from tagger_gui.core.corpus import ChangeKind, Split, Status
from tagger_gui.gui.qt_models import SentenceFilterProxy, SentenceTableModel

ANY = "Any"
MODEL_FILTERS = (
    ("Any model score", None),
    ("Model unsure (p < 0.9)", 0.9),
    ("Model very unsure (p < 0.5)", 0.5),
    ("Model disagrees", "disagree"),
)


class MiddleElideDelegate(QStyledItemDelegate):
    """Draws text elided in the middle (``weblog-blo…-0007``), keeping the end that tells items apart."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt's name)
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class SentenceListPanel(QWidget):
    """Filter bar plus the sentence table.

    Signals:
        current_changed(object): corpus row of the current sentence, or ``None``.
    """

    current_changed = Signal(object)
    FILTER_DELAY_MS = 150

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = SentenceTableModel(document.corpus, self)
        self.proxy = SentenceFilterProxy(self.model, self)
        self._filter_timer = QTimer(self, singleShot=True, interval=self.FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._build_filters()
        self._build_table()
        self._build_layout()
        document.corpus.add_listener(self._on_corpus_changed)
        document.loaded.connect(self.reset_filters)
        proxy, model = self.proxy, self.model
        # The proxy drops rows when the source announces a removal (before the corpus changes): count again
        # once the source has its new length too.
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged,
                       model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._update_count)
        self._update_count()

    # ------------------------------------------------------------ build
    def _build_filters(self) -> None:
        self.filter_edit = QLineEdit(placeholderText="Filter: words or sentence id  (Ctrl+F)", clearButtonEnabled=True)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.status_combo = QComboBox(toolTip="Show only sentences with this status")
        self.status_combo.addItem("Any status", None)
        for status in Status:
            self.status_combo.addItem(status.value, status)
        self.split_combo = QComboBox(toolTip="Show only sentences of this split")
        self.split_combo.addItem("Any split", None)
        for split in Split:
            self.split_combo.addItem(split.value, split)
        self.model_combo = QComboBox(toolTip="Show only sentences the model is unsure about, or disagrees on")
        for label, value in MODEL_FILTERS:
            self.model_combo.addItem(label, value)
        self.model_combo.currentIndexChanged.connect(self._on_model_filter_changed)
        self.tag_combo = QComboBox(toolTip="Show only sentences containing this tag")
        self.tag_combo.setMinimumContentsLength(8)
        self._fill_tag_combo()
        for combo in (self.status_combo, self.split_combo, self.tag_combo):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.count_label = QLabel(toolTip="Sentences the filter shows, of all in the project")
        self.count_label.hide()

    def _build_table(self) -> None:
        table = self.table = QTableView(self)
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        self._id_delegate = MiddleElideDelegate(table)
        table.setItemDelegateForColumn(SentenceTableModel.ID, self._id_delegate)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # corpus order until a header is clicked
        table.setSortingEnabled(True)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(SentenceTableModel.TEXT, QHeaderView.ResizeMode.Stretch)
        for column, width in ((SentenceTableModel.ID, 110), (SentenceTableModel.TOKENS, 60), (SentenceTableModel.STATUS, 96), (SentenceTableModel.SPLIT, 56),
                              (SentenceTableModel.MIN_P, 54), (SentenceTableModel.MAX_H, 54)):
            header.resizeSection(column, width)
        table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.tag_combo)
        filters.addWidget(self.status_combo)
        filters.addWidget(self.split_combo)
        filters.addWidget(self.model_combo)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

    # ------------------------------------------------------------ API
    def current_row(self) -> int | None:
        """Corpus row of the current sentence, or ``None``."""
        index = self.table.currentIndex()
        return self.proxy.mapToSource(index).row() if index.isValid() else None

    def selected_rows(self) -> list[int]:
        """Corpus rows of the selected sentences (the current one if none is selected)."""
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        current = self.current_row()
        return rows or ([current] if current is not None else [])

    def select_row(self, row: int | None) -> bool:
        """Make corpus ``row`` current; ``False`` if it is hidden by the filter or out of range."""
        if row is None or not 0 <= row < self.model.rowCount():
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self._select_proxy_row(index.row())
        return True

    def step(self, delta: int) -> None:
        """Move by ``delta`` in list order; +-2 jumps to the next/previous sentence not yet complete."""
        count = self.proxy.rowCount()
        if not count:
            return
        current = self.table.currentIndex().row()
        if abs(delta) == 2:
            target = self._next_unfinished(current, 1 if delta > 0 else -1)
        else:
            target = current + delta if current >= 0 else 0
        if target is not None and 0 <= target < count:
            self._select_proxy_row(target)

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        current = self.current_row()
        status, split = self.status_combo.currentData(), self.split_combo.currentData()
        self.proxy.set_filter(
            self.filter_edit.text(),
            self.tag_combo.currentData(),
            Status(status) if status else None,  # combo data comes back as plain str
            Split(split) if split else None,
        )
        if not self.select_row(current) and self.proxy.rowCount():
            self._select_proxy_row(0)
        elif not self.proxy.rowCount():
            self.current_changed.emit(None)
        self._update_count()

    def reset_filters(self) -> None:
        """Show every sentence again (called when another project opens)."""
        widgets = (self.filter_edit, self.status_combo, self.split_combo, self.tag_combo, self.model_combo)
        for widget in widgets:
            widget.blockSignals(True)
        self.filter_edit.clear()
        for combo in widgets[1:]:
            combo.setCurrentIndex(0)
        for widget in widgets:
            widget.blockSignals(False)
        self.proxy.set_model_filter(None)
        self.apply_filter()

    def count_text(self) -> str:
        """``"12 of 3,000 sentences"`` while a filter is active, else ``""``."""
        if not self.proxy.is_filtering:
            return ""
        return f"{self.proxy.rowCount():,} of {self.model.rowCount():,} sentences"

    def sort_by_uncertainty(self, entropy: bool = False) -> None:
        """Most uncertain sentences first (lowest best-tag probability, or highest entropy), shown from the top."""
        if entropy:
            self.table.sortByColumn(SentenceTableModel.MAX_H, Qt.SortOrder.DescendingOrder)
        else:
            self.table.sortByColumn(SentenceTableModel.MIN_P, Qt.SortOrder.AscendingOrder)
        self.table.scrollToTop()

    def _on_model_filter_changed(self) -> None:
        current = self.current_row()
        self.proxy.set_model_filter(self.model_combo.currentData())
        if not self.select_row(current) and self.proxy.rowCount():
            self._select_proxy_row(0)
        self._update_count()

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    # --------------------------------------------------------- internals
    def _update_count(self, *_args) -> None:
        text = self.count_text()
        self.count_label.setText(text)
        self.count_label.setVisible(bool(text))

    def _select_proxy_row(self, proxy_row: int) -> None:
        index = self.proxy.index(proxy_row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _next_unfinished(self, start: int, direction: int) -> int | None:
        corpus, row = self.document.corpus, start + direction
        while 0 <= row < self.proxy.rowCount():
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            if corpus.sentences[source].status in (Status.UNTAGGED, Status.PARTIAL):
                return row
            row += direction
        return None

    def _fill_tag_combo(self) -> None:
        current = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem("Any tag", None)
        for name in self.document.corpus.tagset.names:
            self.tag_combo.addItem(name, name)
        self.tag_combo.setCurrentIndex(max(0, self.tag_combo.findData(current)))
        self.tag_combo.blockSignals(False)

    def _on_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.current_changed.emit(self.proxy.mapToSource(current).row() if current.isValid() else None)

    def _on_corpus_changed(self, change) -> None:
        if change.kind in (ChangeKind.TAGSET, ChangeKind.RESET):
            self._fill_tag_combo()
