"""What annotating a sentence costs: key presses under the tag editor's bindings, and modelled seconds.

The key model follows ``gui/panels/tag_editor.py`` (README, Help > Keyboard shortcuts):

- the cursor starts on the sentence's first token; assigning a tag moves it to the next token;
- ``Space`` accepts the model's tag for the current token and moves on; ``Shift+Space`` accepts
  the model's tags for the whole sentence and leaves the cursor where it is;
- a digit assigns a tag: with the model-ranked palette (on whenever there are suggestions) keys
  ``1`` to ``9`` pick the model's nine most probable tags for the token; without a model ``1``
  to ``9`` and ``0`` pick the first ten tags of the tag set;
- type-ahead: typing the start of a tag name assigns it as soon as the prefix is unique,
  ``Return`` takes the best match (an exact name first) earlier;
- ``Right`` / ``Left`` move one token, ``Home`` / ``End`` to the first / last; with suggestions
  ``Tab`` / ``Shift+Tab`` go to the next / previous unsure token (``ml.uncertainty.tab_stop``);
- one more key (``PageDown``, or the Annotate-next key) goes to the next sentence.

For each token the cheapest way is chosen. With suggestions the plan is the cheaper of
accepting token by token (``Space`` where the model is right) and ``Shift+Space`` then
moving to each wrong token (by the fewest move keys) to fix it. Time is modelled with
the per-sentence cost model of Ringger et al. (2008), fitted on a POS annotation user
study: 3.795 s per token, 5.387 s per corrected token and 12.57 s per sentence;
tagging without suggestions corrects every token.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from tagger_gui.core.tagset import match_tags
from tagger_gui.ml.uncertainty import tab_stop

SECONDS_PER_TOKEN = 3.795
SECONDS_PER_CORRECTION = 5.387
SECONDS_PER_SENTENCE = 12.57
RANKED_DIGITS = 9
TAGSET_DIGITS = 10
NEXT_SENTENCE = "PageDown"


@dataclass(frozen=True)
class SentenceCost:
    """The cost of annotating one sentence.

    Attributes:
        tokens: its length.
        changed: tokens whose final tag differs from the suggestion (all of them without suggestions).
        keys: key presses, the move to the next sentence included.
        presses: the presses in order (Qt key names, or the typed character), without that last move.
        seconds: the Ringger et al. (2008) modelled time.
    """

    tokens: int
    changed: int
    keys: int
    presses: tuple[str, ...]
    seconds: float


def ringger_seconds(tokens: int, changed: int) -> float:
    """Modelled seconds to annotate a sentence of ``tokens`` tokens of which ``changed`` need correcting."""
    return SECONDS_PER_TOKEN * tokens + SECONDS_PER_CORRECTION * changed + SECONDS_PER_SENTENCE


@lru_cache(maxsize=4096)
def typeahead_keys(tag: str, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """The shortest type-ahead presses that assign ``tag``, or ``None`` if type-ahead cannot reach it.

    A digit typed first is a palette key, so a tag name starting with a digit cannot be typed.
    """
    if not tag or tag[0].isdigit() or tag not in names:
        return None
    for k in range(1, len(tag) + 1):
        matches = match_tags(names, tag[:k])
        if len(matches) == 1:
            return tuple(tag[:k])
        if matches[0] == tag:
            return (*tag[:k], "Return")
    return None


def digit_key(position: int) -> str:
    """The key of palette ``position`` (0-based): ``1`` ... ``9``, then ``0``."""
    return "0" if position == 9 else str(position + 1)


def tag_keys(tag: str, names: Sequence[str], ranked: Sequence[str] | None = None) -> tuple[str, ...]:
    """The cheapest presses that assign ``tag`` to the current token (and move to the next).

    Args:
        tag: the tag to assign.
        names: the tag set's names, in order.
        ranked: the model's tags for this token, most probable first (model-ranked palette on), or ``None``.

    Raises:
        ValueError: if no key reaches ``tag`` (it is not in the tag set).
    """
    palette = list(ranked[:RANKED_DIGITS]) if ranked else list(names[:TAGSET_DIGITS])
    options = [(digit_key(palette.index(tag)),)] if tag in palette else []
    typed = typeahead_keys(tag, tuple(names))
    if typed is not None:
        options.append(typed)
    if not options:
        raise ValueError(f"no key assigns tag {tag!r}: it is not in the tag set")
    return min(options, key=len)


def _moves(start: int, end: int, length: int, stops: Sequence[bool] | None = None) -> tuple[str, ...]:
    """The fewest presses taking the cursor from token ``start`` to token ``end`` (breadth-first over the move keys).

    ``stops``: the tokens where ``Tab`` / ``Shift+Tab`` stop (``None``: no suggestions, so no Tab jumps).
    """
    def targets(row: int) -> list[tuple[str, int]]:
        moves = [("Right", min(row + 1, length - 1)), ("Left", max(row - 1, 0)), ("Home", 0), ("End", length - 1)]
        if stops is not None:
            moves += [("Tab", tab_stop(row, 1, stops)), ("Shift+Tab", tab_stop(row, -1, stops))]
        return moves

    came_from: dict[int, tuple[int, str] | None] = {start: None}
    frontier = [start]
    while end not in came_from:
        reached = []
        for row in frontier:
            for key, target in targets(row):
                if target not in came_from:
                    came_from[target] = (row, key)
                    reached.append(target)
        frontier = reached
    presses: list[str] = []
    while came_from[end] is not None:
        end, key = came_from[end]
        presses.append(key)
    return tuple(reversed(presses))


def _fix_after_accepting(
    gold: Sequence[str], keys: list[tuple[str, ...]], suggestions: Sequence[str], stops: Sequence[bool] | None
) -> list[str]:
    """``Shift+Space``, then move to each wrong token and assign its tag (``keys[i]``), left to right.

    A fixed token becomes a Tab stop in the editor (its tag now differs from the
    model's), but it lies behind the cursor, where no shortest move goes.
    """
    presses, cursor = ["Shift+Space"], 0
    for i, (tag, suggested) in enumerate(zip(gold, suggestions)):
        if tag != suggested:
            presses += [*_moves(cursor, i, len(gold), stops), *keys[i]]
            cursor = min(i + 1, len(gold) - 1)
    return presses


def sentence_keys(
    gold: Sequence[str],
    names: Sequence[str],
    suggestions: Sequence[str] | None = None,
    ranked: Sequence[Sequence[str]] | None = None,
    stops: Sequence[bool] | None = None,
) -> list[str]:
    """The cheapest presses that give a sentence its ``gold`` tags, starting on its first token.

    Args:
        gold: the tags the annotator wants.
        names: the tag set's names, in order.
        suggestions: the model's tag for each token (``None``: no model, tagging from scratch).
        ranked: the model's ranked tags for each token (the palette); ``None`` without a model.
        stops: per token, whether ``Tab`` stops on it (``ml.uncertainty.is_unsure`` of its suggestion);
            ``None``: Tab moves one token.
    """
    keys = [tag_keys(tag, names, ranked[i] if ranked else None) for i, tag in enumerate(gold)]
    if suggestions is None:
        return [press for token_keys in keys for press in token_keys]
    one_by_one = [press for k, tag, s in zip(keys, gold, suggestions) for press in (("Space",) if tag == s else k)]
    accepting = _fix_after_accepting(gold, keys, suggestions, stops)
    return accepting if len(accepting) < len(one_by_one) else one_by_one


def sentence_cost(
    gold: Sequence[str],
    names: Sequence[str],
    suggestions: Sequence[str] | None = None,
    ranked: Sequence[Sequence[str]] | None = None,
    stops: Sequence[bool] | None = None,
) -> SentenceCost:
    """Key presses, corrections and modelled seconds for one sentence (see ``sentence_keys``)."""
    presses = sentence_keys(gold, names, suggestions, ranked, stops)
    changed = len(gold) if suggestions is None else sum(g != s for g, s in zip(gold, suggestions))
    return SentenceCost(len(gold), changed, len(presses) + 1, tuple(presses), ringger_seconds(len(gold), changed))
