"""A model's mean predictions for the untagged text's words, in the next model's tag columns (``ml.tag_profile``)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tagger_gui.ml.neighbour_tags import SCALE
from tagger_gui.ml.raw_vectors import learn_vectors
from tagger_gui.ml.self_training import fit_with_own_profile
from tagger_gui.ml.tag_profile import TagProfile, apply_profile, predicted_profile
from tagger_gui.ml.training import Trainer, TrainingHooks

from .test_raw_vectors import small_config, tagged, untagged


@pytest.fixture(scope="module")
def vectors():
    return learn_vectors(untagged(), dim=4)


@pytest.fixture(scope="module")
def first(vectors):
    return Trainer(small_config(epochs=3), threads=1).fit(tagged(), raw_vectors=vectors).tagger


def test_the_profile_is_each_words_mean_prediction_over_its_occurrences(first):
    text = [["the", "blick", "runs", "quickly"], ["a", "Blick", "sleeps"], [], ["blick"]]
    profile = predicted_profile(first, text)
    predictions = first.predict(text)
    blick = np.mean([predictions[0].probs[1], predictions[1].probs[1], predictions[3].probs[0]], axis=0)
    assert profile.tags == first.vocab.tags
    assert sorted(profile.words) == sorted({"the", "blick", "runs", "quickly", "a", "sleeps"} & set(first.vocab.raw_words))
    assert profile.shares[profile.words.index("blick")] == pytest.approx(blick, abs=1e-6)
    assert profile.shares.sum(axis=1) == pytest.approx(np.ones(len(profile.words)), abs=1e-5)
    assert predicted_profile(first, [[], []]) is None


def test_a_model_without_tag_columns_has_no_profile(vectors):
    plain = Trainer(small_config(epochs=1, tag_neighbours=0), threads=1).fit(tagged(), raw_vectors=vectors).tagger
    assert predicted_profile(plain, [["the", "blick"]]) is None


def test_applying_writes_the_profiles_words_and_tags_and_leaves_the_rest(first):
    vocab, model = first.vocab, first.model
    table = model.raw_embedding.weight
    before = table.detach().clone()
    tags = ["VERB", "NOUN", "X-UNKNOWN"]  # another order, and a tag the model lacks
    profile = TagProfile(["blick", "not-a-raw-word"], tags, np.array([[0.25, 0.75, 0.0], [1, 0, 0]], np.float32))
    apply_profile(model, vocab, profile)
    start, blick = 4, vocab.raw_id("blick")
    columns = {tag: start + j for j, tag in enumerate(vocab.neighbour_tags)}
    assert table[blick, columns["NOUN"]].item() == pytest.approx(0.75 * SCALE)
    assert table[blick, columns["VERB"]].item() == pytest.approx(0.25 * SCALE)
    assert table[blick, columns["DET"]].item() == 0.0  # not in the profile: 0
    assert torch.equal(table[blick, :start], before[blick, :start])  # the vector itself is kept
    others = [row for row in range(len(table)) if row != blick]
    assert torch.equal(table[others], before[others])
    table.data.copy_(before)


def test_a_run_with_a_profile_keeps_it_in_the_frozen_tag_columns(first, vectors):
    profile = predicted_profile(first, untagged(50))
    second = Trainer(small_config(epochs=2), threads=1).fit(tagged(), raw_vectors=vectors, tag_profile=profile)
    table, vocab = second.tagger.model.raw_embedding.weight, second.tagger.vocab
    for word in ("blick", "florps", "the"):
        shares = profile.shares[profile.words.index(word)]
        assert table[vocab.raw_id(word), 4:4 + len(vocab.tags)].tolist() == pytest.approx((SCALE * shares).tolist(),
                                                                                         abs=1e-5)


def test_self_training_trains_a_second_model_with_the_firsts_profile(vectors, monkeypatch):
    starts, profiles = [], []

    class Hooks(TrainingHooks):
        def on_start(self, info):
            starts.append(info.train_sentences)

    trainer = Trainer(small_config(epochs=2), Hooks(), threads=1)
    fit = trainer.fit
    monkeypatch.setattr(trainer, "fit", lambda *a, **k: (profiles.append(k.get("tag_profile")), fit(*a, **k))[1])
    result = fit_with_own_profile(trainer, tagged(), None, untagged(50), raw_vectors=vectors)
    assert len(starts) == 2 and profiles[0] is None and "blick" in profiles[1].words
    assert result.tagger is not None
    profiles.clear()
    fit_with_own_profile(trainer, tagged(), None, untagged(50))  # no vectors: nothing to profile, one run
    assert profiles == [None]
    profiles.clear()
    fit_with_own_profile(trainer, tagged(), None, None, raw_vectors=vectors)  # no text to profile: one run
    assert profiles == [None]


def test_a_long_text_is_profiled_from_an_even_sample_of_its_sentences(first, monkeypatch):
    from tagger_gui.ml import tag_profile

    monkeypatch.setattr(tag_profile, "PROFILE_WORDS", 8)
    text = [["the", "blick"], ["a", "dog"], ["the", "florps"], ["a", "cat"], ["the", "runs"]]  # 10 words: every 2nd
    profile = predicted_profile(first, text)
    assert sorted(profile.words) == sorted({"the", "blick", "florps", "runs"} & set(first.vocab.raw_words))
    assert "dog" in first.vocab.raw_words and "dog" not in profile.words
