"""A training run as a session job: a snapshot of the data, trainer hooks turned into reports,
and the comparison that decides whether the new model may replace the current one.

The trainer's hooks are called in the job's thread; ``ReportingHooks`` only collects
plain numbers and hands them to the job's ``report`` a few times a second (batch
losses in bunches, progress) and at once for what must not be lost (start, epochs).
After the run, the current model is scored on the same dev sentences as the new one,
so the owner can keep whichever is better.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

from tagger_gui.core.corpus import Sentence, TagSet
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.progress import RunClock
from tagger_gui.ml.runtime import freeze_long_lived
from tagger_gui.ml.schedule import describe_scaled, train_config
from tagger_gui.ml.tag_profile import predicted_profile
from tagger_gui.ml.training import BatchInfo, EpochSummary, Trainer, TrainingHooks, TrainingInfo, TrainResult
from tagger_gui.session.jobs import Report, Throttle
from tagger_gui.session.untagged import UntaggedText, VectorCache


@dataclass
class TrainingData:
    """A snapshot of what to train on, taken in the owner's thread so later edits cannot race the trainer."""

    train: list[Sentence]
    dev: list[Sentence]
    tagset: TagSet
    dev_description: str = ""
    untagged: UntaggedText = field(default_factory=UntaggedText)

    @classmethod
    def snapshot(cls, train: list[Sentence], dev: list[Sentence], tagset: TagSet, dev_description: str = "",
                 untagged: UntaggedText | None = None) -> "TrainingData":
        """Copies of the sentences. They live as long as the run and hold no reference cycles, so they are
        moved out of the cyclic GC's reach (``gc.freeze``): a full collection in the UI thread would
        otherwise rescan hundreds of thousands of tokens and stall the window for a third of a second."""
        data = cls([s.copy() for s in train], [s.copy() for s in dev], tagset.copy(), dev_description,
                   untagged or UntaggedText())
        freeze_long_lived()
        return data


@dataclass
class Stage:
    """A step before the first epoch, e.g. learning word vectors from the untagged text."""

    text: str


@dataclass
class LossPoints:
    """Batch losses collected between two reports."""

    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)


@dataclass
class TrainingOutcome:
    """A finished (or stopped) run and how the model it replaces scores on the same dev sentences.

    Attributes:
        result: the trainer's result (``result.tagger`` is ``None`` if no epoch completed).
        previous_accuracy: the current model's accuracy on the run's dev sentences (``None``
            without a current model or without dev sentences).
        dev_sentences: how many sentences both were scored on.
    """

    result: TrainResult
    previous_accuracy: float | None = None
    dev_sentences: int = 0

    @property
    def new_accuracy(self) -> float | None:
        return self.result.best_dev_accuracy

    @property
    def is_not_worse(self) -> bool:
        """The new model may replace the current one without asking: no current model to compare
        with, no common dev sentences, or at least the same dev accuracy."""
        if self.previous_accuracy is None or self.new_accuracy is None:
            return True
        return self.new_accuracy >= self.previous_accuracy


class ReportingHooks(TrainingHooks):
    """Trainer hooks (job thread) that send ``TrainingInfo``, ``LossPoints``, ``ml.progress.Progress`` and
    ``EpochSummary`` objects to ``report``; losses and progress at most a few times a second."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.pending = LossPoints()
        self.throttle = Throttle()
        self.clock: RunClock | None = None

    def on_start(self, info: TrainingInfo) -> None:
        # The trainer has just encoded the data: hundreds of thousands of objects that live for the
        # whole run. Frozen, they stay out of the UI thread's garbage collections.
        freeze_long_lived()
        self.clock = RunClock.for_run(info)
        self.report(info)

    def on_batch_end(self, info: BatchInfo) -> None:
        self.pending.steps.append(info.step)
        self.pending.losses.append(info.loss)
        if self.throttle.ready():
            self._flush(info)

    def on_epoch_end(self, summary: EpochSummary) -> None:
        self._flush(None)
        self.report(summary)

    def _flush(self, info: BatchInfo | None) -> None:
        if self.pending.steps:
            self.report(self.pending)
            self.pending = LossPoints()
        if info is not None and self.clock is not None:
            self.report(self.clock.progress(info))
        self.throttle.mark()


def training_task(
    config: TrainConfig, data: TrainingData, previous: Tagger | None, cache: VectorCache | None = None, *,
    warm: bool = False,
) -> Callable[[threading.Event, Report], TrainingOutcome]:
    """The job task of one run: train (``warm``: from ``previous``'s weights), then score ``previous``
    on the same dev sentences. ``config`` is scaled to the data if it asks for it (``ml.schedule``);
    with a ``cache``, a new model learns from ``data.untagged`` too: word vectors, and what ``previous``
    says its words are (``ml.tag_profile``)."""

    def task(stop: threading.Event, report: Report) -> TrainingOutcome:
        start_from = previous if warm else None
        tokens = sum(s.tagged_count for s in data.train)
        settings = train_config(config, tokens)
        if settings != config:
            report(Stage(f"settings scaled to {tokens:,} tagged words: {describe_scaled(settings)}"))
        vectors = None
        if cache is not None and not warm:
            vectors = cache.vectors(data.untagged, settings.raw_dim, lambda text: report(Stage(text)), stop.is_set)
        profile = None
        if previous is not None and cache is not None and data.untagged.sentences:
            report(Stage("tagging the untagged text with the current model"))
            profile = predicted_profile(previous, data.untagged.sentences)
        result = Trainer(settings, ReportingHooks(report)).fit(
            data.train, data.dev, tagset=data.tagset, should_stop=stop, start_from=start_from, raw_vectors=vectors,
            tag_profile=profile, untagged=data.untagged.sentences)
        return compare_with(previous, result, data.dev)

    return task


def compare_with(previous: Tagger | None, result: TrainResult, dev: list[Sentence]) -> TrainingOutcome:
    """``result`` with ``previous``'s accuracy on ``dev`` (when both models exist and ``dev`` has tagged words)."""
    if previous is None or result.tagger is None or not dev or result.best_dev_accuracy is None:
        return TrainingOutcome(result, None, len(dev))
    return TrainingOutcome(result, previous.evaluate(dev).accuracy, len(dev))
