"""Input dropout in training: words' own embeddings and their untagged-text vectors replaced as if unseen."""

from __future__ import annotations

import torch

from tagger_gui.ml import input_dropout, training
from tagger_gui.ml.batching import ModelInputs
from tagger_gui.ml.raw_vectors import learn_vectors
from tagger_gui.ml.training import Trainer
from tagger_gui.ml.vocab import PAD, UNK
from tests.ml.test_raw_vectors import small_config, tagged, untagged


def _inputs(rows: int = 200, width: int = 50, padding: int = 5) -> ModelInputs:
    ids = torch.arange(2, 2 + rows * width).reshape(rows, width)
    ids[:, width - padding:] = PAD  # the padding of shorter sentences
    return ModelInputs(word_ids=ids.clone(), shape_ids=ids.clone(), chars=ids[:0], char_index=ids.clone(),
                       suffix_ids=ids[:, :, None].clone(), lengths=None, raw_ids=ids.clone())


def test_untagged_text_vectors_are_dropped_at_the_given_rate_and_padding_stays():
    torch.manual_seed(0)
    inputs = _inputs()
    before = inputs.raw_ids.clone()
    input_dropout.drop_inputs(inputs, None, 0.3)
    real = before != PAD
    dropped = inputs.raw_ids == UNK
    assert 0.27 < dropped[real].float().mean() < 0.33
    assert torch.equal(inputs.raw_ids[~dropped], before[~dropped]) and not dropped[~real].any()
    assert torch.equal(inputs.word_ids, before)  # the words' own embeddings are another setting


def test_nothing_changes_without_either_dropout():
    inputs = _inputs()
    before = inputs.raw_ids.clone()
    input_dropout.drop_inputs(inputs, None, 0.0)
    assert torch.equal(inputs.raw_ids, before) and torch.equal(inputs.word_ids, before)


def test_words_are_dropped_by_their_count():
    torch.manual_seed(0)
    inputs = _inputs(rows=400, width=2, padding=0)
    frequent, rare = inputs.word_ids[:, 0].clone(), inputs.word_ids[:, 1].clone()
    probabilities = torch.zeros(int(inputs.word_ids.max()) + 1)
    probabilities[rare] = 0.5
    input_dropout.drop_inputs(inputs, probabilities, 0.0)
    assert torch.equal(inputs.word_ids[:, 0], frequent)
    assert 0.4 < (inputs.word_ids[:, 1] == UNK).float().mean() < 0.6


def test_training_drops_vectors_only_where_the_model_has_them(monkeypatch):
    rates = []
    original = training.drop_inputs

    def recording(inputs, drop, raw):
        rates.append(raw)
        original(inputs, drop, raw)

    monkeypatch.setattr(training, "drop_inputs", recording)
    vectors = learn_vectors(untagged(), dim=4)
    Trainer(small_config(epochs=1, raw_dropout=0.2), threads=1).fit(tagged(), raw_vectors=vectors)
    assert rates and set(rates) == {0.2}
    rates.clear()
    Trainer(small_config(epochs=1, raw_dropout=0.2), threads=1).fit(tagged())
    assert rates and set(rates) == {0.0}
