"""The simulated annotator runs end to end on a tiny slice (EWT when present, else a synthetic corpus)."""

from __future__ import annotations

import random
import time

import pytest

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.simulate import LoopSettings, fresh_accuracy, simulate

from .conftest import EWT

TINY = preset_config(
    "default", embedding_dim=16, hidden_dim=16, char_dim=8, char_hidden=16, suffix_length=2, max_minutes=None
)

_LEXICON = {
    "DET": ["the", "a", "this", "every"], "NOUN": ["dog", "cat", "apple", "book", "house", "tree"],
    "VERB": ["ate", "saw", "read", "likes", "found"], "ADJ": ["big", "red", "old", "small"],
    "PUNCT": [".", "!"],
}


def _synthetic(n: int, seed: int) -> list[Sentence]:
    """Sentences ``DET (ADJ) NOUN VERB DET (ADJ) NOUN PUNCT`` over a small lexicon."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(n):
        tags = ["DET", *(["ADJ"] if rng.random() < 0.5 else []), "NOUN", "VERB", "DET",
                *(["ADJ"] if rng.random() < 0.5 else []), "NOUN", "PUNCT"]
        sentences.append(Sentence.from_words([rng.choice(_LEXICON[t]) for t in tags], tags))
    return sentences


@pytest.fixture(scope="module")
def data():
    if (EWT / "en_ewt-ud-train.conllu").exists():
        from tagger_gui.core.formats import read_file

        train, dev = read_file(EWT / "en_ewt-ud-train.conllu")[:40], read_file(EWT / "en_ewt-ud-dev.conllu")[:40]
    else:
        train, dev = _synthetic(40, 1), _synthetic(20, 2)
    names = sorted({t for s in train + dev for t in s.tags if t is not None})
    return train, dev, names


@pytest.mark.parametrize("strategy", ["in_order", "margin"])
def test_two_rounds_end_to_end(data, strategy):
    train, dev, names = data
    settings = LoopSettings(strategy=strategy, first_round=10, max_rounds=2, pool=25)
    run = simulate(train, dev, names, TINY, settings)
    assert run.stopped == "rounds" and [p.round for p in run.points] == [1, 2]
    assert run.chosen[:10] == list(range(10))  # the first round is in order: there is no model yet
    assert len(set(run.chosen)) == len(run.chosen) == 20
    if strategy == "in_order":
        assert run.chosen == list(range(20))
    else:
        assert run.chosen[10:] != list(range(10, 20))
    first, second = run.points
    assert (first.warm, second.warm) == (False, True)
    assert first.keys == first.scratch_keys and first.changed == first.tokens  # round 1 is tagged from scratch
    assert second.tokens == sum(len(train[i].tokens) for i in run.chosen)
    assert second.keys > first.keys and second.scratch_seconds > second.seconds
    assert second.changed < second.tokens  # some suggestions were right
    assert 0.0 < second.dev_accuracy <= 1.0 and second.fraction == pytest.approx(second.tokens / sum(
        len(s.tokens) for s in train))
    assert 0.0 < fresh_accuracy(train, run.chosen, dev, names, TINY) <= 1.0


def test_stops_at_the_target_the_fraction_or_the_deadline(data):
    train, dev, names = data
    assert simulate(train, dev, names, TINY, LoopSettings(first_round=10, target=0.0)).stopped == "target"
    run = simulate(train, dev, names, TINY, LoopSettings(first_round=10, max_fraction=0.01))
    assert run.stopped == "max_fraction" and len(run.points) == 1
    run = simulate(train, dev, names, TINY, LoopSettings(first_round=10), deadline=time.monotonic())
    assert run.stopped == "deadline" and len(run.points) == 1


def test_rounds_grow_with_the_tagged_sentences():
    settings = LoopSettings(first_round=20, growth=0.1)
    assert [settings.round_size(n) for n in (0, 100, 200, 201, 1000)] == [20, 20, 20, 21, 100]
    with pytest.raises(ValueError, match="unknown strategy"):
        LoopSettings(strategy="clever")
