"""Predicting a whole corpus in chunks, with progress and a stop check: one place for the CLI and the window."""

from __future__ import annotations

from typing import Callable, Sequence

from tagger_gui.ml.predict import Prediction, Tagger
from tagger_gui.ml.training_events import StopSignal, stop_check

CHUNK_SENTENCES = 256
"""Sentences predicted between two progress reports / stop checks."""


def predict_in_chunks(
    tagger: Tagger,
    words: Sequence[Sequence[str]],
    *,
    should_stop: StopSignal | None = None,
    report: Callable[[tuple[int, int]], None] | None = None,
    chunk: int = CHUNK_SENTENCES,
) -> list[Prediction] | None:
    """Predictions of every sentence of ``words`` in order, or ``None`` if stopped.

    ``report((done, total))`` is called after each chunk of ``chunk`` sentences;
    ``should_stop`` is checked before each.
    """
    stop = stop_check(should_stop)
    out: list[Prediction] = []
    for start in range(0, len(words), chunk):
        if stop():
            return None
        out += tagger.predict(words[start : start + chunk])
        if report is not None:
            report((len(out), len(words)))
    return out
