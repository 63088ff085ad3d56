"""The "likely annotation errors" dock: run the k-fold error finder, then review its ranked list.

The finder trains ``k`` small taggers in a background job (progress bar, Stop).
Each row of the result is a token whose saved tag the held-out model contradicts.
Accept (Enter or A) sets the suggested tag; Keep (K) leaves the tag and marks the
row reviewed. Both are undoable steps on the document's undo stack; double-click
shows the token in the tag editor.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QSpinBox,
    QTableView, QVBoxLayout, QWidget,
)

from tagger_gui.gui import commands
from tagger_gui.gui.delegates import KeywordDelegate
from tagger_gui.gui.error_dialog import show_failure
from tagger_gui.gui.review_models import SuspectsModel
from tagger_gui.gui.style import fit_rows_to_font
from tagger_gui.ml.error_finder import DEFAULT_FOLDS, ErrorFinderHooks, FinderProgress, FinderResult, find_errors, finder_config
from tagger_gui.ml.review import Decision, ReviewItem, context_of, review_from_dict, review_to_dict, tag_after
from tagger_gui.session import ERROR_FINDER, SessionError
from tagger_gui.session.jobs import throttled

PROGRESS_STEPS = 1000
CONTEXT_COLUMN = 2


class DecisionCommand(QUndoCommand):
    """Record the reviewer's decision on one review item (undo restores the previous one)."""

    def __init__(self, model: SuspectsModel, item: ReviewItem, decision: Decision, parent: QUndoCommand | None = None) -> None:
        super().__init__(f"{decision.value.capitalize()} review of “{item.suspect.form}”", parent)
        self._model, self._item, self._decision = model, item, decision
        self._previous = item.decision

    def redo(self) -> None:
        self._previous, self._item.decision = self._item.decision, self._decision
        self._model.refresh_item(self._item)

    def undo(self) -> None:
        self._item.decision = self._previous
        self._model.refresh_item(self._item)


class _ReportHooks(ErrorFinderHooks):
    def __init__(self, report) -> None:
        self.report = report

    def on_progress(self, progress: FinderProgress) -> None:
        self.report(progress)


class SuspectsView(QTableView):
    """The review list; Enter/A accepts, K keeps (the panel does the work)."""

    decided = Signal(object)  # Decision

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_A) and not event.modifiers():
            self.decided.emit(Decision.ACCEPTED)
        elif key == Qt.Key.Key_K and not event.modifiers():
            self.decided.emit(Decision.KEPT)
        else:
            super().keyPressEvent(event)


