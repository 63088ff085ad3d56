"""The LSTM taggers. Both map ``ModelInputs`` to log-probabilities ``[B, L, n_tags]``.

``TutorialTagger`` is the ``LSTMTagger`` of the PyTorch tutorial "Sequence Models and
Long Short-Term Memory Networks" (embedding -> LSTM -> linear -> log_softmax), with
its parameter names kept so the correspondence is plain. ``BiLSTMTagger`` adds what
an accurate tagger needs: a character CNN and suffix embeddings so unseen words
are tagged from their spelling, a word-shape embedding, a bidirectional multi-layer
LSTM and dropout.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from tagger_gui.ml.batching import ModelInputs
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.neighbour_tags import neighbour_columns
from tagger_gui.ml.vocab import NUM_SHAPES, PAD, Vocab

SUFFIX_DIM = 16
"""Size of each suffix embedding (one per ending length)."""


def call_lstm(lstm: nn.LSTM, x: torch.Tensor | PackedSequence) -> tuple:
    """``lstm(x)``, in fp32 when autocast is on for a CUDA input.

    PyTorch's autocast runs cuDNN LSTMs in fp16 whatever dtype it was given (its wrapper of
    ``_cudnn_rnn`` casts to half), and fp16 without loss scaling can underflow: so under bf16
    on a GPU the LSTMs compute in fp32 and the other layers in bf16.
    """
    if x.is_cuda and torch.is_autocast_enabled("cuda"):
        with torch.autocast("cuda", enabled=False):
            return lstm(x.float())
    return lstm(x)


def run_lstm(lstm: nn.LSTM, x: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
    """Run ``lstm`` (batch-first input ``x``), packing only when lengths differ.

    Training on a CPU runs unequal lengths through ``split_directions`` instead: a packed
    sequence leaves oneDNN's LSTM for PyTorch's own, whose forward and backward pass took
    1.35-1.5 times as long on 2 cores (batches of 4-64 sentences). Tagging, with no
    backward pass, packs its large length-sorted batches (the two were about even there).
    """
    if lengths is None:
        return call_lstm(lstm, x)[0]
    if not x.is_cuda and torch.is_grad_enabled() and lstm.bidirectional and lstm.num_layers == 1:
        return split_directions(lstm, x, lengths)
    packed = pack_padded_sequence(x, lengths, batch_first=lstm.batch_first, enforce_sorted=False)
    total = x.shape[1 if lstm.batch_first else 0]
    return pad_packed_sequence(call_lstm(lstm, packed)[0], batch_first=lstm.batch_first, total_length=total)[0]


def split_directions(lstm: nn.LSTM, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """A one-layer bidirectional ``lstm`` over right-padded ``x`` (sentences of ``lengths`` words), unpacked.

    Each direction runs as a one-directional LSTM with its own weights: the forward one on
    ``x`` (the padding comes after each sentence, so it changes no real word's state), the
    backward one on ``x`` with each sentence reversed in place, its output put back in order.
    The real words' states are those of the packed run (to rounding).
    """
    batch, longest, width = x.shape
    positions = torch.arange(longest, device=x.device)
    ends = lengths.to(x.device)[:, None]
    mirror = torch.where(positions < ends, ends - 1 - positions, positions)  # each sentence reversed in place
    forward_weights, backward_weights = lstm.all_weights
    zeros = x.new_zeros(1, batch, lstm.hidden_size)
    forward = torch.lstm(x, (zeros, zeros), forward_weights, lstm.bias, 1, 0.0, lstm.training, False, True)[0]
    reversed_x = x.gather(1, mirror[..., None].expand(-1, -1, width))
    backward = torch.lstm(reversed_x, (zeros, zeros), backward_weights, lstm.bias, 1, 0.0, lstm.training, False, True)[0]
    backward = backward.gather(1, mirror[..., None].expand(-1, -1, backward.shape[2]))
    return torch.cat([forward, backward], dim=-1)


class TutorialTagger(nn.Module):
    """The tutorial's tagger: word embedding -> unidirectional LSTM -> linear -> log_softmax."""

    OUTPUT_LAYER = "hidden2tag"
    """The layer a bf16 copy keeps in fp32 (``precision.tagging_model``): the scores' resolution."""

    def __init__(self, embedding_dim: int, hidden_dim: int, vocab_size: int, tagset_size: int) -> None:
        super().__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, inputs: ModelInputs) -> torch.Tensor:
        # The tutorial feeds one sentence as [len, 1, emb]; a batch is [len, B, emb].
        embeds = self.word_embeddings(inputs.word_ids).transpose(0, 1)
        lstm_out = run_lstm(self.lstm, embeds, inputs.lengths).transpose(0, 1)
        tag_space = self.hidden2tag(lstm_out.to(self.hidden2tag.weight.dtype))
        return F.log_softmax(tag_space, dim=-1)


