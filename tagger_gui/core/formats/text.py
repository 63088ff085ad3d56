"""Plain text: one sentence a line, split into tokens by ``tagger_gui.core.tokenize``.

Plain text carries no tags: sentences read from it are untagged, and writing
gives the tokens of each sentence joined by single spaces.
"""

from __future__ import annotations

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.tokenize import tokenize


def read(text: str, path: str, tag_column: str | int = "") -> list[Sentence]:
    """Every non-blank line becomes one untagged sentence."""
    return [Sentence.from_words(tokenize(line)) for line in text.split("\n") if line.strip()]


def write(sentences: list[Sentence], tag_column: str | int = "") -> str:
    return "".join(" ".join(sentence.words) + "\n" for sentence in sentences)
