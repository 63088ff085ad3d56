"""Warm start: a new model that begins where a trained tagger left off, sized for new data.

Retraining while annotating should not forget what the last model learned, nor
pay for learning it again. ``grown_model`` grows the old vocabulary (old indices
kept, new words, characters, suffixes and tags appended), builds a freshly
initialised model of that size, then copies every old weight into it: the rows
of the embedding tables and of the output layer that belong to old items, and
all other weights whole. New rows keep the model's own initialisation.

The result tags old-vocabulary sentences exactly as the old model did (the
scores of the old tags are the same up to the share new tags take in the
softmax), and the trainer goes on from there (``Trainer.fit(start_from=...)``).
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

import torch
from torch import nn

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.model import build_model, set_raw_vectors
from tagger_gui.ml.neighbour_tags import fill_neighbour_tags
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.raw_vectors import RawVectors
from tagger_gui.ml.tag_profile import TagProfile, apply_profile
from tagger_gui.ml.vocab import Vocab

MODEL_SHAPE_FIELDS = (
    "architecture", "embedding_dim", "hidden_dim", "num_layers", "bidirectional", "char_encoder", "char_dim",
    "char_hidden", "max_word_chars", "shape_features", "suffix_length", "lowercase", "raw_dim",
)
"""The settings that fix a model's weights and lookups: a warm start must keep them."""


def shape_differences(old: TrainConfig, new: TrainConfig) -> list[str]:
    """The model-shaping settings in which ``new`` differs from ``old`` (empty: a warm start is possible)."""
    return [name for name in MODEL_SHAPE_FIELDS if getattr(old, name) != getattr(new, name)]


def keep_shape(config: TrainConfig, old: TrainConfig) -> TrainConfig:
    """``config``'s schedule with ``old``'s model shape: the settings to warm-start a model of ``old``."""
    return config.replace(**{name: getattr(old, name) for name in MODEL_SHAPE_FIELDS})


def grown_model(
    old: Tagger, sentences: Sequence[Sequence[str]], tag_names: Sequence[str], config: TrainConfig
) -> tuple[Vocab, nn.Module]:
    """The grown vocabulary and a model (on the CPU) holding ``old``'s weights.

    Args:
        old: the tagger to start from.
        sentences: the words of the new training sentences.
        tag_names: every tag the new model must know (old tags not listed are kept).
        config: the new run's settings; its model shape must equal ``old.config``'s.

    Raises:
        ValueError: if ``config`` changes the model's shape.
    """
    changed = shape_differences(old.config, config)
    if changed:
        raise ValueError(f"cannot warm-start: the model shape changed ({', '.join(changed)})")
    vocab = old.vocab.grow(sentences, tag_names, min_freq=config.min_freq, suffix_length=config.suffix_length)
    model = build_model(config, vocab)
    copy_weights(old.model, model)
    return vocab, model


def vocab_and_model(
    config: TrainConfig,
    sentences: Sequence[Sentence],
    tag_names: Sequence[str],
    start_from: Tagger | None = None,
    raw_vectors: RawVectors | None = None,
    tag_profile: TagProfile | None = None,
) -> tuple[Vocab, nn.Module]:
    """A new vocabulary and freshly initialised model for ``sentences``, or ``start_from``'s grown (``grown_model``).

    ``raw_vectors`` (ignored when ``config.raw_dim`` is 0, and by a warm start, which keeps
    ``start_from``'s): word vectors learned from untagged text, a frozen input of the new model,
    extended by their nearest tagged words' tags (``ml.neighbour_tags``, recomputed from
    ``sentences`` at a warm start too) when ``config.tag_neighbours`` is set; for the words
    ``tag_profile`` has, a model's mean predictions replace the neighbours' tags (``ml.tag_profile``).
    """
    words = [s.words for s in sentences]
    if start_from is not None:
        vocab, model = grown_model(start_from, words, tag_names, config)
    else:
        vocab, model = _new_vocab_and_model(config, words, tag_names, raw_vectors)
    if vocab.neighbour_tags:
        fill_neighbour_tags(model, vocab, sentences, config.tag_neighbours)
        if tag_profile is not None:
            apply_profile(model, vocab, tag_profile)
    return vocab, model


def _new_vocab_and_model(
    config: TrainConfig, words: Sequence[Sequence[str]], tag_names: Sequence[str], raw_vectors: RawVectors | None
) -> tuple[Vocab, nn.Module]:
    vocab = Vocab.build(
        words, tag_names, lowercase=config.lowercase, min_freq=config.min_freq, suffix_length=config.suffix_length
    )
    if raw_vectors is None or config.raw_dim == 0:
        return vocab, build_model(config, vocab)
    if raw_vectors.dim != config.raw_dim:
        raise ValueError(f"the untagged-text vectors have {raw_vectors.dim} values, raw_dim is {config.raw_dim}")
    vocab = dataclasses.replace(vocab, raw_words=raw_vectors.words, capitalised=raw_vectors.capitalised,
                                neighbour_tags=list(vocab.tags) if config.tag_neighbours else [])
    model = build_model(config, vocab)
    set_raw_vectors(model, raw_vectors.vectors)
    return vocab, model


def grown_tagger(
    old: Tagger, sentences: Sequence[Sequence[str]], tag_names: Sequence[str], config: TrainConfig
) -> Tagger:
    """``grown_model`` as a ready ``Tagger`` on ``old``'s device (what a warm start begins with)."""
    vocab, model = grown_model(old, sentences, tag_names, config)
    known = old.known_words | frozenset(w for words in sentences for w in words)
    return Tagger(model.to(old.device), vocab, config, known)


def copy_weights(source: nn.Module, target: nn.Module) -> None:
    """Copy every weight of ``source`` into ``target``, into the leading rows where ``target``'s is larger.

    Raises:
        ValueError: if a weight is missing or differs in anything but its number of rows.
    """
    old_state = source.state_dict()
    with torch.no_grad():
        for name, weight in target.state_dict().items():
            old = old_state.get(name)
            if old is None or old.shape[1:] != weight.shape[1:] or (old.dim() and old.shape[0] > weight.shape[0]):
                raise ValueError(f"cannot warm-start weight {name!r}: {None if old is None else tuple(old.shape)}"
                                 f" does not fit {tuple(weight.shape)}")
            if old.dim() == 0:
                weight.copy_(old)
            else:
                weight[: old.shape[0]].copy_(old)