class CharCNN(nn.Module):
    """Character embedding -> 1-D convolution (width 3) -> ReLU -> max over positions.

    Called on the distinct words of a batch only (``[U, C]`` character ids).
    Padding positions are zeroed before the max, so a word's vector does not
    depend on the longest word it happens to share a batch with.
    """

    def __init__(self, n_chars: int, char_dim: int, out_dim: int) -> None:
        super().__init__()
        self.out_dim = out_dim
        self.embedding = nn.Embedding(n_chars, char_dim, padding_idx=PAD)
        self.conv = nn.Conv1d(char_dim, out_dim, kernel_size=3, padding=1)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        """``[U, out_dim]``: the convolution as one matrix product over each position's window of 3.

        ``conv``'s weights, computed as ``F.linear`` on unfolded windows: on a CPU the oneDNN
        convolution costs about 1 ms a call for a training batch's few dozen words (its set-up,
        redone for every new shape), 2.5 times this product's forward and backward.
        """
        x = F.pad(self.embedding(chars), (0, 0, 1, 1))  # [U, C + 2, char_dim]
        windows = x.unfold(1, 3, 1).flatten(2)  # [U, C, char_dim * 3], ordered as conv.weight's [in, width]
        real = (chars != PAD).unsqueeze(2)
        return (torch.relu(F.linear(windows, self.conv.weight.flatten(1), self.conv.bias)) * real).amax(dim=1)


