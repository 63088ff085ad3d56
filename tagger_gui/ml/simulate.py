"""A simulated annotator: the model-in-the-loop, run on a gold corpus to measure the effort it saves.

The annotator starts with nothing tagged. Each round it annotates a batch of sentences
(the first round in corpus order, then as the strategy ranks the untagged ones), giving
each its gold tags; the cost is counted under ``ml.annotation_cost`` (key presses with
the model's suggestions when pre-annotating, else from scratch, and Ringger et al.
seconds). Then the model is retrained as the loop retrains it (warm-started from the
last model with ``ml.schedule.scaled_config``) and its dev accuracy is recorded. A run
stops at the target accuracy, at ``max_fraction`` of the train tokens, or at a deadline.

Rounds start at ``first_round`` sentences and grow with what is tagged
(``growth`` times the tagged sentences), as an app would retrain less often on a big
corpus. The loop trains on every tagged sentence and keeps the last epoch: the short
warm-start schedule ends with a low learning rate, and holding sentences out to pick an
epoch would waste annotations.

The in-order annotator chooses the same sentences with or without pre-annotation, so
one run gives both costs (``Point.scratch_keys`` / ``scratch_seconds``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from tagger_gui.core.corpus import Sentence, TagSet
from tagger_gui.ml.active import STRATEGIES, rank_sentences
from tagger_gui.ml.annotation_cost import RANKED_DIGITS, SentenceCost, sentence_cost
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.predict import Prediction, Tagger
from tagger_gui.ml.raw_vectors import RawVectors
from tagger_gui.ml.schedule import scaled_config
from tagger_gui.ml.tag_profile import predicted_profile
from tagger_gui.ml.training import Trainer
from tagger_gui.ml.uncertainty import is_unsure
from tagger_gui.ml.warm_start import shape_differences


@dataclass(frozen=True)
class LoopSettings:
    """How one simulated annotator works.

    Attributes:
        strategy: one of ``active.STRATEGIES``.
        pre_annotate: the annotator sees the model's suggestions (otherwise tags from scratch).
        diversity: apply the batch-diversity rule to uncertainty rankings.
        first_round: sentences in the first rounds.
        growth: later rounds hold this fraction of the sentences tagged so far (at least ``first_round``).
        max_fraction: stop after this fraction of the train tokens.
        target: stop once dev accuracy reaches this (a fraction), ``None`` = never.
        pool: candidates scored per round (a seeded sample of the untagged sentences), 0 = all.
        seed: seeds the random strategy, the pool sample and training.
        overhead: the ranking's per-sentence cost in tokens (``active.rank_sentences``).
        max_rounds: stop after this many rounds (0 = no limit).
    """

    strategy: str = "in_order"
    pre_annotate: bool = True
    diversity: bool = False
    first_round: int = 20
    growth: float = 0.1
    max_fraction: float = 0.6
    target: float | None = None
    pool: int = 2000
    seed: int = 1
    overhead: float = 0.0
    max_rounds: int = 0

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {self.strategy!r} (known: {', '.join(STRATEGIES)})")

    def round_size(self, tagged_sentences: int) -> int:
        """Sentences to annotate in the next round."""
        return max(self.first_round, math.ceil(self.growth * tagged_sentences))


@dataclass
class Point:
    """The state after one round (costs are totals since the start)."""

    round: int
    sentences: int
    tokens: int
    fraction: float
    keys: int
    seconds: float
    changed: int
    scratch_keys: int
    scratch_seconds: float
    dev_accuracy: float
    retrain_seconds: float
    warm: bool


@dataclass
class LoopRun:
    """A whole simulated run.

    Attributes:
        settings: how the annotator worked.
        points: one per round.
        chosen: the annotated sentences, in the order annotated.
        stopped: ``"target"``, ``"max_fraction"``, ``"rounds"``, ``"deadline"`` or ``"exhausted"``.
        tagger: the last model.
    """

    settings: LoopSettings
    points: list[Point] = field(default_factory=list)
    chosen: list[int] = field(default_factory=list)
    stopped: str = ""
    tagger: Tagger | None = None

    def first_reaching(self, target: float) -> Point | None:
        """The first point whose dev accuracy is at least ``target``."""
        return next((p for p in self.points if p.dev_accuracy >= target), None)


@dataclass
class _Totals:
    keys: int = 0
    seconds: float = 0.0
    changed: int = 0
    scratch_keys: int = 0
    scratch_seconds: float = 0.0

    def add(self, cost: SentenceCost, scratch: SentenceCost) -> None:
        self.keys += cost.keys
        self.seconds += cost.seconds
        self.changed += cost.changed
        self.scratch_keys += scratch.keys
        self.scratch_seconds += scratch.seconds


def simulate(
    train: Sequence[Sentence],
    dev: Sequence[Sentence],
    tag_names: Sequence[str],
    base: TrainConfig,
    settings: LoopSettings,
    *,
    deadline: float | None = None,
    vectors: RawVectors | None = None,
) -> LoopRun:
    """Run one simulated annotator over ``train`` (gold tags as its answers); dev accuracy on ``dev``.

    Args:
        train: fully tagged sentences, the annotator's pool in corpus order.
        dev: tagged sentences to measure the model on after each round.
        tag_names: the project's tag set, in its order (the digit keys follow it).
        base: the settings the loop scales (``scaled_config``).
        settings: the annotator's strategy and the stopping rule.
        deadline: a ``time.monotonic()`` value after which the run stops at the end of a round.
        vectors: word vectors from the untagged text (as the app learns them from the project's
            sentences), an input of the first model and so of every warm-started one.
    """
    run = LoopRun(settings)
    total_tokens = sum(len(s.tokens) for s in train)
    untagged, words = list(range(len(train))), [s.words for s in train]
    totals, tokens, rng = _Totals(), 0, np.random.default_rng(settings.seed)
    while untagged:
        batch = _choose(train, untagged, run, rng)
        predictions = _suggestions(run.tagger, [train[i] for i in batch]) if settings.pre_annotate else None
        for j, i in enumerate(batch):
            totals.add(*_costs(train[i], tag_names, predictions[j] if predictions else None))
        picked = set(batch)
        untagged = [i for i in untagged if i not in picked]
        run.chosen += batch
        tokens += sum(len(train[i].tokens) for i in batch)
        seconds, warm = _retrain(run, [train[i] for i in run.chosen], tag_names, base, tokens, vectors, words)
        accuracy = run.tagger.evaluate(dev).accuracy
        run.points.append(Point(
            len(run.points) + 1, len(run.chosen), tokens, tokens / total_tokens, totals.keys, totals.seconds,
            totals.changed, totals.scratch_keys, totals.scratch_seconds, accuracy, seconds, warm,
        ))
        run.stopped = _stop_reason(run, total_tokens, deadline)
        if run.stopped:
            return run
    run.stopped = "exhausted"
    return run


def _choose(train: Sequence[Sentence], untagged: list[int], run: LoopRun, rng: np.random.Generator) -> list[int]:
    """The next round's sentences: in order at first (no model yet), then as the strategy ranks them."""
    settings = run.settings
    size = settings.round_size(len(run.chosen))
    if run.tagger is None or settings.strategy == "in_order":
        return untagged[:size]
    if settings.strategy == "random":
        picks = rank_sentences(untagged, None, "random", seed=int(rng.integers(1 << 31)))
        return [p.sentence for p in picks[:size]]
    pool = untagged
    if settings.pool and len(untagged) > settings.pool:
        pool = sorted(rng.choice(untagged, settings.pool, replace=False).tolist())
    words = [train[i].words for i in pool]
    predictions = run.tagger.predict(words)
    picks = rank_sentences(
        pool, predictions, settings.strategy, words=words if settings.diversity else None, batch=size,
        overhead=settings.overhead,
    )
    return [p.sentence for p in picks[:size]]


