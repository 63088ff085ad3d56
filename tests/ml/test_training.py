"""The trainer and the taggers: learning, masking, hooks, cancel, limits, errors."""

from __future__ import annotations

import threading
import time
import types

import numpy as np
import pytest
import torch

from tagger_gui.core.corpus import Sentence, TagSet
from tagger_gui.ml.batching import FormTable, pad_rows
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.metrics import majority_baseline
from tagger_gui.ml.model import build_model
from tagger_gui.ml.vocab import Vocab
from tagger_gui.ml.training import (
    BatchInfo,
    EpochSummary,
    Trainer,
    TrainingError,
    TrainingHooks,
    TrainingInfo,
    TrainResult,
    resolve_device,
)

from .conftest import toy_sentences


class Recorder(TrainingHooks):
    """Keeps every hook call; optionally sets ``stop`` after ``stop_after`` batches."""

    def __init__(self, stop: threading.Event | None = None, stop_after: int = 0) -> None:
        self.calls: list[tuple[str, object]] = []
        self.stop, self.stop_after = stop, stop_after

    def on_start(self, info: TrainingInfo) -> None:
        self.calls.append(("start", info))

    def on_batch_end(self, info: BatchInfo) -> None:
        self.calls.append(("batch", info))
        if self.stop is not None and info.step == self.stop_after:
            self.stop.set()

    def on_epoch_end(self, summary: EpochSummary) -> None:
        self.calls.append(("epoch", summary))

    def on_end(self, result: TrainResult) -> None:
        self.calls.append(("end", result))

    def of(self, kind: str) -> list:
        return [info for name, info in self.calls if name == kind]


