"""Predicting a corpus chunk by chunk, with progress and a stop check: one place for the CLI and the window.

Each chunk goes to ``Tagger.predict`` (length-sorted batches, inference mode), with
one table of encoded word forms for the chunks of a corpus (bounded). A
``ThreadTuner``, if given, chooses the thread count from the cores other programs
leave free and adapts it between chunks: on 2 cores with one busy, tagging with 2
threads ran about 7 times slower than with 1.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from itertools import takewhile
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.predict import Prediction, Tagger
from tagger_gui.ml.threads import ThreadTuner
from tagger_gui.ml.training_events import StopSignal, stop_check

CHUNK_WORDS = 25_000
"""Words (whole sentences) predicted between two progress reports / stop checks: about half a second on 2 cores."""

STREAM_WORDS = 100_000
"""Words a streamed file is tagged in at least: the chunks read from it are joined up to this
(and a rest of the file no larger than the group joins it: ``cli_predict.tagging_groups``).

``Tagger.predict`` batches sentences of one length together, which pays in a large
group. Tagging EWT train in-process (2 threads, median of 3) in consecutive groups of
4,000 words ran at 26,700 words/s, of 29,000 (a 2 MiB CoNLL-U chunk) 36,600, of
100,000 40,300, and in one group 44,500.
"""

STREAM_FORMS = 200_000
"""Distinct word forms kept encoded across chunks; beyond it the table starts afresh (memory stays bounded)."""

Chunk = TypeVar("Chunk", bound=Sequence)
Item = TypeVar("Item")
_END = object()


@dataclass(frozen=True)
class TaggingProgress:
    """How far the tagging of a file has come: sentences and words tagged, bytes of the input read."""

    sentences: int = 0
    words: int = 0
    done_bytes: int = 0
    size_bytes: int = 0


class ChunkPredictor:
    """``predictor(word_lists)``: the predictions of chunk after chunk, with one table of encoded forms (bounded)."""

    def __init__(self, tagger: Tagger) -> None:
        self.tagger, self.table = tagger, tagger.form_table()

    def __call__(self, words: Sequence[Sequence[str]]) -> list[Prediction]:
        if len(self.table) > STREAM_FORMS:
            self.table = self.tagger.form_table()
        return self.tagger.predict(words, self.table)


def apply_best_tags(sentences: Sequence[Sentence], predictions: Sequence[Prediction]) -> None:
    """Set each token's tag to its prediction's best tag."""
    for sentence, prediction in zip(sentences, predictions):
        for token, tag in zip(sentence.tokens, prediction.best):
            token.tag = tag


def predict_stream(
    tagger: Tagger,
    chunks: Iterable[Chunk],
    *,
    words: Callable[[Chunk], Sequence[Sequence[str]]] = lambda chunk: chunk,
    tuner: ThreadTuner | None = None,
) -> Iterator[tuple[Chunk, list[Prediction]]]:
    """Each chunk of ``chunks`` with the predictions of its sentences, as the chunks come.

    Args:
        tagger: the model.
        chunks: sequences of sentences (read lazily: only one chunk need be in memory).
        words: the word lists of a chunk's sentences (default: the chunk is word lists).
        tuner: chooses and adapts the thread count while tagging (``None``: leave it).
    """
    if tuner is not None:
        tuner.start()
    predict = ChunkPredictor(tagger)
    try:
        for chunk in chunks:
            lists = words(chunk)
            start = time.perf_counter()
            predictions = predict(lists)
            if tuner is not None:
                tuner.after_batch(sum(map(len, lists)), time.perf_counter() - start)
            yield chunk, predictions
    finally:
        if tuner is not None:
            tuner.finish()


def predict_in_chunks(
    tagger: Tagger,
    words: Sequence[Sequence[str]],
    *,
    should_stop: StopSignal | None = None,
    report: Callable[[tuple[int, int]], None] | None = None,
    chunk_words: int = CHUNK_WORDS,
) -> list[Prediction] | None:
    """Predictions of every sentence of ``words`` in order, or ``None`` if stopped.

    ``report((done, total))`` is called after each chunk of whole sentences holding
    ``chunk_words`` words (the last may hold fewer); ``should_stop`` is checked before each.
    """
    stop = stop_check(should_stop)
    out: list[Prediction] = []
    chunks = takewhile(lambda _: not stop(), gathered(words, len, chunk_words))
    for _, predictions in predict_stream(tagger, chunks):
        out += predictions
        if report is not None:
            report((len(out), len(words)))
    return out if len(out) == len(words) else None


def gathered(items: Iterable[Item], size: Callable[[Item], int], at_least: int) -> Iterator[list[Item]]:
    """Consecutive ``items`` in lists whose total ``size`` reaches ``at_least`` (the last list may fall short)."""
    group: list[Item] = []
    total = 0
    for item in items:
        group.append(item)
        total += size(item)
        if total >= at_least:
            yield group
            group, total = [], 0
    if group:
        yield group


def prefetched(items: Iterable[Item], depth: int = 1) -> Iterator[Item]:
    """``items``, produced by a background thread up to ``depth`` ahead of the consumer.

    Reading and parsing the next chunk of a file is Python holding the GIL; the
    model's work on the current chunk is native code that releases it, so the two
    overlap. An error of the producer is raised here; closing this generator early
    stops the producer (after the item it is making).
    """
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                slots.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        except BaseException as error:  # handed to the consumer, raised there
            put((_END, error))

    thread = threading.Thread(target=produce, name="prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item, error = slots.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stop.set()
        thread.join()
