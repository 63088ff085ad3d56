"""Untagged-text vectors extended by the tags of each word's nearest tagged words (``ml.neighbour_tags``)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.bundle import BundleError, load_bundle, save_bundle
from tagger_gui.ml.neighbour_tags import SCALE, neighbour_columns, neighbour_tag_shares, tagged_word_shares
from tagger_gui.ml.raw_vectors import learn_vectors
from tagger_gui.ml.training import Trainer

from .test_raw_vectors import small_config, tagged, untagged


def test_a_word_gets_its_nearest_tagged_words_tags_and_never_its_own():
    # rows: <pad>, <unk>, then cat (NOUN), dog (NOUN), runs (VERB), blick (untagged, beside the nouns)
    vectors = torch.tensor([[0, 0], [0, 0], [1, 0.1], [1, -0.1], [0, 1], [1, 0.0]])
    shares = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    out = neighbour_tag_shares(vectors, np.array([2, 3, 4]), shares, k=1)
    assert out[5].tolist() == pytest.approx([1, 0])  # blick: like the nouns it resembles
    assert out[2].tolist() == pytest.approx([1, 0])  # cat: from dog, not from itself
    assert out[4].tolist() == pytest.approx([1, 0])  # runs: its only other neighbours are nouns
    assert not out[:2].any()
    eats = torch.cat([vectors, torch.tensor([[0.1, 1.0]])])  # a second verb, row 6
    three = neighbour_tag_shares(eats, np.array([2, 3, 4, 6]), np.vstack([shares, [[0, 1]]]), k=3)
    assert 0.99 < three[5, 0] < 1 and three[5].sum() == pytest.approx(1)  # a verb, far off, weighs little
    assert not neighbour_tag_shares(vectors, np.array([2]), shares[:1], k=3).any()  # no other tagged word


def test_training_extends_the_vectors_with_neighbour_tags_that_save_and_load(tmp_path):
    vectors = learn_vectors(untagged(), dim=4)
    tagger = Trainer(small_config(epochs=3), threads=1).fit(tagged(), raw_vectors=vectors).tagger
    vocab, table = tagger.vocab, tagger.model.raw_embedding.weight.detach().cpu()
    assert vocab.neighbour_tags == vocab.tags and table.shape == (len(vectors.words), 4 + len(vocab.tags))
    assert torch.equal(table[:, :4], vectors.vectors)
    rows, shares = tagged_word_shares(vocab, tagged())
    expected = SCALE * neighbour_tag_shares(vectors.vectors, rows, shares, k=10)
    assert torch.allclose(table[:, 4:], expected)
    blick = vocab.raw_id("blick")
    assert blick not in rows and table[blick, 4 + vocab.tags.index("NOUN")] > 0.9 * SCALE  # never tagged
    save_bundle(tagger, tmp_path / "m")
    assert json.loads((tmp_path / "m" / "model.json").read_text())["format_version"] == 3
    loaded = load_bundle(tmp_path / "m", device="cpu")
    assert loaded.vocab.neighbour_tags == vocab.tags
    assert torch.equal(loaded.model.raw_embedding.weight, tagger.model.raw_embedding.weight.cpu())
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    meta["vocab"]["neighbour_tags"] = ["NOUN", "NOPE"]
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="neighbour_tags"):
        load_bundle(tmp_path / "m")


def test_a_warm_start_recomputes_the_columns_from_its_data_and_keeps_their_tags():
    vectors = learn_vectors(untagged(), dim=4)
    first = Trainer(small_config(epochs=2), threads=1).fit(tagged(), raw_vectors=vectors).tagger
    more = tagged() + [Sentence.from_words(["blick", "florps", "!"], ["NOUN", "VERB", "PUNCT"])]
    again = Trainer(small_config(epochs=2), threads=1).fit(more, start_from=first).tagger
    width = 4 + len(first.vocab.tags)
    assert "PUNCT" in again.vocab.tags and again.vocab.neighbour_tags == first.vocab.neighbour_tags
    assert again.model.raw_embedding.weight.shape[1] == width
    rows, shares = tagged_word_shares(again.vocab, more)
    assert again.vocab.raw_id("blick") in rows
    expected = SCALE * neighbour_tag_shares(vectors.vectors, rows, shares, k=10)
    assert torch.allclose(again.model.raw_embedding.weight[:, 4:].cpu(), expected)
    assert not torch.allclose(again.model.raw_embedding.weight[:, 4:], first.model.raw_embedding.weight[:, 4:])


def test_without_the_setting_or_without_vectors_nothing_is_added():
    vectors = learn_vectors(untagged(), dim=4)
    off = Trainer(small_config(epochs=1, tag_neighbours=0), threads=1).fit(tagged(), raw_vectors=vectors).tagger
    assert off.vocab.neighbour_tags == [] and off.model.raw_embedding.weight.shape[1] == 4
    bare = Trainer(small_config(epochs=1), threads=1).fit(tagged()).tagger
    assert bare.vocab.neighbour_tags == [] and bare.model.raw_embedding is None


def test_an_odd_number_of_tags_gets_a_zero_column_so_the_lstm_input_stays_even():
    """bf16 kernels ran an LSTM with an odd input width 4.5x slower (``neighbour_columns``)."""
    assert [neighbour_columns(n) for n in (3, 4, 17)] == [4, 4, 18]
    three_tags = [Sentence.from_words(s.words[:3], s.tags[:3]) for s in tagged() if len(s.tokens) == 4]
    vectors = learn_vectors(untagged(), dim=4)
    tagger = Trainer(small_config(epochs=1), threads=1).fit(three_tags, raw_vectors=vectors).tagger
    table = tagger.model.raw_embedding.weight
    assert len(tagger.vocab.neighbour_tags) == 3 and table.shape[1] == 4 + 4
    assert table[:, 4:7].abs().sum() > 0 and not table[:, 7].any()
    assert tagger.model.lstms[0].input_size % 2 == 0
