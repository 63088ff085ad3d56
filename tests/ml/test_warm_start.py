"""Warm start: grown vocabularies keep old indices, old behaviour is kept, new words and tags are learned."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.training import Trainer, TrainingError
from tagger_gui.ml.vocab import Vocab
from tagger_gui.ml.warm_start import copy_weights, grown_tagger, keep_shape, shape_differences

from .conftest import toy_sentences

SMALL = dict(
    embedding_dim=16, hidden_dim=16, char_dim=8, char_hidden=16, num_layers=1, dropout=0.0, word_dropout=0.0,
    max_minutes=None, dev_fraction=0.0, lr=0.02, batch_size=4,
)

NEW = [
    Sentence.from_words("The big dog ate the red apple".split(), ["DET", "ADJ", "NN", "V", "DET", "ADJ", "NN"]),
    Sentence.from_words("Everybody read that big book".split(), ["NN", "V", "DET", "ADJ", "NN"]),
]


def _trained(sentences: list[Sentence], epochs: int, start_from=None, seed: int = 1):
    config = preset_config("default", epochs=epochs, seed=seed, **SMALL)
    return Trainer(config).fit(sentences, start_from=start_from).tagger


@pytest.fixture(scope="module")
def old():
    return _trained(toy_sentences() * 5, epochs=30)


def test_grow_keeps_every_old_index_and_appends_new_items():
    vocab = Vocab.build([["The", "dog"]], ["DET", "NN"], suffix_length=2)
    grown = vocab.grow([["the", "cat", "Dog"], ["cat"]], ["NN", "ADJ"], suffix_length=2)
    assert grown.words[: len(vocab.words)] == vocab.words and grown.words[len(vocab.words):] == ["cat"]
    assert grown.tags == ["DET", "NN", "ADJ"]
    assert grown.chars[: len(vocab.chars)] == vocab.chars and set(grown.chars[len(vocab.chars):]) == {"c", "a", "t", "D"}
    assert grown.suffixes[: len(vocab.suffixes)] == vocab.suffixes and "at" in grown.suffixes
    assert dict(zip(grown.words, grown.word_counts))["cat"] == 2
    assert dict(zip(grown.words, grown.word_counts))["the"] == 1
    assert grown.word_id("dog") == vocab.word_id("dog")


def test_zero_epoch_warm_start_tags_old_sentences_as_before(old):
    grown = grown_tagger(old, [s.words for s in NEW], ["DET", "NN", "V", "ADJ"], old.config)
    assert grown.tag_names[:3] == old.tag_names and grown.tag_names[3] == "ADJ"
    assert len(grown.vocab.words) > len(old.vocab.words)
    words = [s.words for s in toy_sentences()]
    before, after = old.predict(words), grown.predict(words)
    for b, a in zip(before, after):
        assert a.best == b.best
        old_columns = a.log_probs[:, :3]
        renormalised = old_columns - np.logaddexp.reduce(old_columns, axis=1, keepdims=True)
        np.testing.assert_allclose(renormalised, b.log_probs, atol=1e-5)


def test_warm_start_learns_a_new_word_and_a_new_tag_and_keeps_the_old(old):
    tagger = _trained(toy_sentences() * 5 + NEW * 5, epochs=15, start_from=old)
    assert "ADJ" in tagger.tag_names and "red" in tagger.vocab.words
    assert tagger.predict([NEW[0].words])[0].best == NEW[0].tags
    assert [p.best for p in tagger.predict([s.words for s in toy_sentences()])] == [s.tags for s in toy_sentences()]


def test_warm_start_refuses_a_changed_model_shape(old):
    config = preset_config("default", epochs=1, **{**SMALL, "hidden_dim": 32})
    assert shape_differences(old.config, config) == ["hidden_dim"]
    with pytest.raises(TrainingError, match="hidden_dim"):
        Trainer(config).fit(NEW, start_from=old)
    assert shape_differences(old.config, keep_shape(config, old.config)) == []


def test_copy_weights_rejects_a_smaller_target():
    big, small = torch.nn.Linear(4, 3), torch.nn.Linear(4, 2)
    with pytest.raises(ValueError, match="weight"):
        copy_weights(big, small)
    copy_weights(small, big)
    assert torch.equal(big.weight[:2], small.weight)
