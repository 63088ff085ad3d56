"""Which sentence to annotate next: ranking untagged sentences by how much the model would learn.

Strategies (``STRATEGIES``):

- ``in_order``: corpus order (what an annotator does without help);
- ``random``: a seeded shuffle;
- ``least_confidence``: tokens scored ``1 - p(best tag)``;
- ``margin``: tokens scored ``1 - (p(best) - p(second best))``;
- ``entropy``: tokens scored by the entropy of their tag distribution.

A sentence's score is the mean of its tokens' scores, so it is normalised for
length: the cost of annotating grows with the number of tokens, and a sum would
always prefer the longest sentences. ``overhead`` adds a fixed per-sentence cost,
in tokens, to the length (12.57 / 3.795 = 3.3 tokens under Ringger et al.'s time
model), so one-word sentences stop winning. With ``diversity`` the first ``batch``
picks are chosen greedily, each sentence's score counting only its tokens whose
word type is not already an uncertain token of a sentence picked before: a batch
of twenty sentences that all hinge on "that" teaches the model one thing.

Measured with the simulated annotator (``ml.simulate``; the first 1,500 EWT train
sentences, 400 dev, 11 rounds to about 2,800 tagged tokens, one seed): entropy 86.6%
dev at 2,781 tokens, least confidence 86.5% at 2,704, margin 86.6% at 2,907, against
84.7% for random at 2,661 and 84.5% for corpus order at 2,926. The 3.3-token overhead
reached 86.1% at 2,773 tokens, the same accuracy per modelled hour but less per
token; the diversity rule on margin 86.2% at 2,637 tokens, within noise. Neither is
on by default. On the whole of EWT train (``benchmarks/annotation_sim.py``, target 94.1%
dev) entropy needed 18.5% of the train tokens without overhead, 20.1% with 3.3 and 28.9%
with 10, at 0.64, 0.64 and 0.58 key presses per token (before Tab jumped to unsure
tokens; with it, 0.46). Seeds 2 and 3 on the whole of train: the diversity rule on
entropy 23.7% and 27.1% against 24.4% and 24.4% without; scoring every untagged
sentence each round instead of 2,000 drawn at random, 24.7% against 24.4% (seed 2);
weighting each token's entropy by the log frequency of its word in the untagged text
(information density), 33.0% and 36.5%.

Every pick says why: its most uncertain tokens among those the tag editor marks
unsure (``ml.uncertainty.is_unsure``), most uncertain first.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from tagger_gui.ml.predict import Prediction
from tagger_gui.ml.uncertainty import is_unsure, token_entropy

STRATEGIES = ("in_order", "random", "least_confidence", "margin", "entropy")
UNCERTAINTY_STRATEGIES = STRATEGIES[2:]
WHY_TOKENS = 3


@dataclass(frozen=True)
class Pick:
    """One ranked sentence.

    Attributes:
        sentence: its index (as given in ``candidates``).
        score: its (length-normalised) uncertainty; 0.0 for ``in_order`` and ``random``.
        uncertain: its most uncertain token indices, most uncertain first (empty without a prediction).
    """

    sentence: int
    score: float
    uncertain: tuple[int, ...]


def token_scores(prediction: Prediction, strategy: str) -> np.ndarray:
    """``[n_words]`` uncertainty of each word under ``strategy`` (higher = less sure)."""
    log_probs = prediction.log_probs
    if strategy == "entropy":
        return token_entropy(log_probs)
    if strategy == "margin":
        if log_probs.shape[1] < 2:
            return np.zeros(len(log_probs), np.float32)
        top2 = np.exp(np.sort(log_probs, axis=1)[:, -2:])
        return 1.0 - (top2[:, 1] - top2[:, 0])
    if strategy == "least_confidence":
        return 1.0 - prediction.confidence
    raise ValueError(f"unknown uncertainty strategy {strategy!r} (known: {', '.join(UNCERTAINTY_STRATEGIES)})")


def uncertain_tokens(prediction: Prediction | None, scores: np.ndarray | None = None) -> tuple[int, ...]:
    """Up to ``WHY_TOKENS`` unsure tokens (``is_unsure``), highest ``scores`` first."""
    if prediction is None or not len(prediction.log_probs):
        return ()
    confidence = prediction.confidence
    scores = 1.0 - confidence if scores is None else scores
    order = np.argsort(-scores, kind="stable")
    return tuple(int(t) for t in order if is_unsure(confidence[t]))[:WHY_TOKENS]


def rank_sentences(
    candidates: Sequence[int],
    predictions: Sequence[Prediction | None] | None,
    strategy: str,
    *,
    seed: int = 0,
    words: Sequence[Sequence[str]] | None = None,
    batch: int = 0,
    overhead: float = 0.0,
) -> list[Pick]:
    """``candidates`` (sentence indices) ranked best first under ``strategy``.

    Args:
        candidates: the sentences to choose from, e.g. the untagged ones.
        predictions: one per candidate (aligned with ``candidates``); needed by the uncertainty strategies.
        strategy: one of ``STRATEGIES``.
        seed: the shuffle's seed for ``random``.
        words: the candidates' words (aligned); with ``batch`` turns on the diversity rule.
        batch: how many leading picks the diversity rule chooses (0 = no diversity rule).
        overhead: tokens' worth of fixed cost per sentence added to its length when normalising.

    Raises:
        ValueError: an unknown strategy, or an uncertainty strategy without predictions.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r} (known: {', '.join(STRATEGIES)})")
    n = len(candidates)
    preds = list(predictions) if predictions is not None else [None] * n
    if strategy in ("in_order", "random"):
        order = np.random.default_rng(seed).permutation(n) if strategy == "random" else np.arange(n)
        return [Pick(candidates[i], 0.0, uncertain_tokens(preds[i])) for i in order]
    if any(p is None for p in preds):
        raise ValueError(f"strategy {strategy!r} needs a prediction for every candidate")
    token_level = [token_scores(p, strategy) for p in preds]
    means = np.array([float(s.sum()) / (len(s) + overhead) if len(s) else 0.0 for s in token_level])
    order = list(np.argsort(-means, kind="stable"))
    if batch and words is not None:
        order = _diverse_order(order, token_level, preds, words, batch, overhead)
    return [Pick(candidates[i], float(means[i]), uncertain_tokens(preds[i], token_level[i])) for i in order]


