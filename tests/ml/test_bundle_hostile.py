"""Hostile and broken model bundles, atomic pair saves, kills during saves, device names (issue 16)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest
import safetensors.torch
import torch

from tagger_gui.ml import bundle as bundle_module
from tagger_gui.ml.bundle import BundleError, bundle_paths, check_save_path, load_bundle, save_bundle, staging_path
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.devices import DeviceError, check_device
from tagger_gui.ml.model import build_model
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.vocab import Vocab
from tests.conftest import REPO

TINY = {"embedding_dim": 4, "hidden_dim": 4, "num_layers": 1, "char_dim": 2, "char_hidden": 4, "suffix_length": 1}


def tiny_tagger(seed: int = 0) -> Tagger:
    """An untrained but complete tagger, small enough to save hundreds of times a second."""
    torch.manual_seed(seed)
    config = preset_config("default", **TINY)
    vocab = Vocab.build([["the", "dog"], ["a", "cat"]], ["DET", "NOUN"], suffix_length=1)
    return Tagger(build_model(config, vocab), vocab, config, frozenset({"the", "dog"}), {"seed": seed})


def first_weight(tagger: Tagger) -> torch.Tensor:
    return next(iter(tagger.model.state_dict().values()))


@pytest.fixture
def saved(tmp_path):
    save_bundle(tiny_tagger(), tmp_path / "model")
    return tmp_path / "model"


def rewrite_weights(folder, change) -> None:
    """Replace the weights by ``change(state)``, with model.json made to match (a crafted file)."""
    weights_path, meta_path = bundle_paths(folder)
    state = safetensors.torch.load(weights_path.read_bytes())
    data = safetensors.torch.save(change(state))
    weights_path.write_bytes(data)
    meta = json.loads(meta_path.read_text())
    meta["weights"].update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    meta_path.write_text(json.dumps(meta))


def test_nan_weights_are_refused(tmp_path):
    tagger = tiny_tagger()
    with torch.no_grad():
        first_weight(tagger)[0, 0] = float("nan")
    save_bundle(tagger, tmp_path / "model")
    with pytest.raises(BundleError, match="NaN or infinite"):
        load_bundle(tmp_path / "model", device="cpu")


@pytest.mark.parametrize("dtype", [torch.float64, torch.int32, torch.float16])
def test_weights_of_another_dtype_are_refused(saved, dtype):
    rewrite_weights(saved, lambda state: {k: v.to(dtype) for k, v in state.items()})
    with pytest.raises(BundleError, match="unsupported"):
        load_bundle(saved, device="cpu")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda m: m.update(weights=None), "weights must be an object"),
        (lambda m: m["weights"].update(bytes="12"), "weights.bytes must be an integer"),
        (lambda m: m["weights"].update(bytes=10**15), "outside"),
        (lambda m: m.update(known_words="abc"), "known_words must be a list"),
        (lambda m: m.update(known_words=[1, 2]), "an item of known_words"),
        (lambda m: m.update(tags=[1, 2]), "an item of tags"),
        (lambda m: m.update(vocab=None), "vocab must be an object"),
        (lambda m: m["vocab"].update(tags=[1, 2]), "vocab.tags"),
        (lambda m: m["vocab"].update(tags=["A", "A"]), "repeated"),
        (lambda m: m["vocab"].update(lowercase="false"), "vocab.lowercase must be true or false"),
        (lambda m: m.update(config=None), "config must be an object"),
        (lambda m: m["config"].update(hidden_dim="4"), "config.hidden_dim must be an integer"),
        (lambda m: m["config"].update(num_layers=10**6), "num_layers"),
        (lambda m: m["config"].update(bidirectional=None), "config.bidirectional"),
        (lambda m: m.update(info=[]), "info must be an object"),
        (lambda m: m.update(format_version="1"), "newer"),
    ],
)
def test_model_json_fields_of_the_wrong_type_are_one_bundle_error(saved, mutate, message):
    _, meta_path = bundle_paths(saved)
    meta = json.loads(meta_path.read_text())
    mutate(meta)
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(BundleError, match=message) as caught:
        load_bundle(saved, device="cpu")
    assert "model.json" in str(caught.value)


def test_deep_nesting_in_model_json_is_refused(saved):
    _, meta_path = bundle_paths(saved)
    text = meta_path.read_text()
    meta_path.write_text(text.replace('"info": {', '"info": {"deep": ' + "[" * 50_000 + "]" * 50_000 + ", ", 1))
    with pytest.raises(BundleError, match="nested too deeply"):
        load_bundle(saved, device="cpu")


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and sparse files")
@pytest.mark.parametrize("which", [0, 1])
def test_a_fifo_in_a_bundle_is_refused_without_hanging(saved, which):
    path = bundle_paths(saved)[which]
    path.unlink()
    os.mkfifo(path)
    code = (f"from tagger_gui.ml.bundle import load_bundle\ntry:\n    load_bundle({str(saved)!r}, device='cpu')\n"
            "except Exception as e:\n    print(type(e).__name__, e)\n")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"})
    assert child.stdout.startswith("BundleError") and "FIFO" in child.stdout


def test_a_sparse_huge_weights_file_is_refused_before_reading(saved):
    weights_path, _ = bundle_paths(saved)
    with open(weights_path, "r+b") as file:
        file.truncate(64 * 1024**3)  # 64 GiB declared, nothing on disk
    with pytest.raises(BundleError, match="truncated or replaced"):
        load_bundle(saved, device="cpu")


# ------------------------------------------------------------- atomic pair saves
def test_a_failed_json_write_keeps_the_previous_model_and_leaves_nothing(saved, monkeypatch):
    before = first_weight(load_bundle(saved, device="cpu")).clone()

    def disk_full(path, text):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(bundle_module, "atomic_write_text", disk_full)
    with pytest.raises(BundleError, match="No space left"):
        save_bundle(tiny_tagger(seed=1), saved)
    assert torch.equal(first_weight(load_bundle(saved, device="cpu")), before)
    assert sorted(p.name for p in saved.iterdir()) == ["model.json", "model.safetensors"]


def test_a_failed_first_save_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_module, "atomic_write_text",
                        lambda path, text: (_ for _ in ()).throw(OSError(28, "No space left on device", str(path))))
    with pytest.raises(BundleError):
        save_bundle(tiny_tagger(), tmp_path / "new" / "model")
    assert list(tmp_path.iterdir()) == []


def test_a_save_stopped_after_the_json_loads_the_new_model(saved, monkeypatch):
    new, replace = tiny_tagger(seed=2), os.replace

    def last_rename_fails(source, target):
        if str(source).endswith(".next"):
            raise OSError(5, "I/O error")
        replace(source, target)

    monkeypatch.setattr(os, "replace", last_rename_fails)
    with pytest.raises(BundleError):
        save_bundle(new, saved)  # killed here, in effect: the JSON is new, the weights wait in the staging file
    monkeypatch.undo()
    assert staging_path(bundle_paths(saved)[0]).exists()
    assert torch.equal(first_weight(load_bundle(saved, device="cpu")), first_weight(new))
    save_bundle(tiny_tagger(seed=3), saved)
    assert sorted(p.name for p in saved.iterdir()) == ["model.json", "model.safetensors"]


KILL_LOOP = r"""
import os, random, signal, sys, time
import torch
torch.set_num_threads(1)
from tests.ml.test_bundle_hostile import tiny_tagger
from tagger_gui.ml.bundle import load_bundle, save_bundle

