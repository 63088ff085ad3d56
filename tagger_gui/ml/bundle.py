"""Saving and loading a trained tagger without pickle.

A bundle is two files: ``model.safetensors`` (the weights, CPU tensors) and
``model.json`` (format name and version, training settings, vocabularies and tag
names, the words seen in training, training figures, and the size and SHA-256 of
the weights file). ``save_bundle(tagger, "folder")`` writes ``folder/model.*``;
a path ending in ``.json`` or ``.safetensors`` names the pair directly
(``tagger.json`` + ``tagger.safetensors``). Both files are written atomically,
weights first. Loading never unpickles, checks the weights against the JSON, and
raises ``BundleError`` naming the offending file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import safetensors.torch
import torch

from tagger_gui.core.atomic import atomic_write_bytes, atomic_write_text
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.model import build_model
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.training import TrainingError, resolve_device
from tagger_gui.ml.vocab import Vocab

FORMAT = "tagger-gui-model"
FORMAT_VERSION = 1
WEIGHTS_NAME = "model.safetensors"
META_NAME = "model.json"


class BundleError(Exception):
    """A model bundle cannot be written or read; the message names the file."""


def bundle_paths(path: str | os.PathLike) -> tuple[Path, Path]:
    """``(weights file, JSON file)`` of the bundle at ``path`` (a folder, or a ``.json``/``.safetensors`` file)."""
    path = Path(path)
    if path.suffix in (".json", ".safetensors"):
        return path.with_suffix(".safetensors"), path.with_suffix(".json")
    return path / WEIGHTS_NAME, path / META_NAME


def save_bundle(tagger: Tagger, path: str | os.PathLike) -> None:
    """Write ``tagger`` to ``path`` (see the module docstring for the layout)."""
    weights_path, meta_path = bundle_paths(path)
    state = {name: t.detach().to("cpu").contiguous() for name, t in tagger.model.state_dict().items()}
    weights = safetensors.torch.save(state, metadata={"format": FORMAT})
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "tags": list(tagger.tag_names),
        "config": tagger.config.to_dict(),
        "vocab": tagger.vocab.to_dict(),
        "known_words": sorted(tagger.known_words),
        "info": tagger.info,
        "weights": {"file": weights_path.name, "bytes": len(weights), "sha256": hashlib.sha256(weights).hexdigest()},
    }
    try:
        weights_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(weights_path, weights)
        atomic_write_text(meta_path, json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    except OSError as error:
        raise BundleError(f"{error.filename or path}: cannot write the model: {error.strerror or error}") from None


def load_bundle(path: str | os.PathLike, device: str = "auto") -> Tagger:
    """Read the bundle at ``path`` onto ``device`` (``"auto"``: a GPU if there is one, else the CPU).

    Raises:
        BundleError: a file is missing, unreadable, truncated, from a newer
            version, or does not match the other file.
    """
    weights_path, meta_path = bundle_paths(path)
    meta = _read_meta(meta_path)
    state = _read_weights(weights_path, meta["weights"])
    try:
        config = TrainConfig.from_dict(meta["config"])
        vocab = Vocab.from_dict(meta["vocab"])
        model = build_model(config, vocab)
        model.load_state_dict(state)
        target = resolve_device(device)
    except (ValueError, KeyError, TypeError, RuntimeError, TrainingError) as error:
        raise BundleError(f"{meta_path}: cannot rebuild the model: {error}") from None
    tagger = Tagger(model, vocab, config, frozenset(meta["known_words"]), meta.get("info") or {})
    return tagger.to(target)


def _read_meta(meta_path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(f"{meta_path}: no such file (a model is a {META_NAME} + {WEIGHTS_NAME} pair)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"{meta_path}: not a readable model description ({error})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BundleError(f"{meta_path}: not a tagger-gui model file")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BundleError(
            f"{meta_path}: model format version {version!r} is newer than this program reads "
            f"({FORMAT_VERSION}); update tagger-gui"
        )
    missing = [key for key in ("config", "vocab", "known_words", "weights") if key not in meta]
    if missing:
        raise BundleError(f"{meta_path}: missing {', '.join(missing)}")
    return meta


def _read_weights(weights_path: Path, expected: dict[str, Any]) -> dict[str, torch.Tensor]:
    try:
        data = weights_path.read_bytes()
    except OSError as error:
        raise BundleError(f"{weights_path}: cannot read the weights: {error.strerror or error}") from None
    if len(data) != expected.get("bytes") or hashlib.sha256(data).hexdigest() != expected.get("sha256"):
        raise BundleError(
            f"{weights_path}: the weights do not match {META_NAME} ({len(data)} bytes, "
            f"expected {expected.get('bytes')}): truncated or replaced"
        )
    try:
        return safetensors.torch.load(data)
    except Exception as error:  # safetensors raises its own error types for malformed data
        raise BundleError(f"{weights_path}: not a valid safetensors file ({error})") from None
