"""Settings, vocabularies and batching: round trips, validation, unknown words, bucketing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tagger_gui.ml.batching import (
    FormTable, length_batches, near_length_batches, pad_rows, padded_to_block, sorted_batches, tagging_batches,
)
from tagger_gui.ml.config import CONFIG_VERSION, PRESETS, TrainConfig, preset_config
from tagger_gui.ml.vocab import BOW, EOW, PAD, UNK, Vocab, word_shape


def test_config_round_trip_and_presets():
    config = preset_config("default", epochs=3, lr=0.01)
    data = config.to_dict()
    assert data["version"] == CONFIG_VERSION
    assert TrainConfig.from_dict(data) == config
    assert set(PRESETS) >= {"tutorial", "default", "fast"}
    fast = PRESETS["fast"]
    assert fast.preset == "fast" and fast.architecture == "bilstm" and fast.lr_schedule == "linear"
    assert fast.epochs < PRESETS["default"].epochs and fast.max_minutes == 2.0
    tutorial = PRESETS["tutorial"]
    assert (tutorial.architecture, tutorial.optimizer, tutorial.lr, tutorial.batch_size) == ("tutorial", "sgd", 0.1, 1)
    # the tutorial's plain loss and open-ended schedule, whatever the accurate presets add
    assert (tutorial.label_smoothing, tutorial.max_minutes, tutorial.patience) == (0.0, None, 0)


def test_config_rejects_unknown_keys_newer_versions_and_bad_values():
    with pytest.raises(ValueError, match="unknown training setting.*colour"):
        TrainConfig.from_dict({"colour": "red"})
    with pytest.raises(ValueError, match="newer"):
        TrainConfig.from_dict({"version": CONFIG_VERSION + 1})
    with pytest.raises(ValueError, match="dropout"):
        TrainConfig(dropout=1.5)
    with pytest.raises(KeyError, match="unknown preset"):
        preset_config("nope")


def test_every_field_has_help():
    for name in TrainConfig.__dataclass_fields__:
        assert TrainConfig.help(name).strip()


def test_vocab_lookup_unknown_and_lowercase_fallback():
    vocab = Vocab.build([["The", "dog"], ["the", "cat"]], ["DET", "NOUN"], lowercase=True, min_freq=1)
    assert vocab.word_id("THE") == vocab.word_id("the") != UNK
    assert vocab.word_id("zebra") == UNK
    assert vocab.word_counts[vocab.word_id("the")] == 2
    strict = Vocab.build([["dog", "dog", "cat"]], [], lowercase=False, min_freq=2)
    assert strict.word_id("cat") == UNK and strict.word_id("Dog") == UNK and strict.word_id("dog") > UNK
    assert Vocab.from_dict(vocab.to_dict()).to_dict() == vocab.to_dict()


def test_char_ids_mark_word_edges_and_keep_both_ends_of_long_words():
    vocab = Vocab.build([["abcdefghij"]], [])
    ids = vocab.char_ids("abcdefghij", 4)
    assert ids[0] == BOW and ids[-1] == EOW
    assert [vocab.chars[i] for i in ids[1:-1]] == list("abij")
    assert vocab.char_ids("a?", 10)[2] == UNK


def test_suffix_ids_cover_each_ending_length_of_training_words():
    vocab = Vocab.build([["Walking", "a"]], [], suffix_length=3)
    ids = vocab.suffix_ids("TALKING", 3)  # unseen word, seen endings, any case
    assert [vocab.suffixes[i] for i in ids] == ["g", "ng", "ing"]
    assert vocab.suffix_ids("ox", 3) == [UNK, UNK, PAD]  # unseen endings; too short for three letters
    assert "alking" not in vocab.suffixes and vocab.suffix_ids("a", 0) == []
    assert Vocab.from_dict(vocab.to_dict()).suffix_ids("ring", 3) == ids
    table = FormTable(vocab, 10, 3)
    inputs = table.inputs(torch.from_numpy(table.rows(["walking", "ox"])).unsqueeze(0), None, "cpu")
    assert inputs.suffix_ids.tolist() == [[ids, [UNK, UNK, PAD]]]


def test_settings_from_before_suffixes_load_without_them():
    old = TrainConfig().to_dict()
    old["version"] = 1
    del old["suffix_length"]
    assert TrainConfig.from_dict(old).suffix_length == 0
    assert TrainConfig.from_dict(TrainConfig().to_dict()).suffix_length == TrainConfig().suffix_length > 0


def test_word_shapes():
    assert word_shape("dog") != word_shape("Dog") != word_shape("DOG")
    assert word_shape("1,000") == word_shape("42") != word_shape("A4")
    assert word_shape("...") != PAD


def test_length_batches_are_equal_length_and_cover_everything():
    lengths = np.array([3, 5, 3, 3, 5, 7, 3, 1])
    batches = length_batches(lengths, 2, rng=np.random.default_rng(0))
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    assert all(len(set(lengths[b].tolist())) == 1 and len(b) <= 2 for b in batches)
    assert [len(b) for b in length_batches(np.full(5, 4), 4)] == [3, 2]  # near-equal sizes


def test_near_length_batches_cut_the_length_order_every_n_sentences():
    lengths = np.array([3, 5, 3, 3, 5, 7, 3, 1, 9, 2])
    batches = near_length_batches(lengths, 3)
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert [lengths[b].tolist() for b in batches] == [[1, 2, 3], [3, 3, 3], [5, 5, 7], [9]]
    shuffled = near_length_batches(lengths, 3, rng=np.random.default_rng(0))
    assert sorted(np.concatenate(shuffled).tolist()) == list(range(len(lengths)))
    assert sorted(lengths[b].tolist() for b in shuffled) == sorted(lengths[b].tolist() for b in batches)


def test_sorted_batches_cap_padded_tokens():
    lengths = np.array([3, 5, 3, 3, 5, 7, 3, 1, 9])
    batches = sorted_batches(lengths, 10)
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    assert all(len(b) * lengths[b].max() <= 10 or len(b) == 1 for b in batches)
    assert np.all(np.diff(lengths[np.concatenate(batches)]) >= 0)


def test_tagging_batches_keep_common_lengths_apart_and_pack_the_rare_ones():
    lengths = np.array([4] * 7 + [2] * 5 + [9, 1, 3])  # 4 and 2 fill a tenth of 100 tokens; 9, 1 and 3 do not
    batches = tagging_batches(lengths, 100)
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    assert all(len(b) * lengths[b].max() <= 100 for b in batches)
    by_length = {length: [b for b in batches if length in lengths[b]] for length in (4, 2, 9)}
    assert [lengths[b].tolist() for b in by_length[4] + by_length[2]] == [[4] * 7, [2] * 5]
    assert [lengths[b].tolist() for b in by_length[9]] == [[1, 3, 9]]
    assert [len(b) for b in tagging_batches(np.full(30, 5), 50)] == [10, 10, 10]
    assert tagging_batches(np.array([], dtype=np.int64), 100) == []


def test_tagging_batches_are_padded_to_a_block_with_their_last_sentence():
    assert padded_to_block(np.array([5, 3, 9]), 4).tolist() == [5, 3, 9, 9]
    assert padded_to_block(np.arange(8), 4).tolist() == list(range(8))
    assert padded_to_block(np.array([2]), 8).tolist() == [2] * 8


def test_form_table_and_padding():
    vocab = Vocab.build([["a", "b"]], [])
    table = FormTable(vocab, 10, 0)
    rows = table.rows(["a", "zz", "a"])
    assert rows[0] == rows[2] != rows[1] and PAD not in rows
    matrix, lengths = pad_rows([rows, rows[:1]], PAD)
    assert matrix.tolist()[1] == [rows[0], PAD, PAD] and lengths.tolist() == [3, 1]
    assert pad_rows([rows, rows], PAD)[1] is None
    inputs = table.inputs(matrix, lengths, "cpu")
    assert inputs.word_ids[0].tolist() == [vocab.word_id("a"), UNK, vocab.word_id("a")]
    assert inputs.chars.shape[0] == 3  # padding, "a", "zz": one row per distinct form
