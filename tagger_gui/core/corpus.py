"""The annotation domain: tag sets, tokens, sentences and the corpus that holds them.

Plain Python with no Qt and no torch. Every change a user can make goes through a
``Corpus`` method, which then tells its listeners what changed (a ``Change``), so views
refresh exactly the rows that moved and undo commands can be built on top.

Format-specific details that must survive a round trip (CoNLL-U columns, comments,
multiword-token lines) ride along in ``Token.columns`` and ``Sentence.comments`` /
``Sentence.extra_lines``; the domain logic never interprets them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Iterable, Sequence

from tagger_gui.core.tagset import Tag, TagSet

__all__ = ["Change", "ChangeKind", "Corpus", "Sentence", "Split", "Status", "Tag", "TagSet", "Token", "new_sentence_id"]


class Split(str, Enum):
    """Which part of the data a sentence belongs to."""

    TRAIN = "train"
    DEV = "dev"
    TEST = "test"


class Status(str, Enum):
    """How far the annotation of a sentence has got."""

    UNTAGGED = "untagged"
    PARTIAL = "partial"
    COMPLETE = "complete"
    REVIEWED = "reviewed"


@dataclass(slots=True)
class Token:
    """One word. ``tag`` is ``None`` while the word is untagged.

    ``columns`` keeps what else the source line held, tab-joined (the whole line for
    CoNLL-U, the extra columns for TSV; see ``Sentence.source``), so that writing
    the file back loses nothing. One string, not a list: a corpus has millions of tokens.
    """

    form: str
    tag: str | None = None
    columns: str | None = None


_generated_ids = itertools.count(1)


def new_sentence_id() -> str:
    """A fresh id for a sentence that did not bring one (unique within this process)."""
    return f"s{next(_generated_ids)}"


def reserve_sentence_ids(count: int) -> int:
    """Set aside the next ``count`` generated ids for sentences that other processes make; the first one's number.

    Every sentence read takes one generated id (then replaced by the id its file
    gives, if any), so the other processes give the sentences the ids this process
    would have given them, starting each part at ``first + sentences before it``
    with ``generate_sentence_ids_from``.
    """
    global _generated_ids
    first = next(_generated_ids)
    _generated_ids = itertools.count(first + count)
    return first


def generate_sentence_ids_from(number: int) -> None:
    """Make ``s<number>`` the next generated id of this process (see ``reserve_sentence_ids``)."""
    global _generated_ids
    _generated_ids = itertools.count(number)


@dataclass
class Sentence:
    """A sentence of tokens with a stable id, a split marker and a reviewed flag.

    ``comments`` are comment lines kept verbatim (CoNLL-U ``# ...``); ``extra_lines``
    are non-word lines (CoNLL-U multiword tokens and empty nodes) as
    ``(number of words before the line, raw line)``. ``source`` names the format
    these and ``Token.columns`` come from; other formats' writers ignore them.
    """

    tokens: list[Token]
    id: str = field(default_factory=new_sentence_id)
    split: Split = Split.TRAIN
    reviewed: bool = False
    comments: list[str] = field(default_factory=list)
    extra_lines: list[tuple[int, str]] = field(default_factory=list)
    source: str | None = None

    @classmethod
    def from_words(cls, words: Sequence[str], tags: Sequence[str | None] | None = None, **kwargs) -> "Sentence":
        """Build a sentence from parallel lists of words and (optional) tags."""
        tags = tags if tags is not None else [None] * len(words)
        if len(tags) != len(words):
            raise ValueError(f"{len(words)} words but {len(tags)} tags")
        return cls([Token(w, t) for w, t in zip(words, tags)], **kwargs)

    @property
    def words(self) -> list[str]:
        return [token.form for token in self.tokens]

    @property
    def tags(self) -> list[str | None]:
        return [token.tag for token in self.tokens]

    @property
    def text(self) -> str:
        """The words joined by spaces (a preview, not the original spacing)."""
        return " ".join(self.words)

    @property
    def tagged_count(self) -> int:
        return sum(token.tag is not None for token in self.tokens)

    @property
    def status(self) -> Status:
        tagged = self.tagged_count
        if tagged == 0:
            return Status.UNTAGGED
        if tagged < len(self.tokens):
            return Status.PARTIAL
        return Status.REVIEWED if self.reviewed else Status.COMPLETE

    def copy(self) -> "Sentence":
        """A deep copy with the same id (used for snapshots and undo)."""
        return Sentence(
            [Token(t.form, t.tag, t.columns) for t in self.tokens],
            id=self.id,
            split=self.split,
            reviewed=self.reviewed,
            comments=list(self.comments),
            extra_lines=list(self.extra_lines),
            source=self.source,
        )


class ChangeKind(str, Enum):
    """What a ``Change`` reports."""

    TAGS = "tags"  # tags of some tokens of one sentence changed
    SENTENCE = "sentence"  # one sentence changed as a whole (tokens, split, reviewed)
    INSERTED = "inserted"  # sentences inserted at [first, last]
    REMOVED = "removed"  # sentences removed from [first, last] (indices before removal)
    TAGSET = "tagset"  # the tag set changed (and maybe many tokens with it)
    RESET = "reset"  # anything may have changed


@dataclass(frozen=True)
class Change:
    """A notification sent to corpus listeners after an edit (and, for ``INSERTED``, ``REMOVED`` and
    ``RESET``, to the "before" listeners just before it, as Qt's item models need).

    ``first``/``last`` are sentence indices (inclusive); ``tokens`` the token
    indices for ``TAGS``.
    """

    kind: ChangeKind
    first: int = -1
    last: int = -1
    tokens: tuple[int, ...] = ()


Listener = Callable[[Change], None]


class Corpus:
    """An ordered list of sentences plus the tag set, with change notifications.

    Sentence ids are unique: a sentence added with an id already present gets a
    ``-2``, ``-3``... suffix.
    """

    def __init__(self, sentences: Iterable[Sentence] = (), tagset: TagSet | None = None) -> None:
        self.sentences: list[Sentence] = []
        self.tagset = tagset if tagset is not None else TagSet()
        self._position: dict[str, int] = {}
        self._listeners: list[Listener] = []
        self._before_listeners: list[Listener] = []
        self._insert(0, list(sentences))

    # ----------------------------------------------------------------- queries
    def __len__(self) -> int:
        return len(self.sentences)

    def __iter__(self):
        return iter(self.sentences)

    def __getitem__(self, index: int) -> Sentence:
        return self.sentences[index]

    def index_of(self, sentence_id: str) -> int:
        """Position of the sentence with ``sentence_id``; raises ``KeyError`` if absent."""
        return self._position[sentence_id]

    def by_id(self, sentence_id: str) -> Sentence:
        return self.sentences[self._position[sentence_id]]

    @property
    def word_count(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)

    @property
    def tagged_word_count(self) -> int:
        return sum(s.tagged_count for s in self.sentences)

    def in_split(self, split: Split) -> list[Sentence]:
        return [s for s in self.sentences if s.split == split]

    # --------------------------------------------------------------- listeners
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def add_before_listener(self, listener: Listener) -> None:
        """Call ``listener`` just before sentences are inserted or removed or everything is reset.

        The ``Change`` it receives is the one the ordinary listeners get right after
        (``REMOVED`` indices are those before the removal); a Qt model calls
        ``beginInsertRows`` / ``beginRemoveRows`` / ``beginResetModel`` here, and the
        matching ``end...`` in its ordinary listener.
        """
        self._before_listeners.append(listener)

    def _notify_before(self, change: Change) -> None:
        for listener in list(self._before_listeners):
            listener(change)

    def _notify(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # ----------------------------------------------------------- tag edits
    def set_tag(self, sentence_index: int, token_index: int, tag: str | None) -> str | None:
        """Set one token's tag (``None`` = untagged); returns the previous tag."""
        token = self.sentences[sentence_index].tokens[token_index]
        previous, token.tag = token.tag, tag
        self._notify(Change(ChangeKind.TAGS, sentence_index, sentence_index, (token_index,)))
        return previous

    def set_tags(self, sentence_index: int, tags: dict[int, str | None]) -> dict[int, str | None]:
        """Set several tokens' tags of one sentence at once; returns the previous tags."""
        tokens = self.sentences[sentence_index].tokens
        previous = {i: tokens[i].tag for i in tags}
        for i, tag in tags.items():
            tokens[i].tag = tag
        self._notify(Change(ChangeKind.TAGS, sentence_index, sentence_index, tuple(sorted(tags))))
        return previous

    def set_many_tags(self, edits: dict[int, dict[int, str | None]]) -> dict[int, dict[int, str | None]]:
        """Set tags across sentences (``{sentence: {token: tag}}``) with one ``RESET``-free batch.

        Returns the previous tags in the same shape, so the call can be undone by
        passing the result back.
        """
        previous: dict[int, dict[int, str | None]] = {}
        for sentence_index, tags in edits.items():
            tokens = self.sentences[sentence_index].tokens
            previous[sentence_index] = {i: tokens[i].tag for i in tags}
            for i, tag in tags.items():
                tokens[i].tag = tag
        if edits:
            self._notify(Change(ChangeKind.SENTENCE, min(edits), max(edits)))
        return previous

    # ----------------------------------------------------- sentence edits
    def insert_sentences(self, index: int, sentences: Sequence[Sentence]) -> None:
        """Insert ``sentences`` before position ``index``."""
        if sentences:
            change = Change(ChangeKind.INSERTED, index, index + len(sentences) - 1)
            self._notify_before(change)
            self._insert(index, list(sentences))
            self._notify(change)

    def append_sentences(self, sentences: Sequence[Sentence]) -> None:
        self.insert_sentences(len(self.sentences), sentences)

    def remove_sentences(self, index: int, count: int = 1) -> list[Sentence]:
        """Remove ``count`` sentences starting at ``index`` and return them."""
        removed = self.sentences[index:index + count]
        if not removed:
            return removed
        change = Change(ChangeKind.REMOVED, index, index + len(removed) - 1)
        self._notify_before(change)
        del self.sentences[index:index + count]
        for sentence in removed:
            del self._position[sentence.id]
        self._reindex_from(index)
        self._notify(change)
        return removed

    def replace_sentence(self, index: int, sentence: Sentence) -> Sentence:
        """Replace the sentence at ``index`` (same id kept if the new one has it); returns the old one."""
        old = self.sentences[index]
        del self._position[old.id]
        sentence.id = self._unique_id(sentence.id)
        self.sentences[index] = sentence
        self._position[sentence.id] = index
        self._notify(Change(ChangeKind.SENTENCE, index, index))
        return old

    def set_split(self, index: int, split: Split) -> Split:
        sentence = self.sentences[index]
        previous, sentence.split = sentence.split, Split(split)
        self._notify(Change(ChangeKind.SENTENCE, index, index))
        return previous

    def set_reviewed(self, index: int, reviewed: bool) -> bool:
        sentence = self.sentences[index]
        previous, sentence.reviewed = sentence.reviewed, reviewed
        self._notify(Change(ChangeKind.SENTENCE, index, index))
        return previous

    # ------------------------------------------------------- tag-set edits
    def add_tag(self, tag: Tag, position: int | None = None) -> None:
        self.tagset.add(tag, position)
        self._notify(Change(ChangeKind.TAGSET))

    def update_tag(self, name: str, description: str | None = None, color: str | None = None) -> Tag:
        """Change a tag's description and/or colour; returns the tag as it was."""
        tag = self.tagset[name]
        before = Tag(tag.name, tag.description, tag.color)
        if description is not None:
            tag.description = description
        if color is not None:
            tag.color = color
        self._notify(Change(ChangeKind.TAGSET))
        return before

    def rename_tag(self, old: str, new: str) -> int:
        """Rename a tag in the tag set and on every token; returns how many tokens changed."""
        self.tagset.rename(old, new)
        changed = self._retag_tokens({old: new})
        self._notify(Change(ChangeKind.TAGSET))
        return changed

    def merge_tags(self, source: str, target: str) -> dict[int, list[int]]:
        """Retag every ``source`` token as ``target`` and drop ``source`` from the tag set.

        Returns ``{sentence index: [token indices]}`` of the retagged tokens (for undo).
        """
        if target not in self.tagset:
            raise KeyError(target)
        where = self.tokens_with_tag(source)
        for sentence_index, token_indices in where.items():
            for i in token_indices:
                self.sentences[sentence_index].tokens[i].tag = target
        if source in self.tagset:
            self.tagset.remove(source)
        self._notify(Change(ChangeKind.TAGSET))
        return where

    def remove_tag(self, name: str) -> dict[int, list[int]]:
        """Drop a tag from the tag set and untag its tokens; returns where they were."""
        where = self.tokens_with_tag(name)
        for sentence_index, token_indices in where.items():
            for i in token_indices:
                self.sentences[sentence_index].tokens[i].tag = None
        self.tagset.remove(name)
        self._notify(Change(ChangeKind.TAGSET))
        return where

    def set_tagset(self, tagset: TagSet) -> TagSet:
        """Replace the whole tag set (tokens untouched); returns the previous one."""
        previous, self.tagset = self.tagset, tagset
        self._notify(Change(ChangeKind.TAGSET))
        return previous

    def tokens_with_tag(self, name: str) -> dict[int, list[int]]:
        """``{sentence index: [token indices]}`` of every token tagged ``name``."""
        where: dict[int, list[int]] = {}
        for sentence_index, sentence in enumerate(self.sentences):
            hits = [i for i, token in enumerate(sentence.tokens) if token.tag == name]
            if hits:
                where[sentence_index] = hits
        return where

    def reset(self, sentences: Sequence[Sentence], tagset: TagSet | None = None) -> None:
        """Replace everything at once (open, import-replace, undo of a big change)."""
        self._notify_before(Change(ChangeKind.RESET))
        self.sentences = []
        self._position = {}
        if tagset is not None:
            self.tagset = tagset
        self._insert(0, list(sentences))
        self._notify(Change(ChangeKind.RESET))

    # ------------------------------------------------------------- helpers
    def _retag_tokens(self, mapping: dict[str, str | None]) -> int:
        changed = 0
        for sentence in self.sentences:
            for token in sentence.tokens:
                if token.tag in mapping:
                    token.tag = mapping[token.tag]
                    changed += 1
        return changed

    def _insert(self, index: int, sentences: list[Sentence]) -> None:
        for sentence in sentences:
            sentence.id = self._unique_id(sentence.id)
            self._position[sentence.id] = -1  # reserve the id; real index set below
        self.sentences[index:index] = sentences
        self._reindex_from(index)

    def _reindex_from(self, start: int) -> None:
        for i in range(start, len(self.sentences)):
            self._position[self.sentences[i].id] = i

    def _unique_id(self, wanted: str) -> str:
        if wanted not in self._position:
            return wanted
        for n in itertools.count(2):
            candidate = f"{wanted}-{n}"
            if candidate not in self._position:
                return candidate
        raise AssertionError("unreachable")
