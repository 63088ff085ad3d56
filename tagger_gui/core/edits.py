"""Edits of a sentence's words that keep what the user already annotated."""

from __future__ import annotations

import difflib
import re
from typing import Sequence

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


_NUMBERED_ID = re.compile(r"^(.*?)(\d+)$")


def next_ids(existing: Sequence[str], count: int) -> list[str]:
    """Ids for ``count`` new sentences that follow the corpus's own pattern.

    The last id ending in a number is counted on, keeping its prefix and zero padding
    (``…-0041`` -> ``…-0042``); a corpus without such an id gets ``s1``, ``s2``, ...
    Ids already in ``existing`` are skipped.
    """
    taken = set(existing)
    last = next((m for m in map(_NUMBERED_ID.match, reversed(existing)) if m), None)
    prefix, number, width = (last.group(1), int(last.group(2)), len(last.group(2))) if last else ("s", 0, 1)
    ids: list[str] = []
    while len(ids) < count:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken:
            ids.append(candidate)
            taken.add(candidate)
    return ids
