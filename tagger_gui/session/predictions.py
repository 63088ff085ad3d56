"""The current model's predictions for a corpus: a per-sentence cache and its invalidation.

Entries are keyed by sentence id and dropped when that sentence's words change, and
all of them when the model changes. One sentence is predicted on demand (a few
milliseconds); the whole corpus is predicted by a job (``corpus_job``) on a snapshot
of the words. When a new model replaces an old one, that job also works out which
tokens' predicted tags changed. Plain Python: the window's ``PredictionStore``
turns ``listeners`` calls into Qt signals.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

from tagger_gui.core.corpus import Change, ChangeKind, Corpus
from tagger_gui.ml.corpus_predict import predict_in_chunks
from tagger_gui.ml.predict import Prediction, Tagger
from tagger_gui.ml.uncertainty import SentenceUncertainty, TagChange, prediction_changes, sentence_uncertainty


@dataclass
class Entry:
    """One cached sentence prediction."""

    words: tuple[str, ...]
    prediction: Prediction
    uncertainty: SentenceUncertainty


@dataclass
class CorpusRequest:
    """What a corpus job predicts: a snapshot taken in the owner's thread."""

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
    """Predict ``request`` in chunks (a job task); ``None`` when stopped."""
    new = predict_in_chunks(request.tagger, request.words, should_stop=stop, report=report)
    if new is None:
        return None
    changes = None
    if request.old_tagger is not None:
        missing = [i for i, best in enumerate(request.old_best) if best is None]
        old = predict_in_chunks(request.old_tagger, [request.words[i] for i in missing], should_stop=stop, report=report)
        if old is None:
            return None
        old_best = list(request.old_best)
        for i, prediction in zip(missing, old):
            old_best[i] = prediction.best
        changes = prediction_changes(request.words, old_best, new)
    return CorpusResult(request.ids, request.words, new, changes, request.tagger)


class PredictionCache:
    """Predictions of one model, per sentence of one corpus.

    ``listeners`` are called (no arguments) when predictions were dropped or many were added.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.tagger: Tagger | None = None
        self.listeners: list[Callable[[], None]] = []
        self._entries: dict[str, Entry] = {}
        self._old: tuple[Tagger, dict[str, list[str]]] | None = None
        corpus.add_listener(self._on_corpus_changed)

    def set_tagger(self, tagger: Tagger | None) -> bool:
        """Predict with ``tagger`` from now on (drops every entry); False if it already is the one."""
        if tagger is self.tagger:
            return False
        previous, self.tagger = self.tagger, tagger
        old_best = {sid: list(e.prediction.best) for sid, e in self._entries.items()}
        self._old = (previous, old_best) if previous is not None and tagger is not None else None
        self._entries.clear()
        self._notify()
        return True

    # ------------------------------------------------------------ queries
    def prediction(self, row: int | None) -> Prediction | None:
        """The prediction for corpus ``row`` (computed now if missing), or ``None``."""
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
        entry = self.cached(row)
        return entry.uncertainty if entry is not None else None

    @property
    def is_complete(self) -> bool:
        """Every sentence has a prediction."""
        return self.tagger is not None and all(s.id in self._entries for s in self.corpus)

    def all_predictions(self) -> list[Prediction | None]:
        """The cached prediction of every sentence (``None`` where missing), in corpus order."""
        entries = self._entries
        return [entries[s.id].prediction if s.id in entries else None for s in self.corpus]

    # ------------------------------------------------------------ corpus job
    def request(self) -> CorpusRequest | None:
        """A snapshot of what a corpus job must predict (``None`` without a model)."""
        if self.tagger is None:
            return None
        missing = [s for s in self.corpus if s.id not in self._entries or self._old is not None]
        old_tagger, old_best = self._old if self._old is not None else (None, {})
        return CorpusRequest([s.id for s in missing], [s.words for s in missing], self.tagger, old_tagger,
                             [old_best.get(s.id) for s in missing] if old_tagger is not None else [])

    def accept(self, result: CorpusResult | None) -> list[tuple[str, TagChange]] | None:
        """Store a corpus job's predictions that still fit; returns ``(sentence id, change)`` pairs when
        a new model replaced an old one, else ``None``. A result of another model is ignored."""
        if result is None or result.tagger is not self.tagger:
            return None
        for sid, words, prediction in zip(result.ids, result.words, result.predictions):
            try:
                sentence = self.corpus.by_id(sid)
            except KeyError:
                continue
            if sentence.words == words:
                self._store(sid, words, prediction)
        pairs = None
        if result.changes is not None:
            self._old = None
            pairs = [(result.ids[c.sentence], c) for c in result.changes]
        self._notify()
        return pairs

    # ------------------------------------------------------------ internals
    def _store(self, sid: str, words: list[str], prediction: Prediction) -> Entry:
        entry = Entry(tuple(words), prediction, sentence_uncertainty(prediction))
        self._entries[sid] = entry
        return entry

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener()

    def _on_corpus_changed(self, change: Change) -> None:
        if change.kind == ChangeKind.SENTENCE:
            for row in range(change.first, change.last + 1):
                sentence = self.corpus.sentences[row]
                entry = self._entries.get(sentence.id)
                if entry is not None and entry.words != tuple(sentence.words):
                    del self._entries[sentence.id]
        elif change.kind == ChangeKind.RESET:
            self._entries.clear()
            self._notify()
