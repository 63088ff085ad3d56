"""Turning sentences into model inputs fast: form tables and length-bucketed batches.

Building tensors token by token in Python is what limits tagging speed on a CPU,
so every distinct word form of a data set is encoded once (``FormTable``): its
word id, shape id and character ids. A sentence is then an array of form rows,
and a batch's inputs are gathered with tensor indexing. Characters are encoded
once per distinct word of the batch, not once per token; for tagging, the
character encoder itself runs once per distinct form (``FormTable.char_vectors``).
``FormTable.encode`` turns many sentences into rows at once and ``Encoded.padded``
gathers a padded batch with numpy: no Python code runs per word.

Training batches group sentences of equal length, which need no padding and take
the fast LSTM path (packing batches of unequal lengths cost about 1.6x there); with
few sentences per length, batches of near lengths instead (``near_length_batches``).
Inference, with no backward pass, is fastest on a few large length-sorted
batches that the model packs (about twice the speed of equal-length batches).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Sequence

import numpy as np
import torch
from torch import nn

from tagger_gui.ml.vocab import PAD, Vocab, headline_mask, headline_vote, word_shape

CHAR_ROWS = 4096
"""Forms encoded together by ``FormTable.char_vectors``."""
IGNORE = -100
"""Tag index of tokens that carry no tag (and of padding): left out of the loss."""


@dataclass
class ModelInputs:
    """Tensors for one batch of ``B`` sentences padded to ``L`` words.

    Attributes:
        word_ids: ``[B, L]`` word indices (``PAD`` beyond a sentence's end).
        shape_ids: ``[B, L]`` shape indices.
        chars: ``[U, C]`` character indices of the batch's ``U`` distinct forms.
        char_index: ``[B, L]`` row of ``chars`` for each token.
        suffix_ids: ``[B, L, S]`` indices of each word's last 1..S letters (``S`` may be 0).
        lengths: ``[B]`` sentence lengths (CPU), or ``None`` when all equal ``L``.
        char_vectors: the character encoder's ``[N, D]`` output, computed beforehand, for
            ``char_index`` to pick rows from (then ``chars`` is not used); ``None``: encode ``chars``.
        raw_ids: ``[B, L]`` rows of the words' vectors learned from untagged text (all ``PAD``
            when the model has none).
    """

    word_ids: torch.Tensor
    shape_ids: torch.Tensor
    chars: torch.Tensor
    char_index: torch.Tensor
    suffix_ids: torch.Tensor
    lengths: torch.Tensor | None
    char_vectors: torch.Tensor | None = None
    raw_ids: torch.Tensor | None = None


class FormTable:
    """The distinct word forms of a data set, each encoded once.

    Row 0 is padding. ``rows(words)`` returns the rows of a sentence's words,
    adding forms not seen before.
    """

    def __init__(self, vocab: Vocab, max_chars: int, suffix_length: int) -> None:
        self.vocab = vocab
        self.max_chars = max_chars
        self.suffix_length = suffix_length
        self._row: dict[str, int] = {}
        self._word_ids: list[int] = [PAD]
        self._shape_ids: list[int] = [PAD]
        self._raw_ids: list[int] = [PAD]
        self._votes: list[int] = [0]  # ``headline_vote`` of each form
        self._chars: list[list[int]] = [[]]
        self._suffix_ids: list[list[int]] = [[PAD] * suffix_length]
        self._tensors: tuple[torch.Tensor, ...] | None = None
        self._vectors: torch.Tensor | None = None  # char_vectors' output for the first rows

    def __len__(self) -> int:
        return len(self._word_ids)

    def rows(self, words: Sequence[str]) -> np.ndarray:
        """Form rows (int64) of ``words``."""
        get = self._row.get
        rows = [get(w, -1) for w in words]
        if -1 in rows:
            rows = [r if r >= 0 else self._add(w) for r, w in zip(rows, words)]
        return np.asarray(rows, dtype=np.int64)

    def sentence_rows(self, words: Sequence[str]) -> np.ndarray:
        """Form rows of a sentence's ``words`` as the tagger reads them (``Vocab.as_read``)."""
        return self.rows(self.vocab.as_read(words))

    def encode(self, sentences: Sequence[Sequence[str]]) -> "Encoded":
        """The form rows of every word of ``sentences``, flat, with each sentence's start and length.

        As ``sentence_rows`` does, each sentence is taken as the tagger reads it (``Vocab.as_read``).
        Each distinct word is looked up once; mapping the words to rows then runs in
        C (``map`` over a dict, ``np.fromiter``): no Python code runs per word.
        """
        lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        starts = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        words = list(chain.from_iterable(sentences))
        for start in starts[lengths > 0].tolist():
            words[start] = self.vocab.as_inside(words[start])
        distinct = list(dict.fromkeys(words))
        row_of = dict(zip(distinct, self.rows(distinct).tolist()))
        rows = np.fromiter(map(row_of.__getitem__, words), dtype=np.int64, count=len(words))
        if self.vocab.capitalised is not None:  # titles (rare) read word by word: ``Vocab.as_read``
            titles = headline_mask(np.asarray(self._votes, dtype=np.int64)[rows], starts, lengths)
            for i in np.flatnonzero(titles).tolist():
                rows[starts[i]:starts[i] + lengths[i]] = self.sentence_rows(sentences[i])
        return Encoded(rows, starts, lengths)

    def _add(self, word: str) -> int:
        row = self._row.get(word)
        if row is None:
            row = self._row[word] = len(self._word_ids)
            self._word_ids.append(self.vocab.word_id(word))
            self._shape_ids.append(word_shape(word))
            self._raw_ids.append(self.vocab.raw_id(word))
            self._votes.append(headline_vote(word))
            self._chars.append(self.vocab.char_ids(word, self.max_chars))
            self._suffix_ids.append(self.vocab.suffix_ids(word, self.suffix_length))
            self._tensors = None
        return row

    def tensors(self) -> tuple[torch.Tensor, ...]:
        """``(word_ids, shape_ids, chars [N, C], char_lengths, suffix_ids [N, S], raw_ids)`` of all ``N`` rows (cached)."""
        if self._tensors is None:
            lengths = np.fromiter(map(len, self._chars), dtype=np.int64, count=len(self._chars))
            chars = np.zeros((len(self._chars), max(1, int(lengths.max()))), dtype=np.int64)
            chars[np.arange(chars.shape[1]) < lengths[:, None]] = np.fromiter(
                chain.from_iterable(self._chars), dtype=np.int64, count=int(lengths.sum()))  # row by row, in order
            self._tensors = (
                torch.tensor(self._word_ids),
                torch.tensor(self._shape_ids),
                torch.from_numpy(chars),
                torch.from_numpy(lengths),
                torch.tensor(self._suffix_ids, dtype=torch.int64).reshape(len(self._suffix_ids), self.suffix_length),
                torch.tensor(self._raw_ids),
            )
        return self._tensors

    def char_vectors(self, encoder: nn.Module, device: torch.device) -> torch.Tensor:
        """``encoder``'s output for every row (no gradient), computed once per row and kept.

        For tagging: each distinct form is encoded once however many batches it is in.
        """
        _, _, chars, char_lengths, _, _ = self.tensors()
        done = 0 if self._vectors is None else len(self._vectors)
        parts = [] if self._vectors is None else [self._vectors]
        for start in range(done, len(chars), CHAR_ROWS):
            end = min(start + CHAR_ROWS, len(chars))
            width = max(1, int(char_lengths[start:end].max()))
            with torch.no_grad():
                parts.append(encoder(chars[start:end, :width].to(device)))
        self._vectors = torch.cat(parts) if len(parts) > 1 else parts[0]
        return self._vectors

    def inputs(self, rows: torch.Tensor, lengths: torch.Tensor | None, device: torch.device,
               char_encoder: nn.Module | None = None) -> ModelInputs:
        """Model inputs for a ``[B, L]`` tensor of form rows (with ``char_encoder``: its output precomputed)."""
        word_ids, shape_ids, chars, char_lengths, suffix_ids, raw_ids = self.tensors()
        if char_encoder is not None:
            return ModelInputs(word_ids=word_ids[rows].to(device), shape_ids=shape_ids[rows].to(device),
                               chars=chars[:0], char_index=rows.to(device), suffix_ids=suffix_ids[rows].to(device),
                               lengths=lengths, char_vectors=self.char_vectors(char_encoder, device),
                               raw_ids=raw_ids[rows].to(device))
        unique, inverse = torch.unique(rows, return_inverse=True)
        width = max(1, int(char_lengths[unique].max()))
        return ModelInputs(
            word_ids=word_ids[rows].to(device),
            shape_ids=shape_ids[rows].to(device),
            chars=chars[unique, :width].to(device),
            char_index=inverse.to(device),
            suffix_ids=suffix_ids[rows].to(device),
            lengths=lengths,
            raw_ids=raw_ids[rows].to(device),
        )


