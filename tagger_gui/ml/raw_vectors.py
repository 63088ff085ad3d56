"""Word vectors learned from untagged text: what a tagger can know about words it never saw tagged.

An annotator has a few hundred tagged sentences and thousands of untagged ones. A
word's part of speech shows in the words around it, and that needs no tags: a word
seen after "the" and before "of" is a noun, whatever it is. ``learn_vectors``
counts, for every word of the untagged text, the words one and two positions to its
left and right (among the most frequent words), weights the counts by positive
pointwise mutual information, and keeps the top singular vectors of that matrix
(Levy, Goldberg & Dagan 2015: PPMI + SVD with small windows is among the best
count-based vectors for syntax). It runs in seconds on a million words with numpy
and one sparse randomised SVD, so it fits an annotation session; no download and
no pretrained resource is involved.

The vectors are learned in lower case, so two of their values say how the word is
written inside sentences (capitalised, all in capitals; sentences written as titles,
``vocab.is_headline``, not counted), and ``capitalised`` lists the words written with a
capital there: a sentence's first word, and every word of a title, is read without its
capital unless it is one of them (``Vocab.as_read``).

The tagger gets a word's vector as an extra, frozen input beside its own learned
embedding (``model.BiLSTMTagger``), so a word tagged once, or never, is tagged
like the words that share its contexts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable, Iterable, Sequence

import numpy as np
import safetensors.torch
import torch

from tagger_gui.core.atomic import atomic_write_bytes
from tagger_gui.core.files import read_regular_bytes
from tagger_gui.ml.vocab import SPECIALS, is_headline, raw_form

CONTEXT_WORDS = 2000
"""The most frequent words that serve as contexts (the rest count as one rare-word context)."""
OFFSETS = (-2, -1, 1, 2)
"""Context positions relative to the word."""
SMOOTHING = 0.75
"""Context counts are raised to this power before PMI (the usual smoothing, rare contexts count less)."""
CASE_COLUMNS = 2
"""Of the ``dim`` values of a vector (when ``dim`` is over twice this), how many say how the word is written
inside sentences (``_case_counts``: the share capitalised, the share all in capitals); the rest come from
its contexts."""
MAX_WORDS = 100_000
"""At most this many words (the most frequent) get a vector."""
MAX_FILE_BYTES = 512 * 2**20
"""Largest vectors file ``RawVectors.load`` reads."""


@dataclass
class RawVectors:
    """Vectors of the words of an untagged text, rows aligned with ``words``.

    Attributes:
        words: the words (as ``vocab.raw_form`` writes them), ``SPECIALS`` first (their rows are zero).
        vectors: ``[len(words), dim]`` float32, each column of mean 0 and variance 1 over the words.
        fingerprint: a digest of the text and settings they were learned from (for caches).
        capitalised: the words (of ``words``) written with a capital inside sentences at least half
            the time, or never seen there: what a sentence's first word may be when it has a capital
            (``Vocab.as_inside``).
    """

    words: list[str]
    vectors: torch.Tensor
    fingerprint: str
    capitalised: list[str] = field(default_factory=list)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def save(self, path: str | os.PathLike) -> None:
        """Write one safetensors file (atomically): the vectors, with the word lists and fingerprint as metadata."""
        metadata = {"words": json.dumps(self.words, ensure_ascii=False), "fingerprint": self.fingerprint,
                    "capitalised": json.dumps(self.capitalised, ensure_ascii=False)}
        atomic_write_bytes(path, safetensors.torch.save({"vectors": self.vectors.contiguous()}, metadata))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "RawVectors":
        """Read what ``save`` wrote (``ValueError`` naming the file if it is not such a file; ``OSError``)."""
        data = read_regular_bytes(path, MAX_FILE_BYTES)
        try:
            vectors = safetensors.torch.load(data)["vectors"]
            header = json.loads(data[8:8 + int.from_bytes(data[:8], "little")])["__metadata__"]
            words = json.loads(header["words"])
            fingerprint = header["fingerprint"]
            capitalised = json.loads(header["capitalised"])
        except (KeyError, ValueError, TypeError, RuntimeError, safetensors.SafetensorError) as error:
            raise ValueError(f"{path}: not a file of word vectors ({error})") from None
        if vectors.dtype != torch.float32 or vectors.dim() != 2 or len(words) != len(vectors) \
                or not all(isinstance(w, str) for w in chain(words, capitalised)) or not torch.isfinite(vectors).all():
            raise ValueError(f"{path}: the word vectors do not match their word list or are not finite")
        return cls(words, vectors, str(fingerprint), capitalised)


def text_fingerprint(sentences: Iterable[Sequence[str]], dim: int, min_count: int) -> str:
    """A digest of ``sentences`` and the settings: equal digests mean equal vectors."""
    digest = hashlib.sha256(f"raw-vectors-3 {dim} {min_count} {CONTEXT_WORDS} {OFFSETS}\n".encode())
    for words in sentences:
        digest.update("\t".join(words).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    return digest.hexdigest()


def learn_vectors(
    sentences: Sequence[Sequence[str]],
    dim: int = 64,
    *,
    min_count: int = 2,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
    fingerprint: str | None = None,
) -> RawVectors:
    """PPMI + SVD vectors of size ``dim`` for the words seen ``min_count`` times or more in ``sentences``.

    Args:
        sentences: untagged sentences as lists of words (tagged ones may be included too).
        dim: size of each vector (at most the number of contexts).
        min_count: words seen fewer times get no vector (their contexts are too few to say much).
        seed: seed of the randomised SVD.
        progress: called with a short description before each stage.
        fingerprint: the result's cache key, when the caller has one (default: ``text_fingerprint``).

    Raises:
        ValueError: if the text has fewer than ``dim`` + 1 distinct words worth a vector.
    """
    report = progress or (lambda stage: None)
    report("counting words")
    forms = [[raw_form(w) for w in words] for words in sentences]
    counts = Counter(chain.from_iterable(forms))
    kept = [w for w, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if n >= min_count][:MAX_WORDS]
    if len(kept) <= dim:
        raise ValueError(f"the untagged text has {len(kept)} words seen {min_count} times or more; need more than {dim}")
    report("counting contexts")
    matrix = _ppmi(forms, kept)
    report("reducing to vectors")
    case_columns = CASE_COLUMNS if dim > 2 * CASE_COLUMNS else 0
    vectors = _reduced(matrix, dim - case_columns, seed)
    seen, capitalised, all_capitals = _case_counts(sentences, forms, kept)
    if case_columns:  # smoothed towards 1/2 and 1/10 for words seen rarely
        shares = np.stack([(capitalised + 0.5) / (seen + 1), (all_capitals + 0.1) / (seen + 1)], axis=1)
        vectors = torch.cat([vectors, torch.from_numpy(shares).to(vectors.dtype)], dim=1)
    vectors = (vectors - vectors.mean(0)) / vectors.std(0).clamp(min=1e-6)
    rows = torch.cat([torch.zeros(len(SPECIALS), dim), vectors.float()])
    names = [w for w, n, c in zip(kept, seen, capitalised) if c >= n / 2]
    return RawVectors(SPECIALS + kept, rows, fingerprint or text_fingerprint(sentences, dim, min_count), names)


def _reduced(matrix: torch.Tensor, dim: int, seed: int) -> torch.Tensor:
    """``[rows, dim]``: the rows of ``matrix`` on its top ``dim`` singular vectors (seeded randomised SVD)."""
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        u, s, _ = torch.svd_lowrank(matrix, q=dim, niter=4)
    finally:
        torch.random.set_rng_state(generator_state)
    return u * s.sqrt()


def _case_counts(
    sentences: Sequence[Sequence[str]], forms: list[list[str]], kept: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each word of ``kept``: how often it is seen inside a sentence, capitalised there, and all in capitals.

    Counted over its occurrences after a sentence's first word that start with a letter
    (a sentence's first word is capitalised whatever it is), outside sentences written
    as titles ("Customer Service Agreement"), where every word is. The vectors are learned
    from lower-cased forms, so without these counts "bush" the plant and "Bush" the name
    would look alike; a name is capitalised almost everywhere, a noun almost nowhere.
    """
    row_of = {w: i for i, w in enumerate(kept)}
    seen, capitalised, all_capitals = (np.zeros(len(kept)) for _ in range(3))
    for words, word_forms in zip(sentences, forms):
        if is_headline(words):
            continue
        for word, form in zip(words[1:], word_forms[1:]):
            row = row_of.get(form)
            if row is not None and word[:1].isalpha():
                seen[row] += 1
                capitalised[row] += word[0].isupper()
                all_capitals[row] += len(word) > 1 and word.isupper()
    return seen, capitalised, all_capitals


