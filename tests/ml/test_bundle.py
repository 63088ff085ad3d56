"""Model bundles: exact round trip, and refusal of anything broken, foreign or newer."""

from __future__ import annotations

import hashlib
import json
import pickle

import numpy as np
import pytest
import torch

from tagger_gui.ml.bundle import FORMAT_VERSION, BundleError, bundle_paths, load_bundle, save_bundle
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.training import Trainer

from .conftest import toy_sentences


@pytest.fixture(scope="module")
def tagger():
    return Trainer(preset_config("default", epochs=3, dev_fraction=0.0)).fit(toy_sentences() * 3).tagger


@pytest.fixture
def saved(tagger, tmp_path):
    save_bundle(tagger, tmp_path / "model")
    return tmp_path / "model"


def scores(tagger) -> list[np.ndarray]:
    words = [s.words for s in toy_sentences()] + [["Unseen", "words", "here"]]
    return [p.log_probs for p in tagger.predict(words)]


def test_save_load_gives_identical_scores(tagger, saved):
    loaded = load_bundle(saved, device=str(tagger.device))
    for a, b in zip(scores(tagger), scores(loaded)):
        assert np.array_equal(a, b)
    assert loaded.tag_names == tagger.tag_names
    assert loaded.known_words == tagger.known_words
    assert loaded.config == tagger.config
    assert loaded.info["best_epoch"] == tagger.info["best_epoch"]
    assert sorted(p.name for p in saved.iterdir()) == ["model.json", "model.safetensors"]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")
def test_a_model_trained_on_a_gpu_loads_and_tags_on_the_cpu(tmp_path):
    config = preset_config("default", epochs=3, dev_fraction=0.0, device="cuda")
    on_gpu = Trainer(config).fit(toy_sentences() * 3).tagger
    save_bundle(on_gpu, tmp_path / "model")
    on_cpu = load_bundle(tmp_path / "model", device="cpu")
    assert on_gpu.device.type == "cuda" and on_cpu.device.type == "cpu"
    for a, b in zip(scores(on_gpu), scores(on_cpu)):  # other kernels: equal up to rounding
        assert np.allclose(a, b, atol=1e-4) and np.array_equal(a.argmax(axis=1), b.argmax(axis=1))


def test_file_pair_layout(tagger, tmp_path):
    save_bundle(tagger, tmp_path / "tagger.json")
    assert (tmp_path / "tagger.safetensors").exists()
    assert bundle_paths(tmp_path / "tagger.safetensors") == bundle_paths(tmp_path / "tagger.json")
    assert np.array_equal(scores(load_bundle(tmp_path / "tagger.json"))[0], scores(tagger)[0])


def test_refuses_a_pickle_payload(saved):
    weights, meta_path = bundle_paths(saved)
    payload = pickle.dumps({"weight": torch.zeros(2)})
    weights.write_bytes(payload)
    with pytest.raises(BundleError, match="model.safetensors"):
        load_bundle(saved)
    meta = json.loads(meta_path.read_text())  # even when the description is made to match it
    meta["weights"].update(bytes=len(payload), sha256=hashlib.sha256(payload).hexdigest())
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="not a valid safetensors file"):
        load_bundle(saved)


def test_refuses_truncated_weights(saved):
    weights, _ = bundle_paths(saved)
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(BundleError, match=r"model\.safetensors.*truncated"):
        load_bundle(saved)


def test_refuses_newer_versions_and_foreign_or_missing_files(saved, tmp_path):
    _, meta_path = bundle_paths(saved)
    meta = json.loads(meta_path.read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="newer"):
        load_bundle(saved)
    meta_path.write_text('{"format": "something else"}')
    with pytest.raises(BundleError, match="not a tagger-gui model"):
        load_bundle(saved)
    meta_path.write_text('{"format": "tagger-gui-mo')
    with pytest.raises(BundleError, match="model.json"):
        load_bundle(saved)
    with pytest.raises(BundleError, match=r"missing.*model\.json.*no such file"):
        load_bundle(tmp_path / "missing")


def test_config_mismatch_is_a_bundle_error(saved):
    _, meta_path = bundle_paths(saved)
    meta = json.loads(meta_path.read_text())
    meta["config"]["hidden_dim"] += 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="cannot rebuild"):
        load_bundle(saved)