def many_toy(n: int = 40) -> list[Sentence]:
    return [s for _ in range(n // 2) for s in toy_sentences()]


def test_tutorial_preset_learns_the_tutorial_sentences(toy):
    result = Trainer(preset_config("tutorial")).fit(toy)
    predictions = result.tagger.predict([s.words for s in toy])
    assert [p.best for p in predictions] == [s.tags for s in toy]
    assert result.tagger.evaluate(toy).accuracy == 1.0
    assert result.stopped == "finished" and len(result.history) == 300


def test_default_preset_learns_toy_data_and_predicts_unseen_words(toy):
    result = Trainer(preset_config("default", epochs=40, dev_fraction=0.0)).fit(toy)
    assert result.tagger.evaluate(toy).accuracy == 1.0
    (prediction,) = result.tagger.predict([["The", "zebra", "ate"]])
    assert prediction.log_probs.shape == (3, len(result.tagger.tag_names))
    assert np.allclose(prediction.probs.sum(axis=1), 1.0, atol=1e-5)
    assert np.all((prediction.confidence > 0) & (prediction.confidence <= 1))
    assert result.tagger.predict([[]])[0].log_probs.shape == (0, len(result.tagger.tag_names))


def test_packed_batches_score_like_single_sentences(toy):
    config = preset_config("default", dropout=0.0, precision="fp32")  # fp32: compared with the model called directly
    result = Trainer(config.replace(epochs=1, dev_fraction=0.0)).fit(toy)
    separately = result.tagger.predict([s.words for s in toy])  # lengths 5 and 4: one batch each
    table = FormTable(result.tagger.vocab, config.max_word_chars, config.suffix_length)
    rows, lengths = pad_rows([table.rows(s.words) for s in toy], 0)
    assert lengths is not None
    with torch.inference_mode():
        packed = result.tagger.model(table.inputs(rows, lengths, result.tagger.device)).cpu().numpy()
    for i, prediction in enumerate(separately):
        assert np.allclose(packed[i, : len(toy[i].tokens)], prediction.log_probs, atol=1e-5)


def test_batches_of_near_lengths_learn_the_toy_data(toy):
    config = preset_config("default", epochs=40, dev_fraction=0.0, near_length_batch=2)
    assert {len(s.tokens) for s in toy} == {4, 5}  # every batch mixes the two lengths
    result = Trainer(config).fit(toy)
    assert result.tagger.evaluate(toy).accuracy == 1.0


def test_untagged_tokens_do_not_count_in_the_loss():
    """With a (practically) zero learning rate the first batch's loss must equal the NLL
    of the tagged tokens under the final model, and differ from the NLL over all tokens."""
    sentence = Sentence.from_words("a b c d".split(), ["X", None, "Y", None])
    hooks = Recorder()
    config = preset_config("tutorial", lr=1e-12, epochs=1, precision="fp32")  # the loss was computed in fp32
    result = Trainer(config, hooks).fit([sentence], tagset=TagSet(["X", "Y", "Z"]))
    loss = hooks.of("batch")[0].loss
    log_probs = result.tagger.predict([sentence.words])[0].log_probs
    tagged = -(log_probs[0, 0] + log_probs[2, 1]) / 2
    everything = -(log_probs[0, 0] + log_probs[1, 2] + log_probs[2, 1] + log_probs[3, 2]) / 4
    assert loss == pytest.approx(tagged, abs=1e-5)
    assert abs(loss - everything) > 1e-3


def test_partly_tagged_data_trains_and_untagged_sentences_are_skipped():
    partial = many_toy()
    for sentence in partial[::2]:
        sentence.tokens[1].tag = None
    untagged = Sentence.from_words(["nothing", "here"])
    hooks = Recorder()
    result = Trainer(preset_config("default", epochs=25, dev_fraction=0.0), hooks).fit(partial + [untagged])
    assert hooks.of("start")[0].train_sentences == len(partial)
    assert result.tagger.evaluate(toy_sentences()).accuracy == 1.0
    with pytest.raises(TrainingError, match="no training sentence has a tagged word"):
        Trainer(preset_config("default")).fit([untagged])


def test_tags_outside_the_tag_set_are_added():
    result = Trainer(preset_config("tutorial", epochs=1)).fit(toy_sentences(), tagset=TagSet(["ADJ", "NN"]))
    assert result.tagger.tag_names == ["ADJ", "NN", "DET", "V"]


def test_hooks_receive_plain_numbers_in_order():
    hooks = Recorder()
    data = many_toy()
    result = Trainer(preset_config("default", epochs=2, batch_size=4), hooks).fit(data[4:], data[:4])
    names = [name for name, _ in hooks.calls]
    assert names[0] == "start" and names[-1] == "end" and names.count("epoch") == 2
    for info in hooks.of("batch"):
        assert all(type(getattr(info, f)) is int for f in ("epoch", "batch", "n_batches", "step"))
        assert type(info.loss) is float and type(info.words_per_second) is float
    for summary in hooks.of("epoch"):
        assert type(summary.train_loss) is float and type(summary.dev_accuracy) is float
        assert type(summary.is_best) is bool
    assert hooks.of("end")[0] is result and result.history == hooks.of("epoch")


def test_cancel_stops_within_one_batch_and_keeps_the_best_epoch():
    data = many_toy()
    stop = threading.Event()
    first = Recorder()
    Trainer(preset_config("default", epochs=1, batch_size=4), first).fit(data[4:], data[:4])
    per_epoch = len(first.of("batch"))
    hooks = Recorder(stop, stop_after=per_epoch + 2)
    result = Trainer(preset_config("default", epochs=5, batch_size=4), hooks).fit(data[4:], data[:4], should_stop=stop)
    assert len(hooks.of("batch")) == per_epoch + 2
    assert result.stopped == "cancelled" and result.best_epoch == 1 and result.tagger is not None
    none_done = Trainer(preset_config("default")).fit(data, should_stop=lambda: True)
    assert none_done.tagger is None and none_done.stopped == "cancelled" and none_done.history == []


def test_a_run_stopped_before_its_first_dev_check_still_scores_the_model_it_keeps():
    data = many_toy()
    first = Recorder()
    Trainer(preset_config("default", epochs=1, batch_size=4), first).fit(data[4:], data[:4])
    per_epoch = len(first.of("batch"))
    stop = threading.Event()
    config = preset_config("default", epochs=10, eval_every=5, batch_size=4)
    result = Trainer(config, Recorder(stop, stop_after=2 * per_epoch + 1)).fit(data[4:], data[:4], should_stop=stop)
    assert result.stopped == "cancelled" and result.best_epoch == 2
    assert all(h.dev_accuracy is None for h in result.history)
    assert result.best_dev_accuracy == result.tagger.evaluate(data[:4]).accuracy
    assert result.tagger.info["best_dev_accuracy"] == result.best_dev_accuracy


def test_early_stopping_time_limit_and_seed():
    data = many_toy()
    stopped = Trainer(preset_config("default", epochs=50, patience=2)).fit(data[4:], data[:4])
    assert stopped.stopped == "early_stopping" and len(stopped.history) == stopped.best_epoch + 2
    limited = Trainer(preset_config("default", epochs=50, max_minutes=1e-6)).fit(data)
    assert limited.stopped == "time_limit" and limited.tagger is None
    runs = [Trainer(preset_config("default", epochs=2, seed=7)).fit(data) for _ in range(2)]
    assert [h.train_loss for h in runs[0].history] == [h.train_loss for h in runs[1].history]


def test_diverging_loss_raises():
    with pytest.raises(TrainingError, match="loss became"):
        Trainer(preset_config("tutorial", lr=1e38, clip=0.0, epochs=50)).fit(many_toy())


def test_device_resolution():
    if not torch.cuda.is_available():
        assert resolve_device("auto").type in ("cpu", "mps")
        with pytest.raises(TrainingError, match="CUDA is not available"):
            resolve_device("cuda:0")
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(TrainingError, match="unknown device"):
        resolve_device("abacus")


def test_build_model_shapes():
    vocab = Vocab.build([["a", "b"]], ["X", "Y"])
    assert type(build_model(preset_config("tutorial"), vocab)).__name__ == "TutorialTagger"
    assert type(build_model(preset_config("default"), vocab)).__name__ == "BiLSTMTagger"


def test_short_ewt_training_beats_the_majority_baseline(ewt):
    """About 17 s: 1500 sentences, 4 epochs, small batches and a high rate to learn fast."""
    config = preset_config("default", epochs=4, batch_size=8, lr=0.006, device="cpu")
    result = Trainer(config).fit(ewt["train"], ewt["dev"])
    accuracy = result.tagger.evaluate(ewt["dev"]).accuracy
    baseline = majority_baseline(ewt["train"], ewt["dev"]).accuracy
    assert baseline > 0.8  # words' most frequent tags already do well on EWT
    assert accuracy >= baseline + 0.04, (accuracy, baseline)  # measured: 0.882 vs 0.825


def test_time_limit_ends_the_learning_rate_schedule_on_time():
    """Half the time gone in epoch 1 of 100 puts a late run's schedule half-way down, not 1% down."""
    trainer = Trainer(preset_config("default", epochs=100, max_minutes=1.0, lr=0.01))
    parameter = torch.zeros(1, requires_grad=True)
    run = types.SimpleNamespace(
        optimizer=torch.optim.SGD([parameter], lr=1.0), deadline=time.monotonic() + 30.0, behind_time=False
    )
    trainer._set_learning_rate(1, 0.0, run)  # on course: the clock does not count
    assert run.optimizer.param_groups[0]["lr"] == pytest.approx(0.01)
    run.behind_time = True
    trainer._set_learning_rate(1, 0.0, run)
    assert run.optimizer.param_groups[0]["lr"] == pytest.approx(0.01 * (1 - 0.95 * 0.5), rel=0.01)
    run.deadline = time.monotonic() - 1.0  # past the deadline: the schedule's end, never below it
    trainer._set_learning_rate(1, 0.0, run)
    assert run.optimizer.param_groups[0]["lr"] == pytest.approx(0.01 * 0.05)
    run.behind_time = False  # on course (or without a limit) only the epochs count
    trainer._set_learning_rate(51, 0.0, run)
    assert run.optimizer.param_groups[0]["lr"] == pytest.approx(0.01 * (1 - 0.95 * 0.5))


def test_only_a_run_projected_to_pass_its_limit_follows_the_clock():
    trainer = Trainer(preset_config("default", epochs=10, max_minutes=1.0))
    now = time.monotonic()
    on_course = types.SimpleNamespace(deadline=now + 50.0, started=now - 1.0, behind_time=False)
    trainer._check_pace(1, on_course)  # 1 s per epoch, 9 to go, 50 s left
    assert not on_course.behind_time
    late = types.SimpleNamespace(deadline=now + 50.0, started=now - 10.0, behind_time=False)
    trainer._check_pace(1, late)  # 10 s per epoch, 90 s to go
    assert late.behind_time
    late.started = now  # a later fast epoch does not switch the clock off again
    trainer._check_pace(2, late)
    assert late.behind_time
    unlimited = types.SimpleNamespace(deadline=None, started=now - 100.0, behind_time=False)
    trainer._check_pace(1, unlimited)
    assert not unlimited.behind_time


def test_label_smoothing_keeps_the_loss_off_zero_but_learns_the_same_tags():
    data = many_toy()
    plain, smoothed = Recorder(), Recorder()
    Trainer(preset_config("default", epochs=25, label_smoothing=0.0, dev_fraction=0.0), plain).fit(data)
    result = Trainer(preset_config("default", epochs=25, label_smoothing=0.2, dev_fraction=0.0), smoothed).fit(data)
    assert result.tagger.evaluate(toy_sentences()).accuracy == 1.0
    # With 3 tags the smoothed target is (0.867, 0.067, 0.067): its entropy, 0.49, is the lowest loss possible.
    assert plain.of("epoch")[-1].train_loss < 0.2
    assert smoothed.of("epoch")[-1].train_loss > 0.45


def test_character_lstm_encodes_a_word_the_same_whatever_shares_its_batch(toy):
    vocab = Vocab.build([s.words for s in toy], ["DET", "NN", "V"])
    model = build_model(preset_config("default", char_encoder="lstm", char_hidden=20), vocab).eval()
    table = FormTable(vocab, 24, 0)
    alone = table.inputs(*pad_rows([table.rows(["dog"])], 0), "cpu")
    beside_longer = table.inputs(*pad_rows([table.rows(["dog", "Everybody"])], 0), "cpu")
    with torch.inference_mode():
        encoder = model.char_encoder
        assert encoder(alone.chars).shape == (1, 20)
        dog = encoder(beside_longer.chars)[beside_longer.char_index[0, 0]]
        assert torch.allclose(encoder(alone.chars)[0], dog, atol=1e-6)
    result = Trainer(preset_config("default", char_encoder="lstm", epochs=30, dev_fraction=0.0)).fit(many_toy())
    assert result.tagger.evaluate(toy_sentences()).accuracy == 1.0


def test_on_dev_scored_gets_the_tagger_after_each_dev_evaluation():
    class Scorer(TrainingHooks):
        def __init__(self) -> None:
            self.scored: list[tuple[int, float]] = []

        def on_dev_scored(self, epoch, tagger) -> None:
            self.scored.append((epoch, tagger.evaluate(data[:4]).accuracy))

    data, hooks = many_toy(), Scorer()
    result = Trainer(preset_config("default", epochs=5, eval_every=2), hooks).fit(data[4:], data[:4])
    assert hooks.scored == [(h.epoch, h.dev_accuracy) for h in result.history if h.dev_accuracy is not None]
    assert [epoch for epoch, _ in hooks.scored] == [2, 4, 5]
