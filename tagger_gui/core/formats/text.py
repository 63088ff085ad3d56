"""Plain text: one sentence a line, split into tokens by ``tagger_gui.core.tokenize``.

Plain text carries no tags: sentences read from it are untagged, and writing
gives the tokens of each sentence joined by single spaces.
"""

from __future__ import annotations

import re

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats.errors import FormatError
from tagger_gui.core.tokenize import tokenize
from tagger_gui.core.validation import words_problem


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters (not tab or line ends): no text holds them, binary files do."""


def read(text: str, path: str, tag_column: str | int = "") -> list[Sentence]:
    """Every non-blank line becomes one untagged sentence (``FormatError`` on a token no format can hold,
    or on a control character: the file is binary, not text)."""
    control = _CONTROL.search(text)
    if control:
        number = text.count("\n", 0, control.start()) + 1
        raise FormatError(path, number, f"holds the control character {ord(control.group()):#04x}: not a text file")
    sentences = []
    for number, line in enumerate(text.split("\n"), start=1):
        words = tokenize(line)
        problem = words_problem(words)
        if problem:
            raise FormatError(path, number, problem)
        if words:
            sentences.append(Sentence.from_words(words))
    return sentences


def write(sentences: list[Sentence], tag_column: str | int = "") -> str:
    return "".join(" ".join(sentence.words) + "\n" for sentence in sentences)
