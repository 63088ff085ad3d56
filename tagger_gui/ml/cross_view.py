"""Cross-view training: the tagger learns from untagged sentences too (Clark et al. 2018).

On an untagged sentence the tagger's own predictions (as it tags: without dropout, and
no gradient flows into them) are the targets of four small auxiliary taggers, each of
which sees part of what the first BiLSTM layer sees (a second layer mixes both sides):
its forward states alone (the word and the words to its left), its backward states
alone (the word and those to its right), the forward state of the word before (only the
words to the left) and the backward state of the word after (only those to the right),
each with the training's dropout. Learning to agree with the full view trains what they
share (word and character embeddings, the LSTM) on text nobody tagged. The auxiliary
taggers are left behind when training ends: the model tags exactly as it did, as fast.

Each training step adds one batch of untagged sentences (as many as a tagged batch,
of one length) to the loss, weighted by ``TrainConfig.cross_view``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.batching import FormTable, ModelInputs, length_batches
from tagger_gui.ml.config import TrainConfig

VIEWS = ("forward", "backward", "left", "right")
HEAD_WIDTH = 128
MAX_LENGTH = 60
"""Longer untagged sentences are left out: one of them makes a whole batch of its length slow."""


class ViewHeads(nn.Module):
    """One small tagger (a hidden layer of ``HEAD_WIDTH``, then the tags) per view of the BiLSTM's states."""

    def __init__(self, hidden_dim: int, n_tags: int) -> None:
        super().__init__()
        self.hidden_dim = hidden_dim
        self.heads = nn.ModuleList(
            nn.Sequential(nn.Linear(hidden_dim, HEAD_WIDTH), nn.ReLU(), nn.Linear(HEAD_WIDTH, n_tags)) for _ in VIEWS
        )

    def forward(self, states: torch.Tensor) -> list[torch.Tensor]:
        """``[B, L, 2H]`` states of sentences of one length -> per view ``[B, L, tags]`` log-probabilities."""
        forward, backward = states[..., : self.hidden_dim], states[..., self.hidden_dim:]
        edge = torch.zeros_like(forward[:, :1])
        views = (
            forward,
            backward,
            torch.cat([edge, forward[:, :-1]], dim=1),  # the word before's forward state: left context only
            torch.cat([backward[:, 1:], edge], dim=1),  # the word after's backward state: right context only
        )
        return [F.log_softmax(head(view), dim=-1) for head, view in zip(self.heads, views)]


class CrossView:
    """The untagged sentences of one training run and its auxiliary taggers."""

    def __init__(
        self, sentences: Sequence[Sequence[str]], table: FormTable, hidden_dim: int, n_tags: int,
        batch_size: int, seed: int, device: torch.device,
    ) -> None:
        """Draws its own random numbers (``seed``): a run's tagged batches and first step stay as without it."""
        kept = [words for words in sentences if 1 < len(words) <= MAX_LENGTH]
        encoded = table.encode(kept)
        self.rows = [encoded.rows[start:start + length] for start, length in zip(encoded.starts, encoded.lengths)]
        self.lengths = encoded.lengths
        self.batch_size = batch_size
        self.rng = np.random.default_rng([seed, 1])
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.heads = ViewHeads(hidden_dim, n_tags).to(device)
        self._queue: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.rows)

    def next_rows(self) -> torch.Tensor:
        """``[B, L]`` form rows of the next batch of untagged sentences (one length; reshuffled after each pass)."""
        if not self._queue:
            self._queue = length_batches(self.lengths, self.batch_size, rng=self.rng)
        batch = self._queue.pop()
        return torch.from_numpy(np.stack([self.rows[i] for i in batch]))

    def loss(self, model: nn.Module, inputs: ModelInputs, targets: torch.Tensor) -> torch.Tensor:
        """The views' summed disagreement (KL divergence per word) on ``inputs`` with ``targets``
        (``full_view``'s ``[B * L, tags]``, from the same sentences before the input dropout)."""
        views = self.heads(model.dropout(model.layer_states(inputs, layers=1)[0]))  # the views see the first layer
        return sum(F.kl_div(view.flatten(0, 1), targets, log_target=True, reduction="batchmean") for view in views)


def full_view(model: nn.Module, inputs: ModelInputs) -> torch.Tensor:
    """``[B * L, tags]``: ``model``'s log-probabilities on ``inputs`` as it tags, without dropout or gradient.

    The auxiliary taggers learn from these, as in Clark et al. 2018, and see the
    sentences with the training's dropout themselves. Against targets taken from the
    same noisy pass as the views (EWT dev, a Train as ``benchmarks/learning_curve.py``
    runs it, one thread, seeds 1-3): 10% tagged 93.16 / 93.17 / 93.16 against 92.88 /
    93.09 / 93.11, 5% 92.40 / 92.47 / 92.31 against 92.27 / 92.24 / 92.23, 1% 89.63 /
    90.22 against 89.50 / 89.57 (seeds 1-2), for 1.05 times the time (the noisy
    figures but 10% seed 1 measured on another 2-core machine, which gave 92.90 there).
    """
    model.eval()
    try:
        with torch.no_grad():
            return model.scores(model.layer_states(inputs)[-1]).flatten(0, 1)
    finally:
        model.train()


def cross_view_for(
    model: nn.Module, untagged: Sequence[Sequence[str]] | None, known: Sequence[Sentence], table: FormTable,
    config: TrainConfig, device: torch.device,
) -> CrossView | None:
    """A ``CrossView`` for ``model`` over the ``untagged`` sentences but the tagged ``known`` ones, or ``None``.

    It applies with a positive ``config.cross_view``, some such sentences of 2 to
    ``MAX_LENGTH`` words, and a model with a bidirectional LSTM (``BiLSTMTagger``). The
    ``known`` sentences (the run's training and dev sentences) that have a tag are left
    out: the untagged text of a project holds every sentence, and those have tags.
    """
    lstms = getattr(model, "lstms", None)
    if config.cross_view <= 0 or not untagged or lstms is None or not lstms[0].bidirectional:
        return None
    tagged = {tuple(sentence.words) for sentence in known if sentence.tagged_count}
    sentences = [words for words in untagged if tuple(words) not in tagged]
    view = CrossView(
        sentences, table, lstms[0].hidden_size, model.output.out_features, config.batch_size, config.seed, device)
    return view if len(view) else None
