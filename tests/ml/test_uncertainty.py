"""Uncertainty, ranking, review order, pre-annotation edits and model diffs over plain predictions."""

from __future__ import annotations

import numpy as np
import pytest

from tagger_gui.ml.predict import Prediction
from tagger_gui.ml.uncertainty import (
    UNSURE_BELOW, is_unsure, next_review, prediction_changes, ranked_tags, review_order, sentence_uncertainty, tab_stop,
    token_entropy, untagged_edits,
)

TAGS = ["NOUN", "VERB", "DET"]


def pred(*rows) -> Prediction:
    return Prediction(np.log(np.array(rows, dtype=np.float32)), TAGS)


def test_entropy_and_sentence_uncertainty():
    p = pred([1 / 3, 1 / 3, 1 / 3], [0.98, 0.01, 0.01])
    entropy = token_entropy(p.log_probs)
    assert entropy[0] == pytest.approx(np.log(3), rel=1e-5) and entropy[1] < 0.2
    u = sentence_uncertainty(p)
    assert u.min_confidence == pytest.approx(1 / 3, rel=1e-5)
    assert u.max_entropy == pytest.approx(np.log(3), rel=1e-5)
    empty = Prediction(np.zeros((0, 3), np.float32), TAGS)
    assert sentence_uncertainty(empty).min_confidence == 1.0


def test_ranked_tags_follow_probabilities():
    p = pred([0.2, 0.5, 0.3])
    ranking = ranked_tags(p, 0)
    assert [name for name, _ in ranking] == ["VERB", "DET", "NOUN"]
    assert [round(prob, 3) for _, prob in ranking] == [0.5, 0.3, 0.2]
    assert len(ranked_tags(p, 0, k=2)) == 2


def test_review_order_takes_untagged_and_disagreeing_tokens_most_uncertain_first():
    predictions = [pred([0.9, 0.05, 0.05], [0.4, 0.35, 0.25]), pred([0.2, 0.7, 0.1], [0.1, 0.1, 0.8])]
    tags = [["NOUN", None], ["NOUN", "DET"]]  # s0t0 agrees; s0t1 untagged; s1t0 disagrees; s1t1 agrees
    order = review_order(tags, predictions)
    assert [(r.sentence, r.token) for r in order] == [(0, 1), (1, 0)]
    assert next_review(order, None) == order[0]
    assert next_review(order, (0, 1)) == order[1]
    assert next_review(order, (1, 0)) == order[0]  # wraps around
    assert next_review(order, (5, 5)) == order[0]
    assert next_review([], None) is None


def test_untagged_edits_fill_only_untagged_tokens():
    predictions = [pred([0.9, 0.05, 0.05], [0.1, 0.1, 0.8]), None, pred([0.2, 0.7, 0.1])]
    tags = [["VERB", None], [None], ["NOUN"]]
    assert untagged_edits(tags, predictions) == {0: {1: "DET"}}


def test_prediction_changes_lists_tokens_whose_best_tag_moved():
    words = [["a", "b"], ["c"]]
    old = [["NOUN", "VERB"], ["DET"]]
    new = [pred([0.9, 0.05, 0.05], [0.9, 0.05, 0.05]), pred([0.1, 0.1, 0.8])]
    changes = prediction_changes(words, old, new)
    assert [(c.sentence, c.token, c.word, c.old, c.new) for c in changes] == [(0, 1, "b", "VERB", "NOUN")]
    assert changes[0].confidence == pytest.approx(0.9, rel=1e-5)


def test_tab_stops_at_the_nearest_stop_that_way_else_at_the_sentence_end():
    stops = [False, True, False, False, True, False]
    assert [tab_stop(row, 1, stops) for row in range(6)] == [1, 4, 4, 4, 5, 5]
    assert [tab_stop(row, -1, stops) for row in range(6)] == [0, 0, 1, 1, 1, 4]
    assert tab_stop(2, 1, [False] * 6) == 5 and tab_stop(2, -1, [False] * 6) == 0
    assert tab_stop(2, 1, None) == 3 and tab_stop(2, -1, None) == 1  # no model: one token, as Right / Left


def test_unsure_is_below_the_threshold():
    assert is_unsure(UNSURE_BELOW - 1e-6) and not is_unsure(UNSURE_BELOW)
