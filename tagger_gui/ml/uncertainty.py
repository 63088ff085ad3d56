"""Plain helpers over predictions: uncertainty, ranked tags, review order, pre-annotation, model diffs.

No Qt and no torch: everything works on ``Prediction`` score arrays and tag lists,
so the window and tests share one definition of "uncertain" and "disagreeing".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from tagger_gui.ml.predict import Prediction


def token_entropy(log_probs: np.ndarray) -> np.ndarray:
    """``[n_words]`` entropy (nats) of each word's tag distribution."""
    if not len(log_probs):
        return np.zeros(0, np.float32)
    return -(np.exp(log_probs) * log_probs).sum(axis=1)


@dataclass(frozen=True)
class SentenceUncertainty:
    """How unsure the model is about one sentence.

    Attributes:
        min_confidence: the lowest best-tag probability of its words (1.0 for an empty sentence).
        max_entropy: the highest per-word entropy (0.0 for an empty sentence).
    """

    min_confidence: float
    max_entropy: float


def sentence_uncertainty(prediction: Prediction) -> SentenceUncertainty:
    """The uncertainty figures of one predicted sentence."""
    if not len(prediction.log_probs):
        return SentenceUncertainty(1.0, 0.0)
    return SentenceUncertainty(float(prediction.confidence.min()), float(token_entropy(prediction.log_probs).max()))


def ranked_tags(prediction: Prediction, word: int, k: int = 9) -> list[tuple[str, float]]:
    """The ``k`` most probable tags of word ``word`` as ``(tag, probability)``, most probable first."""
    scores = prediction.log_probs[word]
    order = np.argsort(-scores, kind="stable")[:k]
    return [(prediction.tag_names[i], float(np.exp(scores[i]))) for i in order]


def disagrees(saved: str | None, predicted: str | None) -> bool:
    """The one definition of "the model disagrees with the saved tag": both exist and differ.

    An untagged token never disagrees (it is a suggestion, not a conflict).
    """
    return saved is not None and predicted is not None and saved != predicted


UNSURE_BELOW = 0.8
"""A suggestion whose probability is below this is "unsure": the tag editor marks it and stops on it at Tab.

Measured on EWT dev with a default-preset model after 4 epochs (trained with
label smoothing 0.1, so a sure tag scores about 0.9): 74% of its wrong tags are
unsure, and 12% of all its tags.
"""


def is_unsure(confidence: float | np.ndarray) -> bool | np.ndarray:
    """Whether the model's best tag at ``confidence`` is one to look at (``UNSURE_BELOW``); elementwise on arrays."""
    return confidence < UNSURE_BELOW


def tab_stop(row: int, step: int, stops: Sequence[bool] | None) -> int:
    """Where Tab (``step`` 1) or Shift+Tab (-1) takes the tag editor's cursor from token ``row``.

    Args:
        row: the current token.
        step: 1 for Tab, -1 for Shift+Tab.
        stops: per token, whether Tab stops on it (unsure, or the model disagrees); ``None``
            when the sentence has no prediction: Tab then moves one token, as Right does
            (the caller keeps the cursor inside the sentence).

    Returns:
        The nearest stop that way, else the sentence's last (Tab) or first (Shift+Tab) token.
    """
    if stops is None:
        return row + step
    ahead = range(row + 1, len(stops)) if step > 0 else range(row - 1, -1, -1)
    return next((r for r in ahead if stops[r]), len(stops) - 1 if step > 0 else 0)


def needs_review(gold: str | None, predicted: str) -> bool:
    """A token to look at: untagged, or one the model disagrees with."""
    return gold is None or disagrees(gold, predicted)


@dataclass(frozen=True)
class ReviewToken:
    """A token worth a look, with the model's confidence in its best tag."""

    sentence: int
    token: int
    confidence: float


def review_order(tags: Sequence[Sequence[str | None]], predictions: Sequence[Prediction | None]) -> list[ReviewToken]:
    """Untagged or disagreeing tokens, most uncertain first (ties in corpus order).

    Args:
        tags: the gold tags of each sentence (``None`` = untagged).
        predictions: the prediction of each sentence, ``None`` where unknown (skipped).
    """
    found: list[ReviewToken] = []
    for s, (gold, prediction) in enumerate(zip(tags, predictions)):
        if prediction is None or not len(prediction.log_probs):
            continue
        best = prediction.log_probs.argmax(axis=1).tolist()
        confidence = prediction.confidence.tolist()
        names = prediction.tag_names
        for t, (g, b) in enumerate(zip(gold, best)):
            if needs_review(g, names[b]):
                found.append(ReviewToken(s, t, confidence[t]))
    found.sort(key=lambda r: (r.confidence, r.sentence, r.token))
    return found


def next_review(order: Sequence[ReviewToken], current: tuple[int, int] | None) -> ReviewToken | None:
    """The entry after ``current`` (sentence, token) in ``order``; the first if ``current`` is not in it."""
    if not order:
        return None
    if current is not None:
        for i, entry in enumerate(order):
            if (entry.sentence, entry.token) == current:
                return order[i + 1] if i + 1 < len(order) else order[0]
    return order[0]


def untagged_edits(
    tags: Sequence[Sequence[str | None]], predictions: Sequence[Prediction | None]
) -> dict[int, dict[int, str]]:
    """``{sentence: {token: predicted tag}}`` for every untagged token that has a prediction."""
    edits: dict[int, dict[int, str]] = {}
    for s, (gold, prediction) in enumerate(zip(tags, predictions)):
        if prediction is None or len(prediction.log_probs) != len(gold):
            continue
        best = prediction.best
        fill = {t: best[t] for t, g in enumerate(gold) if g is None}
        if fill:
            edits[s] = fill
    return edits


@dataclass(frozen=True)
class TagChange:
    """A token whose predicted tag differs between two models."""

    sentence: int
    token: int
    word: str
    old: str
    new: str
    confidence: float


def prediction_changes(
    words: Sequence[Sequence[str]], old: Sequence[Sequence[str] | None], new: Sequence[Prediction | None]
) -> list[TagChange]:
    """Tokens whose best tag under the new predictions differs from ``old`` best tags (in corpus order).

    Sentences without an old or a new prediction, or whose length changed, are skipped.
    """
    changes: list[TagChange] = []
    for s, (sentence_words, before, after) in enumerate(zip(words, old, new)):
        if before is None or after is None or len(before) != len(sentence_words) or len(after.log_probs) != len(before):
            continue
        best, confidence = after.best, after.confidence.tolist()
        for t, (a, b) in enumerate(zip(before, best)):
            if a != b:
                changes.append(TagChange(s, t, sentence_words[t], a, b, confidence[t]))
    return changes


def best_tags(predictions: Mapping[int, Prediction] | Sequence[Prediction]) -> list[list[str]]:
    """The best tag of every word of each prediction."""
    items = predictions.values() if isinstance(predictions, Mapping) else predictions
    return [p.best for p in items]
