"""Chunked tagging: the prefetching reader keeps order, passes errors on and stops when closed; stopping works."""

from __future__ import annotations

import threading

import pytest

from tagger_gui.ml.corpus_predict import gathered, predict_in_chunks, prefetched

from .test_batching_vectorised import SENTENCES, _tagger


def test_prefetched_keeps_order_and_produces_in_another_thread():
    threads = set()

    def items():
        for i in range(50):
            threads.add(threading.current_thread())
            yield i

    assert list(prefetched(items(), depth=2)) == list(range(50))
    assert threading.current_thread() not in threads


def test_prefetched_raises_the_producers_error_after_its_items():
    def items():
        yield 1
        raise ValueError("bad line")

    got = []
    with pytest.raises(ValueError, match="bad line"):
        for item in prefetched(items()):
            got.append(item)
    assert got == [1]


def test_closing_prefetched_early_stops_the_producer():
    made = []

    def items():
        for i in range(10**6):
            made.append(i)
            yield i

    stream = prefetched(items())
    assert next(stream) == 0
    stream.close()
    assert not any(t.name == "prefetch" for t in threading.enumerate())
    assert len(made) <= 3


def test_predict_in_chunks_stops_before_a_chunk_and_reports_each():
    tagger, reports = _tagger(), []
    words = [s for s in SENTENCES if s] * 4
    at_least = sum(map(len, words[:5]))  # five sentences' words, then whole sentences up to as many
    full = predict_in_chunks(tagger, words, chunk_words=at_least, report=reports.append)
    assert [p.log_probs.shape[0] for p in full] == [len(s) for s in words]
    done = [n for n, _ in reports]
    assert done[0] == 5 and done[-1] == len(words) and len(done) >= len(words) // 10
    for before, after in zip([0, *done], done):  # each chunk: whole sentences, reaching the words asked for
        assert sum(map(len, words[before:after])) >= at_least or after == len(words)
        assert sum(map(len, words[before:after - 1])) < at_least
    calls = []
    stop_at_third = lambda: calls.append(1) or len(calls) > 2  # noqa: E731
    assert predict_in_chunks(tagger, words, chunk_words=at_least, should_stop=stop_at_third) is None
    assert len(calls) == 3


def test_gathered_joins_items_until_their_size_reaches_the_threshold():
    assert list(gathered([3, 1, 1, 5, 2, 2], lambda n: n, 4)) == [[3, 1], [1, 5], [2, 2]]
    assert list(gathered([9, 1], lambda n: n, 4)) == [[9], [1]] and list(gathered([], len, 4)) == []
