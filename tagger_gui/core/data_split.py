"""Which tagged sentences train a model and which pick its best epoch (the project's "dev choice").

Two sources of dev sentences: the sentences marked ``dev``, or, for a project without
them, an automatic held-out share of the train sentences. The held-out share is
chosen by a hash of each sentence's id, not by a random draw, so it stays the same
across retraining while the user annotates: a sentence once held out stays held out,
new sentences join either side by their own id, and two models trained at different
times are compared on the same sentences.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from enum import Enum
from typing import Iterable

from tagger_gui.core.corpus import Sentence, Split

DEV_CHOICE_VERSION = 1
HASH_BUCKETS = 10_000


class DevSource(str, Enum):
    """Where the sentences that pick the best epoch come from."""

    SPLIT = "split"  # the sentences marked dev (held-out share when there are none)
    HELD_OUT = "held_out"  # always a held-out share of train


@dataclass(frozen=True)
class DevChoice:
    """The project's dev choice; saved with the project as a versioned JSON object."""

    source: DevSource = DevSource.SPLIT
    fraction: float = 0.1

    def __post_init__(self) -> None:
        if not isinstance(self.fraction, (int, float)) or isinstance(self.fraction, bool) or not 0.0 <= self.fraction < 1.0:
            raise ValueError(f"held-out fraction must be a number in [0, 1), not {self.fraction!r}")
        object.__setattr__(self, "source", DevSource(self.source))

    def to_dict(self) -> dict:
        return {"version": DEV_CHOICE_VERSION, "source": self.source.value, "fraction": self.fraction}

    @classmethod
    def from_dict(cls, data: object) -> "DevChoice":
        """Inverse of ``to_dict``; raises ``ValueError`` for anything else (a newer version included)."""
        if not isinstance(data, dict):
            raise ValueError(f"dev choice must be an object, not {type(data).__name__}")
        version = data.get("version")
        if not isinstance(version, int) or not 1 <= version <= DEV_CHOICE_VERSION:
            raise ValueError(f"dev choice version {version!r} is not one this tagger-gui reads")
        return cls(DevSource(data.get("source", "split")), data.get("fraction", 0.1))

    def describe(self, marked_dev: int) -> str:
        """What the dev sentences are, in words (``marked_dev``: how many tagged sentences are marked dev)."""
        if self.source == DevSource.SPLIT and marked_dev:
            return f"the {marked_dev:,} sentences marked dev"
        return f"held-out sentences ({self.fraction:.0%} of train, chosen by sentence id)"


def is_held_out(sentence_id: str, fraction: float) -> bool:
    """Whether the sentence with ``sentence_id`` belongs to the held-out share (stable for a given id)."""
    bucket = zlib.crc32(sentence_id.encode("utf-8")) % HASH_BUCKETS
    return bucket < fraction * HASH_BUCKETS


MIN_SENTENCES_TO_HOLD_OUT = 20
"""Below this many tagged train sentences nothing is held out: every one is needed for training."""


def split_for_training(sentences: Iterable[Sentence], choice: DevChoice) -> tuple[list[Sentence], list[Sentence]]:
    """``(train, dev)``: the tagged sentences that train and those that pick the best epoch.

    Untagged sentences and sentences marked test are in neither.
    """
    tagged = [s for s in sentences if s.tagged_count]
    train = [s for s in tagged if s.split == Split.TRAIN]
    marked = [s for s in tagged if s.split == Split.DEV]
    if choice.source == DevSource.SPLIT and marked:
        return train, marked
    if len(train) < MIN_SENTENCES_TO_HOLD_OUT:
        return train, []
    held = [s for s in train if is_held_out(s.id, choice.fraction)]
    if not held or len(held) == len(train):
        return train, []
    kept = [s for s in train if not is_held_out(s.id, choice.fraction)]
    return kept, held


def held_out_sentences(sentences: Iterable[Sentence], choice: DevChoice) -> list[Sentence]:
    """The dev sentences ``split_for_training`` would give (for evaluation)."""
    return split_for_training(sentences, choice)[1]
