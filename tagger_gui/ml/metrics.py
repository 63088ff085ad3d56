"""Tagging quality: accuracy, accuracy on unseen words, per-tag P/R/F1, confusion matrix.

Tokens whose gold tag is missing (``None``) are not counted anywhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from tagger_gui.core.corpus import Sentence


@dataclass
class TagScores:
    """Precision, recall and F1 of one tag; ``support`` is its gold count."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Evaluation:
    """Figures of one evaluation.

    Attributes:
        accuracy: share of counted tokens tagged right (0.0 when there are none).
        words: number of counted tokens (those with a gold tag).
        oov_accuracy: accuracy on tokens whose form was not seen in training (``None`` if none).
        oov_words: number of such tokens.
        tags: row/column labels of ``confusion``.
        per_tag: scores for each tag in ``tags``.
        confusion: ``[gold, predicted]`` counts (int64).
    """

    accuracy: float
    words: int
    oov_accuracy: float | None
    oov_words: int
    tags: list[str]
    per_tag: dict[str, TagScores]
    confusion: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures (the confusion matrix as nested lists)."""
        return {
            "accuracy": self.accuracy,
            "words": self.words,
            "oov_accuracy": self.oov_accuracy,
            "oov_words": self.oov_words,
            "tags": list(self.tags),
            "per_tag": {tag: vars(scores).copy() for tag, scores in self.per_tag.items()},
            "confusion": self.confusion.tolist(),
        }


def evaluate_predictions(
    words: Sequence[Sequence[str]],
    gold: Sequence[Sequence[str | None]],
    predicted: Sequence[Sequence[str]],
    *,
    known_words: Iterable[str] = frozenset(),
    tags: Sequence[str] = (),
) -> Evaluation:
    """Compare ``predicted`` with ``gold`` tags, sentence by sentence.

    Args:
        words: the word forms (for out-of-vocabulary accuracy).
        gold: reference tags; ``None`` entries are skipped.
        predicted: the tagger's tags.
        known_words: forms seen in training; other forms count as unseen (OOV).
        tags: label order of the confusion matrix; tags met but not listed are appended.
    """
    known = known_words if isinstance(known_words, (set, frozenset)) else set(known_words)
    triples = [
        (w, g, p)
        for ws, gs, ps in zip(words, gold, predicted, strict=True)
        for w, g, p in zip(ws, gs, ps, strict=True)
        if g is not None
    ]
    labels = list(tags) + sorted({t for _, g, p in triples for t in (g, p)} - set(tags))
    index = {t: i for i, t in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    if triples:
        np.add.at(confusion, ([index[g] for _, g, _ in triples], [index[p] for _, _, p in triples]), 1)
    oov = [g == p for w, g, p in triples if w not in known]
    return Evaluation(
        accuracy=_share(int(np.trace(confusion)), len(triples)),
        words=len(triples),
        oov_accuracy=_share(sum(oov), len(oov)) if oov else None,
        oov_words=len(oov),
        tags=labels,
        per_tag=per_tag_scores(confusion, labels),
        confusion=confusion,
    )


def per_tag_scores(confusion: np.ndarray, tags: Sequence[str]) -> dict[str, TagScores]:
    """Precision/recall/F1/support of each tag from a ``[gold, predicted]`` confusion matrix."""
    hits = np.diag(confusion)
    support = confusion.sum(axis=1)
    guessed = confusion.sum(axis=0)
    scores = {}
    for i, tag in enumerate(tags):
        precision = _share(int(hits[i]), int(guessed[i]))
        recall = _share(int(hits[i]), int(support[i]))
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[tag] = TagScores(precision, recall, f1, int(support[i]))
    return scores


def majority_baseline(train: Sequence[Sentence], test: Sequence[Sentence]) -> Evaluation:
    """Evaluate the baseline that gives each word its most frequent training tag.

    Words not seen in training get the most frequent tag overall.
    """
    per_word: dict[str, Counter[str]] = defaultdict(Counter)
    overall: Counter[str] = Counter()
    for sentence in train:
        for token in sentence.tokens:
            if token.tag is not None:
                per_word[token.form][token.tag] += 1
                overall[token.tag] += 1
    fallback = overall.most_common(1)[0][0] if overall else ""
    best = {word: counts.most_common(1)[0][0] for word, counts in per_word.items()}
    return evaluate_predictions(
        [s.words for s in test],
        [s.tags for s in test],
        [[best.get(w, fallback) for w in s.words] for s in test],
        known_words=per_word.keys(),
    )


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
