"""The window's adapter over the session's prediction cache: Qt signals and the corpus prediction job.

The cache itself (``session.predictions.PredictionCache``) is plain Python and follows
the session's current model. This adapter predicts the whole corpus in the session's
job slot when a model arrives (a preemptible job: training may take the slot from
it), turns the cache's notifications into signals, and runs actions that need every
sentence predicted once the job is done.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal

from tagger_gui.ml.predict import Prediction, Tagger
from tagger_gui.session import PREDICTION
from tagger_gui.session.predictions import Entry
from tagger_gui.ml.uncertainty import SentenceUncertainty


class PredictionStore(QObject):
    """Predictions of the current model, per sentence, for one window.

    Signals:
        changed(): predictions were dropped or many were added (views refresh).
        model_changed(object): the ``Tagger`` the store predicts with (or ``None``).
        running_changed(bool): a corpus prediction started or ended.
        progress(int, int): sentences done, total.
        changes_ready(list, int): after a new model replaced an old one, ``(sentence id, TagChange)`` pairs
            of the tokens whose predicted tag changed, and how many words were compared.
        failed(str, str): a corpus prediction failed (message, details).
    """

    changed = Signal()
    model_changed = Signal(object)
    running_changed = Signal(bool)
    progress = Signal(int, int)
    changes_ready = Signal(list, int)
    failed = Signal(str, str)

    def __init__(self, document, parent: QObject | None = None, *, auto_predict: bool = True) -> None:
        super().__init__(parent)
        self.session = document.session
        self.cache = self.session.predictions
        self.corpus = document.corpus
        self.auto_predict = auto_predict
        self._after: list[Callable[[], None]] = []
        self.cache.listeners.append(self.changed.emit)
        self.session.model_listeners.append(self._on_model_changed)
        self.session.jobs.watch(PREDICTION, self.running_changed.emit)
        self.session.jobs.listeners.append(self._on_job_changed)

    @property
    def tagger(self) -> Tagger | None:
        return self.cache.tagger

    @property
    def is_running(self) -> bool:
        return self.session.jobs.is_running(PREDICTION)

    @property
    def is_complete(self) -> bool:
        return self.cache.is_complete

    def prediction(self, row: int | None) -> Prediction | None:
        """The prediction for corpus ``row`` (computed now in the UI thread if missing), or ``None``."""
        return self.cache.prediction(row)

    def cached(self, row: int) -> Entry | None:
        return self.cache.cached(row)

    def uncertainty(self, row: int) -> SentenceUncertainty | None:
        return self.cache.uncertainty(row)

    def all_predictions(self) -> list[Prediction | None]:
        return self.cache.all_predictions()

    # ------------------------------------------------------------ corpus job
    def when_complete(self, action: Callable[[], None]) -> bool:
        """Run ``action`` now if every sentence is predicted, else after the corpus job; False if no model."""
        if self.tagger is None:
            return False
        if self.is_complete:
            action()
        else:
            self._after.append(action)
            self.predict_corpus()
        return True

    def predict_corpus(self) -> bool:
        """Start predicting the sentences without a prediction in the background; False if not started."""
        return self.session.start_corpus_prediction(
            on_changes=self.changes_ready.emit, on_progress=self._on_progress, on_failed=self._on_failed)

    def stop(self) -> None:
        """Ask a running corpus prediction to stop (what it finished is dropped)."""
        if self.is_running:
            self.session.jobs.cancel()

    # ------------------------------------------------------------ handlers
    def _on_model_changed(self, tagger: Tagger | None) -> None:
        self._after.clear()
        self.model_changed.emit(tagger)
        if tagger is not None and self.auto_predict and len(self.corpus):
            self.predict_corpus()

    def _on_job_changed(self, job) -> None:
        if job is None:
            self._run_waiting_actions()

    def _run_waiting_actions(self) -> None:
        if not self._after:
            return
        if not self.is_complete:
            if self.tagger is None or not self.predict_corpus():
                self._after.clear()  # the job was stopped or failed and cannot restart now
            return
        after, self._after = self._after, []
        for action in after:
            action()

    def _on_progress(self, done_total: tuple[int, int]) -> None:
        self.progress.emit(*done_total)

    def _on_failed(self, message: str, details: str) -> None:
        self._after.clear()
        self.failed.emit(message, details)
