"""The model in the loop: retrain while the user annotates, and pick the sentence to annotate next.

``AnnotationLoop`` listens to the corpus and counts the sentences the user completed
or corrected since the last retrain. After ``every`` of them (or when the window says
the user paused) it retrains in the session's job slot: warm-started from the current
model with its vocabularies grown, on a schedule scaled to the tagged data
(``ml.schedule``: seconds for a few hundred sentences), as a preemptible job so an
explicit Train or evaluation takes the slot. The new model replaces the current one
only if it is not worse on the held-out sentences. Each retrain adds a point to the
progress curve (dev accuracy against tagged tokens and annotation hours).

``next_sentence`` ranks the untagged sentences under a strategy of ``ml.active`` and
says why the first one was chosen (its most uncertain tokens).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

from tagger_gui.core.corpus import Change, ChangeKind, Status
from tagger_gui.ml.bundle import BundleError
from tagger_gui.ml.active import STRATEGIES, Pick, rank_sentences
from tagger_gui.ml.config import TrainConfig, preset_config
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.schedule import scaled_config, tier_for
from tagger_gui.ml.warm_start import keep_shape
from tagger_gui.session.jobs import Job
from tagger_gui.session.session import Session
from tagger_gui.session.training import TrainingData, TrainingOutcome, training_task

RETRAINING = "retraining"
DEFAULT_EVERY = 20
"""Completed or corrected sentences between two retrains: the simulation's round size (``ml.simulate``)."""
MIN_TAGGED_SENTENCES = 10
"""The loop trains its first model once this many sentences are tagged."""
DEFAULT_STRATEGY = "entropy"
LARGE_EPOCHS, LARGE_WARM_EPOCHS, LARGE_MINUTES = 8, 3, 5.0
"""A loop retrain on more tagged words than the schedule's table covers."""


@dataclass(frozen=True)
class RetrainReport:
    """What one retrain did, for the log and the progress curve."""

    sentences: int
    tagged_tokens: int
    seconds: float
    new_accuracy: float | None
    previous_accuracy: float | None
    adopted: bool


class AnnotationLoop:
    """Retrain-while-annotating policy and annotate-next ranking for one session.

    ``listeners`` are called with a ``RetrainReport`` after each retrain.
    """

    def __init__(self, session: Session, base_config: Callable[[], TrainConfig] | None = None) -> None:
        self.session = session
        self.base_config = base_config or (lambda: preset_config("default"))
        self.enabled = True
        self.every = DEFAULT_EVERY
        self.strategy = DEFAULT_STRATEGY
        self.pending: set[str] = set()
        self.listeners: list[Callable[[RetrainReport], None]] = []
        self.on_failed: Callable[[str, str], None] = lambda message, details: None
        session.corpus.add_listener(self._on_corpus_changed)

    # ------------------------------------------------------------ retraining
    def due(self, paused: bool = False) -> bool:
        """Whether to retrain now: on, the slot free, and enough new work (any, after a pause)."""
        if not self.enabled or not self.session.jobs.is_free or not self.pending:
            return False
        if self.session.tagger is None and self._tagged_sentences() < MIN_TAGGED_SENTENCES:
            return False
        return paused or len(self.pending) >= self.every

    def maybe_retrain(self, paused: bool = False) -> bool:
        """Start a retrain if one is due; True if it started."""
        return self.due(paused) and self.retrain()

    def retrain(self) -> bool:
        """Start a retrain in the job slot now (False if the slot is taken or there is nothing to train)."""
        try:
            data = self.session.training_data()
        except ValueError:
            return False
        previous = self.session.tagger
        config = self.config_for(data, previous)
        sent, size = set(self.pending), (len(data.train), sum(s.tagged_count for s in data.train))
        task = training_task(config, data, previous, self.session.vectors, warm=previous is not None)
        job = Job(RETRAINING, task, preemptible=True,
                  on_done=lambda outcome: self._on_done(outcome, sent, size), on_failed=self.on_failed)
        if not self.session.jobs.start(job):
            return False
        self.pending -= sent
        return True

    def config_for(self, data: TrainingData, previous: Tagger | None) -> TrainConfig:
        """The base settings scaled to ``data``; warm-started runs keep ``previous``'s model shape.

        Above ``ml.schedule``'s table a loop retrain still never runs the full-data schedule:
        ``LARGE_EPOCHS`` (``LARGE_WARM_EPOCHS`` warm) within ``LARGE_MINUTES``.
        """
        tokens = sum(s.tagged_count for s in data.train)
        base = self.base_config()
        warm = previous is not None
        config = scaled_config(base, tokens, warm=warm)
        if tier_for(tokens) is None:
            config = config.replace(epochs=LARGE_WARM_EPOCHS if warm else LARGE_EPOCHS, max_minutes=LARGE_MINUTES,
                                    patience=0)
        return keep_shape(config, previous.config) if warm else config

    def _on_done(self, outcome: TrainingOutcome, sent: set[str], size: tuple[int, int]) -> None:
        result = outcome.result
        cancelled = result.stopped == "cancelled"
        if cancelled:
            self.pending |= sent  # preempted: that work still waits for a retrain
        try:
            adopted = result.tagger is not None and not cancelled and self.session.offer(outcome)
        except BundleError as error:
            adopted = False
            self.on_failed(f"The retrained model could not be saved; the current one is kept: {error}", "")
        report = RetrainReport(size[0], size[1], result.seconds, outcome.new_accuracy, outcome.previous_accuracy, adopted)
        for listener in list(self.listeners):
            listener(report)

    # ------------------------------------------------------------ annotate next
    def next_sentence(self, exclude: int | None = None) -> Pick | None:
        """The most useful untagged sentence under ``strategy`` (``None``: none left, or predictions missing).

        Uncertainty strategies need every untagged sentence predicted (the window's corpus
        prediction job); ``in_order`` and ``random`` do not.
        """
        corpus, cache = self.session.corpus, self.session.predictions
        candidates = [row for row, s in enumerate(corpus) if s.status == Status.UNTAGGED and row != exclude]
        if not candidates:
            return None
        strategy = self.strategy if cache.tagger is not None else "in_order"  # no model: nothing to rank by
        predictions = [cache.cached(row) for row in candidates]
        if strategy not in ("in_order", "random") and any(entry is None for entry in predictions):
            return None
        ranked = rank_sentences(candidates, [e.prediction if e else None for e in predictions], strategy,
                                seed=len(corpus))
        return ranked[0]

    def set_strategy(self, strategy: str) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r} (known: {', '.join(STRATEGIES)})")
        self.strategy = strategy

    # ------------------------------------------------------------ internals
    def _tagged_sentences(self, enough: int = MIN_TAGGED_SENTENCES) -> int:
        """Tagged sentences, counted only up to ``enough`` (this runs after edits: it must stay cheap)."""
        return sum(1 for _ in itertools.islice((s for s in self.session.corpus if s.tagged_count), enough))

    def _on_corpus_changed(self, change: Change) -> None:
        """A sentence that is complete after an edit counts as new work (completed or corrected)."""
        if change.kind == ChangeKind.RESET:
            self.pending.clear()
        elif change.kind in (ChangeKind.TAGS, ChangeKind.SENTENCE):
            corpus = self.session.corpus
            for row in range(change.first, change.last + 1):
                if corpus[row].status in (Status.COMPLETE, Status.REVIEWED):
                    self.pending.add(corpus[row].id)

