"""The dev choice: marked dev sentences, or a held-out share of train that stays put while the corpus grows."""

from __future__ import annotations

import pytest

from tagger_gui.core.corpus import Sentence, Split
from tagger_gui.core.data_split import DevChoice, DevSource, split_for_training


def tagged(n: int, start: int = 0, split: Split = Split.TRAIN) -> list[Sentence]:
    return [Sentence.from_words(["a", "b"], ["X", "Y"], id=f"s{i}", split=split) for i in range(start, start + n)]


def test_marked_dev_sentences_are_used_when_there_are_any():
    train, dev = tagged(30), tagged(3, 100, Split.DEV)
    untagged = [Sentence.from_words(["c"], id="u")]
    got_train, got_dev = split_for_training(train + dev + untagged, DevChoice())
    assert got_train == train and got_dev == dev


def test_the_held_out_share_is_stable_when_sentences_are_added():
    choice = DevChoice(DevSource.HELD_OUT, 0.2)
    first_train, first_dev = split_for_training(tagged(200), choice)
    assert 20 <= len(first_dev) <= 60 and not {s.id for s in first_train} & {s.id for s in first_dev}
    later_train, later_dev = split_for_training(tagged(400), choice)
    assert {s.id for s in first_dev} <= {s.id for s in later_dev}
    assert {s.id for s in first_train} <= {s.id for s in later_train}


def test_too_few_sentences_hold_nothing_out():
    assert split_for_training(tagged(10), DevChoice(DevSource.HELD_OUT, 0.5)) == (tagged(10), [])


def test_the_choice_round_trips_and_refuses_what_it_cannot_read():
    choice = DevChoice(DevSource.HELD_OUT, 0.25)
    assert DevChoice.from_dict(choice.to_dict()) == choice
    for bad in ({"version": 99, "source": "split"}, {"version": 1, "source": "nowhere"},
                {"version": 1, "fraction": 1.5}, {"version": 1, "fraction": "0.1"}, ["split"]):
        with pytest.raises(ValueError):
            DevChoice.from_dict(bad)
