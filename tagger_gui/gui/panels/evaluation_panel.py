"""The evaluation dock: accuracy figures, per-tag scores and a clickable confusion matrix.

The current model tags the chosen split in a background job (a 2,000-sentence dev
set takes a second or two on a CPU). Clicking a confusion cell lists the tokens
behind it in context; double-clicking one of them asks the window to show that
token in the tag editor (``jump_requested``).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, QStyle,
    QStyledItemDelegate, QStyleOptionViewItem, QTableView, QVBoxLayout, QWidget,
)

from tagger_gui.core.corpus import Split
from tagger_gui.gui.delegates import ElideDelegate
from tagger_gui.gui.error_dialog import show_failure
from tagger_gui.gui.qt_models import SORT_ROLE
from tagger_gui.gui.review_models import ConfusionModel, PerTagModel, TokenHitsModel
from tagger_gui.gui.style import fit_rows_to_font
from tagger_gui.ml.evaluation import EvaluationRun, evaluate_sentences
from tagger_gui.session import EVALUATION, SessionError

ALL_TAGGED = "all"
HELD_OUT = "held_out"
SPLIT_CHOICES = (("Sentences that pick the epoch (dev, else held out)", HELD_OUT), ("Dev sentences", Split.DEV.value),
                 ("Test sentences", Split.TEST.value),
                 ("Training sentences", Split.TRAIN.value), ("All tagged sentences", ALL_TAGGED))
CELL_MIN_WIDTH = 30
MATRIX_MIN_WIDTH = 360
"""Narrower than the per-tag table plus this, the per-tag table goes above the matrix instead of beside it."""


class HeatCellDelegate(QStyledItemDelegate):
    """Paints a heat-map cell with its own colour even when selected; the selection is a frame."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        plain = QStyleOptionViewItem(option)
        plain.state &= ~QStyle.StateFlag.State_Selected
        plain.state &= ~QStyle.StateFlag.State_HasFocus
        super().paint(painter, plain, index)
        if selected:
            painter.save()
            painter.setPen(QPen(option.palette.color(QPalette.ColorRole.Highlight), 3))
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
            painter.restore()


