"""The one bridge from the trainer's hooks to Qt signals.

``TrainingJob`` runs ``Trainer.fit`` in a ``QThread`` on a snapshot of the data.
The trainer calls ``_SignalHooks`` from the worker thread; those hooks only collect
plain numbers and emit them as queued signals, at most a few times a second, so
the UI thread never runs a training step and never drowns in events. Stop is
cooperative: it sets a ``threading.Event`` that the trainer checks before every
batch.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, Signal, Slot

from tagger_gui.core.corpus import Sentence, TagSet
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.training import BatchInfo, EpochSummary, Trainer, TrainingHooks, TrainingInfo, TrainResult

EMIT_INTERVAL_S = 0.2


@dataclass
class TrainingData:
    """A snapshot of what to train on, taken in the UI thread so later edits cannot race the trainer."""

    train: list[Sentence]
    dev: list[Sentence] | None
    tagset: TagSet

    @classmethod
    def snapshot(cls, train: list[Sentence], dev: list[Sentence] | None, tagset: TagSet) -> "TrainingData":
        return cls([s.copy() for s in train], [s.copy() for s in dev] if dev is not None else None, tagset.copy())


@dataclass
class Progress:
    """Where a run stands, as shown by the progress bar."""

    epoch: int
    epochs: int
    batch: int
    batches: int
    words_per_second: float
    eta_seconds: float | None


@dataclass
class _Pending:
    """Batch points collected between two emissions."""

    steps: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)


class _SignalHooks(TrainingHooks):
    """Trainer hooks (worker thread) that forward throttled plain data to the worker's signals."""

    def __init__(self, worker: "TrainingWorker", epochs: int) -> None:
        self.worker, self.epochs = worker, epochs
        self.pending = _Pending()
        self.last_emit = 0.0
        self.started = time.monotonic()
        self.batches_per_epoch = 1

    def on_start(self, info: TrainingInfo) -> None:
        self.started = time.monotonic()
        self.batches_per_epoch = max(info.batches_per_epoch, 1)
        self.worker.started.emit(info)

    def on_batch_end(self, info: BatchInfo) -> None:
        self.pending.steps.append(info.step)
        self.pending.losses.append(info.loss)
        if time.monotonic() - self.last_emit >= EMIT_INTERVAL_S:
            self._flush(info)

    def on_epoch_end(self, summary: EpochSummary) -> None:
        self._flush(None)
        self.worker.epoch_ended.emit(summary)

    def _flush(self, info: BatchInfo | None) -> None:
        if self.pending.steps:
            self.worker.losses.emit(self.pending.steps, self.pending.losses)
            self.pending = _Pending()
        if info is not None:
            self.worker.progress.emit(self._progress(info))
        self.last_emit = time.monotonic()

    def _progress(self, info: BatchInfo) -> Progress:
        total = self.epochs * self.batches_per_epoch
        elapsed = time.monotonic() - self.started
        eta = elapsed / info.step * (total - info.step) if info.step else None
        return Progress(info.epoch, self.epochs, info.batch, info.n_batches, info.words_per_second, eta)


class TrainingWorker(QObject):
    """Runs one training in whatever thread it lives in; talks only through signals."""

    started = Signal(object)  # TrainingInfo
    losses = Signal(list, list)  # steps, batch losses
    progress = Signal(object)  # Progress
    epoch_ended = Signal(object)  # EpochSummary
    finished = Signal(object)  # TrainResult
    failed = Signal(str, str)  # message, details (traceback)

    def __init__(self, config: TrainConfig, data: TrainingData) -> None:
        super().__init__()
        self.config, self.data = config, data
        self.stop_event = threading.Event()
        self.result: TrainResult | None = None

    @Slot()
    def run(self) -> None:
        """Train; ends with exactly one of ``finished`` or ``failed``, then ends its thread's loop.

        Quitting from here (not from a slot in the UI thread) lets the UI thread
        join the thread with ``QThread.wait`` without a deadlock.
        """
        hooks = _SignalHooks(self, self.config.epochs)
        try:
            self.result = Trainer(self.config, hooks).fit(
                self.data.train, self.data.dev, tagset=self.data.tagset, should_stop=self.stop_event
            )
        except Exception as error:  # every failure reaches the user through one dialog
            self.failed.emit(_describe(error), traceback.format_exc())
        else:
            self.finished.emit(self.result)
        finally:
            self.thread().quit()


def _describe(error: Exception) -> str:
    if "out of memory" in str(error).lower():
        return f"The device ran out of memory: {error}. Try a smaller batch size or the CPU."
    return str(error) or type(error).__name__


class TrainingJob(QObject):
    """Owns the thread and worker of one run; re-emits the worker's signals in the UI thread.

    ``finished``/``failed`` arrive after the thread has fully stopped, so a handler
    may start the next run at once.
    """

    started = Signal(object)
    losses = Signal(list, list)
    progress = Signal(object)
    epoch_ended = Signal(object)
    finished = Signal(object)
    failed = Signal(str, str)

    def __init__(self, config: TrainConfig, data: TrainingData, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._outcome: tuple[Signal, tuple] | None = None
        self._closing = False
        self._thread = QThread()
        self._worker = TrainingWorker(config, data)  # no parent: it moves to the thread
        self._worker.moveToThread(self._thread)
        self._connect()

    def _connect(self) -> None:
        worker = self._worker
        self._thread.started.connect(worker.run)
        worker.started.connect(self.started)
        worker.losses.connect(self.losses)
        worker.progress.connect(self.progress)
        worker.epoch_ended.connect(self.epoch_ended)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the trainer to stop before its next batch (returns at once)."""
        self._worker.stop_event.set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def stop_and_wait(self, timeout_ms: int = 10_000) -> TrainResult | None:
        """Stop and join the thread without emitting anything more (used when the window closes).

        Returns the run's result (its best model so far), or ``None`` if it failed or did not end in time.
        """
        self._closing = True
        self.stop()
        if not self._thread.wait(timeout_ms):
            return None
        return self._worker.result

    @Slot(object)
    def _on_worker_finished(self, result: TrainResult) -> None:
        self._outcome = (self.finished, (result,))

    @Slot(str, str)
    def _on_worker_failed(self, message: str, details: str) -> None:
        self._outcome = (self.failed, (message, details))

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._outcome is not None and not self._closing:
            signal, args = self._outcome
            self._outcome = None
            signal.emit(*args)
