"""Chunked tagging: the prefetching reader keeps order, passes errors on and stops when closed; stopping works."""

from __future__ import annotations

import threading

import pytest

from tagger_gui.ml.corpus_predict import predict_in_chunks, prefetched

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
    full = predict_in_chunks(tagger, words, chunk=5, report=reports.append)
    assert [p.log_probs.shape[0] for p in full] == [len(s) for s in words]
    assert reports == [(n, len(words)) for n in (5, 10, 15, 20, 24)]
    calls = []
    assert predict_in_chunks(tagger, words, chunk=5, should_stop=lambda: calls.append(1) or len(calls) > 2) is None
    assert len(calls) == 3
