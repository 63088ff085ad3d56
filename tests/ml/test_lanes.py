"""Tagging lanes: batches dealt evenly, one CPU thread each, the same scores as one lane, errors raised."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from tagger_gui.ml import predict as predict_module
from tagger_gui.ml.lanes import dealt, lane_count, run_lanes

from .test_batching_vectorised import SENTENCES, _tagger


@pytest.fixture
def two_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


def test_batches_are_dealt_costliest_first_to_the_least_loaded_lane():
    shares = dealt(["a", "b", "c", "d", "e"], [5, 9, 4, 3, 3], 2)
    assert shares == [["b", "d"], ["a", "c", "e"]]  # 12 and 12
    assert dealt(["a"], [1], 3) == [["a"], [], []]


def test_lanes_follow_the_callers_threads_on_the_cpu_only(two_threads):
    assert lane_count(torch.device("cpu"), 10) == 2
    assert lane_count(torch.device("cpu"), 1) == 1
    assert lane_count(torch.device("meta"), 10) == 1


def test_each_lane_runs_in_its_own_thread_of_one_cpu_thread_and_leaves_the_callers_count(two_threads):
    seen = []

    def work(share):
        seen.append((tuple(share), threading.current_thread() is threading.main_thread(), torch.get_num_threads()))

    run_lanes(work, [[1, 2], [3]])
    assert sorted(seen) == [((1, 2), False, 1), ((3,), False, 1)]
    assert torch.get_num_threads() == 2
    seen.clear()
    run_lanes(work, [[4]])  # one lane: the caller's thread, as it is
    assert seen == [((4,), True, 2)]


def test_a_lanes_error_is_raised_after_every_lane_ended(two_threads):
    finished = []

    def work(share):
        if share == ["bad"]:
            raise ValueError("lane failed")
        finished.append(share)

    with pytest.raises(ValueError, match="lane failed"):
        run_lanes(work, [["bad"], ["good"]])
    assert finished == [["good"]]


def test_two_lanes_give_the_scores_of_one(monkeypatch):
    monkeypatch.setattr(predict_module, "PREDICT_MAX_TOKENS", 12)  # several batches from a few sentences
    tagger = _tagger("default")
    sentences = SENTENCES * 5
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = tagger.predict(sentences)
        torch.set_num_threads(2)
        lanes = []
        monkeypatch.setattr(predict_module, "run_lanes", lambda work, shares: (lanes.append(len(shares)),
                                                                                run_lanes(work, shares)))
        two = tagger.predict(sentences)
    finally:
        torch.set_num_threads(before)
    assert lanes == [2]
    assert all(np.array_equal(a.log_probs, b.log_probs) for a, b in zip(one, two))
