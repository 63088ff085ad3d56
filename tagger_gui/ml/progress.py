"""Where a training run stands and how it ended, in numbers and in words, for the window and the CLI.

``RunClock`` turns the trainer's batch reports into a ``Progress`` with an ETA that
respects the time limit (the trainer stops there whatever epochs remain) and, once
the pace is known, one sentence projecting what the limit will do to the run. The
``*_sentence`` functions say in words what the limit is and why a run ended, so no
user reads a raw stop reason such as ``time_limit``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

from tagger_gui.ml.training_events import BatchInfo, TrainingInfo, TrainResult

PACE_AFTER_SECONDS = 5.0
"""The pace is projected once this much of the run has passed (or one epoch, if sooner)."""


@dataclass
class Progress:
    """Where a run stands, as a progress bar shows it.

    Attributes:
        eta_seconds: time left, never past the time limit (``None`` before the first batch).
        note: a sentence to log once (the projected effect of the time limit), else ``None``.
    """

    epoch: int
    epochs: int
    batch: int
    batches: int
    words_per_second: float
    eta_seconds: float | None
    note: str | None = None

    @property
    def fraction(self) -> float:
        """How much of the planned epochs is done, 0..1."""
        return (self.epoch - 1 + self.batch / max(self.batches, 1)) / max(self.epochs, 1)


class RunClock:
    """Estimates the time left of one run from its pace so far and its time limit."""

    def __init__(self, epochs: int, time_limit_minutes: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.epochs, self.time_limit_minutes = epochs, time_limit_minutes
        self._clock = clock
        self.started = clock()
        self.batches_per_epoch = 1
        self._pace_told = False

    @classmethod
    def for_run(cls, info: TrainingInfo) -> "RunClock":
        """A clock started now for the run that ``info`` announces."""
        clock = cls(info.epochs, info.time_limit_minutes)
        clock.batches_per_epoch = max(info.batches_per_epoch, 1)
        return clock

    @property
    def time_limit(self) -> float | None:
        """The limit in seconds (``None``: no limit)."""
        return None if self.time_limit_minutes is None else self.time_limit_minutes * 60.0

    def elapsed(self) -> float:
        return self._clock() - self.started

    def eta(self, step: int) -> float | None:
        """Seconds left after ``step`` optimiser steps: the remaining steps at the pace so far, or less if the
        time limit comes first; ``None`` before the first step of a run without a limit."""
        elapsed = self.elapsed()
        total = self.epochs * self.batches_per_epoch
        eta = elapsed / step * max(total - step, 0) if step else None
        if self.time_limit is not None:  # the trainer stops at its time limit, whatever epochs remain
            eta = min(eta if eta is not None else self.time_limit, max(self.time_limit - elapsed, 0.0))
        return eta

    def progress(self, info: BatchInfo) -> Progress:
        """The ``Progress`` after the batch ``info`` reports, with the pace projection the first time it is due."""
        return Progress(info.epoch, self.epochs, info.batch, info.n_batches, info.words_per_second,
                        self.eta(info.step), self.pace_note(info.step))

    def pace_note(self, step: int) -> str | None:
        """``pace_sentence`` once, when the pace is known (after a few seconds or an epoch); else ``None``."""
        if self._pace_told or step < 1 or (self.elapsed() < PACE_AFTER_SECONDS and step < self.batches_per_epoch):
            return None
        self._pace_told = True
        return pace_sentence(self.elapsed() / step * self.batches_per_epoch, self.epochs, self.time_limit_minutes)


# ------------------------------------------------------------------ words
def duration_text(seconds: float) -> str:
    """``"45 s"``, ``"7 min"``, ``"1 h 20 min"`` (rounded, for estimates)."""
    if seconds < 90:
        return f"{max(round(seconds), 1)} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _limit_amount(minutes: float) -> tuple[str, str]:
    """A time limit as a number and a unit: ``(2, "minute")``, or seconds under a minute: ``(6, "second")``."""
    return (f"{minutes:g}", "minute") if minutes >= 1 else (f"{minutes * 60:.3g}", "second")


def limit_text(minutes: float) -> str:
    """``2`` -> ``"2-minute"``, ``9.5`` -> ``"9.5-minute"``, ``0.1`` -> ``"6-second"``, as in "the 2-minute limit"."""
    number, unit = _limit_amount(minutes)
    return f"{number}-{unit}"


def _epochs_text(count: int) -> str:
    return f"{count} epoch{'s' if count != 1 else ''}"


def data_text(info: TrainingInfo) -> str:
    """What a run trains on, in words: "627 sentences (12,731 words) and 11,857 untagged ones, 2,001 dev ..."."""
    untagged = f" and {info.untagged_sentences:,} untagged ones" if info.untagged_sentences else ""
    return (f"{info.train_sentences:,} sentences ({info.train_words:,} words){untagged}, {info.dev_sentences:,} dev"
            f" sentences, {info.tags} tags, {info.parameters:,} parameters")


def start_sentence(info: TrainingInfo) -> str:
    """What the time limit is, said when a run starts."""
    if info.time_limit_minutes is None:
        return f"No time limit: up to {_epochs_text(info.epochs)}."
    number, unit = _limit_amount(info.time_limit_minutes)
    return (f"Time limit: {number} {unit}{'s' if number != '1' else ''} for up to {_epochs_text(info.epochs)}. The run stops"
            " there even if epochs remain; the pace, known in a few seconds, tells whether it will.")


def pace_sentence(seconds_per_epoch: float, epochs: int, time_limit_minutes: float | None) -> str:
    """What the time limit will do at ``seconds_per_epoch``: nothing, or end the run after about N epochs."""
    total = seconds_per_epoch * epochs
    head = f"At this pace {_epochs_text(epochs)} take about {duration_text(total)}"
    if time_limit_minutes is None:
        return f"{head}."
    if total <= time_limit_minutes * 60.0:
        return f"{head}, within the {limit_text(time_limit_minutes)} limit."
    fit = math.floor(time_limit_minutes * 60.0 / max(seconds_per_epoch, 1e-9))
    if fit == 0:
        return (f"{head}: the {limit_text(time_limit_minutes)} limit will stop it before the first epoch ends,"
                " leaving no model. Raise the limit or train on fewer sentences.")
    return (f"{head}: the {limit_text(time_limit_minutes)} limit will end it after about {fit} of {epochs} epochs,"
            " with the learning rate brought down in time.")


def ending_sentence(result: TrainResult, epochs: int, time_limit_minutes: float | None = None) -> str:
    """Why a run ended, in words: ``"Stopped at the 2-minute limit after 1 of 4 epochs."``."""
    done = len(result.history)
    after = f"after {done} of {_epochs_text(epochs)}" if done else "before the first epoch ended"
    if result.stopped == "finished":
        return f"Finished all {_epochs_text(epochs)}." if epochs != 1 else "Finished its one epoch."
    if result.stopped == "early_stopping":
        return (f"Stopped early {after}: dev accuracy stopped improving "
                f"(no better epoch since epoch {result.best_epoch}).")
    if result.stopped == "cancelled":
        return f"Stopped by you {after}."
    if result.stopped == "time_limit":
        limit = "time limit" if time_limit_minutes is None else f"{limit_text(time_limit_minutes)} limit"
        return f"Stopped at the {limit} {after}."
    return f"Ended ({result.stopped.replace('_', ' ')}) {after}."


def ending_label(result: TrainResult) -> str:
    """A few words for a progress bar: ``"finished"``, ``"stopped by you"``, ``"time limit reached"``..."""
    return {"finished": "finished", "early_stopping": "stopped early", "cancelled": "stopped by you",
            "time_limit": "time limit reached"}.get(result.stopped, result.stopped.replace("_", " "))
