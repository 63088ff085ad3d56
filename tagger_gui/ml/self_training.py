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
    untagged: Sequence[Sequence[str]] | None, *, self_train: bool = True, **options: Any,
) -> TrainResult:
    """Train on ``train``, learning from the ``untagged`` sentences as well (``ml.cross_view``).

    With ``self_train`` a first model, trained on ``train`` alone, profiles ``untagged``
    and the run trains again with that profile; the first result is returned as it is
    when it has no model, was stopped, or has nothing to profile (no untagged-text
    vectors with tag columns). Only the second run learns from the untagged sentences:
    with a profile they teach it more (EWT, 5% tagged, dev: 92.30 against 92.12 with
    both runs learning from them, for 0.7 times the time).
    """
    if not self_train or untagged is None:
        return trainer.fit(train, dev, untagged=untagged, **options)
    first = trainer.fit(train, dev, **options)
    if first.tagger is None or first.stopped == "cancelled":
        return first
    profile = predicted_profile(first.tagger, untagged)
    if profile is None:
        return first
    return trainer.fit(train, dev, tag_profile=profile, untagged=untagged, **options)
