"""Annotate-next strategies: a planted uncertain sentence comes first, reasons, seeding, diversity."""

from __future__ import annotations

import numpy as np
import pytest

from tagger_gui.ml.active import STRATEGIES, UNCERTAINTY_STRATEGIES, rank_sentences, token_scores
from tagger_gui.ml.predict import Prediction

TAGS = ["DET", "NOUN", "VERB"]


def _prediction(rows: list[list[float]]) -> Prediction:
    return Prediction(np.log(np.array(rows, dtype=np.float32)), TAGS)


SURE = [0.98, 0.01, 0.01]
UNSURE = [0.4, 0.35, 0.25]


def _pool() -> list[Prediction]:
    """Four confident sentences (one long) and, at position 3, one with two uncertain tokens."""
    return [
        _prediction([SURE] * 4),
        _prediction([SURE] * 30 + [UNSURE]),  # long: one doubt among many sure tokens
        _prediction([SURE] * 3),
        _prediction([SURE, UNSURE, SURE, [0.5, 0.45, 0.05]]),
        _prediction([SURE, [0.7, 0.2, 0.1]]),
    ]


@pytest.mark.parametrize("strategy", UNCERTAINTY_STRATEGIES)
def test_the_planted_uncertain_sentence_comes_first_with_its_reasons(strategy):
    picks = rank_sentences([10, 11, 12, 13, 14], _pool(), strategy)
    assert [p.sentence for p in picks][:2] == [13, 14]
    assert set(picks[0].uncertain) == {1, 3}
    assert picks[0].score > picks[1].score > picks[-1].score
    assert sorted(p.sentence for p in picks) == [10, 11, 12, 13, 14]


def test_scores_are_normalised_for_length():
    # the long sentence holds the most uncertainty in total, but little per token
    order = [p.sentence for p in rank_sentences(list(range(5)), _pool(), "entropy")]
    totals = [float(token_scores(p, "entropy").sum()) for p in _pool()]
    assert max(range(5), key=totals.__getitem__) == 1
    assert order.index(1) > order.index(4)


def test_margin_least_confidence_and_entropy_differ_where_they_should():
    two_way = _prediction([[0.5, 0.5, 0.0001]])
    three_way = _prediction([[0.4, 0.3, 0.3]])
    assert token_scores(two_way, "margin")[0] > token_scores(three_way, "margin")[0]
    assert token_scores(two_way, "least_confidence")[0] < token_scores(three_way, "least_confidence")[0]
    assert token_scores(two_way, "entropy")[0] < token_scores(three_way, "entropy")[0]


def test_in_order_and_seeded_random_need_no_model():
    assert [p.sentence for p in rank_sentences([5, 6, 7], None, "in_order")] == [5, 6, 7]
    first = [p.sentence for p in rank_sentences(list(range(50)), None, "random", seed=3)]
    assert first == [p.sentence for p in rank_sentences(list(range(50)), None, "random", seed=3)]
    assert first != [p.sentence for p in rank_sentences(list(range(50)), None, "random", seed=4)]
    assert sorted(first) == list(range(50))
    with pytest.raises(ValueError, match="needs a prediction"):
        rank_sentences([1], None, "margin")
    with pytest.raises(ValueError, match="unknown strategy"):
        rank_sentences([1], None, "smart")
    assert set(STRATEGIES) == {"in_order", "random", "least_confidence", "margin", "entropy"}


def test_diversity_skips_a_sentence_whose_doubts_are_already_picked():
    pool = [_prediction([SURE, UNSURE]), _prediction([SURE, UNSURE]), _prediction([SURE, [0.6, 0.3, 0.1]])]
    words = [["the", "that"], ["a", "That"], ["the", "run"]]
    plain = [p.sentence for p in rank_sentences([0, 1, 2], pool, "entropy")]
    diverse = [p.sentence for p in rank_sentences([0, 1, 2], pool, "entropy", words=words, batch=2)]
    assert plain == [0, 1, 2]
    assert diverse == [0, 2, 1]


def test_a_per_sentence_overhead_stops_one_word_sentences_winning():
    pool = [_prediction([UNSURE]), _prediction([UNSURE] * 4 + [SURE])]
    assert [p.sentence for p in rank_sentences([0, 1], pool, "margin")] == [0, 1]
    assert [p.sentence for p in rank_sentences([0, 1], pool, "margin", overhead=3.31)] == [1, 0]
