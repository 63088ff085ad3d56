"""What a model bundle must satisfy before anything is built from it: field types, sane sizes, finite weights.

``model.json`` comes from anywhere (a download, a shared folder, a damaged disk),
so every field is checked for its type before use, sizes that decide how much
memory a model takes are checked against limits, and the weights are compared
with the shapes the settings imply (built on the ``meta`` device, which allocates
nothing) before a real model is built.
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

import torch

from tagger_gui.core.files import GiB
from tagger_gui.core.validation import check_depth, expect, expect_list, tags_problem
from tagger_gui.ml.config import TrainConfig

MAX_META_BYTES = 1 * GiB
"""Largest ``model.json`` read (vocabularies of millions of words stay far below)."""
MAX_WEIGHTS_BYTES = 8 * GiB
"""Largest weights file read; the file's size must also equal the one ``model.json`` declares."""
SHAPE_LIMITS = {"embedding_dim": 8192, "hidden_dim": 8192, "num_layers": 16, "char_dim": 4096,
                "char_hidden": 8192, "max_word_chars": 4096}
"""Upper bounds of the settings that size the network."""
WEIGHT_DTYPE = torch.float32
_KINDS = {"str": str, "int": int, "bool": bool, "float": (int, float), "float | None": (int, float, type(None))}
_SHA256 = re.compile("[0-9a-f]{64}")


def check_meta(meta: dict[str, Any]) -> str | None:
    """What is wrong with the fields of a ``model.json`` document, or ``None``."""
    try:
        _check_weights_entry(expect(meta["weights"], dict, "weights"))
        _check_config(expect(meta["config"], dict, "config"))
        _check_vocab(expect(meta["vocab"], dict, "vocab"))
        expect_list(meta["known_words"], str, "known_words")
        expect_list(meta.get("tags", []), str, "tags")
        check_depth(expect(meta.get("info"), (dict, type(None)), "info"), "info")
    except (TypeError, ValueError) as error:
        return str(error)
    return None


def _check_weights_entry(weights: dict) -> None:
    size = expect(weights.get("bytes"), int, "weights.bytes")
    if not 0 < size <= MAX_WEIGHTS_BYTES:
        raise ValueError(f"weights.bytes {size} is outside 1..{MAX_WEIGHTS_BYTES}")
    if not _SHA256.fullmatch(expect(weights.get("sha256"), str, "weights.sha256")):
        raise ValueError("weights.sha256 is not a SHA-256 hex digest")


def _check_config(config: dict) -> None:
    kinds = {f.name: _KINDS[str(f.type)] for f in fields(TrainConfig)}
    for name, value in config.items():
        if name in kinds:
            expect(value, kinds[name], f"config.{name}")
    expect(config.get("version", 1), int, "config.version")
    for name, limit in SHAPE_LIMITS.items():
        if name in config and config[name] > limit:
            raise ValueError(f"config.{name} = {config[name]} is larger than {limit}")


def _check_vocab(vocab: dict) -> None:
    for name in ("words", "chars", "tags"):
        expect_list(vocab.get(name), str, f"vocab.{name}")
    expect_list(vocab.get("suffixes", []), str, "vocab.suffixes")
    expect_list(vocab.get("word_counts", []), int, "vocab.word_counts")
    expect(vocab.get("lowercase"), bool, "vocab.lowercase")
    if vocab.get("capitalised") is not None:
        expect_list(vocab["capitalised"], str, "vocab.capitalised")
    problem = tags_problem(vocab["tags"])
    if problem or len(set(vocab["tags"])) != len(vocab["tags"]) or not vocab["tags"]:
        raise ValueError(f"vocab.tags: {problem or 'empty or with repeated names'}")
    expect_list(vocab.get("neighbour_tags", []), str, "vocab.neighbour_tags")
    if not set(vocab.get("neighbour_tags", [])) <= set(vocab["tags"]):
        raise ValueError("vocab.neighbour_tags: a tag the model does not have")


def check_state(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> str | None:
    """What makes loaded weights unusable for a model with ``expected``'s shapes, or ``None``."""
    if set(state) != set(expected):
        missing, extra = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
        return f"the weights do not fit the model (missing {missing[:3]}, unexpected {extra[:3]})"
    for name, tensor in state.items():
        if tensor.shape != expected[name].shape:
            return f"weights {name} have shape {list(tensor.shape)}, the model needs {list(expected[name].shape)}"
        if tensor.dtype != WEIGHT_DTYPE:
            return f"weights {name} are {tensor.dtype}, not {WEIGHT_DTYPE} (unsupported)"
        if not bool(torch.isfinite(tensor).all()):
            return f"weights {name} hold NaN or infinite values: the model is broken (retrain it)"
    return None
