"""Metrics on hand-made examples."""

from __future__ import annotations

import numpy as np
import pytest

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.metrics import evaluate_predictions, majority_baseline


def test_accuracy_oov_per_tag_and_confusion():
    words = [["a", "b", "c"], ["d", "a"]]
    gold = [["N", "V", None], ["N", "N"]]
    predicted = [["N", "N", "V"], ["V", "N"]]
    ev = evaluate_predictions(words, gold, predicted, known_words={"a", "b"}, tags=["N", "V"])
    assert ev.words == 4  # the untagged "c" is not counted
    assert ev.accuracy == pytest.approx(2 / 4)
    assert ev.oov_words == 1 and ev.oov_accuracy == 0.0  # "d"
    assert ev.tags == ["N", "V"]
    assert ev.confusion.tolist() == [[2, 1], [1, 0]]
    n = ev.per_tag["N"]
    assert (n.precision, n.recall, n.support) == (pytest.approx(2 / 3), pytest.approx(2 / 3), 3)
    assert ev.per_tag["V"].f1 == 0.0
    data = ev.to_dict()
    assert {"accuracy", "oov_accuracy", "words", "per_tag", "confusion", "tags"} <= set(data)
    assert data["per_tag"]["N"]["support"] == 3


def test_tags_outside_the_list_are_appended_and_empty_input_is_safe():
    ev = evaluate_predictions([["x"]], [["X"]], [["Y"]], tags=["N"])
    assert ev.tags == ["N", "X", "Y"] and ev.confusion[1, 2] == 1
    empty = evaluate_predictions([], [], [])
    assert (empty.accuracy, empty.words, empty.oov_accuracy) == (0.0, 0, None)
    assert np.asarray(empty.confusion).shape == (0, 0)


def test_majority_baseline():
    train = [Sentence.from_words(["run", "run", "the"], ["V", "V", "D"]), Sentence.from_words(["run"], ["N"])]
    test = [Sentence.from_words(["run", "the", "cat"], ["V", "D", "V"])]
    ev = majority_baseline(train, test)
    assert ev.accuracy == 1.0  # "run" -> its majority V; unseen "cat" -> the overall majority V
    test[0].tokens[2].tag = "N"
    assert majority_baseline(train, test).accuracy == pytest.approx(2 / 3)
    assert majority_baseline(train, test).oov_words == 1
