"""Checks shared by every reader: the text a corpus may hold, and the shape of JSON documents.

Whatever a reader accepts must survive every writer and come back equal, so the
rules are those of the strictest format:

* tokens, tags and ids hold no tab, carriage return or line feed (they separate
  columns and lines), no lone surrogate (it cannot be encoded as UTF-8) and no
  byte-order mark (dropped when it starts a file);
* a token is not blank and is not ``-DOCSTART-`` (a document marker in CoNLL files);
* a tag is not ``_`` (the untagged mark) and has no space at either end;
* an id is not blank and has no space at either end.

The ``*_problem`` functions return what is wrong, or ``None``; readers raise their
own error type with the file and line.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from itertools import repeat
from typing import Any, Iterable

MAX_JSON_DEPTH = 64
"""Deepest nesting accepted in the free-form parts of JSON files (settings, training figures)."""

DOCSTART = "-DOCSTART-"
UNTAGGED = "_"
_FORBIDDEN = re.compile("[\t\n\r\ufeff\ud800-\udfff]")
_LINE_BREAK = re.compile("[\n\r\ud800-\udfff]")
_FORBIDDEN_NAMES = {"\t": "a tab", "\n": "a line feed", "\r": "a carriage return", "\ufeff": "a byte-order mark"}


def _forbidden(text: str) -> str | None:
    if not _has_forbidden(text):
        return None
    found = _FORBIDDEN.search(text)
    return f"contains {_FORBIDDEN_NAMES.get(found.group(), 'a lone surrogate (not encodable text)')}"


def _has_forbidden(text: str) -> bool:
    """Whether ``text`` holds a tab, CR, LF, BOM or lone surrogate (C-speed searches, no regex)."""
    if "\t" in text or "\n" in text or "\r" in text:
        return True
    return not text.isascii() and ("\ufeff" in text or _has_surrogate(text))


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def token_problem(form: object) -> str | None:
    """What makes ``form`` unusable as a token, or ``None``."""
    if not isinstance(form, str):
        return f"token {form!r} is not a string"
    if not form or form.isspace():
        return "blank token"
    if form == DOCSTART:
        return f"token {DOCSTART} (a document marker, not a word)"
    problem = _forbidden(form)
    return f"token {form!r} {problem}" if problem else None


@lru_cache(maxsize=4096)
def _hashable_tag_problem(tag: object) -> str | None:
    return tag_problem(tag)


def tag_problem(tag: object) -> str | None:
    """What makes ``tag`` unusable as a tag name (``None`` for untagged is fine), or ``None``."""
    if tag is None:
        return None
    if not isinstance(tag, str):
        return f"tag {tag!r} is not a string"
    if tag == UNTAGGED:
        return f"tag {UNTAGGED!r} (it means untagged; leave the tag empty)"
    problem = _forbidden(tag)
    if problem:
        return f"tag {tag!r} {problem}"
    return f"tag {tag!r} is blank or has spaces at an end" if not tag or tag != tag.strip() else None


def id_problem(value: object) -> str | None:
    """What makes ``value`` unusable as a sentence id, or ``None``."""
    if not isinstance(value, str):
        return f"id {value!r} is not a string"
    problem = _forbidden(value)
    if problem:
        return f"id {value!r} {problem}"
    return f"id {value!r} is blank or has spaces at an end" if not value or value != value.strip() else None


def ids_problem(ids: list[object]) -> str | None:
    """The first problem of any sentence id in ``ids`` (a fast pass first)."""
    if all(map(isinstance, ids, repeat(str))) and not _has_forbidden("".join(ids)) and "" not in ids \
            and list(map(str.strip, ids)) == ids:
        return None
    return next(filter(None, map(id_problem, ids)), None)


def words_problem(words: list[str]) -> str | None:
    """The first problem of any token in ``words`` (a fast pass first: corpora hold millions)."""
    if all(map(isinstance, words, repeat(str))) and not _has_forbidden("".join(words)) \
            and DOCSTART not in words and all(words) and not any(map(str.isspace, words)):
        return None
    return next(filter(None, map(token_problem, words)), None)


def first_bad_token(words: list[str], tags: list[str | None]) -> tuple[int, str] | None:
    """``(index, problem)`` of the first token whose form or tag breaks the rules, or ``None`` (fast pass first)."""
    if words_problem(words) is None and tags_problem(tags) is None:
        return None
    problems = ((i, token_problem(word) or tag_problem(tag)) for i, (word, tag) in enumerate(zip(words, tags)))
    return next((i, problem) for i, problem in problems if problem)


def tags_problem(tags: Iterable[object]) -> str | None:
    """The first problem of any tag in ``tags`` (each distinct tag is checked once)."""
    try:
        distinct = set(tags)
    except TypeError:
        return "tags must be strings or null"
    return next(filter(None, map(_hashable_tag_problem, distinct)), None)


def lines_problem(values: list[str], what: str) -> str | None:
    """A problem of free text lines ``values`` (comments, kept lines): a line break or a lone surrogate inside."""
    text = "".join(values)
    if "\n" not in text and "\r" not in text and (text.isascii() or not _has_surrogate(text)):
        return None
    culprit = next(value for value in values if _LINE_BREAK.search(value))
    return f"{what} {short_repr(culprit)} contains a line break or a lone surrogate"


def loads(text: str) -> Any:
    """``json.loads``, with too-deep nesting a ``ValueError`` (not a ``RecursionError``)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def check_depth(value: Any, what: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ``ValueError`` if the JSON value ``value`` nests deeper than ``limit``."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise ValueError(f"{what} is nested more than {limit} levels deep")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def expect(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    """``value`` if it is of ``kind`` (``bool`` is not taken for a number), else ``TypeError`` naming ``what``."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise TypeError(f"{what} must be {_names(kinds)}, not {value!r}")
    if not isinstance(value, kinds):
        raise TypeError(f"{what} must be {_names(kinds)}, not {type(value).__name__} {short_repr(value)}")
    return value


def expect_list(value: Any, kind: type | tuple[type, ...], what: str) -> list:
    """``value`` if it is a list whose items are all of ``kind``, else ``TypeError`` (a C-speed pass first)."""
    expect(value, list, what)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if all(map(isinstance, value, repeat(kinds))) and (bool in kinds or bool not in set(map(type, value))):
        return value
    for item in value:
        expect(item, kind, f"an item of {what}")
    return value


def _names(kinds: tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list",
             dict: "an object", type(None): "null"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def short_repr(value: Any) -> str:
    """``repr(value)``, cut to about 40 characters for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
