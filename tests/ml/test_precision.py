"""Mixed precision (``TrainConfig.precision``): bf16 trains and tags where the hardware has it, weights stay fp32,
``auto`` falls back to fp32, and fp32 runs without autocast as before."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tagger_gui.ml import precision
from tagger_gui.ml.batching import padded_to_block
from tagger_gui.ml.bundle import load_bundle, save_bundle
from tagger_gui.ml.config import TrainConfig, preset_config
from tagger_gui.ml.devices import TrainingError
from tagger_gui.ml.training import Trainer, TrainingHooks, TrainingInfo

from .conftest import toy_sentences

CPU = torch.device("cpu")
needs_bf16 = pytest.mark.skipif(
    not precision.bf16_supported(CPU), reason="this CPU has neither AMX nor AVX512-BF16: bf16 would be emulated"
)
BF16_DEVICES = [
    pytest.param("cpu", marks=needs_bf16),
    pytest.param("cuda", marks=pytest.mark.skipif(
        not precision.bf16_supported(torch.device("cuda")), reason="no CUDA GPU that computes bf16 here")),
]


class _Autocasts:
    """Records, at every forward pass of a model's first LSTM, whether autocast was on and its output's dtype.

    A closure, not a bound method: a bf16 copy of the model (``precision.tagging_model``)
    copies the hook, and the copy's calls land in the same list.
    """

    def __init__(self, model: torch.nn.Module) -> None:
        self.calls: list[tuple[bool, torch.dtype]] = []
        device_type = next(model.parameters()).device.type

        def record(module, inputs, output) -> None:
            self.calls.append((torch.is_autocast_enabled(device_type), output[0].data.dtype))

        model.lstms[0].register_forward_hook(record)


class _Info(TrainingHooks):
    def on_start(self, info: TrainingInfo) -> None:
        self.info = info


def _train(setting: str, epochs: int = 40, hooks: TrainingHooks | None = None, device: str = "cpu"):
    data = [s for _ in range(10) for s in toy_sentences()]
    config = preset_config("default", epochs=epochs, dev_fraction=0.0, precision=setting, device=device)
    return Trainer(config, hooks).fit(data)


@pytest.mark.parametrize("device", BF16_DEVICES)
def test_bf16_trains_and_tags_in_bf16_and_saves_fp32_weights_that_load(tmp_path, device):
    hooks = _Info()
    result = _train("bf16", hooks=hooks, device=device)
    tagger = result.tagger
    assert hooks.info.precision == "bf16" and tagger.info["precision"] == "bf16"
    watch = _Autocasts(tagger.model)
    assert tagger.evaluate(toy_sentences()).accuracy == 1.0
    assert all(p.dtype == torch.float32 for p in tagger.model.state_dict().values())
    (tagged,) = tagger.predict([["The", "dog", "read"]])
    # on a GPU the LSTMs run outside autocast, in fp32: autocast would run cuDNN's LSTM in fp16;
    # on a CPU a bf16 copy of the model runs, without autocast
    in_lstm = (False, torch.float32 if device == "cuda" else torch.bfloat16)
    assert watch.calls == [in_lstm, in_lstm] and tagged.log_probs.dtype.name == "float32"
    save_bundle(tagger, tmp_path / "model")
    loaded = load_bundle(tmp_path / "model", device="cpu")
    assert all(t.dtype == torch.float32 for t in loaded.model.state_dict().values())
    assert loaded.config.precision == "bf16"
    assert loaded.predict([["The", "dog", "read"]])[0].best == tagged.best


def test_fp32_and_auto_train_without_autocast_and_give_the_same_model():
    runs = {}
    for setting in ("fp32", "auto"):
        hooks = _Info()
        runs[setting] = _train(setting, epochs=2, hooks=hooks)
        assert hooks.info.precision == "fp32" and runs[setting].tagger.info["precision"] == "fp32"
    assert [h.train_loss for h in runs["fp32"].history] == [h.train_loss for h in runs["auto"].history]
    watch = _Autocasts(runs["fp32"].tagger.model)
    runs["fp32"].tagger.predict([["The", "dog"]])
    assert watch.calls == [(False, torch.float32)]


def test_fp32_tags_with_the_model_itself():
    tagger = _train("fp32", epochs=2).tagger
    words = [["The", "dog", "read"], ["A", "cat", "ran"]]  # one length: predict's batch holds them in this order
    table = tagger.form_table()
    encoded = table.encode(words)
    matrix, lengths = encoded.padded(padded_to_block(np.arange(2)))  # as Tagger.predict pads its batches
    with torch.no_grad():
        direct = tagger.model(table.inputs(matrix, lengths, CPU))
    for i, prediction in enumerate(tagger.predict(words)):
        assert np.array_equal(prediction.log_probs, direct[i, : len(words[i])].numpy())


@needs_bf16
def test_a_bf16_copy_tags_close_to_fp32_and_is_made_again_when_the_weights_change():
    tagger = _train("fp32", epochs=20).tagger
    sentences = [s.words for s in toy_sentences()]
    in_fp32 = tagger.predict(sentences)
    tagger.config.precision = "bf16"
    watch = _Autocasts(tagger.model)
    in_bf16 = tagger.predict(sentences)
    assert watch.calls == [(False, torch.bfloat16)]
    for exact, close in zip(in_fp32, in_bf16):
        assert close.log_probs.dtype == np.float32 and close.best == exact.best
        assert np.abs(close.probs - exact.probs).max() < 0.02
    assert all(p.dtype == torch.float32 for p in tagger.model.parameters())  # the model itself stays fp32
    with torch.no_grad():
        tagger.model.output.bias[tagger.vocab.tags.index("NN")] += 100.0  # as a training step would, in place
    assert all(tag == "NN" for p in tagger.predict(sentences) for tag in p.best)


def test_auto_chooses_bf16_only_where_listed_and_supported(monkeypatch):
    original_bf16_supported = precision.bf16_supported
    monkeypatch.setattr(precision, "AUTO_BF16_DEVICES", frozenset({"cpu"}))
    monkeypatch.setattr(precision, "bf16_supported", lambda device: False)
    assert precision.training_dtype("auto", CPU) is None
    assert precision.tagging_dtype("bf16", CPU) is None  # a bf16 model still tags, in fp32
    hooks = _Info()
    _train("auto", epochs=1, hooks=hooks)
    assert hooks.info.precision == "fp32"
    with pytest.raises(TrainingError, match="does not compute bf16"):
        _train("bf16", epochs=1)
    monkeypatch.setattr(precision, "bf16_supported", lambda device: True)
    assert precision.training_dtype("auto", CPU) == torch.bfloat16
    assert precision.training_dtype("fp32", CPU) is None

    def capabilities(*found):
        return lambda: {name: True for name in found}

    monkeypatch.setattr(precision, "bf16_supported", original_bf16_supported)
    monkeypatch.setattr(torch.cpu, "get_capabilities", capabilities())
    assert precision.tagging_dtype("auto", CPU) is None  # emulated bf16 would be slower than fp32
    for found in (("avx512_bf16",), ("amx_bf16",), ("avx512_bf16", "amx_bf16")):  # measured faster with either
        monkeypatch.setattr(torch.cpu, "get_capabilities", capabilities(*found))
        assert precision.tagging_dtype("auto", CPU) == torch.bfloat16
        assert precision.tagging_dtype("fp32", CPU) is None
    assert precision.tagging_dtype("auto", torch.device("meta")) is None  # auto tags in bf16 on CPUs only


def test_precision_is_validated_and_old_settings_without_it_load_as_auto():
    with pytest.raises(ValueError, match="precision"):
        preset_config("default", precision="fp16")
    old = preset_config("default").to_dict()
    del old["precision"]
    assert TrainConfig.from_dict(old).precision == "auto"