path, kills = sys.argv[1], int(sys.argv[2])
taggers = [tiny_tagger(seed) for seed in range(3)]
save_bundle(taggers[0], path)
rng, broken = random.Random(5), 0
for kill in range(kills):
    ready, go = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready)
        try:
            for n in range(10**9):
                save_bundle(taggers[n % 3], path)
                if n == 0:
                    os.write(go, b"x")
        finally:
            os._exit(1)
    os.close(go)
    os.read(ready, 1)
    os.close(ready)
    time.sleep(rng.uniform(0, 0.03))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    try:
        load_bundle(path, device="cpu")
    except Exception as error:
        broken += 1
        print("unloadable:", error, file=sys.stderr)
print(kills, broken)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill loop forks")
def test_sigkill_during_model_saves_never_leaves_an_unloadable_model(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    child = subprocess.run([sys.executable, "-c", KILL_LOOP, str(tmp_path / "model"), "50"], capture_output=True,
                           text=True, timeout=240, env=env)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.split() == ["50", "0"], child.stderr[-2000:]


# ------------------------------------------------------------------ devices
@pytest.mark.parametrize("name", ["xla", "vulkan", "meta", "cuda:99", "cuda:x", "gpu", "", None, "cpu:0 "])
def test_unusable_device_names_are_refused(name, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(DeviceError):
        check_device(name)
    assert check_device("cuda:0") == "cuda:0" and check_device("cpu") == "cpu"


@pytest.mark.parametrize("name", ["meta", "xla", "cuda:99"])
def test_loading_onto_an_unusable_device_is_a_bundle_error(saved, name):
    with pytest.raises(BundleError, match="device"):
        load_bundle(saved, device=name)


def test_a_save_path_that_cannot_hold_a_model_is_refused_before_training(tmp_path):
    (tmp_path / "file").write_text("x")
    for path in (tmp_path / "file", tmp_path / "file" / "model", tmp_path / "file.json"):
        if path.suffix == ".json":
            path.mkdir()
        with pytest.raises(BundleError):
            check_save_path(path)
    check_save_path(tmp_path / "new" / "deeper" / "model")


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlinked_weights_stay_a_symlink(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    save_bundle(tiny_tagger(), tmp_path / "model")
    weights_path, _ = bundle_paths(tmp_path / "model")
    weights_path.rename(shared / "weights.safetensors")
    weights_path.symlink_to(shared / "weights.safetensors")
    new = tiny_tagger(seed=4)
    save_bundle(new, tmp_path / "model")
    assert weights_path.is_symlink() and sorted(p.name for p in shared.iterdir()) == ["weights.safetensors"]
    assert torch.equal(first_weight(load_bundle(tmp_path / "model", device="cpu")), first_weight(new))
