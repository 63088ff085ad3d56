"""What the trainer tells whoever watches a run: plain dataclasses of numbers, the hooks that receive
them, and how a run is asked to stop. No torch here: the window, the CLI and the session read these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    from tagger_gui.ml.predict import Tagger


@dataclass
class TrainingInfo:
    """Sent once to ``on_start``."""

    train_sentences: int
    train_words: int
    dev_sentences: int
    tags: int
    batches_per_epoch: int
    parameters: int
    device: str
    epochs: int = 0
    time_limit_minutes: float | None = None
    threads: str = ""  # the CPU threads chosen, in words: "1 thread on 2 cores (other programs use 1.0 cores)"
    precision: str = "fp32"  # what the forward pass computes in: "fp32" or "bf16" (``TrainConfig.precision`` resolved)
    untagged_sentences: int = 0  # the untagged sentences it learns from as well (``ml.cross_view``)


@dataclass
class BatchInfo:
    """Sent to ``on_batch_end`` after every optimiser step."""

    epoch: int
    batch: int
    n_batches: int
    step: int
    loss: float
    words_per_second: float


@dataclass
class EpochSummary:
    """Sent to ``on_epoch_end``; ``dev_accuracy`` is ``None`` without dev data."""

    epoch: int
    train_loss: float
    dev_accuracy: float | None
    words_per_second: float
    seconds: float
    is_best: bool
    threads: int = 0


@dataclass
class TrainResult:
    """What a run produced.

    Attributes:
        tagger: the best model, or ``None`` if no epoch completed.
        history: one summary per completed epoch.
        best_epoch: the epoch whose weights ``tagger`` holds (0 if none).
        best_dev_accuracy: its dev accuracy (``None`` without dev data).
        stopped: ``"finished"``, ``"early_stopping"``, ``"cancelled"`` or ``"time_limit"``.
        seconds: wall time of the run.
        device: where it ran, e.g. ``"cpu"``.
    """

    tagger: Tagger | None
    history: list[EpochSummary]
    best_epoch: int
    best_dev_accuracy: float | None
    stopped: str
    seconds: float
    device: str


class TrainingHooks:
    """Override any of these to watch a run; they must return quickly."""

    def on_start(self, info: TrainingInfo) -> None:
        """Called once, after the data is prepared and before the first batch."""

    def on_batch_end(self, info: BatchInfo) -> None:
        """Called after every optimiser step."""

    def on_dev_scored(self, epoch: int, tagger: Tagger) -> None:
        """Called after each dev evaluation with the tagger as it is then (to score more data, e.g. test in a
        benchmark); the time taken counts in the run's time, and the weights must be left unchanged."""

    def on_epoch_end(self, summary: EpochSummary) -> None:
        """Called after every completed epoch and its dev evaluation."""

    def on_end(self, result: TrainResult) -> None:
        """Called once when the run ends without an error."""


class _Settable(Protocol):
    def is_set(self) -> bool: ...


StopSignal = Callable[[], bool] | _Settable
"""A callable returning ``True`` to stop, or an object with ``is_set()`` (``threading.Event``)."""


def stop_check(should_stop: StopSignal | None) -> Callable[[], bool]:
    """``should_stop`` as a plain function returning True once the run should stop."""
    if should_stop is None:
        return lambda: False
    return should_stop.is_set if hasattr(should_stop, "is_set") else should_stop