@dataclass
class Encoded:
    """Sentences as form rows: ``rows[starts[i] : starts[i] + lengths[i]]`` are sentence ``i``'s words."""

    rows: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray

    def padded(self, indices: np.ndarray, fill: int = PAD) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The ``[B, L]`` rows of sentences ``indices`` (none empty) padded with ``fill``, as ``pad_rows`` gives.

        Gathered in one numpy operation: a sentence's words sit at ``start + column``.
        """
        inside, grid = self._grid(indices)
        matrix = np.where(inside, self.rows[np.where(inside, grid, 0)], fill)
        return torch.from_numpy(matrix), None if inside.all() else torch.from_numpy(self.lengths[indices])

    def scatter(self, indices: np.ndarray, padded: np.ndarray, out: np.ndarray) -> None:
        """Copy the ``[B, L, ...]`` values of sentences ``indices`` (laid out as ``padded`` gives) to their
        words' flat positions in ``out`` (``[n_words, ...]``), dropping the padding."""
        inside, grid = self._grid(indices)
        out[grid[inside]] = padded[inside]

    def _grid(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(inside [B, L], flat word position [B, L])`` of sentences ``indices`` padded to the longest."""
        sizes = self.lengths[indices]
        columns = np.arange(int(sizes.max()))
        return columns < sizes[:, None], self.starts[indices][:, None] + columns


def length_batches(lengths: np.ndarray, batch_size: int, *, rng: np.random.Generator | None = None) -> list[np.ndarray]:
    """Split sentence indices into training batches of sentences of equal length.

    The ``n`` sentences of each length are cut into ``ceil(n / batch_size)``
    batches of near-equal size. Equal lengths need no padding or packing, which
    keeps the LSTM on its fast path for the backward pass too. With ``rng`` the
    order within each length and the order of the batches are shuffled.
    """
    order = _length_order(lengths, rng)
    batches: list[np.ndarray] = []
    for group in _length_groups(lengths, order):
        batches.extend(np.array_split(group, -(-len(group) // batch_size)))
    return _shuffled(batches, rng)


def near_length_batches(lengths: np.ndarray, batch_size: int, *, rng: np.random.Generator | None = None) -> list[np.ndarray]:
    """Split sentence indices into training batches of ``batch_size`` sentences of near lengths (padded).

    The sentences, sorted by length (ties in ``rng``'s order), are cut every ``batch_size``.
    For a few hundred sentences, where few share a length, equal-length batches hold 2 or 3
    sentences each: an LSTM step costs nearly as much for 2 sentences as for 4, so batches
    of 4 near lengths made the loop's retrain on 1% of EWT about 40% faster (``ml.schedule``).
    With ``rng`` the batches come in a shuffled order.
    """
    order = _length_order(lengths, rng)
    return _shuffled([order[start:start + batch_size] for start in range(0, len(order), batch_size)], rng)


def _length_order(lengths: np.ndarray, rng: np.random.Generator | None) -> np.ndarray:
    """Sentence indices sorted by length; sentences of one length in ``rng``'s order (without it, in order)."""
    order = rng.permutation(len(lengths)) if rng is not None else np.arange(len(lengths))
    return order[np.argsort(lengths[order], kind="stable")]


def _shuffled(batches: list[np.ndarray], rng: np.random.Generator | None) -> list[np.ndarray]:
    """``batches`` in ``rng``'s order (without it, as they are)."""
    return batches if rng is None else [batches[i] for i in rng.permutation(len(batches))]


def _length_groups(lengths: np.ndarray, order: np.ndarray) -> list[np.ndarray]:
    """``order`` (sentence indices sorted by length) cut where the length changes: one array per length."""
    return [group for group in np.split(order, np.flatnonzero(np.diff(lengths[order])) + 1) if len(group)]


def rank_share(batches: Sequence[np.ndarray], rank: int, world_size: int) -> list[np.ndarray]:
    """Rank ``rank``'s share of an epoch's ``batches``: every ``world_size``-th one, from ``rank`` on.

    Every rank gets the same number of batches, ``len(batches) // world_size`` (at
    least 1), since DistributedDataParallel steps all ranks together: the few left
    over are skipped this epoch (the next epoch's shuffle differs). With fewer
    batches than ranks, ranks repeat batches.
    """
    count = max(1, len(batches) // world_size)
    return [batches[(rank + world_size * i) % len(batches)] for i in range(count)]


SHARED_LENGTH_SHARE = 0.1
"""In tagging, a length whose sentences fill this share of a batch gets batches of its own."""


def tagging_batches(lengths: np.ndarray, max_tokens: int) -> list[np.ndarray]:
    """Sentence indices for tagging, in batches of at most ``max_tokens`` padded tokens.

    The sentences of one length go together when they fill at least ``SHARED_LENGTH_SHARE``
    of a batch: such a batch needs no packing, and PyTorch runs an unpacked LSTM through
    oneDNN's RNN kernel, faster than its packed path. The rarer lengths share batches of
    similar lengths, packed (``sorted_batches``): many small batches cost more per word.
    Tagging EWT train with the ``default`` model (median of 5 runs): 55,200 words/s on
    2 threads and 42,700 on one, against 44,400 and 36,600 with ``sorted_batches`` alone.
    """
    batches, rare = [], []
    for group in _length_groups(lengths, np.argsort(lengths, kind="stable")):
        length = int(lengths[group[0]])
        if len(group) * length < SHARED_LENGTH_SHARE * max_tokens:
            rare.append(group)
            continue
        per_batch = max(1, max_tokens // length)
        batches.extend(group[start : start + per_batch] for start in range(0, len(group), per_batch))
    if rare:
        rest = np.concatenate(rare)
        batches.extend(rest[batch] for batch in sorted_batches(lengths[rest], max_tokens))
    return batches


TAGGING_ROW_BLOCK = 8
"""Tagging batches are padded to a multiple of this many sentences (``padded_to_block``)."""


def padded_to_block(indices: np.ndarray, block: int = TAGGING_ROW_BLOCK) -> np.ndarray:
    """``indices`` with its last sentence repeated up to a multiple of ``block`` sentences.

    oneDNN's bf16 LSTM (AMX, torch 2.13) is 3-4 times slower on batches of some sizes
    than on their neighbours: sizes without a small factor (373, 379, 409, 443, but
    also 34-38, 51, 53, 58, ...), as the last batch of a length often is. On the
    project's Xeon, one BiLSTM layer of 334 inputs and 128 hidden (bf16, one thread,
    16 words) tagged 0.11 million words/s with 373 sentences and 0.40 with any multiple of
    8 from 256 to 512; the ``default`` model's passes over EWT train, one thread, took
    1.98-2.12 s and 1.22 s with the batches padded to a multiple of 8 (1.32 s to 16, 1.44 s
    to 64). fp32 showed no such sizes. The repeated sentences' scores are dropped.
    """
    missing = -len(indices) % block
    return np.concatenate([indices, np.repeat(indices[-1:], missing)]) if missing else indices


def sorted_batches(lengths: np.ndarray, max_tokens: int) -> list[np.ndarray]:
    """Split sentence indices, sorted by length, into batches of at most ``max_tokens`` padded tokens."""
    order = np.argsort(lengths, kind="stable")
    batches, start = [], 0
    while start < len(order):
        end = start + 1
        while end < len(order) and (end + 1 - start) * lengths[order[end]] <= max_tokens:
            end += 1
        batches.append(order[start:end])
        start = end
    return batches


def pad_rows(arrays: Sequence[np.ndarray], fill: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Stack 1-D arrays into a ``[B, L]`` tensor padded with ``fill``.

    Returns the tensor and the lengths, or ``None`` for lengths when all arrays
    have the same length (then nothing needs packing).
    """
    sizes = [len(a) for a in arrays]
    longest = max(sizes)
    if min(sizes) == longest:
        return torch.from_numpy(np.stack(arrays)), None
    matrix = np.full((len(arrays), longest), fill, dtype=np.int64)
    for i, a in enumerate(arrays):
        matrix[i, : len(a)] = a
    return torch.from_numpy(matrix), torch.tensor(sizes)
