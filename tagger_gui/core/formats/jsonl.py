"""JSONL: one JSON object a line, ``{"tokens": [...], "tags": [...]}``.

``tags`` is optional and its items may be null (untagged). Optional keys ``id``,
``split`` (train/dev/test) and ``reviewed`` are read and written; blank lines are
skipped. Tokens, tags and ids follow ``tagger_gui.core.validation`` (a tag ``"_"``
is refused: untagged is null).
"""

from __future__ import annotations

import json

from tagger_gui.core.corpus import Sentence, Split, Token
from tagger_gui.core.formats.errors import FormatError
from tagger_gui.core.validation import id_problem, tags_problem, words_problem


def _sentence(item: object, path: str, number: int) -> Sentence:
    def fail(message: str) -> FormatError:
        return FormatError(path, number, message)

    if not isinstance(item, dict):
        raise fail("expected a JSON object with a \"tokens\" list")
    words, tags = item.get("tokens"), item.get("tags")
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
        raise fail("\"tokens\" must be a non-empty list of non-empty strings")
    tags = [None] * len(words) if tags is None else tags
    if not isinstance(tags, list) or len(tags) != len(words):
        raise fail(f"\"tags\" must be a list as long as \"tokens\" ({len(words)})")
    if not all(tag is None or isinstance(tag, str) for tag in tags):
        raise fail("\"tags\" items must be strings or null")
    tags = [tag or None for tag in tags]
    problem = words_problem(words) or tags_problem(tags)
    if problem:
        raise fail(problem)
    sentence = Sentence([Token(w, t) for w, t in zip(words, tags)])
    _read_optional_keys(item, sentence, fail)
    return sentence


def _read_optional_keys(item: dict, sentence: Sentence, fail) -> None:
    if "id" in item:
        value = item["id"]
        value = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        problem = id_problem(value)
        if problem:
            raise fail(f"\"id\": {problem}")
        sentence.id = value
    if "split" in item:
        try:
            sentence.split = Split(item["split"])
        except ValueError:
            raise fail(f"\"split\" must be train, dev or test, not {item['split']!r}") from None
    if "reviewed" in item:
        if not isinstance(item["reviewed"], bool):
            raise fail(f"\"reviewed\" must be true or false, not {item['reviewed']!r}")
        sentence.reviewed = item["reviewed"]


def read(text: str, path: str, tag_column: str | int = "") -> list[Sentence]:
    """Parse JSONL text; every line is checked before anything is returned."""
    sentences: list[Sentence] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            message = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
            raise FormatError(path, number, f"invalid JSON: {message}") from None
        sentences.append(_sentence(item, path, number))
    return sentences


def write(sentences: list[Sentence], tag_column: str | int = "") -> str:
    """One object per sentence with ``id``, ``tokens``, ``tags`` (and ``split``/``reviewed``)."""
    lines = []
    for sentence in sentences:
        item = {"id": sentence.id, "tokens": sentence.words, "tags": sentence.tags, "split": sentence.split.value}
        if sentence.reviewed:
            item["reviewed"] = True
        lines.append(json.dumps(item, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)