class ReviewPanel(QWidget):
    """Find likely annotation errors and review them one by one.

    Signals:
        jump_requested(str, int): show sentence id, token index in the tag editor.
        running_changed(bool): a search started or ended.
    """

    jump_requested = Signal(str, int)
    running_changed = Signal(bool)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.session = document.session
        self.result: FinderResult | None = None
        self._build_controls()
        self._build_list()
        self._build_layout()
        document.loaded.connect(self._on_project_loaded)
        document.about_to_save.connect(self._keep_in_project)
        self.session.jobs.watch(ERROR_FINDER, self._on_running_changed)
        self.session.jobs.listeners.append(self._on_job_changed)
        self._on_project_loaded()

    # ------------------------------------------------------------ build
    def _build_controls(self) -> None:
        defaults = finder_config()
        self.folds_spin = QSpinBox(minimum=2, maximum=20, value=DEFAULT_FOLDS)
        self.folds_spin.setToolTip("Each fold's sentences are tagged by a model trained on the other folds")
        self.epochs_spin = QSpinBox(minimum=1, maximum=100, value=defaults.epochs)
        self.epochs_spin.setToolTip("Training epochs of each fold's model (a small, fast model)")
        self.find_button = QPushButton("Find likely errors")
        self.find_button.setToolTip("Cross-validate over the tagged sentences and list the tokens the held-out models contradict")
        self.find_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.progress = QProgressBar(maximum=PROGRESS_STEPS, value=0, textVisible=True)
        self.progress.setFormat("idle")  # as the training dock's: an empty bar looked like a text field
        self.status = QLabel("Finds tokens whose saved tag a model trained without them contradicts.")
        self.status.setWordWrap(True)

    def _build_list(self) -> None:
        self.model = SuspectsModel(self.document.corpus, self)
        view = self.view = SuspectsView()
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setVisible(False)
        view.setWordWrap(False)
        fit_rows_to_font(view)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CONTEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        # the word stays centred in sight however narrow the column; its context is cut instead
        view.setItemDelegateForColumn(CONTEXT_COLUMN, KeywordDelegate(self._keyword, view))
        view.setToolTip("Enter or A: accept the suggestion · K: keep the saved tag · double-click: show in the editor")
        view.decided.connect(self.decide)
        view.doubleClicked.connect(self._on_double_clicked)
        self.accept_button = QPushButton("&Accept suggestion")
        self.accept_button.setToolTip("Give the token the suggested tag (Enter or A in the list); undoable")
        self.accept_button.clicked.connect(lambda: self.decide(Decision.ACCEPTED))
        self.keep_button = QPushButton("&Keep tag")
        self.keep_button.setToolTip("The saved tag is right: mark the row reviewed (K in the list); undoable")
        self.keep_button.clicked.connect(lambda: self.decide(Decision.KEPT))
        view.selectionModel().selectionChanged.connect(self._update_decision_buttons)
        self.model.modelReset.connect(self._update_decision_buttons)
        self._update_decision_buttons()

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Folds"))
        buttons.addWidget(self.folds_spin)
        buttons.addWidget(QLabel("Epochs per fold"))
        buttons.addWidget(self.epochs_spin)
        buttons.addWidget(self.find_button, 1)
        buttons.addWidget(self.stop_button)
        decisions = QHBoxLayout()
        decisions.addWidget(self.accept_button)
        decisions.addWidget(self.keep_button)
        decisions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addLayout(decisions)

    # ------------------------------------------------------------ API
    @property
    def is_running(self) -> bool:
        return self.session.jobs.is_running(ERROR_FINDER)

    def start(self) -> bool:
        """Start the search on a snapshot of the corpus; False if another job runs or too little is tagged."""
        corpus = self.document.corpus
        sentences = [s.copy() for s in corpus]
        folds = self.folds_spin.value()
        if sum(1 for s in sentences if s.tagged_count) < folds:
            self.status.setText(f"Tag at least {folds} sentences first.")
            return False
        config = finder_config(epochs=self.epochs_spin.value())
        tagset = corpus.tagset.copy()

        def task(stop, report):
            hooks = _ReportHooks(throttled(report))
            return find_errors(sentences, config, folds=folds, tagset=tagset, hooks=hooks, should_stop=stop)

        try:
            self.session.start_job(ERROR_FINDER, task, self._on_finished, self._on_failed, self._on_progress)
        except SessionError as error:
            self.status.setText(str(error))
            return False
        self.status.setText(f"Training {folds} held-out models…")
        return True

    def stop(self) -> None:
        """Stop before the next training batch; the folds already done are kept."""
        if self.is_running:
            self.session.jobs.cancel()
            self.status.setText("Stopping…")

    def show_result(self, result: FinderResult, items: list[ReviewItem] | None = None) -> None:
        """Fill the review list from ``result`` (with ``items``' decisions when restoring a saved list)."""
        self.result = result
        items = items if items is not None else [ReviewItem(s) for s in result.suspects]
        contexts = [self._context(s) for s in result.suspects]
        self.model.set_items(items, contexts)
        state = "stopped early: " if result.stopped else ""
        self.status.setText(
            f"{state}{len(items):,} tokens contradicted, most likely errors first "
            f"({result.folds_done} of {result.folds} folds, {result.checked_tokens:,} tokens checked, "
            f"held-out agreement {result.held_out_accuracy:.1%}, {result.seconds:.0f} s)."
        )
        if items:
            self.view.selectRow(0)

    def decide(self, decision: Decision) -> bool:
        """Accept or keep the selected row's suggestion as one undoable step, then select the next pending row."""
        row = self._selected_row()
        if row is None:
            return False
        item = self.model.item(row)
        if item.decision is decision:
            return False
        stack = self.document.undo_stack
        stack.beginMacro(f"{decision.value.capitalize()} suggestion for “{item.suspect.form}”")
        tag = tag_after(item, decision)
        if tag is not None:
            self._push_tag(item, tag)
        stack.push(DecisionCommand(self.model, item, decision))
        stack.endMacro()
        self._select_next_pending(row)
        return True

    def clear(self) -> None:
        self.result = None
        self.model.set_items([], [])

    def _keep_in_project(self, _path) -> None:
        """The list and its decisions are saved with the project, so reopening it brings them back."""
        project = self.document.project
        project.review = review_to_dict(self.result, self.model.rows) if self.result is not None else {}

    def _on_project_loaded(self) -> None:
        self.clear()
        saved = self.document.project.review
        if saved:
            try:
                self.show_result(*review_from_dict(saved))
            except ValueError as error:
                self.status.setText(f"The saved review list could not be read ({error}); run the search again.")
    # --------------------------------------------------------- helpers
    def _keyword(self, index: QModelIndex) -> str:
        """The suspect word as ``context_of`` marks it in the row's context."""
        return f"[{self.model.item(index.row()).suspect.form}]"

    def _context(self, suspect) -> str:
        corpus = self.document.corpus
        try:
            words = corpus.by_id(suspect.sentence_id).words
        except KeyError:
            return suspect.form
        return context_of(words, suspect.token) if suspect.token < len(words) else suspect.form

    def _push_tag(self, item: ReviewItem, tag: str) -> None:
        s = item.suspect
        try:
            row = self.document.corpus.index_of(s.sentence_id)
        except KeyError:
            return  # the sentence was deleted since the search
        if s.token < len(self.document.corpus[row].tokens):
            self.document.undo_stack.push(commands.SetTagsCommand(self.document.corpus, row, {s.token: tag}))

    def _selected_row(self) -> int | None:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else None

    def _update_decision_buttons(self, *_args) -> None:
        """Accept and Keep need a selected row."""
        selected = self.view.selectionModel().hasSelection()
        self.accept_button.setEnabled(selected)
        self.keep_button.setEnabled(selected)

    def _select_next_pending(self, row: int) -> None:
        for r in range(row + 1, self.model.rowCount()):
            if self.model.item(r).decision is Decision.PENDING:
                self.view.selectRow(r)
                return

    def _on_job_changed(self, _job) -> None:
        running = self.is_running
        self.find_button.setEnabled(not running and self.session.jobs.is_free)
        self.stop_button.setEnabled(running)
        self.folds_spin.setEnabled(not running)
        self.epochs_spin.setEnabled(not running)

    def _on_running_changed(self, running: bool) -> None:
        if not running:
            self.progress.setFormat("idle")
        self.running_changed.emit(running)

    # --------------------------------------------------------- handlers
    def _on_progress(self, progress: FinderProgress) -> None:
        self.progress.setValue(round(progress.fraction * PROGRESS_STEPS))
        self.progress.setFormat(f"fold {progress.fold}/{progress.folds} · epoch {progress.epoch}/{progress.epochs} · %p%")

    def _on_finished(self, result: FinderResult) -> None:
        self.progress.setValue(PROGRESS_STEPS if not result.stopped else self.progress.value())
        self.show_result(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.status.setText(f"The search failed: {message}")
        show_failure(self, "Finding errors failed", message, details)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            s = self.model.item(index.row()).suspect
            self.jump_requested.emit(s.sentence_id, s.token)