def _diverse_order(
    order: list[int],
    token_level: list[np.ndarray],
    predictions: list[Prediction],
    words: Sequence[Sequence[str]],
    batch: int,
    overhead: float,
) -> list[int]:
    """``order`` with its first ``batch`` entries re-chosen greedily by their not-yet-covered uncertainty.

    A sentence's adjusted score can only fall as more types are covered, so a lazy
    greedy (re-score the top of a heap, take it if it still leads) is exact.
    """
    covered: set[str] = set()
    heap = [(-_uncovered_mean(token_level[i], words[i], covered, overhead), rank, i) for rank, i in enumerate(order)]
    heapq.heapify(heap)
    chosen: list[int] = []
    while heap and len(chosen) < batch:
        _, rank, i = heapq.heappop(heap)
        adjusted = _uncovered_mean(token_level[i], words[i], covered, overhead)
        if heap and -adjusted > heap[0][0]:
            heapq.heappush(heap, (-adjusted, rank, i))
            continue
        chosen.append(i)
        unsure = np.flatnonzero(is_unsure(predictions[i].confidence))
        covered.update(words[i][t].lower() for t in unsure.tolist())
    picked = set(chosen)
    return chosen + [i for i in order if i not in picked]


def _uncovered_mean(scores: np.ndarray, words: Sequence[str], covered: set[str], overhead: float) -> float:
    if not len(scores):
        return 0.0
    keep = np.fromiter((w.lower() not in covered for w in words), dtype=bool, count=len(words))
    return float((scores * keep).sum() / (len(scores) + overhead))
