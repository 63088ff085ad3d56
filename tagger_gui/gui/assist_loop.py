"""The window's adapter of the annotation loop: the Assist switch, Annotate next, effort tracking and
the Progress dock.

The policy is the session's ``AnnotationLoop``; this adapter feeds it the window's
events: every corpus edit (checked once the edit is done), a pause in typing (a timer),
and the tag editor's key presses and the time between them (the effort log). Retrains
run in the session's job slot, so nothing here blocks the UI thread.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QFileDialog, QMenu

from tagger_gui.core.atomic import atomic_write_text
from tagger_gui.core.corpus import Change, ChangeKind
from tagger_gui.gui.error_dialog import show_failure
from tagger_gui.gui.panels.progress_panel import ProgressPanel
from tagger_gui.ml.active import STRATEGIES
from tagger_gui.ml.config import TrainConfig
from tagger_gui.session.loop import AnnotationLoop, RetrainReport

PAUSE_MS = 4000
"""A pause in annotating this long retrains on what was completed since the last retrain."""
SETTLE_MS = 1000
"""After this long without an edit, a retrain that is due starts (its data snapshot is taken between
bursts of typing, not in the middle of one)."""
ASSIST_KEY = "assist/enabled"
STRATEGY_KEY = "assist/strategy"
STRATEGY_LABELS = {"in_order": "In &order", "random": "&Random", "least_confidence": "&Least confidence",
                   "margin": "&Margin", "entropy": "Token &entropy"}


class AssistLoop(QObject):
    """Retrain while annotating, annotate next, and measure the annotation effort, in one window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.session = window, window.document.session
        self.loop = AnnotationLoop(self.session, self._base_config)
        self.loop.listeners.append(self._on_retrained)
        self.loop.on_failed = lambda message, details: show_failure(window, "Retraining failed", message, details)
        self.panel = ProgressPanel(window)
        self.panel.export_button.clicked.connect(self.export_log)
        self._pause = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self._pause.timeout.connect(lambda: self.loop.maybe_retrain(paused=True))
        self._after_edit = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._after_edit.timeout.connect(self.loop.maybe_retrain)
        self._last_key: tuple[str, float] | None = None
        self.session.corpus.add_listener(self._on_corpus_changed)
        # work that waited for a busy slot (e.g. a corpus prediction) is retrained once the slot is free
        self.session.jobs.listeners.append(lambda job: job is None and self._after_edit.start())
        window.editor.view.installEventFilter(self)
        window.document.loaded.connect(self._on_project_loaded)
        self._on_project_loaded()

    def _base_config(self) -> TrainConfig:
        """The Training panel's settings (features, learning rate, device); the loop scales the schedule."""
        try:
            return self.window.training_panel.config()
        except ValueError:
            return self.window.training_panel._base

    # ------------------------------------------------------------ actions
    def attach_actions(self, actions: dict) -> None:
        """The Assist switch is a check box, restored from the settings."""
        self._assist_action = actions["assist"]
        self._assist_action.setCheckable(True)
        self.set_enabled(str(self.window.settings.value(ASSIST_KEY, True)).lower() == "true")
        strategy = str(self.window.settings.value(STRATEGY_KEY, self.loop.strategy))
        self.loop.set_strategy(strategy if strategy in STRATEGIES else self.loop.strategy)

    def add_strategy_menu(self, menu: QMenu) -> None:
        """Model > Annotate next by > one of the ranking strategies (exclusive, remembered)."""
        sub = menu.addMenu("Annotate next &by")
        group = QActionGroup(sub)
        for name in STRATEGIES:
            action = sub.addAction(STRATEGY_LABELS[name])
            action.setCheckable(True)
            action.setChecked(name == self.loop.strategy)
            action.setData(name)
            group.addAction(action)
            action.triggered.connect(lambda _=False, n=name: self.set_strategy(n))

    def toggle(self) -> None:
        self.set_enabled(self._assist_action.isChecked())

    def set_enabled(self, on: bool) -> None:
        self.loop.enabled = on
        self._assist_action.setChecked(on)
        self.window.settings.setValue(ASSIST_KEY, on)

    def set_strategy(self, name: str) -> None:
        self.loop.set_strategy(name)
        self.window.settings.setValue(STRATEGY_KEY, name)

    def annotate_next(self) -> None:
        """Go to the most useful untagged sentence and say why it was chosen."""
        pick = self.loop.next_sentence(exclude=self.window.editor.sentence_row)
        store = self.window.assist.store
        if pick is None and store.tagger is not None and not store.is_complete:
            store.when_complete(self.annotate_next)  # the ranking needs every sentence predicted
            self._message("Predicting the corpus to rank the untagged sentences…")
            return
        if pick is None:
            self._message("No untagged sentence left")
            return
        self.window.assist.open_token(pick.sentence, pick.uncertain[0] if pick.uncertain else 0)
        self._message(self._reason(pick))

    def _reason(self, pick) -> str:
        sentence = self.session.corpus[pick.sentence]
        entry = self.session.predictions.cached(pick.sentence)
        if not pick.uncertain or entry is None:
            return f"Next: {sentence.id} ({STRATEGY_LABELS[self.loop.strategy].replace('&', '').lower()})"
        unsure = ", ".join(f"“{sentence.tokens[t].form}” {entry.prediction.confidence[t]:.0%}" for t in pick.uncertain)
        return f"Next: {sentence.id}, chosen for its uncertain words: {unsure}"

    def export_log(self) -> None:
        folder = self.window.document.project.folder or Path.home()
        path, _ = QFileDialog.getSaveFileName(self.window, "Export annotation effort", str(folder / "effort.tsv"),
                                              "Tab-separated (*.tsv)")
        if path:
            atomic_write_text(path, self.session.effort.to_tsv())

    # ------------------------------------------------------------ events
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and not event.isAutoRepeat():
            self._count_key()
        return False

    def _count_key(self) -> None:
        sentence = self.window.editor.model.sentence
        if sentence is None:
            return
        now, effort = time.monotonic(), self.session.effort
        if self._last_key is not None and self._last_key[0] == sentence.id:
            effort.add_time(sentence.id, now - self._last_key[1])
        effort.add_key(sentence.id)
        self._last_key = (sentence.id, now)

    def _on_corpus_changed(self, change: Change) -> None:
        if change.kind == ChangeKind.TAGS:
            self._note_tagging(change)
        if change.kind in (ChangeKind.TAGS, ChangeKind.SENTENCE):
            self._after_edit.start()
            self._pause.start()

    def _note_tagging(self, change: Change) -> None:
        sentence = self.session.corpus[change.first]
        entry = self.session.predictions.cached(change.first)
        best = entry.prediction.best if entry is not None and len(entry.words) == len(sentence.tokens) else None
        for t in change.tokens:
            self.session.effort.note_tagging(sentence.id, sentence.tokens[t].tag, best[t] if best else None)

    def _on_retrained(self, report: RetrainReport) -> None:
        effort = self.session.effort
        if report.adopted:
            effort.add_point(report.tagged_tokens, report.new_accuracy)
            self.window.document.mark_dirty()
        self.panel.show_log(effort)
        self._message(self._describe(report))

    @staticmethod
    def _describe(report: RetrainReport) -> str:
        new = "n/a" if report.new_accuracy is None else f"{report.new_accuracy:.1%}"
        if report.adopted:
            return f"Retrained on {report.sentences:,} sentences in {report.seconds:.0f} s: dev accuracy {new}"
        old = "n/a" if report.previous_accuracy is None else f"{report.previous_accuracy:.1%}"
        return f"Retrained ({new}) but kept the current model ({old} on the same dev sentences)"

    def _on_project_loaded(self) -> None:
        self._last_key = None
        self.panel.show_log(self.session.effort)

    def _message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)