class CharLSTM(nn.Module):
    """Character embedding -> BiLSTM over the spelling -> the two directions' final states.

    The forward state ends on the word's last letters and the backward one on its
    first, so suffixes and prefixes of any length are within reach (a CNN sees a
    fixed window). Called on the distinct words of a batch only (``[U, C]`` ids).
    """

    def __init__(self, n_chars: int, char_dim: int, out_dim: int) -> None:
        super().__init__()
        self.out_dim = out_dim // 2 * 2
        self.embedding = nn.Embedding(n_chars, char_dim, padding_idx=PAD)
        self.lstm = nn.LSTM(char_dim, out_dim // 2, bidirectional=True, batch_first=True)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        lengths = (chars != PAD).sum(dim=1).clamp(min=1).cpu()
        packed = pack_padded_sequence(self.embedding(chars), lengths, batch_first=True, enforce_sorted=False)
        final = call_lstm(self.lstm, packed)[1][0]  # [2 directions, U, out_dim // 2]
        return torch.cat([final[0], final[1]], dim=-1)


class LockedDropout(nn.Module):
    """Dropout with one mask per sentence and feature, shared by all its words.

    The usual dropout around LSTMs (variational dropout), and on a CPU about three
    times cheaper than element-wise ``nn.Dropout``: the mask is ``[B, 1, F]``.
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.rand(x.shape[0], 1, x.shape[2], device=x.device) >= self.p
        return x * (keep.to(x.dtype) / (1.0 - self.p))


class BiLSTMTagger(nn.Module):
    """Word + character + shape + suffix features -> stacked (Bi)LSTM layers -> linear -> log_softmax.

    The LSTM layers are separate modules so that locked dropout runs between them.
    """

    OUTPUT_LAYER = "output"
    """The layer a bf16 copy keeps in fp32 (``precision.tagging_model``): the scores' resolution."""

    def __init__(
        self, config: TrainConfig, n_words: int, n_chars: int, n_tags: int, n_suffixes: int, n_raw: int = 0,
        n_neighbour_tags: int = 0,
    ) -> None:
        super().__init__()
        self.word_embedding = nn.Embedding(n_words, config.embedding_dim, padding_idx=PAD)
        width = config.embedding_dim
        self.raw_embedding = None
        if n_raw and config.raw_dim:
            # vectors learned from untagged text, then their neighbours' tags: frozen, filled by
            # ``set_raw_vectors`` and ``ml.neighbour_tags``
            raw_width = config.raw_dim + neighbour_columns(n_neighbour_tags)
            self.raw_embedding = nn.Embedding(n_raw, raw_width, padding_idx=PAD)
            self.raw_embedding.weight.requires_grad_(False)
            width += raw_width
        self.char_encoder = None
        if config.char_encoder != "none":
            encoder = CharCNN if config.char_encoder == "cnn" else CharLSTM
            self.char_encoder = encoder(n_chars, config.char_dim, config.char_hidden)
            width += self.char_encoder.out_dim
        self.shape_embedding = None
        if config.shape_features:
            self.shape_embedding = nn.Embedding(NUM_SHAPES, 8, padding_idx=PAD)
            width += 8
        self.suffix_embedding = None
        if config.suffix_length > 0:
            self.suffix_embedding = nn.Embedding(n_suffixes, SUFFIX_DIM, padding_idx=PAD)
            width += SUFFIX_DIM * config.suffix_length
        self.dropout = LockedDropout(config.dropout)
        out_width = config.hidden_dim * (2 if config.bidirectional else 1)
        self.lstms = nn.ModuleList(
            nn.LSTM(width if i == 0 else out_width, config.hidden_dim, bidirectional=config.bidirectional, batch_first=True)
            for i in range(config.num_layers)
        )
        self.output = nn.Linear(out_width, n_tags)

    def forward(self, inputs: ModelInputs) -> torch.Tensor:
        return self.scores(self.dropout(self.layer_states(inputs)[-1]))

    def layer_states(self, inputs: ModelInputs, layers: int | None = None) -> list[torch.Tensor]:
        """Each LSTM layer's output ``[B, L, H or 2H]``, before its dropout (the first ``layers`` only, if given)."""
        states = [run_lstm(self.lstms[0], self.features(inputs), inputs.lengths)]
        for lstm in self.lstms[1:layers]:
            states.append(run_lstm(lstm, self.dropout(states[-1]), inputs.lengths))
        return states

    def scores(self, states: torch.Tensor) -> torch.Tensor:
        """``[B, L, tags]`` log-probabilities from the last LSTM layer's output."""
        return F.log_softmax(self.output(states.to(self.output.weight.dtype)), dim=-1)

    def features(self, inputs: ModelInputs) -> torch.Tensor:
        """``[B, L, width]``: every word's features (word, untagged-text vector, spelling, shape), after dropout."""
        features = [self.word_embedding(inputs.word_ids)]
        if self.raw_embedding is not None:
            features.append(self.raw_embedding(inputs.raw_ids))
        if self.char_encoder is not None:
            # An embedding lookup, not tensor indexing: indexing's backward on a CPU sums with several
            # threads in an order that varies, so one seed gave slightly different models per process.
            vectors = self.char_encoder(inputs.chars) if inputs.char_vectors is None else inputs.char_vectors
            features.append(F.embedding(inputs.char_index, vectors))
        if self.shape_embedding is not None:
            features.append(self.shape_embedding(inputs.shape_ids))
        if self.suffix_embedding is not None:
            features.append(self.suffix_embedding(inputs.suffix_ids).flatten(2))
        return self.dropout(torch.cat(features, dim=-1))


def build_model(config: TrainConfig, vocab: Vocab) -> nn.Module:
    """A freshly initialised model of ``config.architecture`` sized for ``vocab``."""
    if config.architecture == "tutorial":
        return TutorialTagger(config.embedding_dim, config.hidden_dim, len(vocab.words), len(vocab.tags))
    return BiLSTMTagger(
        config, len(vocab.words), len(vocab.chars), len(vocab.tags), len(vocab.suffixes), len(vocab.raw_words),
        len(vocab.neighbour_tags),
    )


def set_raw_vectors(model: nn.Module, vectors: torch.Tensor) -> None:
    """Fill ``model``'s frozen table of vectors learned from untagged text (rows as ``Vocab.raw_words``).

    Its first columns: the table may go on with the neighbours' tags (``ml.neighbour_tags``).
    """
    with torch.no_grad():
        model.raw_embedding.weight[:, : vectors.shape[1]].copy_(vectors)
