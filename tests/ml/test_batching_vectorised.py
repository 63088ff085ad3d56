"""Vectorised batch building gives exactly the tensors, and the tagger exactly the scores, of the per-sentence path."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tagger_gui.ml.batching import TAGGING_ROW_BLOCK, FormTable, pad_rows, padded_to_block, tagging_batches
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.model import build_model
from tagger_gui.ml import predict as predict_module
from tagger_gui.ml.predict import PREDICT_MAX_TOKENS, Prediction, Tagger
from tagger_gui.ml.vocab import PAD, Vocab

SENTENCES = [
    ["The", "dog", "ate", "the", "apple", "."],
    [],
    ["Everybody", "read", "that", "book"],
    ["A", "Zyxw-unseen", "word", "in", "CAPS", "42", "3.5%", "naïve"],
    ["dog"],
    ["The", "dog", "ate", "the", "apple", "!"],
    ["x" * 40, "ok"],
]


def _tagger(preset: str = "fast", **settings) -> Tagger:
    """An untrained tagger that computes in fp32, as the reference path does (``_reference_predict``)."""
    config = preset_config(preset, max_word_chars=12, suffix_length=3 if preset != "tutorial" else 0,
                           precision="fp32", **settings)
    vocab = Vocab.build([s for s in SENTENCES[:3] if s], ["DET", "NOUN", "VERB", "PUNCT"],
                        suffix_length=config.suffix_length, lowercase=config.lowercase)
    torch.manual_seed(0)
    return Tagger(build_model(config, vocab), vocab, config)


def _reference_predict(tagger: Tagger, sentences: list[list[str]], block: int = TAGGING_ROW_BLOCK) -> list[Prediction]:
    """The tagging loop as it was before vectorising: one ``rows`` call and one padded row per sentence.

    ``block``: batches padded to a multiple of it, as ``Tagger.predict``'s are (1: not padded).
    """
    table = FormTable(tagger.vocab, tagger.config.max_word_chars, tagger.config.suffix_length)
    rows = [table.rows(words) for words in sentences]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    results = [Prediction(np.zeros((0, len(tagger.tag_names)), np.float32), tagger.tag_names) for _ in rows]
    nonempty = np.flatnonzero(lengths)
    with torch.inference_mode():
        for batch in tagging_batches(lengths[nonempty], PREDICT_MAX_TOKENS):
            indices = padded_to_block(nonempty[batch], block)
            matrix, batch_lengths = pad_rows([rows[i] for i in indices], PAD)
            log_probs = tagger.model(table.inputs(matrix, batch_lengths, "cpu")).float().numpy()
            for j, i in enumerate(nonempty[batch]):
                results[i] = Prediction(log_probs[j, : lengths[i]], tagger.tag_names)
    return results


def test_encode_gives_each_sentences_rows_as_rows_does():
    vocab = _tagger().vocab
    encoded = FormTable(vocab, 12, 3).encode(SENTENCES)
    reference = FormTable(vocab, 12, 3)
    assert encoded.lengths.tolist() == [len(s) for s in SENTENCES]
    for i, words in enumerate(SENTENCES):
        start, length = encoded.starts[i], encoded.lengths[i]
        assert encoded.rows[start : start + length].tolist() == reference.rows(words).tolist()


@pytest.mark.parametrize("indices", [[0, 2, 3, 4, 5, 6], [0, 5], [4], [6, 3, 0]])
def test_padded_batches_and_model_inputs_equal_the_per_sentence_path(indices):
    vocab = _tagger().vocab
    table, old_table = FormTable(vocab, 12, 3), FormTable(vocab, 12, 3)
    encoded = table.encode(SENTENCES)
    old_rows = [old_table.rows(words) for words in SENTENCES]  # the forms met in the same order: the same rows
    matrix, lengths = encoded.padded(np.array(indices))
    old_matrix, old_lengths = pad_rows([old_rows[i] for i in indices], PAD)
    assert matrix.dtype == old_matrix.dtype and torch.equal(matrix, old_matrix)
    assert (lengths is None) == (old_lengths is None)
    if lengths is not None:
        assert lengths.dtype == old_lengths.dtype and torch.equal(lengths, old_lengths)
    new, old = table.inputs(matrix, lengths, "cpu"), old_table.inputs(old_matrix, old_lengths, "cpu")
    for name in ("word_ids", "shape_ids", "chars", "char_index", "suffix_ids"):
        assert torch.equal(getattr(new, name), getattr(old, name)), name


@pytest.mark.parametrize("seed", range(5))
def test_padded_equals_pad_rows_on_random_sentences(seed):
    """Random sentences (empty ones too, unseen and repeated forms) and random batches of them, any order."""
    rng = np.random.default_rng(seed)
    forms = ["the", "dog", "Ate", "x" * 30, "42", "naïve", "?", *(f"w{i}" for i in range(40))]
    sentences = [[forms[i] for i in rng.integers(0, len(forms), rng.integers(0, 25))] for _ in range(60)]
    table, old_table = FormTable(_tagger().vocab, 12, 3), FormTable(_tagger().vocab, 12, 3)
    encoded = table.encode(sentences)
    old_rows = [old_table.rows(words) for words in sentences]
    nonempty = np.flatnonzero(encoded.lengths)
    for fill in (PAD, -100):
        for _ in range(20):
            indices = rng.choice(nonempty, size=int(rng.integers(1, 12)), replace=False)
            matrix, lengths = encoded.padded(indices, fill)
            old_matrix, old_lengths = pad_rows([old_rows[i] for i in indices], fill)
            assert matrix.dtype == old_matrix.dtype and torch.equal(matrix, old_matrix)
            assert (lengths is None) == (old_lengths is None)
            assert lengths is None or torch.equal(lengths, old_lengths)


def test_scatter_puts_each_padded_word_back_at_its_flat_position_and_drops_the_padding():
    rng = np.random.default_rng(7)
    sentences = [[f"w{i}" for i in rng.integers(0, 30, rng.integers(0, 9))] for _ in range(40)]
    encoded = FormTable(_tagger().vocab, 12, 3).encode(sentences)
    nonempty = np.flatnonzero(encoded.lengths)
    out = np.full((len(encoded.rows), 2), -1, dtype=np.int64)
    for batch in np.array_split(rng.permutation(nonempty), 5):
        matrix, _ = encoded.padded(batch, fill=-7)
        values = np.stack([matrix.numpy(), matrix.numpy() * 10], axis=-1)  # [B, L, 2], a word's row and 10x it
        encoded.scatter(batch, values, out)
    assert np.array_equal(out, np.stack([encoded.rows, encoded.rows * 10], axis=-1))  # every word, no padding


@pytest.mark.parametrize("preset", ["fast", "tutorial"])
@pytest.mark.parametrize("mapped", [False, True], ids=["heap", "mapped"])
def test_predictions_are_identical_to_the_per_sentence_path(preset, mapped, monkeypatch):
    """Also with the scores in an array mapped outside the heap (as a large call's are)."""
    if mapped:
        monkeypatch.setattr(predict_module, "MAPPED_SCORES_BYTES", 0)
    tagger = _tagger(preset)
    sentences = SENTENCES * 3 + [["the"] * n for n in range(1, 30)]
    new, old = tagger.predict(sentences), _reference_predict(tagger, sentences)
    assert len(new) == len(old) == len(sentences)
    for a, b, words in zip(new, old, sentences):
        assert a.log_probs.shape == (len(words), len(tagger.tag_names))
        assert np.array_equal(a.log_probs, b.log_probs)


def test_batches_padded_to_a_block_give_the_scores_of_unpadded_ones():
    """The batch's size changes how the matrix products sum: scores agree to float precision."""
    tagger = _tagger()
    sentences = SENTENCES * 3 + [["the"] * n for n in range(1, 30)]
    new, old = tagger.predict(sentences), _reference_predict(tagger, sentences, block=1)
    for a, b in zip(new, old):
        assert a.best == b.best and np.allclose(a.log_probs, b.log_probs, atol=1e-5)


def test_char_matrix_holds_each_forms_char_ids_then_padding():
    vocab = _tagger().vocab
    table = FormTable(vocab, 12, 3)
    forms = list(dict.fromkeys(w for s in SENTENCES for w in s))
    assert table.rows(forms).tolist() == list(range(1, len(forms) + 1))
    _, _, chars, lengths, _, _ = table.tensors()
    assert lengths[0] == 0 and not chars[0].any()
    for row, form in enumerate(forms, start=1):
        expected = vocab.char_ids(form, 12)
        assert lengths[row] == len(expected) and chars[row, : len(expected)].tolist() == expected
        assert not chars[row, len(expected) :].any()


def test_a_table_shared_across_calls_gives_the_same_scores():
    tagger = _tagger()
    table = tagger.form_table()
    first, second = tagger.predict(SENTENCES[:4], table), tagger.predict(SENTENCES[3:], table)
    fresh = tagger.predict(SENTENCES[3:])
    assert len(table) > 1 and all(np.array_equal(a.log_probs, b.log_probs) for a, b in zip(second, fresh))
    assert [p.log_probs.shape[0] for p in first] == [len(s) for s in SENTENCES[:4]]


def test_a_character_lstm_encoded_once_per_form_gives_the_same_tags():
    """The LSTM sums in another order with other forms beside it: scores agree to float precision."""
    tagger = _tagger(char_encoder="lstm")
    sentences = SENTENCES * 3
    new, old = tagger.predict(sentences), _reference_predict(tagger, sentences)
    for a, b in zip(new, old):
        assert a.best == b.best and np.allclose(a.log_probs, b.log_probs, atol=1e-5)