def _ppmi(forms: list[list[str]], kept: list[str]) -> torch.Tensor:
    """The sparse ``[words, contexts]`` positive PMI matrix, one block of contexts per offset.

    PMI(w, c) = log(P(w, c) / (P(w) P(c))) within each offset's block, with the context
    distribution smoothed (``SMOOTHING``); negative values are dropped.
    """
    word_index = {w: i for i, w in enumerate(kept)}
    n_context = min(CONTEXT_WORDS, len(kept)) + 2  # the frequent words, a sentence boundary, any rarer word
    boundary, rare = n_context - 2, n_context - 1
    # One flat stream with two boundary markers (-2) after each sentence: offsets never cross sentences.
    stream = np.fromiter(
        (word_index.get(w, -1) for words in forms for w in chain(words, (None, None))), dtype=np.int64
    )
    markers = np.zeros(len(stream), dtype=bool)
    ends = np.cumsum([len(f) + 2 for f in forms])
    markers[ends - 1] = markers[ends - 2] = True
    contexts = np.where(markers, boundary, np.where((stream >= 0) & (stream < boundary), stream, rare))
    padded = np.concatenate([np.full(2, boundary), contexts, np.full(2, boundary)])
    targets = np.flatnonzero((stream >= 0) & ~markers)
    width = len(OFFSETS) * n_context
    keys = np.concatenate([
        stream[targets] * width + block * n_context + padded[targets + 2 + offset]
        for block, offset in enumerate(OFFSETS)
    ])
    keys, pair_counts = np.unique(keys, return_counts=True)
    rows, columns = np.divmod(keys, width)
    smoothed = np.bincount(columns, weights=pair_counts, minlength=width) ** SMOOTHING
    block_totals = smoothed.reshape(len(OFFSETS), n_context).sum(axis=1)
    context_share = smoothed[columns] / block_totals[columns // n_context]
    word_share = np.bincount(rows, weights=pair_counts, minlength=len(kept))[rows] / pair_counts.sum()
    pair_share = pair_counts / (pair_counts.sum() / len(OFFSETS))
    pmi = np.log(pair_share / (word_share * context_share))
    positive = pmi > 0
    index = torch.from_numpy(np.stack([rows[positive], columns[positive]]))
    values = torch.from_numpy(pmi[positive].astype(np.float32))
    return torch.sparse_coo_tensor(index, values, (len(kept), width), check_invariants=False).coalesce()
