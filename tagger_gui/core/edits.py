"""Edits of a sentence's words that keep what the user already annotated."""

from __future__ import annotations

import difflib
import re
from typing import Sequence

from tagger_gui.core.corpus import Sentence, Token
from tagger_gui.core.formats import conllu


def retokenized(sentence: Sentence, words: list[str]) -> Sentence:
    """A copy of ``sentence`` with new ``words``; tags (and source columns) stay on the words the edit left alone.

    For a CoNLL-U sentence, the kept words' HEAD and DEPS follow the new numbering (a relation to a
    word that is gone is dropped; a word replaced one for one, a typo fixed, stays the word the
    others' relations point at, though its own columns start blank like any new word's), ``# text``
    becomes the new words, and multiword-token and empty-node lines are dropped: they refer to the
    old numbering.
    """
    old = sentence.tokens
    tokens = [Token(word) for word in words]
    new_ids = {"0": "0"}
    matcher = difflib.SequenceMatcher(a=[t.form for t in old], b=words, autojunk=False)
    for operation, a, a_end, b, b_end in matcher.get_opcodes():
        if operation == "equal":
            tokens[b:b_end] = [Token(t.form, t.tag, t.columns) for t in old[a:a_end]]
        if operation in ("equal", "replace") and a_end - a == b_end - b:
            new_ids.update({str(a + i + 1): str(b + i + 1) for i in range(a_end - a)})
    copy = sentence.copy()
    copy.tokens = tokens
    copy.extra_lines = []
    if sentence.source == "conllu":
        for token in copy.tokens:
            token.columns = token.columns and conllu.renumbered(token.columns, new_ids)
        copy.comments = [f"# text = {copy.text}" if conllu.comment_value(line, "text") is not None else line
                         for line in copy.comments]
    return copy


_OWN_ID = re.compile(r"^s(\d+)$")


def next_ids(existing: Sequence[str], count: int) -> list[str]:
    """Ids for ``count`` sentences typed into the project: ``s1``, ``s2``, ... after the highest such id.

    They never continue an imported file's numbering (``…-0041`` -> ``…-0042``): such an id
    would claim the text belongs to that document, and the document's own next sentence,
    imported later, would have to be renamed.
    """
    number = max((int(m.group(1)) for m in map(_OWN_ID.match, existing) if m), default=0)
    return [f"s{number + k}" for k in range(1, count + 1)]
