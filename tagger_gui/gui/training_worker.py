"""The one bridge from the trainer's hooks to Qt signals.

``TrainingJob`` runs ``Trainer.fit`` in a ``QThread`` on a snapshot of the data.
The trainer calls ``_SignalHooks`` from the worker thread; those hooks only collect
plain numbers and emit them as queued signals, at most a few times a second, so
the UI thread never runs a training step and never drowns in events. Stop is
cooperative: it sets a ``threading.Event`` that the trainer checks before every
batch. The thread handling is ``gui.background``'s, shared with the other jobs.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from tagger_gui.core.corpus import Sentence, TagSet
from tagger_gui.gui.background import BackgroundJob, Throttle, Worker
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.progress import RunClock
from tagger_gui.ml.training import BatchInfo, EpochSummary, Trainer, TrainingHooks, TrainingInfo, TrainResult


@dataclass
class TrainingData:
    """A snapshot of what to train on, taken in the UI thread so later edits cannot race the trainer."""

    train: list[Sentence]
    dev: list[Sentence] | None
    tagset: TagSet

    @classmethod
    def snapshot(cls, train: list[Sentence], dev: list[Sentence] | None, tagset: TagSet) -> "TrainingData":
        """Copies of the sentences. They live as long as the run and hold no reference cycles, so they are
        moved out of the cyclic GC's reach (``gc.freeze``): a full collection in the UI thread would
        otherwise rescan hundreds of thousands of tokens and stall the window for a third of a second."""
        data = cls([s.copy() for s in train], [s.copy() for s in dev] if dev is not None else None, tagset.copy())
        gc.freeze()
        return data


@dataclass
class _Pending:
    """Batch points collected between two emissions."""

    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)


class _SignalHooks(TrainingHooks):
    """Trainer hooks (worker thread) that forward throttled plain data to the worker's signals."""

    def __init__(self, worker: "TrainingWorker") -> None:
        self.worker = worker
        self.pending = _Pending()
        self.throttle = Throttle()
        self.clock: RunClock | None = None

    def on_start(self, info: TrainingInfo) -> None:
        # The trainer has just encoded the data: hundreds of thousands of objects that live for the
        # whole run. Frozen, they stay out of the UI thread's garbage collections, which would
        # otherwise scan them all once and freeze the window for 100+ ms.
        gc.freeze()
        self.clock = RunClock.for_run(info)
        self.worker.started.emit(info)

    def on_batch_end(self, info: BatchInfo) -> None:
        self.pending.steps.append(info.step)
        self.pending.losses.append(info.loss)
        if self.throttle.ready():
            self._flush(info)

    def on_epoch_end(self, summary: EpochSummary) -> None:
        self._flush(None)
        self.worker.epoch_ended.emit(summary)

    def _flush(self, info: BatchInfo | None) -> None:
        if self.pending.steps:
            self.worker.losses.emit(self.pending.steps, self.pending.losses)
            self.pending = _Pending()
        if info is not None:
            self.worker.progress.emit(self.clock.progress(info))
        self.throttle.mark()


class TrainingWorker(Worker):
    """Runs one training in whatever thread it lives in; talks only through signals."""

    started = Signal(object)  # TrainingInfo
    losses = Signal(list, list)  # steps, batch losses
    progress = Signal(object)  # ml.progress.Progress
    epoch_ended = Signal(object)  # EpochSummary

    def __init__(self, config: TrainConfig, data: TrainingData) -> None:
        super().__init__()
        self.config, self.data = config, data

    def work(self) -> TrainResult:
        return Trainer(self.config, _SignalHooks(self)).fit(
            self.data.train, self.data.dev, tagset=self.data.tagset, should_stop=self.stop_event
        )


class TrainingJob(BackgroundJob):
    """Owns the thread and worker of one run; re-emits the worker's signals in the UI thread.

    ``finished``/``failed`` arrive after the thread has fully stopped, so a handler
    may start the next run at once.
    """

    started = Signal(object)
    losses = Signal(list, list)
    progress = Signal(object)
    epoch_ended = Signal(object)

    def __init__(self, config: TrainConfig, data: TrainingData, parent: QObject | None = None) -> None:
        super().__init__(TrainingWorker(config, data), parent)

    def _connect_worker(self, worker: TrainingWorker) -> None:
        worker.started.connect(self.started)
        worker.losses.connect(self.losses)
        worker.progress.connect(self.progress)
        worker.epoch_ended.connect(self.epoch_ended)