class EvaluationPanel(QWidget):
    """Evaluate the current model on a split and explore its mistakes.

    Signals:
        jump_requested(str, int): show sentence id, token index in the tag editor.
    """

    jump_requested = Signal(str, int)

    def __init__(self, document, training, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.training = document, training
        self.session = document.session
        self.run: EvaluationRun | None = None
        self._build_controls()
        self._build_tables()
        self._build_layout()
        training.model_changed.connect(self._on_model_changed)
        document.loaded.connect(self.clear)
        self.session.jobs.listeners.append(self._on_job_changed)
        self._on_model_changed(training.tagger)

    # ------------------------------------------------------------ build
    def _build_controls(self) -> None:
        self.split_combo = QComboBox()
        for label, value in SPLIT_CHOICES:
            self.split_combo.addItem(label, value)
        self.split_combo.setToolTip("The sentences to tag and compare with their saved tags")
        self.evaluate_button = QPushButton("Evaluate")
        self.evaluate_button.setToolTip("Tag the chosen sentences with the current model and compare")
        self.evaluate_button.clicked.connect(self.evaluate)
        self.summary = QLabel("Train or load a model, then press Evaluate.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_tables(self) -> None:
        self.per_tag_model = PerTagModel(self)
        proxy = self.per_tag_proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.per_tag_model)
        proxy.setSortRole(SORT_ROLE)
        self.per_tag_view = _table(proxy, sortable=True)
        self.per_tag_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.confusion_model = ConfusionModel(self)
        self.confusion_view = _table(self.confusion_model)
        self.heat_delegate = HeatCellDelegate(self.confusion_view)
        self.confusion_view.setItemDelegate(self.heat_delegate)
        self.confusion_view.verticalHeader().setVisible(True)
        columns = self.confusion_view.horizontalHeader()
        columns.setMinimumSectionSize(CELL_MIN_WIDTH)
        columns.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.confusion_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.confusion_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.confusion_view.clicked.connect(self._on_cell_clicked)
        self.hits_model = TokenHitsModel(self.document.corpus, self)
        self.hits_view = _table(self.hits_model)
        self.hits_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.hits_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.hits_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.hits_view.setItemDelegateForColumn(1, ElideDelegate(Qt.TextElideMode.ElideLeft, self.hits_view))
        self.hits_view.setToolTip("Double-click a token to show it in the tag editor")
        self.hits_view.doubleClicked.connect(self._on_hit_double_clicked)
        self.hits_view.activated.connect(self._on_hit_double_clicked)
        self.hits_label = QLabel("Click a cell of the confusion matrix to list its tokens.")

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(self.split_combo, 1)
        controls.addWidget(self.evaluate_button)
        matrix = QWidget()
        matrix_layout = QVBoxLayout(matrix)
        matrix_layout.setContentsMargins(0, 0, 0, 0)
        # wrapped: at one line, its width was a minimum that squeezed the per-tag table beside it
        matrix_layout.addWidget(QLabel("Confusion matrix — rows: saved (gold) tag, columns: predicted tag", wordWrap=True))
        matrix_layout.addWidget(self.confusion_view, 1)
        hits = QWidget()
        hits_layout = QVBoxLayout(hits)
        hits_layout.setContentsMargins(0, 0, 0, 0)
        hits_layout.addWidget(self.hits_label)
        hits_layout.addWidget(self.hits_view, 1)
        top = self.tables_splitter = QSplitter(Qt.Orientation.Vertical)
        top.addWidget(self.per_tag_view)
        top.addWidget(matrix)
        top.setStretchFactor(1, 2)
        top.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(hits)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_tables(event.size().width())

    def _fit_tables(self, width: int, resize: bool = False) -> None:
        """The per-tag table beside the matrix when both fit, else above it, never squeezed to one column.

        ``resize``: size the two again even if their arrangement stays (the table's columns changed).
        """
        view, header = self.per_tag_view, self.per_tag_view.horizontalHeader()
        columns = sum(max(header.sectionSize(c), header.sectionSizeHint(c), view.sizeHintForColumn(c))
                      for c in range(header.count()))  # a hidden view's sections may not be sized yet
        table_width = columns + view.verticalScrollBar().sizeHint().width() + 2 * view.frameWidth()
        wide = width >= table_width + MATRIX_MIN_WIDTH
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if orientation != self.tables_splitter.orientation() or (resize and wide):
            self.tables_splitter.setOrientation(orientation)
            total = width if wide else self.tables_splitter.height()
            first = table_width if wide else total * 2 // 5
            self.tables_splitter.setSizes([first, max(1, total - first)])

    # ------------------------------------------------------------ API
    def evaluate(self) -> bool:
        """Start evaluating the current model on the chosen split; False if no model or nothing to evaluate."""
        tagger = self.training.tagger
        if tagger is None:
            return False
        rows, sentences = self._chosen_sentences()
        if not sentences:
            self.summary.setText(f"No tagged sentences in “{self.split_combo.currentText()}”.")
            return False
        try:
            self.session.start_job(EVALUATION, lambda stop, report: evaluate_sentences(tagger, sentences, rows),
                                   self.show_run, self._on_failed)
        except SessionError as error:
            self.summary.setText(str(error))
            return False
        self.summary.setText(f"Tagging {len(sentences):,} sentences…")
        return True

    def show_run(self, run: EvaluationRun | None) -> None:
        """Show the figures of ``run`` (``None`` clears the view)."""
        self.run = run
        evaluation = run.evaluation if run is not None else None
        self.per_tag_model.set_evaluation(evaluation)
        self.per_tag_view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self._fit_tables(self.width(), resize=True)
        self.confusion_model.set_evaluation(evaluation)
        self.hits_model.set_rows([])
        self.hits_label.setText("Click a cell of the confusion matrix to list its tokens.")
        if run is not None:
            self.summary.setText(_summary(run))

    def show_cell(self, gold: str, predicted: str) -> int:
        """List the tokens with saved tag ``gold`` predicted as ``predicted``; returns how many."""
        hits = self.run.cell_tokens(gold, predicted) if self.run is not None else []
        self.hits_model.set_rows(hits)
        what = "tagged right" if gold == predicted else f"predicted {predicted}"
        self.hits_label.setText(f"{len(hits):,} token(s) with saved tag {gold} {what}; double-click one to edit it.")
        return len(hits)

    def clear(self) -> None:
        self.show_run(None)
        self.summary.setText("Press Evaluate to tag the chosen sentences with the current model.")

    # --------------------------------------------------------- handlers
    def _chosen_sentences(self):
        choice = self.split_combo.currentData()
        corpus = self.document.corpus
        if choice == HELD_OUT:
            held = {s.id for s in self.session.dev_sentences()}
            chosen = [(row, s) for row, s in enumerate(corpus) if s.id in held]
        else:
            chosen = [(row, s) for row, s in enumerate(corpus)
                      if s.tagged_count and (choice == ALL_TAGGED or s.split.value == choice)]
        return [row for row, _ in chosen], [s.copy() for _, s in chosen]

    def _on_failed(self, message: str, details: str) -> None:
        self.summary.setText(f"Evaluation failed: {message}")
        show_failure(self, "Evaluation failed", message, details)

    def _on_job_changed(self, _job) -> None:
        self.evaluate_button.setEnabled(self.training.tagger is not None and self.session.jobs.is_free)

    def _on_model_changed(self, tagger) -> None:
        self.evaluate_button.setEnabled(tagger is not None and self.session.jobs.is_free)
        if tagger is None:
            self.show_run(None)
            self.summary.setText("Train or load a model, then press Evaluate.")
        elif self.run is not None:
            self.summary.setText("The model changed: press Evaluate to update these figures.")

    def _on_cell_clicked(self, index: QModelIndex) -> None:
        gold, predicted, _ = self.confusion_model.cell(index)
        self.show_cell(gold, predicted)

    def _on_hit_double_clicked(self, index: QModelIndex) -> None:
        if not index.isValid() or self.run is None:
            return
        hit = self.hits_model.hit(index.row())
        self.jump_requested.emit(hit.sentence_id, hit.token)


def _table(model, sortable: bool = False) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(sortable)
    view.setAlternatingRowColors(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)  # one line per row, elided where its column says
    fit_rows_to_font(view)
    return view


def _summary(run: EvaluationRun) -> str:
    ev = run.evaluation
    oov = f"{ev.oov_accuracy:.2%} on {ev.oov_words:,} words unseen in training" if ev.oov_accuracy is not None \
        else "no words unseen in training"
    return (f"<b>Accuracy {ev.accuracy:.2%}</b> on {ev.words:,} tagged words of {len(run.sentences):,} sentences"
            f" · {oov} · {run.seconds * 1000:.0f} ms")
