"""``QUndoCommand`` wrappers over ``Corpus`` edit methods.

Every change a user makes goes through one of these, so it can be undone and the
corpus listeners (the Qt models) refresh exactly what changed. Each command keeps
whatever the corpus method returned that is needed to reverse it.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtGui import QUndoCommand

from tagger_gui.core.corpus import Corpus, Sentence, Split, Tag, TagSet


class SetTagsCommand(QUndoCommand):
    """Set the tags of some tokens of one sentence (``{token index: tag or None}``)."""

    def __init__(self, corpus: Corpus, sentence: int, tags: dict[int, str | None], text: str = "") -> None:
        super().__init__(text or _describe_tags(tags))
        self._corpus, self._sentence, self._tags = corpus, sentence, dict(tags)
        self._previous: dict[int, str | None] = {}

    def redo(self) -> None:
        self._previous = self._corpus.set_tags(self._sentence, self._tags)

    def undo(self) -> None:
        self._corpus.set_tags(self._sentence, self._previous)


class SetManyTagsCommand(QUndoCommand):
    """Set tags across many sentences in one step (``{sentence: {token: tag}}``)."""

    def __init__(self, corpus: Corpus, edits: dict[int, dict[int, str | None]], text: str) -> None:
        super().__init__(text)
        self._corpus, self._edits = corpus, edits
        self._previous: dict[int, dict[int, str | None]] = {}

    def redo(self) -> None:
        self._previous = self._corpus.set_many_tags(self._edits)

    def undo(self) -> None:
        self._corpus.set_many_tags(self._previous)


class SetReviewedCommand(QUndoCommand):
    def __init__(self, corpus: Corpus, sentence: int, reviewed: bool) -> None:
        super().__init__("Mark reviewed" if reviewed else "Unmark reviewed")
        self._corpus, self._sentence, self._reviewed = corpus, sentence, reviewed
        self._previous = False

    def redo(self) -> None:
        self._previous = self._corpus.set_reviewed(self._sentence, self._reviewed)

    def undo(self) -> None:
        self._corpus.set_reviewed(self._sentence, self._previous)


class SetSplitCommand(QUndoCommand):
    def __init__(self, corpus: Corpus, rows: Sequence[int], split: Split) -> None:
        super().__init__(f"Move {len(rows)} sentence(s) to {Split(split).value}")
        self._corpus, self._rows, self._split = corpus, list(rows), Split(split)
        self._previous: list[Split] = []

    def redo(self) -> None:
        self._previous = [self._corpus.set_split(row, self._split) for row in self._rows]

    def undo(self) -> None:
        for row, split in zip(self._rows, self._previous):
            self._corpus.set_split(row, split)


class InsertSentencesCommand(QUndoCommand):
    """Insert sentences at ``index`` (append when ``index`` is ``None``)."""

    def __init__(self, corpus: Corpus, sentences: Sequence[Sentence], index: int | None = None, text: str = "") -> None:
        super().__init__(text or f"Add {len(sentences)} sentence(s)")
        self._corpus, self._sentences = corpus, list(sentences)
        self._index = index

    @property
    def first_row(self) -> int:
        return self._index if self._index is not None else len(self._corpus) - len(self._sentences)

    def redo(self) -> None:
        if self._index is None:
            self._index = len(self._corpus)
        self._corpus.insert_sentences(self._index, self._sentences)

    def undo(self) -> None:
        self._sentences = self._corpus.remove_sentences(self._index, len(self._sentences))


class RemoveSentencesCommand(QUndoCommand):
    """Remove the sentences at ``rows`` (any order; contiguous runs removed in one call)."""

    def __init__(self, corpus: Corpus, rows: Sequence[int]) -> None:
        super().__init__(f"Delete {len(rows)} sentence(s)")
        self._corpus = corpus
        self._runs = _runs(sorted(set(rows)))
        self._removed: list[list[Sentence]] = []

    def redo(self) -> None:
        self._removed = [self._corpus.remove_sentences(start, count) for start, count in reversed(self._runs)]

    def undo(self) -> None:
        for (start, _), sentences in zip(self._runs, reversed(self._removed)):
            self._corpus.insert_sentences(start, sentences)


class ReplaceSentenceCommand(QUndoCommand):
    def __init__(self, corpus: Corpus, row: int, sentence: Sentence, text: str = "Edit sentence") -> None:
        super().__init__(text)
        self._corpus, self._row, self._sentence = corpus, row, sentence

    def redo(self) -> None:
        self._sentence = self._corpus.replace_sentence(self._row, self._sentence)

    def undo(self) -> None:
        self.redo()  # replace_sentence returns the other version: swapping twice is the identity


class ResetCorpusCommand(QUndoCommand):
    """Replace all sentences (and optionally the tag set), e.g. an import that replaces the corpus."""

    def __init__(self, corpus: Corpus, sentences: Sequence[Sentence], tagset: TagSet | None, text: str) -> None:
        super().__init__(text)
        self._corpus = corpus
        self._state = (list(sentences), tagset)

    def redo(self) -> None:
        self._swap()

    def undo(self) -> None:
        self._swap()

    def _swap(self) -> None:
        sentences, tagset = self._state
        self._state = (list(self._corpus.sentences), self._corpus.tagset if tagset is not None else None)
        self._corpus.reset(sentences, tagset)


class AddTagCommand(QUndoCommand):
    """Add a tag to the tag set.

    Undo removes it again, which untags the tokens carrying it (e.g. sentences an import
    brought in with that tag); redo gives those tokens their tag back.
    """

    def __init__(self, corpus: Corpus, tag: Tag, position: int | None = None) -> None:
        super().__init__(f"Add tag {tag.name}")
        self._corpus, self._tag, self._position = corpus, tag, position
        self._untagged: dict[int, list[int]] = {}

    def redo(self) -> None:
        self._corpus.add_tag(self._tag, self._position)
        if self._untagged:
            name = self._tag.name
            self._corpus.set_many_tags({s: {i: name for i in tokens} for s, tokens in self._untagged.items()})

    def undo(self) -> None:
        self._untagged = self._corpus.remove_tag(self._tag.name)


class UpdateTagCommand(QUndoCommand):
    def __init__(self, corpus: Corpus, name: str, description: str | None = None, color: str | None = None) -> None:
        super().__init__(f"Edit tag {name}")
        self._corpus, self._name = corpus, name
        self._description, self._color = description, color

    def redo(self) -> None:
        before = self._corpus.update_tag(self._name, self._description, self._color)
        self._description, self._color = before.description, before.color

    def undo(self) -> None:
        self.redo()  # the values saved by redo are the previous ones: swapping restores them


class RenameTagCommand(QUndoCommand):
    def __init__(self, corpus: Corpus, old: str, new: str) -> None:
        super().__init__(f"Rename tag {old} to {new}")
        self._corpus, self._old, self._new = corpus, old, new

    def redo(self) -> None:
        self._corpus.rename_tag(self._old, self._new)

    def undo(self) -> None:
        self._corpus.rename_tag(self._new, self._old)


class MergeTagsCommand(QUndoCommand):
    """Retag every ``source`` token as ``target`` and drop ``source`` from the tag set."""

    def __init__(self, corpus: Corpus, source: str, target: str) -> None:
        super().__init__(f"Merge tag {source} into {target}")
        self._corpus, self._source, self._target = corpus, source, target
        self._where: dict[int, list[int]] = {}
        self._removed: tuple[Tag, int] | None = None

    def redo(self) -> None:
        tagset = self._corpus.tagset
        if self._source in tagset:
            tag = tagset[self._source]
            self._removed = (Tag(tag.name, tag.description, tag.color), tagset.index(self._source))
        self._where = self._corpus.merge_tags(self._source, self._target)

    def undo(self) -> None:
        if self._removed is not None:
            self._corpus.add_tag(*self._removed)
        edits = {s: {i: self._source for i in tokens} for s, tokens in self._where.items()}
        self._corpus.set_many_tags(edits)


class RemoveTagCommand(QUndoCommand):
    """Drop a tag from the tag set and untag its tokens."""

    def __init__(self, corpus: Corpus, name: str) -> None:
        super().__init__(f"Delete tag {name}")
        self._corpus, self._name = corpus, name
        self._where: dict[int, list[int]] = {}
        self._removed: tuple[Tag, int] | None = None

    def redo(self) -> None:
        tag = self._corpus.tagset[self._name]
        self._removed = (Tag(tag.name, tag.description, tag.color), self._corpus.tagset.index(self._name))
        self._where = self._corpus.remove_tag(self._name)

    def undo(self) -> None:
        self._corpus.add_tag(*self._removed)
        self._corpus.set_many_tags({s: {i: self._name for i in tokens} for s, tokens in self._where.items()})


class SetTagsetCommand(QUndoCommand):
    """Replace the whole tag set (tokens keep their tags)."""

    def __init__(self, corpus: Corpus, tagset: TagSet, text: str = "Replace tag set") -> None:
        super().__init__(text)
        self._corpus, self._tagset = corpus, tagset

    def redo(self) -> None:
        self._tagset = self._corpus.set_tagset(self._tagset)

    def undo(self) -> None:
        self.redo()


def _describe_tags(tags: dict[int, str | None]) -> str:
    values = set(tags.values())
    if len(values) == 1:
        value = next(iter(values))
        return f"Tag {len(tags)} token(s) {value}" if value else f"Clear {len(tags)} tag(s)"
    return f"Tag {len(tags)} token(s)"


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as ``(start, count)`` runs of consecutive indices."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][0] + runs[-1][1] == row:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((row, 1))
    return runs
