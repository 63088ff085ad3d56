"""The sentences of a project file, checked field by field (nothing coerced) at the speed of plain loading.

A project may hold 100,000 sentences, so the checks are split in two: each
sentence's structure (types, lengths, kept lines) is checked as it is built, and
the text rules of ``tagger_gui.core.validation`` run once over all tokens, tags,
ids and kept lines together. Only when that finds a problem are the sentences
checked one by one, to name the first offending one.
"""

from __future__ import annotations

from itertools import chain, repeat

from tagger_gui.core.corpus import Sentence, Split, Token
from tagger_gui.core.validation import (
    expect, expect_list, ids_problem, lines_problem, short_repr, tags_problem, words_problem,
)

_STR_OR_NONE = (str, type(None))
_SPLITS = {split.value: split for split in Split}


def sentences_from_dicts(items: list[dict]) -> list[Sentence]:
    """Sentences from their JSON objects; ``ValueError`` names the first bad sentence and what is wrong."""
    sentences = [_sentence(item) for item in items]
    if _text_problem(items):
        for item in items:
            problem = _text_problem([item])
            if problem:
                raise ValueError(f"sentence {short_repr(item['id'])}: {problem}")
    return sentences


def _sentence(item: dict) -> Sentence:
    try:
        return _checked_sentence(item)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"sentence {short_repr(item.get('id'))}: {error}") from None


def _checked_sentence(item: dict) -> Sentence:
    """A sentence whose fields have the right types and lengths (its text is checked in bulk later)."""
    words, tags, columns = item["words"], item["tags"], item.get("columns")
    columns = [None] * len(words) if columns is None and type(words) is list else columns
    if not (type(words) is list and all(map(isinstance, words, repeat(str)))):
        expect_list(words, str, "words")
    if not (type(tags) is list and all(map(isinstance, tags, repeat(_STR_OR_NONE)))):
        expect_list(tags, _STR_OR_NONE, "tags")
    if not (type(columns) is list and all(map(isinstance, columns, repeat(_STR_OR_NONE)))):
        expect_list(columns, _STR_OR_NONE, "columns")
    if not words or not len(words) == len(tags) == len(columns):
        raise ValueError("words, tags and columns are empty or differ in length")
    split, reviewed, comments = item.get("split", "train"), item.get("reviewed", False), item.get("comments", [])
    sentence_id, source = item["id"], item.get("source")
    if type(split) is not str or split not in _SPLITS:
        raise ValueError(f"split must be train, dev or test, not {short_repr(split)}")
    if type(sentence_id) is not str or type(reviewed) is not bool or type(source) not in _STR_OR_NONE:
        expect(sentence_id, str, "id"), expect(reviewed, bool, "reviewed"), expect(source, _STR_OR_NONE, "source")
    if type(comments) is not list or not all(map(isinstance, comments, repeat(str))):
        expect_list(comments, str, "comments")
    extra = item.get("extra_lines")
    return Sentence(
        [Token(w, t, c) for w, t, c in zip(words, tags, columns)],
        id=sentence_id, split=_SPLITS[split], reviewed=reviewed, comments=list(comments),
        extra_lines=_extra_lines(extra, len(words)) if extra else [], source=source,
    )


def _extra_lines(pairs: object, length: int) -> list[tuple[int, str]]:
    """Kept non-word lines as ``(position, line)``: positions inside the sentence, lines without breaks."""
    checked = []
    for pair in expect_list(pairs, list, "extra_lines"):
        if len(pair) != 2:
            raise ValueError(f"extra line {short_repr(pair)} is not a [position, line] pair")
        position, line = expect(pair[0], int, "an extra line's position"), expect(pair[1], str, "an extra line")
        if not 0 <= position <= length:
            raise ValueError(f"extra line position {position} is outside the sentence")
        checked.append((position, line))
    return checked


def _text_problem(items: list[dict]) -> str | None:
    """The first text problem among the tokens, tags, ids and kept lines of ``items`` (all checked at once)."""
    return (
        ids_problem([item["id"] for item in items])
        or words_problem(list(chain.from_iterable(item["words"] for item in items)))
        or tags_problem(chain.from_iterable(item["tags"] for item in items))
        or lines_problem(list(filter(None, chain.from_iterable(item.get("columns") or () for item in items))),
                         "a kept line")
        or lines_problem(list(chain.from_iterable(item.get("comments", ()) for item in items)), "a comment")
        or lines_problem([pair[1] for item in items for pair in item.get("extra_lines", ())], "an extra line")
    )

