"""The current model's predictions for the window's corpus: a per-sentence cache and a background predictor.

``PredictionStore`` follows ``TrainingController.model_changed``. One sentence is
predicted on demand in the UI thread (a few milliseconds); the whole corpus is
predicted by ``predict_request`` in a ``background.FunctionJob`` on a snapshot of the
words, in chunks, with progress and a cooperative Stop. Entries are keyed by sentence id
and dropped when that sentence's words change, and all of them when the model changes.
When a new model replaces an old one, the job also works out which tokens' predicted
tags changed (``changes_ready``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from PySide6.QtCore import QObject, Signal

from tagger_gui.core.corpus import Change, ChangeKind
from tagger_gui.gui.background import FunctionJob
from tagger_gui.ml.predict import Prediction, Tagger
from tagger_gui.ml.uncertainty import SentenceUncertainty, TagChange, prediction_changes, sentence_uncertainty

CHUNK_SENTENCES = 256
"""Sentences predicted between two progress reports / stop checks."""


@dataclass
class Entry:
    """One cached sentence prediction."""

    words: tuple[str, ...]
    prediction: Prediction
    uncertainty: SentenceUncertainty


@dataclass
class CorpusRequest:
    """What the worker predicts: a snapshot taken in the UI thread."""

    ids: list[str]
    words: list[list[str]]
    tagger: Tagger
    old_tagger: Tagger | None = None
    old_best: list[list[str] | None] = field(default_factory=list)


@dataclass
class CorpusResult:
    ids: list[str]
    words: list[list[str]]
    predictions: list[Prediction]
    changes: list[TagChange] | None
    tagger: Tagger


def predict_request(request: CorpusRequest, stop: threading.Event, report: Callable) -> CorpusResult | None:
    """Predict ``request`` in chunks (a ``background.Task``); ``None`` when stopped."""
    new = _chunked(request.tagger, request.words, stop, report)
    if new is None:
        return None
    changes = None
    if request.old_tagger is not None:
        missing = [i for i, best in enumerate(request.old_best) if best is None]
        old_predictions = _chunked(request.old_tagger, [request.words[i] for i in missing], stop, report)
        if old_predictions is None:
            return None
        old_best = list(request.old_best)
        for i, prediction in zip(missing, old_predictions):
            old_best[i] = prediction.best
        changes = prediction_changes(request.words, old_best, new)
    return CorpusResult(request.ids, request.words, new, changes, request.tagger)


def _chunked(tagger: Tagger, words: list[list[str]], stop: threading.Event, report: Callable) -> list[Prediction] | None:
    out: list[Prediction] = []
    for start in range(0, len(words), CHUNK_SENTENCES):
        if stop.is_set():
            return None
        out += tagger.predict(words[start : start + CHUNK_SENTENCES])
        report((len(out), len(words)))
    return out


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
        self.document = document
        self.corpus = document.corpus
        self.tagger: Tagger | None = None
        self.auto_predict = auto_predict
        self.job: FunctionJob | None = None
        self._entries: dict[str, Entry] = {}
        self._after: list[Callable[[], None]] = []
        self._old: tuple[Tagger, dict[str, list[str]]] | None = None
        self.corpus.add_listener(self._on_corpus_changed)

    # ------------------------------------------------------------ model
    def set_tagger(self, tagger: Tagger | None) -> None:
        """Predict with ``tagger`` from now on (drops every cached prediction)."""
        if tagger is self.tagger:
            return
        previous, self.tagger = self.tagger, tagger
        old_best = {sid: list(e.prediction.best) for sid, e in self._entries.items()}
        self._stop_job()
        self._after.clear()
        self._old = (previous, old_best) if previous is not None and tagger is not None else None
        self._entries.clear()
        self.model_changed.emit(tagger)
        self.changed.emit()
        if tagger is not None and self.auto_predict and len(self.corpus):
            self.predict_corpus()

    # ------------------------------------------------------------ queries
    def prediction(self, row: int | None) -> Prediction | None:
        """The prediction for corpus ``row`` (computed now in the UI thread if missing), or ``None``."""
        if self.tagger is None or row is None or not 0 <= row < len(self.corpus):
            return None
        sentence = self.corpus[row]
        entry = self._entries.get(sentence.id)
        if entry is None:
            words = sentence.words
            entry = self._store(sentence.id, words, self.tagger.predict([words])[0])
        return entry.prediction

    def cached(self, row: int) -> Entry | None:
        """The cached entry of corpus ``row`` without predicting anything."""
        return self._entries.get(self.corpus[row].id)

    def uncertainty(self, row: int) -> SentenceUncertainty | None:
        entry = self._entries.get(self.corpus[row].id)
        return entry.uncertainty if entry is not None else None

    @property
    def is_complete(self) -> bool:
        """Every sentence has a prediction."""
        return self.tagger is not None and all(s.id in self._entries for s in self.corpus)

    @property
    def is_running(self) -> bool:
        return self.job is not None

    def all_predictions(self) -> list[Prediction | None]:
        """The cached prediction of every sentence (``None`` where missing), in corpus order."""
        entries = self._entries
        return [entries[s.id].prediction if s.id in entries else None for s in self.corpus]

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
        if self.tagger is None or self.job is not None:
            return False
        missing = [s for s in self.corpus if s.id not in self._entries or self._old is not None]
        old_tagger, old_best = self._old if self._old is not None else (None, {})
        request = CorpusRequest([s.id for s in missing], [s.words for s in missing], self.tagger, old_tagger,
                                [old_best.get(s.id) for s in missing] if old_tagger is not None else [])
        self.job = FunctionJob(partial(predict_request, request), self)
        self.job.progress.connect(self._on_job_progress)
        self.job.finished.connect(self._on_job_finished)
        self.job.failed.connect(self._on_job_failed)
        self.running_changed.emit(True)
        self.job.start()
        return True

    def stop(self) -> None:
        """Ask a running corpus prediction to stop (what it finished is dropped)."""
        if self.job is not None:
            self.job.stop()

    def shutdown(self) -> None:
        """Stop and join a running corpus prediction (the window is closing)."""
        self._stop_job()

    def _stop_job(self) -> None:
        if self.job is not None:
            self.job.stop_and_wait()
            self._end_job()

    def _end_job(self) -> None:
        self.job.deleteLater()
        self.job = None
        self.running_changed.emit(False)

    def _on_job_progress(self, done_total: tuple[int, int]) -> None:
        self.progress.emit(*done_total)

    def _on_job_finished(self, result: CorpusResult | None) -> None:
        self._end_job()
        if result is None or result.tagger is not self.tagger:
            self._after.clear()
            return
        for sid, words, prediction in zip(result.ids, result.words, result.predictions):
            try:
                sentence = self.corpus.by_id(sid)
            except KeyError:
                continue
            if sentence.words == words:
                self._store(sid, words, prediction)
        if result.changes is not None:
            self._old = None
            pairs = [(result.ids[c.sentence], c) for c in result.changes]
            self.changes_ready.emit(pairs, sum(len(w) for w in result.words))
        self.changed.emit()
        after, self._after = self._after, []
        for action in after:
            action()

    def _on_job_failed(self, message: str, details: str) -> None:
        self._end_job()
        self._after.clear()
        self.failed.emit(message, details)

    # ------------------------------------------------------------ internals
    def _store(self, sid: str, words: list[str], prediction: Prediction) -> Entry:
        entry = Entry(tuple(words), prediction, sentence_uncertainty(prediction))
        self._entries[sid] = entry
        return entry

    def _on_corpus_changed(self, change: Change) -> None:
        if change.kind == ChangeKind.SENTENCE:
            for row in range(change.first, change.last + 1):
                sentence = self.corpus.sentences[row]
                entry = self._entries.get(sentence.id)
                if entry is not None and entry.words != tuple(sentence.words):
                    del self._entries[sentence.id]
        elif change.kind == ChangeKind.RESET:
            self._entries.clear()
            self.changed.emit()
