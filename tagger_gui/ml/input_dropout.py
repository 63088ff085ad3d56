"""Training inputs made to look like the words the tagger will meet only when tagging.

Two kinds of word are unknown at tagging time, and each needs training examples:

- words never tagged: ``word_dropout`` replaces a training word's own embedding by
  ``UNK`` with probability ``a / (a + count)``, so rare words teach the unknown-word vector;
- words the untagged text lacks as well (a new name, a typo, a word of a file tagged
  later): their untagged-text vector is the ``UNK`` row. Every word of the tagged
  sentences is in the untagged text (the project's sentences are part of it), so without
  ``raw_dropout`` that row never appeared in training and such words reached the tagger
  with an input it had never seen. ``raw_dropout`` replaces a training word's
  untagged-text vector by the ``UNK`` row with that probability.

Measured on EWT (the first 1% / 2% / 5% / 10% of train tagged, all of train as untagged
text, dev, one thread, a Train as ``benchmarks/learning_curve.py`` runs it, seeds 1-3, on a
2-core AMD EPYC): ``raw_dropout`` 0.1 against none, 1% 88.08 -> 88.12, 2% 89.37 -> 89.69,
5% 91.58 -> 91.74, 10% 92.57 -> 92.68; every seed better at 2% and 5%. At 5%, dev words the
untagged text lacks (1,606 of 25,147) went from 73.6 to 74.7% and words it holds but nobody
tagged from 82.7 to 83.0%; 0.05 and 0.2 gained less (seed 1: 91.69; seeds 1-2: 91.70), and
so did dropping the vector only where the word embedding was dropped (seeds 1-2: 91.70).
On all of EWT (``default`` for 12 epochs, one thread, seeds 1-3) neutral: dev 95.27 -> 95.25%
(95.23 / 95.20 / 95.37 -> 95.16 / 95.26 / 95.33), test 95.53 -> 95.56%.
"""

from __future__ import annotations

import torch

from tagger_gui.ml.batching import ModelInputs
from tagger_gui.ml.vocab import PAD, UNK, Vocab


def word_drop_rates(vocab: Vocab, alpha: float, device: torch.device) -> torch.Tensor | None:
    """Per word of ``vocab``, its probability ``alpha / (alpha + count)`` of becoming ``UNK`` (``None``: no dropout)."""
    if alpha <= 0:
        return None
    counts = torch.tensor(vocab.word_counts, dtype=torch.float32)
    probs = alpha / (alpha + counts)
    probs[[PAD, UNK]] = 0.0
    return probs.to(device)


def drop_inputs(inputs: ModelInputs, word_drop: torch.Tensor | None, raw_dropout: float) -> None:
    """Replace, in ``inputs``, dropped words' embeddings (``word_drop`` per word) and untagged-text vectors by ``UNK``.

    ``raw_dropout``: the probability for each word's untagged-text vector (0 for a model without them).
    """
    if word_drop is not None:
        dropped = torch.rand(inputs.word_ids.shape, device=inputs.word_ids.device) < word_drop[inputs.word_ids]
        inputs.word_ids = inputs.word_ids.masked_fill(dropped, UNK)
    if raw_dropout > 0:
        dropped = torch.rand(inputs.raw_ids.shape, device=inputs.raw_ids.device) < raw_dropout
        inputs.raw_ids = inputs.raw_ids.masked_fill(dropped & (inputs.raw_ids != PAD), UNK)
