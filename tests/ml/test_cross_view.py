"""Cross-view training (``ml.cross_view``): views that see one side, untagged sentences that teach, a model unchanged."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.batching import FormTable, pad_rows
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.cross_view import MAX_LENGTH, ViewHeads, cross_view_for, full_view
from tagger_gui.ml.model import build_model
from tagger_gui.ml.self_training import fit_with_own_profile
from tagger_gui.ml.training import BatchInfo, Trainer, TrainingHooks
from tagger_gui.ml.vocab import PAD, Vocab

from .conftest import toy_sentences

CONFIG = preset_config("default", num_layers=2, hidden_dim=16, precision="fp32", cross_view=1.0)


def _model_and_table(words: list[list[str]]):
    vocab = Vocab.build(words, ["DET", "NN", "V"])
    torch.manual_seed(0)
    model = build_model(CONFIG, vocab).eval()
    return model, FormTable(vocab, CONFIG.max_word_chars, CONFIG.suffix_length)


def _view_outputs(model, table, heads, words: list[str]) -> list[torch.Tensor]:
    rows, _ = pad_rows([table.rows(words)], PAD)
    with torch.no_grad():
        return heads(model.layer_states(table.inputs(rows, None, torch.device("cpu")))[0])


def test_each_view_sees_only_its_side_of_the_word():
    sentence, changed = "the dog ate the apple".split(), "the dog read the apple".split()
    model, table = _model_and_table([sentence, changed])
    heads = ViewHeads(CONFIG.hidden_dim, 3)
    before, after = _view_outputs(model, table, heads, sentence), _view_outputs(model, table, heads, changed)
    same = [torch.allclose(b[0], a[0], atol=1e-6, rtol=0) for b, a in zip(before, after)]
    per_word = [[torch.allclose(b[0, t], a[0, t], atol=1e-6, rtol=0) for t in range(5)] for b, a in zip(before, after)]
    assert not any(same)
    forward, backward, left, right = per_word  # word 2 ("ate" / "read") changed
    assert forward == [True, True, False, False, False]
    assert backward == [False, False, False, True, True]
    assert left == [True, True, True, False, False]  # the word itself is not in its left view
    assert right == [False, False, True, True, True]


def test_only_untagged_sentences_of_two_to_max_length_words_are_learned_from():
    known = [*toy_sentences(), Sentence.from_words(["no", "tags", "yet"])]
    tagged = [s.words for s in known[:2]]
    untagged = [*tagged, ["no", "tags", "yet"], ["alone"], ["word"] * (MAX_LENGTH + 1), ["the", "cat"]]
    model, table = _model_and_table(tagged)
    cpu = torch.device("cpu")
    view = cross_view_for(model, untagged, known, table, CONFIG, cpu)
    assert view is not None and sorted(len(rows) for rows in view.rows) == [2, 3]
    batch = view.next_rows()
    assert batch.shape[0] == 1 and batch.shape[1] in (2, 3)  # one length per batch
    assert cross_view_for(model, untagged, known, table, CONFIG.replace(cross_view=0.0), cpu) is None
    assert cross_view_for(model, tagged, known, table, CONFIG, cpu) is None
    assert cross_view_for(model, None, known, table, CONFIG, cpu) is None
    one_way = build_model(CONFIG.replace(bidirectional=False), Vocab.build(tagged, ["DET", "NN", "V"]))
    assert cross_view_for(one_way, untagged, known, table, CONFIG, cpu) is None


def test_the_views_learn_from_the_tagger_as_it_tags_without_dropout():
    words = "the dog ate the apple".split()
    model, table = _model_and_table([words])
    rows, _ = pad_rows([table.rows(words)], PAD)
    inputs = table.inputs(rows, None, torch.device("cpu"))
    model.train()
    torch.manual_seed(1)
    with torch.no_grad():
        noisy = model(inputs).flatten(0, 1)  # dropout on: other scores
    targets = full_view(model, inputs)
    assert model.training and not targets.requires_grad  # training goes on as it was
    with torch.no_grad():
        as_tagged = model.eval()(inputs).flatten(0, 1)
    assert torch.equal(targets, as_tagged) and not torch.allclose(targets, noisy)


def test_the_views_first_layer_is_computed_alone():
    words = "the dog ate the apple".split()
    model, table = _model_and_table([words])  # two layers, in eval mode
    rows, _ = pad_rows([table.rows(words)], PAD)
    inputs = table.inputs(rows, None, torch.device("cpu"))
    with torch.no_grad():
        every, first = model.layer_states(inputs), model.layer_states(inputs, layers=1)
    assert len(every) == 2 and len(first) == 1 and torch.equal(first[0], every[0])


def _untagged_text(n: int) -> list[list[str]]:
    rng = np.random.default_rng(3)
    nouns, verbs = ["dog", "cat", "apple", "book", "zebra", "pear"], ["ate", "read", "saw", "took"]
    return [["the", str(rng.choice(nouns)), str(rng.choice(verbs)), "the", str(rng.choice(nouns))] for _ in range(n)]


class FirstLoss(TrainingHooks):
    def __init__(self) -> None:
        self.losses: list[float] = []

    def on_batch_end(self, info: BatchInfo) -> None:
        self.losses.append(info.loss)


def test_untagged_sentences_change_training_but_not_what_the_model_is():
    train = [s for _ in range(10) for s in toy_sentences()]
    config = CONFIG.replace(epochs=3, dev_fraction=0.0)
    plain_hooks, taught_hooks = FirstLoss(), FirstLoss()
    plain = Trainer(config, plain_hooks).fit(train)
    taught = Trainer(config, taught_hooks).fit(train, untagged=_untagged_text(40))
    plain_state, taught_state = plain.tagger.model.state_dict(), taught.tagger.model.state_dict()
    assert plain_state.keys() == taught_state.keys()  # the views' taggers are left behind
    assert any(not torch.equal(plain_state[k], taught_state[k]) for k in plain_state)
    # the loss reported is the tagged batch's alone: the first one (before any step) is the same
    assert taught_hooks.losses[0] == pytest.approx(plain_hooks.losses[0], rel=1e-6)
    off = Trainer(config.replace(cross_view=0.0)).fit(train, untagged=_untagged_text(40))
    assert all(torch.equal(plain_state[k], v) for k, v in off.tagger.model.state_dict().items())


def test_self_training_keeps_the_untagged_sentences_for_the_run_with_a_profile(monkeypatch):
    seen: list[object] = []
    original = Trainer.fit

    def recording_fit(self, *args, **kwargs):
        seen.append(kwargs.get("untagged"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "fit", recording_fit)
    train, untagged = [s for _ in range(5) for s in toy_sentences()], _untagged_text(10)
    config = CONFIG.replace(epochs=1, dev_fraction=0.0, raw_dim=0)
    fit_with_own_profile(Trainer(config), train, None, untagged, self_train=False)
    assert seen == [untagged]
    seen.clear()
    fit_with_own_profile(Trainer(config), train, None, untagged)  # no vectors to profile into: one run, the first
    assert seen == [None]
