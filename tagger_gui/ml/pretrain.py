"""Pretraining the tagger's encoder on untagged text, so that a few hundred tagged sentences go further.

Word vectors (``ml.raw_vectors``) say what a word usually is; which reading it has in
a sentence is decided by its context, and with 125 tagged sentences the LSTM sees too
few contexts to learn that. Untagged text has plenty. ``pretrained_tagger`` trains a
tagger-shaped model whose first BiLSTM layer must guess each word's vector from the
words around it alone: the forward state just before the word and the backward state
just after it (in one layer neither has seen the word itself) go through a linear
layer that regresses the word's vector. A word's context then has to encode what
could stand in its place, i.e. its part of speech. Every real training run then
starts from this model (``Trainer.fit(start_from=...)``, a warm start: the vocabulary
grows for the tagged data, the tags are new) instead of from random weights.

Only the first layer is pretrained: in a second bidirectional layer the forward state
would already have seen the word through the first layer's backward state.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tagger_gui.ml.batching import FormTable, ModelInputs, length_batches
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.model import BiLSTMTagger, build_model, run_lstm, set_raw_vectors
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.raw_vectors import RawVectors
from tagger_gui.ml.vocab import UNK, Vocab

EPOCHS = 2
"""Passes over the untagged text."""
BATCH_SIZE = 64


def can_pretrain(config: TrainConfig) -> bool:
    """Whether models of ``config`` have an encoder this pretraining fits (a BiLSTM with vectors from text)."""
    return config.architecture == "bilstm" and config.bidirectional and config.raw_dim > 0


def pretrained_tagger(
    sentences: Sequence[Sequence[str]],
    vectors: RawVectors,
    config: TrainConfig,
    *,
    epochs: int = EPOCHS,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[float], None] = lambda share: None,
) -> Tagger | None:
    """A tagger with no tags whose encoder learned from ``sentences``; ``None`` if stopped or not ``can_pretrain``.

    Args:
        sentences: the untagged text, as lists of words.
        vectors: word vectors learned from that text (the regression targets and a frozen input).
        config: the model shape of the runs that will start from it (and the learning rate and seed).
        epochs: passes over the text.
        should_stop: polled before every batch.
        progress: called with the share done (0..1) after every batch.
    """
    if not can_pretrain(config):
        return None
    text = [list(words) for words in sentences if len(words) > 1]
    vocab = Vocab.build(text, [], lowercase=config.lowercase, min_freq=config.min_freq,
                        suffix_length=config.suffix_length)
    vocab = Vocab.from_dict({**vocab.to_dict(), "raw_words": vectors.words})
    torch.manual_seed(config.seed)
    model = build_model(config, vocab)
    set_raw_vectors(model, vectors.vectors)
    head = nn.Linear(2 * config.hidden_dim, config.raw_dim)
    table = FormTable(vocab, config.max_word_chars, config.suffix_length)
    encoded = table.encode(text)
    parameters = [p for p in (*model.parameters(), *head.parameters()) if p.requires_grad]
    optimizer = torch.optim.Adam(parameters, lr=config.lr)
    rng = np.random.default_rng(config.seed)
    model.train()
    for epoch in range(epochs):
        batches = length_batches(encoded.lengths, BATCH_SIZE, rng=rng)
        for done, batch in enumerate(batches, start=1):
            if should_stop():
                return None
            rows, lengths = encoded.padded(batch)
            loss = context_loss(model, head, table.inputs(rows, lengths, torch.device("cpu")))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 5.0)
            optimizer.step()
            progress((epoch + done / len(batches)) / epochs)
    return Tagger(model, vocab, config)


def context_loss(model: BiLSTMTagger, head: nn.Linear, inputs: ModelInputs) -> torch.Tensor:
    """Mean squared error of each word's vector guessed from its neighbours' first-layer states.

    Words without a vector (``UNK``) are not guessed; the batch's sentences have equal lengths.
    """
    states = run_lstm(model.lstms[0], model.features(inputs), inputs.lengths)
    half = states.shape[-1] // 2
    before = F.pad(states[:, :-1, :half], (0, 0, 1, 0))  # the forward state of the word before (zero at the start)
    after = F.pad(states[:, 1:, half:], (0, 0, 0, 1))  # the backward state of the word after (zero at the end)
    guess = head(model.dropout(torch.cat([before, after], dim=-1)))
    target = model.raw_embedding(inputs.raw_ids)
    known = (inputs.raw_ids > UNK).unsqueeze(-1)
    errors = ((guess - target) ** 2 * known).sum()
    return errors / known.sum().clamp(min=1) / target.shape[-1]
