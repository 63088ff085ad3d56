"""What a trained model says the untagged text's words are: each word's mean predicted tag distribution.

The tag columns of the untagged-text vectors (``ml.neighbour_tags``) start as the
tags of each word's nearest tagged words. A model trained on the tagged sentences
knows more: tagging the untagged text, it sees every word in all its contexts, and
the mean of its predictions over a word's occurrences is what this model believes
the word is (a word that is clearly a verb in some sentences and unclear in others
is still mostly a verb). The next model is trained with those means in the tag
columns of every word of the untagged text, in place of the neighbours' tags: a
form of self-training at the level of word types that costs one tagging pass.

Measured on EWT (the first 1% / 5% / 10% of train tagged, all of train as untagged
text, dev accuracy, 3 seeds, 2 threads), the profile of a first model trained the same
way: 87.55 -> 87.83, 91.08 -> 91.47, 92.12 -> 92.40, every seed better at every size.
Not better at 1%: the profile mixed half and half with the neighbours' tags (87.83), a
third round (87.82; at 5%, seeds 1-2: 91.54 / 91.63 -> 91.55 / 91.69), the untagged sentences
alone profiled (87.68), argmax counts or
squared probabilities instead of the mean (87.83). On all of EWT (5-minute ``default``,
one seed) neutral: dev 95.49 -> 95.55, test 95.65 both. In the simulated annotation
loop (``benchmarks/annotation_sim.py``) the loop's accuracy rose by 0.1-1.0 points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn

from tagger_gui.ml.neighbour_tags import SCALE, tag_columns_start
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.vocab import SPECIALS, Vocab

PROFILE_WORDS = 400_000
"""The most words tagged for a profile (about 3 s on 2 cores): a larger text is sampled, every k-th sentence."""


@dataclass(frozen=True)
class TagProfile:
    """Per word of the untagged text (as ``vocab.raw_form`` writes it), its mean predicted tag distribution.

    Attributes:
        words: the words, each once.
        tags: the column names of ``shares``.
        shares: ``[len(words), len(tags)]`` float32, each row summing to 1.
    """

    words: list[str]
    tags: list[str]
    shares: np.ndarray


def predicted_profile(tagger: Tagger, sentences: Sequence[Sequence[str]]) -> TagProfile | None:
    """``tagger``'s mean prediction for each of its untagged-text words met in ``sentences``.

    Of more than ``PROFILE_WORDS`` words, an evenly spaced sample of the sentences is tagged.
    ``None`` when the model has no tag columns to fill (no untagged-text vectors, or
    ``tag_neighbours`` off) or ``sentences`` hold none of its words.
    """
    vocab = tagger.vocab
    if not vocab.neighbour_tags or not any(sentences):
        return None
    step = -(-sum(map(len, sentences)) // PROFILE_WORDS)
    sentences = sentences[::step] if step > 1 else sentences
    table = tagger.form_table()  # its forms encoded once: for the model, and for their untagged-text rows
    probs = torch.from_numpy(np.concatenate([p.probs for p in tagger.predict(sentences, table)]))
    *_, raw_ids = table.tensors()  # (..., raw_ids): each form's row among the untagged-text vectors
    rows = raw_ids[torch.from_numpy(table.encode(sentences).rows)]
    sums = torch.zeros(len(vocab.raw_words), len(vocab.tags)).index_add_(0, rows, probs)
    counts = torch.bincount(rows, minlength=len(vocab.raw_words))
    counts[: len(SPECIALS)] = 0
    seen = counts.nonzero().squeeze(1)
    if not len(seen):
        return None
    shares = (sums[seen] / counts[seen].unsqueeze(1)).numpy().astype(np.float32)
    return TagProfile([vocab.raw_words[i] for i in seen.tolist()], list(vocab.tags), shares)


def apply_profile(model: nn.Module, vocab: Vocab, profile: TagProfile) -> None:
    """Write ``profile`` into the tag columns of ``model``'s untagged-text vectors, for the words it has.

    The other words keep their neighbours' tags; a tag the profile lacks gets 0.
    """
    rows = [vocab.raw_id(word) for word in profile.words]
    known = [i for i, row in enumerate(rows) if row >= len(SPECIALS)]
    if not vocab.neighbour_tags or not known:
        return
    columns = {tag: j for j, tag in enumerate(profile.tags)}
    values = np.zeros((len(known), len(vocab.neighbour_tags)), dtype=np.float32)
    for j, tag in enumerate(vocab.neighbour_tags):
        if tag in columns:
            values[:, j] = profile.shares[known, columns[tag]]
    table = model.raw_embedding.weight
    start = tag_columns_start(model, vocab)
    index = torch.tensor([rows[i] for i in known], dtype=torch.long, device=table.device)
    with torch.no_grad():
        table[index, start : start + values.shape[1]] = SCALE * torch.from_numpy(values).to(table.device, table.dtype)
