"""Saving and loading a trained tagger without pickle.

A bundle is two files: ``model.safetensors`` (the weights, CPU tensors) and
``model.json`` (format name and version, training settings, vocabularies and tag
names, the words seen in training, training figures, and the size and SHA-256 of
the weights file). ``save_bundle(tagger, "folder")`` writes ``folder/model.*``;
a path ending in ``.json`` or ``.safetensors`` names the pair directly
(``tagger.json`` + ``tagger.safetensors``).

Saving is atomic as a pair, with ``model.json`` as the commit point: the new
weights go to a hidden staging file (``.model.safetensors.next``), then the new
JSON (naming the new weights' SHA-256) replaces the old one, then the staging file
is renamed over the old weights. Until the JSON is replaced the old pair is intact;
after it, the loader finds the weights the JSON names in the staging file if the
last rename has not happened yet. A failed save removes what it wrote.

Loading never unpickles. It refuses anything that is not a regular file, checks
every field of the JSON for its type and declared sizes against limits before
allocating, checks the weights against the JSON (size and hash) and against the
model's shapes, and refuses weights of another dtype or with NaN/infinite values.
Every failure is a ``BundleError`` naming the offending file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import safetensors.torch
import torch
from torch.overrides import TorchFunctionMode

from tagger_gui.core.atomic import atomic_write_bytes, atomic_write_text
from tagger_gui.core.files import FileKindError, check_output, read_regular_bytes
from tagger_gui.core.validation import loads
from tagger_gui.ml.bundle_checks import MAX_META_BYTES, check_meta, check_state
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.devices import DeviceError, check_device
from tagger_gui.ml.model import build_model
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.devices import TrainingError, resolve_device
from tagger_gui.ml.vocab import Vocab

FORMAT = "tagger-gui-model"
FORMAT_VERSION = 3
"""Version 2: the vocabulary may hold ``capitalised`` (how a sentence's first word and a title are read,
``Vocab.as_read``), which a program reading version 1 would ignore and so tag differently. Version 3: it may hold
``neighbour_tags`` (the untagged-text vectors go on with their neighbours' tags, ``ml.neighbour_tags``), which older
programs would not size for. A model is written with the lowest version that holds it (``format_version``)."""
WEIGHTS_NAME = "model.safetensors"
META_NAME = "model.json"


def format_version(vocab: Vocab) -> int:
    """The lowest bundle format version that holds a model with ``vocab`` (see ``FORMAT_VERSION``)."""
    if vocab.neighbour_tags:
        return 3
    return 2 if vocab.capitalised is not None else 1


class BundleError(Exception):
    """A model bundle cannot be written or read; the message names the file."""


def bundle_paths(path: str | os.PathLike) -> tuple[Path, Path]:
    """``(weights file, JSON file)`` of the bundle at ``path`` (a folder, or a ``.json``/``.safetensors`` file)."""
    path = Path(path)
    if path.suffix in (".json", ".safetensors"):
        return path.with_suffix(".safetensors"), path.with_suffix(".json")
    return path / WEIGHTS_NAME, path / META_NAME


def staging_path(weights_path: Path) -> Path:
    """Where new weights wait while a save is under way: hidden, beside the weights (a symlink's target)."""
    target = Path(os.path.realpath(weights_path))
    return target.with_name(f".{target.name}.next")


def check_save_path(path: str | os.PathLike) -> None:
    """Raise ``BundleError`` if a bundle cannot be saved at ``path`` (checked before a long training run)."""
    weights_path, meta_path = bundle_paths(path)
    folder = weights_path.parent
    existing = next((p for p in (folder, *folder.parents) if p.exists() or p.is_symlink()), Path("."))
    if not existing.is_dir():
        raise BundleError(f"{existing}: not a folder, so the model cannot be saved in {folder}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BundleError(f"{existing}: folder is not writable")
    if existing == folder:
        for file in (weights_path, meta_path):
            try:
                check_output(file)
            except OSError as error:
                raise BundleError(f"{file}: cannot write the model: {error.strerror or error}") from None


def save_bundle(tagger: Tagger, path: str | os.PathLike) -> None:
    """Write ``tagger`` to ``path`` (see the module docstring for the layout and the order of writes)."""
    weights_path, meta_path = bundle_paths(path)
    state = {name: t.detach().to("cpu").contiguous() for name, t in tagger.model.state_dict().items()}
    weights = safetensors.torch.save(state, metadata={"format": FORMAT})
    meta = {
        "format": FORMAT,
        "format_version": format_version(tagger.vocab),
        "tags": list(tagger.tag_names),
        "config": tagger.config.to_dict(),
        "vocab": tagger.vocab.to_dict(),
        "known_words": sorted(tagger.known_words),
        "info": tagger.info,
        "weights": {"file": weights_path.name, "bytes": len(weights), "sha256": hashlib.sha256(weights).hexdigest()},
    }
    check_save_path(path)
    created = _missing_folders(weights_path.parent)
    staging = staging_path(weights_path)
    try:
        weights_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(staging, weights)
        atomic_write_text(meta_path, json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    except OSError as error:
        _undo(staging, created)
        raise BundleError(f"{error.filename or path}: cannot write the model: {error.strerror or error}") from None
    try:
        os.replace(staging, os.path.realpath(weights_path))
    except OSError as error:  # the model is complete and loads (from the staging file); say what failed
        raise BundleError(f"{weights_path}: cannot write the model: {error.strerror or error}") from None


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and those of its parents that do not exist yet, deepest first."""
    return [p for p in (folder, *folder.parents) if not p.exists()]


def _undo(staging: Path, created: list[Path]) -> None:
    """Remove what a failed save wrote: the staging file and the folders it created (if empty)."""
    staging.unlink(missing_ok=True)
    for folder in created:
        try:
            folder.rmdir()
        except OSError:
            return


def load_bundle(path: str | os.PathLike, device: str = "auto", precision: str | None = None) -> Tagger:
    """Read the bundle at ``path`` onto ``device`` (``"auto"``: a GPU if there is one, else the CPU).

    ``precision`` (``TrainConfig.precision``), if given, replaces the model's setting: the
    number format it tags in.

    Raises:
        BundleError: a file is missing, unreadable, not a regular file, too large,
            truncated, from a newer version, of the wrong shape or type, holds
            non-finite weights, or ``device`` cannot be used here.
    """
    weights_path, meta_path = bundle_paths(path)
    try:
        target = resolve_device(check_device(device))
    except (DeviceError, TrainingError) as error:
        raise BundleError(f"{meta_path}: cannot load the model: {error}") from None
    meta = _read_meta(meta_path)
    try:
        config = TrainConfig.from_dict(meta["config"])
        config = config.replace(precision=precision) if precision else config
        vocab = Vocab.from_dict(meta["vocab"])
    except (ValueError, KeyError, TypeError) as error:
        raise BundleError(f"{meta_path}: cannot rebuild the model: {error}") from None
    with torch.device("meta"), _SkipNormalInit():
        expected = build_model(config, vocab).state_dict()  # shapes only: nothing allocated yet
    state = _read_weights(weights_path, meta["weights"])
    problem = check_state(state, expected)
    if problem:
        raise BundleError(f"{weights_path}: cannot rebuild the model: {problem}")
    try:
        model = build_model(config, vocab)
        model.load_state_dict(state)
    except (ValueError, RuntimeError) as error:
        raise BundleError(f"{meta_path}: cannot rebuild the model: {error}") from None
    tagger = Tagger(model, vocab, config, frozenset(meta["known_words"]), meta.get("info") or {})
    try:
        return tagger.to(target)
    except RuntimeError as error:
        raise BundleError(f"{meta_path}: cannot move the model to {device}: {error}") from None


class _SkipNormalInit(TorchFunctionMode):
    """Skips ``normal_`` initialisation (of shapes-only ``meta`` tensors: it fills nothing there).

    On the ``meta`` device ``normal_`` is a Python reference that imports
    ``torch._dynamo`` on first use: 2 to 4 s of a command's start-up. Modes are per thread.
    """

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if getattr(func, "__name__", "") == "normal_":
            return args[0] if args else kwargs["tensor"]
        return func(*args, **kwargs)


def _read_meta(meta_path: Path) -> dict[str, Any]:
    try:
        meta = loads(read_regular_bytes(meta_path, MAX_META_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise BundleError(f"{meta_path}: no such file (a model is a {META_NAME} + {WEIGHTS_NAME} pair)") from None
    except OSError as error:
        raise BundleError(f"{meta_path}: cannot read the model description: {error.strerror or error}") from None
    except ValueError as error:  # UnicodeDecodeError, JSONDecodeError, too deep
        raise BundleError(f"{meta_path}: not a readable model description ({error})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BundleError(f"{meta_path}: not a tagger-gui model file")
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise BundleError(
            f"{meta_path}: model format version {version!r} is newer than this program reads "
            f"({FORMAT_VERSION}); update tagger-gui"
        )
    missing = [key for key in ("config", "vocab", "known_words", "weights") if key not in meta]
    if missing:
        raise BundleError(f"{meta_path}: missing {', '.join(missing)}")
    problem = check_meta(meta)
    if problem:
        raise BundleError(f"{meta_path}: {problem}")
    return meta


def _read_weights(weights_path: Path, expected: dict[str, Any]) -> dict[str, torch.Tensor]:
    """The weights the JSON describes: in the weights file, or in the staging file of an unfinished save."""
    data = _matching_bytes(weights_path, expected) or _matching_bytes(staging_path(weights_path), expected)
    if data is None:
        size = _size_or_error(weights_path)
        raise BundleError(
            f"{weights_path}: the weights do not match {META_NAME} ({size} bytes, "
            f"expected {expected['bytes']}): truncated or replaced"
        )
    try:
        return safetensors.torch.load(data)
    except Exception as error:  # safetensors raises its own error types for malformed data
        raise BundleError(f"{weights_path}: not a valid safetensors file ({error})") from None


def _matching_bytes(file: Path, expected: dict[str, Any]) -> bytes | None:
    """The bytes of ``file`` if it has the expected size and hash (``None``: missing, too large, different)."""
    try:
        data = read_regular_bytes(file, expected["bytes"])
    except FileKindError as error:
        if error.errno == errno.EFBIG:
            return None
        raise BundleError(f"{file}: cannot read the weights: {error.strerror}") from None
    except FileNotFoundError:
        return None
    except OSError as error:
        raise BundleError(f"{file}: cannot read the weights: {error.strerror or error}") from None
    if len(data) != expected["bytes"] or hashlib.sha256(data).hexdigest() != expected["sha256"]:
        return None
    return data


def _size_or_error(weights_path: Path) -> int:
    try:
        return weights_path.stat().st_size
    except OSError as error:
        raise BundleError(f"{weights_path}: cannot read the weights: {error.strerror or error}") from None
