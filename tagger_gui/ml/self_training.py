"""Training twice: the second model starts from what the first one says the untagged text's words are.

With no earlier model to ask (``ml.tag_profile``), a run trains a first model, tags the
untagged text with it, and trains again with the first model's mean predictions in the
tag columns of the untagged-text vectors. It doubles the training time, which pays
where a run takes seconds: with a few hundred to a few thousand tagged sentences.
"""

from __future__ import annotations

from typing import Any, Sequence

from tagger_gui.core.corpus import Sentence
from tagger_gui.ml.tag_profile import predicted_profile
from tagger_gui.ml.training import Trainer, TrainResult


def fit_with_own_profile(
    trainer: Trainer, train: Sequence[Sentence], dev: Sequence[Sentence] | None,
    untagged: Sequence[Sequence[str]] | None, **options: Any,
) -> TrainResult:
    """``trainer.fit(train, dev, **options)`` twice, the second time with the first model's profile of ``untagged``.

    The first result is returned as it is when ``untagged`` is ``None``, or the first run
    has no model, was stopped, or has nothing to profile (no untagged-text vectors with tag columns).
    """
    first = trainer.fit(train, dev, **options)
    if untagged is None or first.tagger is None or first.stopped == "cancelled":
        return first
    profile = predicted_profile(first.tagger, untagged)
    if profile is None:
        return first
    return trainer.fit(train, dev, tag_profile=profile, **options)
