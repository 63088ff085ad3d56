"""Batched inference: a trained model with its vocabulary, giving a score for every tag of every word."""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.batching import FormTable, padded_to_block, tagging_batches
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.lanes import dealt, lane_count, run_lanes
from tagger_gui.ml.metrics import Evaluation, evaluate_predictions
from tagger_gui.ml.precision import tagging_dtype, tagging_model
from tagger_gui.ml.vocab import Vocab

PREDICT_MAX_TOKENS = 8192
"""Padded tokens per inference batch: large batches amortise per-call overhead."""
MAPPED_SCORES_BYTES = 1 << 20
"""Score arrays from this size on are mapped outside the heap (``_score_array``)."""


@dataclass
class Prediction:
    """The tagger's scores for one sentence.

    Attributes:
        log_probs: ``[n_words, n_tags]`` log-softmax scores (float32).
        tag_names: the tag of each column (the same list object for all predictions).
    """

    log_probs: np.ndarray
    tag_names: list[str]

    @property
    def probs(self) -> np.ndarray:
        """``[n_words, n_tags]`` probabilities (rows sum to 1)."""
        return np.exp(self.log_probs)

    @property
    def best(self) -> list[str]:
        """The most probable tag of each word."""
        return [self.tag_names[i] for i in self.log_probs.argmax(axis=1)]

    @property
    def confidence(self) -> np.ndarray:
        """``[n_words]`` probability of the best tag."""
        return np.exp(self.log_probs.max(axis=1)) if len(self.log_probs) else np.zeros(0, np.float32)


def _score_array(words: int, tags: int) -> np.ndarray:
    """An uninitialised ``[words, tags]`` float32 array for a call's scores.

    The predictions keep it while the batches' temporaries come and go; a large one is
    mapped from the system, outside the heap, so that it is not left between those and
    a long streaming run's heap does not fragment and grow (glibc).
    """
    size = words * tags * 4
    if not size or size < MAPPED_SCORES_BYTES:
        return np.empty((words, tags), dtype=np.float32)
    return np.frombuffer(mmap.mmap(-1, size), dtype=np.float32).reshape(words, tags)


@dataclass
class Tagger:
    """A trained model ready to tag, on one device.

    Attributes:
        model: the network (kept in eval mode).
        vocab: its lookup tables; ``vocab.tags`` are the output columns.
        config: the settings it was trained with.
        known_words: word forms seen in training (to measure accuracy on unseen words).
        info: training figures kept with the model (history, best epoch, ...), JSON-ready.
    """

    model: nn.Module
    vocab: Vocab
    config: TrainConfig
    known_words: frozenset[str] = frozenset()
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.model.eval()

    @property
    def tag_names(self) -> list[str]:
        return self.vocab.tags

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def to(self, device: str | torch.device) -> "Tagger":
        """Move the model to ``device`` (in place); returns ``self``."""
        self.model.to(device)
        return self

    def form_table(self) -> FormTable:
        """An empty table of encoded word forms for this model's vocabulary."""
        return FormTable(self.vocab, self.config.max_word_chars, self.config.suffix_length)

    def predict(self, sentences: Sequence[Sequence[str]], table: FormTable | None = None) -> list[Prediction]:
        """Score every word of ``sentences`` (each a list of words), in input order.

        The sentences are tagged in batches of equal or similar lengths and put back in order.
        ``table`` (from ``form_table``) keeps the forms encoded by earlier calls, so
        that a corpus tagged in chunks encodes each form once. The model computes in
        bf16 where its settings and the device call for it (``precision.tagging_dtype``), on a
        CPU with the batches dealt to one lane per thread (``ml.lanes``).
        """
        table = table if table is not None else self.form_table()
        encoded = table.encode(sentences)
        lengths = encoded.lengths
        scores = _score_array(int(lengths.sum()), len(self.tag_names))
        nonempty = np.flatnonzero(lengths)
        batches = [nonempty[batch] for batch in tagging_batches(lengths[nonempty], PREDICT_MAX_TOKENS)]
        model, context = tagging_model(self.model, tagging_dtype(self.config.precision, self.device))
        char_encoder = getattr(model, "char_encoder", None)  # run once per distinct form, not per batch
        if char_encoder is not None and batches:
            with torch.inference_mode(), context:
                table.char_vectors(char_encoder, self.device)  # before the lanes, which share them

        def tag(share: Sequence[np.ndarray]) -> None:
            with torch.inference_mode(), context:
                for indices in share:
                    matrix, batch_lengths = encoded.padded(padded_to_block(indices))  # repeats dropped below
                    log_probs = model(table.inputs(matrix, batch_lengths, self.device, char_encoder))
                    encoded.scatter(indices, log_probs[: len(indices)].float().cpu().numpy(), scores)

        costs = [len(indices) * int(lengths[indices].max()) for indices in batches]  # padded tokens
        run_lanes(tag, dealt(batches, costs, lane_count(self.device, len(batches))))
        starts = encoded.starts.tolist()
        return [Prediction(scores[start : start + n], self.tag_names) for start, n in zip(starts, lengths.tolist())]

    def evaluate(self, sentences: Sequence[Sentence]) -> Evaluation:
        """Accuracy figures of this tagger on ``sentences`` (untagged tokens are not counted)."""
        predictions = self.predict([s.words for s in sentences])
        return evaluate_predictions(
            [s.words for s in sentences],
            [s.tags for s in sentences],
            [p.best for p in predictions],
            known_words=self.known_words,
            tags=self.tag_names,
        )