def _suggestions(tagger: Tagger | None, sentences: list[Sentence]) -> list[Prediction] | None:
    return None if tagger is None else tagger.predict([s.words for s in sentences])


def _costs(sentence: Sentence, tag_names: Sequence[str], prediction: Prediction | None) -> tuple[SentenceCost, SentenceCost]:
    """The sentence's cost as annotated (with suggestions when there is a prediction) and from scratch."""
    gold = sentence.tags
    scratch = sentence_cost(gold, tag_names)
    if prediction is None:
        return scratch, scratch
    order = np.argsort(-prediction.log_probs, axis=1, kind="stable")[:, :RANKED_DIGITS]
    ranked = [[prediction.tag_names[k] for k in row] for row in order.tolist()]
    stops = is_unsure(prediction.confidence).tolist()
    return sentence_cost(gold, tag_names, prediction.best, ranked, stops), scratch


def _retrain(
    run: LoopRun, tagged: list[Sentence], tag_names: Sequence[str], base: TrainConfig, tokens: int,
    vectors: RawVectors | None, words: Sequence[Sequence[str]],
) -> tuple[float, bool]:
    """Retrain ``run.tagger`` on ``tagged`` (warm-started when the shape allows); ``(seconds, warm)``.

    As the app does, the new model gets the current one's mean predictions for the words of the
    whole pool (``words``, the project's text) in its tag columns (``ml.tag_profile``).
    """
    old, base = run.tagger, base.replace(dev_fraction=0.0, seed=run.settings.seed)
    config = scaled_config(base, tokens, warm=True)
    warm = old is not None and not shape_differences(old.config, config)
    if not warm:
        config = scaled_config(base, tokens)
    started = time.monotonic()
    profile = predicted_profile(old, words) if old is not None and vectors is not None else None
    result = Trainer(config).fit(tagged, tagset=TagSet(tag_names), start_from=old if warm else None,
                                 raw_vectors=vectors, tag_profile=profile)
    run.tagger = result.tagger
    return time.monotonic() - started, warm


def _stop_reason(run: LoopRun, total_tokens: int, deadline: float | None) -> str:
    settings, last = run.settings, run.points[-1]
    if settings.target is not None and last.dev_accuracy >= settings.target:
        return "target"
    if last.tokens >= settings.max_fraction * total_tokens:
        return "max_fraction"
    if settings.max_rounds and last.round >= settings.max_rounds:
        return "rounds"
    if deadline is not None and time.monotonic() >= deadline:
        return "deadline"
    return ""


def fresh_accuracy(
    train: Sequence[Sentence], chosen: Sequence[int], dev: Sequence[Sentence], tag_names: Sequence[str],
    base: TrainConfig, seed: int = 1, vectors: RawVectors | None = None,
) -> float:
    """Dev accuracy of a model trained from scratch on the ``chosen`` sentences (a model that did not choose them)."""
    sentences = [train[i] for i in chosen]
    tokens = sum(len(s.tokens) for s in sentences)
    config = scaled_config(base.replace(dev_fraction=0.0, seed=seed), tokens)
    result = Trainer(config).fit(sentences, tagset=TagSet(tag_names), raw_vectors=vectors)
    return result.tagger.evaluate(dev).accuracy
