"""The reviewer's decisions on the error finder's suspects, and what each decision does to the corpus.

Plain data shared by the window's review list and any script: a ``ReviewItem`` is a
suspect with the decision taken on it; ``tag_after`` says which tag the token must
carry after a decision (``None``: leave the token as it is).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Sequence

from tagger_gui.ml.error_finder import FinderResult, Suspect

CONTEXT_WORDS = 4


class Decision(str, Enum):
    """What the reviewer did with a suspect."""

    PENDING = ""
    ACCEPTED = "accepted"
    KEPT = "kept"


@dataclass
class ReviewItem:
    """A suspect and the decision taken on it (changed only through undoable commands in the window)."""

    suspect: Suspect
    decision: Decision = Decision.PENDING


def tag_after(item: ReviewItem, decision: Decision) -> str | None:
    """The tag the suspect's token gets when ``decision`` replaces ``item.decision`` (``None``: no change).

    Accepting sets the suggested tag; keeping after an accept puts the saved tag back.
    """
    if decision is Decision.ACCEPTED:
        return item.suspect.suggested
    if item.decision is Decision.ACCEPTED:
        return item.suspect.saved
    return None


def context_of(words: Sequence[str], token: int, size: int = CONTEXT_WORDS) -> str:
    """``… left [word] right …`` around ``words[token]``."""
    left = words[max(0, token - size):token]
    right = words[token + 1:token + 1 + size]
    head = "… " if token > size else ""
    tail = " …" if token + 1 + size < len(words) else ""
    return f"{head}{' '.join(left)} [{words[token]}] {' '.join(right)}{tail}".replace("  ", " ").strip()


REVIEW_VERSION = 1
_RESULT_FIELDS = ("folds_done", "folds", "checked_tokens", "held_out_accuracy", "stopped", "seconds")


def review_to_dict(result: FinderResult, items: Sequence[ReviewItem]) -> dict:
    """The finder's result and the decisions taken so far, as a versioned JSON object (kept with the project)."""
    return {"version": REVIEW_VERSION, **{name: getattr(result, name) for name in _RESULT_FIELDS},
            "items": [{**asdict(item.suspect), "decision": item.decision.value} for item in items]}


def review_from_dict(data: object) -> tuple[FinderResult, list[ReviewItem]]:
    """Inverse of ``review_to_dict``; ``ValueError`` for anything else."""
    if not isinstance(data, dict) or data.get("version") != REVIEW_VERSION:
        raise ValueError("a review list of an unknown version")
    try:
        items = []
        for entry in data["items"]:
            fields = dict(entry)
            decision = Decision(fields.pop("decision"))
            items.append(ReviewItem(Suspect(**fields), decision))
        result = FinderResult([item.suspect for item in items], *(data[name] for name in _RESULT_FIELDS))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"damaged review list: {error}") from None
    return result, items
