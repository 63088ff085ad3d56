"""Model-assisted annotation for one window: predictions in the editor, the score/try/changes docks,
accepting and pre-annotating, the model-ranked palette and the uncertainty jump.

``ModelAssist`` wires a ``PredictionStore`` to the training controller and the panels,
so the main window only creates it and adds its docks and actions.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QToolButton

from tagger_gui.gui.commands import SetManyTagsCommand
from tagger_gui.gui.error_dialog import show_failure
from tagger_gui.gui.panels.changes_panel import ChangesPanel
from tagger_gui.gui.panels.scores_panel import ScoresPanel
from tagger_gui.gui.panels.try_it import TryItPanel
from tagger_gui.gui.predictions import PredictionStore
from tagger_gui.ml.uncertainty import next_review, review_order, untagged_edits

RANKED_PALETTE_KEY = "editor/ranked_palette"


class ModelAssist(QObject):
    """The current model's help for annotating, in one window (``window.assist``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.store = PredictionStore(window.document, self)
        self.scores_panel = ScoresPanel(self.store, window.editor, window)
        self.try_panel = TryItPanel(self.store, window.document.corpus, window)
        self.changes_panel = ChangesPanel(window.document.corpus, window)
        window.editor.set_prediction_source(self.store.prediction)
        window.sentence_list.model.predictions = self.store
        self._build_progress()
        self._connect()

    def _build_progress(self) -> None:
        self.progress_label = QLabel("Predicting the corpus…")
        self.progress_bar = QProgressBar(maximumWidth=160, textVisible=False)
        self.stop_button = QToolButton(text="Stop", toolTip="Stop predicting the corpus")
        self.stop_button.clicked.connect(self.store.stop)
        bar = self.window.statusBar()
        for widget in (self.progress_label, self.progress_bar, self.stop_button):
            bar.addPermanentWidget(widget)
            widget.hide()

    def _connect(self) -> None:
        store, window = self.store, self.window
        store.changed.connect(window.editor.refresh_predictions)
        store.changed.connect(window.sentence_list.model.refresh_uncertainty)
        store.running_changed.connect(self._on_running_changed)
        store.progress.connect(self._on_progress)
        store.failed.connect(lambda message, details: show_failure(window, "Prediction failed", message, details))
        store.changes_ready.connect(self._on_changes_ready)
        self.changes_panel.token_activated.connect(self.open_token)

    def add_docks(self) -> None:
        """The Scores, Try it and What changed docks, tabbed at the bottom."""
        window, area = self.window, Qt.DockWidgetArea.BottomDockWidgetArea
        # the right-hand docks keep the full height; these sit under the editor and the sentence list
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        scores = window.add_dock(self.scores_panel, "Scores", "scoresDock", area)
        tried = window.add_dock(self.try_panel, "Try it", "tryItDock", area)
        changes = window.add_dock(self.changes_panel, "What changed", "changesDock", area)
        window.tabifyDockWidget(scores, tried)
        window.tabifyDockWidget(scores, changes)
        scores.raise_()
        window.resizeDocks([scores], [230], Qt.Orientation.Vertical)

    # ------------------------------------------------------------ actions
    def accept_token(self) -> None:
        editor = self.window.editor
        token = editor.current_token()
        if editor.accept_prediction(token):
            editor.view.set_current_row(token + 1)
        else:
            self._no_model()

    def accept_sentence(self) -> None:
        if not self.window.editor.accept_sentence_predictions():
            self._no_model()

    def pre_annotate(self) -> None:
        """Give every untagged token of the corpus the model's tag, as one undoable step."""
        if not self.store.when_complete(self._apply_pre_annotation):
            self._no_model()

    def _apply_pre_annotation(self) -> None:
        corpus = self.document.corpus
        edits = untagged_edits([s.tags for s in corpus], self.store.all_predictions())
        count = sum(len(tags) for tags in edits.values())
        if count:
            self.document.undo_stack.push(
                SetManyTagsCommand(corpus, edits, f"Pre-annotate {count} token(s) with the model"))
        self._message(f"Pre-annotated {count:,} untagged token(s) in {len(edits):,} sentence(s)")

    def next_uncertain(self) -> None:
        """Jump to the next most uncertain untagged or disagreeing token of the corpus."""
        if not self.store.when_complete(self._jump_uncertain):
            self._no_model()

    def _jump_uncertain(self) -> None:
        corpus, editor = self.document.corpus, self.window.editor
        order = review_order([s.tags for s in corpus], self.store.all_predictions())
        row = editor.sentence_row
        entry = next_review(order, (row, editor.current_token()) if row is not None else None)
        if entry is None:
            self._message("No untagged or disagreeing token left")
            return
        self.open_token(entry.sentence, entry.token)
        self._message(f"Model confidence {entry.confidence:.0%} ({len(order):,} tokens to review)")

    def sort_by_uncertainty(self) -> None:
        if not self.store.when_complete(self.window.sentence_list.sort_by_uncertainty):
            self._no_model()

    def predict_corpus(self) -> None:
        if self.store.tagger is None:
            self._no_model()
        elif not self.store.predict_corpus() and not self.store.is_running:
            self._message("Every sentence already has a prediction")

    def attach_actions(self, actions: dict) -> None:
        """Make the palette action a check box, restored from the settings."""
        self._ranked_action = actions["ranked_palette"]
        self._ranked_action.setCheckable(True)
        on = str(self.window.settings.value(RANKED_PALETTE_KEY, False)).lower() == "true"
        self._ranked_action.setChecked(on)
        self.window.editor.set_ranked_palette(on)

    def toggle_ranked_palette(self) -> None:
        self.set_ranked_palette(self._ranked_action.isChecked())

    def set_ranked_palette(self, on: bool) -> None:
        self._ranked_action.setChecked(on)
        self.window.editor.set_ranked_palette(on)
        self.window.settings.setValue(RANKED_PALETTE_KEY, on)

    def open_token(self, row: int, token: int) -> None:
        """Show sentence ``row`` with the cursor on ``token`` (selecting it in the list when visible)."""
        self.window.sentence_list.select_row(row)
        self.window.editor.show_sentence(row, token)
        self.window.editor.focus_tokens()

    # ------------------------------------------------------------ handlers
    def _on_running_changed(self, running: bool) -> None:
        for widget in (self.progress_label, self.progress_bar, self.stop_button):
            widget.setVisible(running)
        self.progress_bar.setRange(0, 0)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _on_changes_ready(self, changes: list, words: int) -> None:
        self.changes_panel.set_changes(changes, words)
        self._message(f"The new model changed {len(changes):,} predicted tag(s): see What changed")

    def _no_model(self) -> None:
        self._message("No model yet: train one (Ctrl+T) or load one")

    def _message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 5000)
