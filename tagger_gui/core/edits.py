"""Edits of a sentence's words that keep what the user already annotated."""

from __future__ import annotations

import difflib

from tagger_gui.core.corpus import Sentence, Token


def retokenized(sentence: Sentence, words: list[str]) -> Sentence:
    """A copy of ``sentence`` with new ``words``; tags (and source columns) stay on the words the edit left alone.

    Multiword-token lines are dropped: they refer to the old word numbering.
    """
    old = sentence.tokens
    tokens = [Token(word) for word in words]
    matcher = difflib.SequenceMatcher(a=[t.form for t in old], b=words, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for i in range(size):
            tokens[b + i] = Token(old[a + i].form, old[a + i].tag, old[a + i].columns)
    copy = sentence.copy()
    copy.tokens = tokens
    copy.extra_lines = []
    return copy
