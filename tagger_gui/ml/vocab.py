"""Word, character, shape and tag indices with unknown-word handling.

Index 0 is padding and index 1 the unknown item in the word, character and
suffix tables (``PAD``, ``UNK``). A word is looked up as written, then (when the
vocabulary is lower-cased) in lower case, then falls back to ``UNK``; its
character ids and shape id are computed from the original spelling, so the
model can still tag a word it has never seen.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

PAD = 0
UNK = 1
SPECIALS = ["<pad>", "<unk>"]
BOW, EOW = 2, 3
CHAR_SPECIALS = SPECIALS + ["<w>", "</w>"]

_SHAPES = ["<pad>", "lower", "Title", "UPPER", "Mixed", "digit", "digit-mix", "punct", "other"]
_PUNCT = re.compile(r"^[^\w\s]+$")


def word_shape(word: str) -> int:
    """A small shape class of ``word`` (index into the shape table, never ``PAD``)."""
    if any(c.isdigit() for c in word):
        return 5 if all(c.isdigit() or c in ".,-/:" for c in word) else 6
    if _PUNCT.match(word):
        return 7
    if word.islower():
        return 1
    if word.isupper():
        return 3
    if word[:1].isupper():
        return 2 if word[1:].islower() or len(word) == 1 else 4
    return 8


NUM_SHAPES = len(_SHAPES)
_DIGITS = re.compile(r"\d")


def raw_form(word: str) -> str:
    """How a word is looked up among the vectors learned from untagged text: lower case, every digit 0."""
    return _DIGITS.sub("0", word.lower())


HEADLINE_SHARE = 0.75
"""A sentence is written as a title when this share of its longer words (``is_headline``) are title-cased.

EWT dev at 5% tagged (a Train as ``benchmarks/learning_curve.py`` runs it, seeds 1-2): 0.75 gave
91.83 / 91.82, 0.6 91.66 / 91.76, 0.9 91.76 / 91.82.
"""


def _title_cased(word: str) -> bool:
    return word[:1].isupper() and not any(c.isupper() for c in word[1:])


def headline_vote(word: str) -> int:
    """What ``word`` says about its sentence being a title: 0 nothing (short, or not a word), 1 no, 2 yes."""
    if len(word) < 4 or not word[0].isalpha():
        return 0
    return 2 if _title_cased(word) else 1


def _is_title(voters: int | np.ndarray, yes: int | np.ndarray) -> bool | np.ndarray:
    return (voters >= 2) & (yes >= HEADLINE_SHARE * voters)


def is_headline(words: Sequence[str]) -> bool:
    """Whether a sentence is written as a title ("Fantastic Nova Scotia Cottage"), where a capital says nothing.

    Looks at the words after the first that start with a letter and have four letters or
    more (titles leave "of", "the", "and" in lower case): at least two, and
    ``HEADLINE_SHARE`` of them capitalised and otherwise in lower case.
    """
    votes = [headline_vote(w) for w in words[1:]]
    return bool(_is_title(len(votes) - votes.count(0), votes.count(2)))


def headline_mask(votes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``is_headline`` of many sentences at once, from their words' ``headline_vote``.

    Args:
        votes: the votes of the words of all the sentences, one after the other (int64);
            those of first words are ignored.
        starts, lengths: where each sentence's words are in ``votes`` (int64 arrays).
    """
    votes = votes.copy()
    votes[starts[lengths > 0]] = 0  # a sentence's first word is capitalised whatever it is

    def per_sentence(values: np.ndarray) -> np.ndarray:
        totals = np.concatenate([[0], np.cumsum(values)])
        return totals[starts + lengths] - totals[starts]

    return _is_title(per_sentence(votes > 0), per_sentence(votes == 2))


@dataclass
class Vocab:
    """The lookup tables of one model.

    Attributes:
        words: word strings by index (``SPECIALS`` first), lower-cased if ``lowercase``.
        chars: characters by index (``CHAR_SPECIALS`` first).
        tags: tag names by index (the model's output order).
        lowercase: look words up in lower case after trying the exact form.
        word_counts: training counts aligned with ``words`` (used for word dropout).
        suffixes: the lower-cased word endings (of 1 to ``suffix_length`` letters) seen in training.
        raw_words: the words (``raw_form``) with a vector learned from untagged text (``ml.raw_vectors``),
            ``SPECIALS`` first; empty when the model has none.
        capitalised: those of ``raw_words`` that the untagged text writes with a capital inside
            sentences (``RawVectors.capitalised``); ``None`` (no vectors, or a model from before
            this list) leaves a sentence's first word as it is written (``as_inside``).
        neighbour_tags: the tags whose shares among each word's nearest tagged words extend its
            untagged-text vector (``ml.neighbour_tags``); empty: the vectors are not extended.
    """

    words: list[str]
    chars: list[str]
    tags: list[str]
    lowercase: bool = True
    word_counts: list[int] = field(default_factory=list)
    suffixes: list[str] = field(default_factory=lambda: list(SPECIALS))
    raw_words: list[str] = field(default_factory=list)
    capitalised: list[str] | None = None
    neighbour_tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._raw_index = {w: i for i, w in enumerate(self.raw_words)}
        self._capitalised = frozenset(self.capitalised or ())
        self._word_index = {w: i for i, w in enumerate(self.words)}
        self._suffix_index = {s: i for i, s in enumerate(self.suffixes)}
        self._char_index = {c: i for i, c in enumerate(self.chars)}
        self._tag_index = {t: i for i, t in enumerate(self.tags)}

    @classmethod
    def build(
        cls,
        sentences: Iterable[Sequence[str]],
        tags: Sequence[str],
        *,
        lowercase: bool = True,
        min_freq: int = 1,
        suffix_length: int = 0,
    ) -> "Vocab":
        """Vocabulary of ``sentences`` (lists of words): words seen ``min_freq`` times or more.

        Every ending of up to ``suffix_length`` letters of a training word is kept.
        """
        counts: Counter[str] = Counter()
        chars: Counter[str] = Counter()
        for words in sentences:  # one C-level update per sentence: fast, and short enough to share the GIL
            counts.update([word.lower() for word in words] if lowercase else words)
            chars.update("".join(words))
        kept = [w for w, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if n >= min_freq]
        return cls(
            words=SPECIALS + kept,
            chars=CHAR_SPECIALS + sorted(chars),
            tags=list(tags),
            lowercase=lowercase,
            word_counts=[0, 0] + [counts[w] for w in kept],
            suffixes=SPECIALS + _endings({w.lower() for w in counts}, suffix_length),
        )

    def grow(
        self, sentences: Iterable[Sequence[str]], tags: Sequence[str], *, min_freq: int = 1, suffix_length: int = 0
    ) -> "Vocab":
        """This vocabulary with the words, characters, suffixes and tags of new data appended.

        Every old item keeps its index, so a model's old rows stay valid (warm start);
        new items follow in ``build``'s order. ``word_counts`` are the counts in
        ``sentences`` (0 for old words they lack), as word dropout expects.
        """
        fresh = Vocab.build(sentences, tags, lowercase=self.lowercase, min_freq=min_freq, suffix_length=suffix_length)
        counts = dict(zip(fresh.words, fresh.word_counts))
        words = self.words + [w for w in fresh.words if w not in self._word_index]
        return Vocab(
            words=words,
            chars=self.chars + [c for c in fresh.chars if c not in self._char_index],
            tags=self.tags + [t for t in tags if t not in self._tag_index],
            lowercase=self.lowercase,
            word_counts=[0, 0] + [counts.get(w, 0) for w in words[len(SPECIALS):]],
            suffixes=self.suffixes + [s for s in fresh.suffixes if s not in self._suffix_index],
            raw_words=self.raw_words,
            capitalised=self.capitalised,
            neighbour_tags=self.neighbour_tags,
        )

    def as_inside(self, first_word: str) -> str:
        """A sentence's first word as it is written inside sentences: its capital dropped if the untagged text has none.

        A sentence's first word is capitalised whatever it is, and a tagger trained on a few
        hundred sentences reads any capital as a name ("Thanks", "Please" tagged PROPN).
        Words the untagged text writes in lower case inside sentences start in lower case
        here; names, words it never saw inside a sentence and words it has no vector for
        keep their capital.
        """
        if self.capitalised is None or not first_word[:1].isupper():
            return first_word
        form = raw_form(first_word)
        if form in self._capitalised or form not in self._raw_index:
            return first_word
        return first_word[0].lower() + first_word[1:]

    def as_read(self, words: Sequence[str]) -> list[str]:
        """A sentence's words as the tagger reads them: capitals that only mark its start, or a title, dropped.

        The first word goes through ``as_inside``; in a sentence written as a title
        (``is_headline``: "Customer Service Agreement") so does every capitalised word, since
        a title's capitals no more say "name" than a sentence start's does.
        """
        if not words or self.capitalised is None:
            return list(words)
        if is_headline(words):
            return [self.as_inside(w) if _title_cased(w) else w for w in words]
        return [self.as_inside(words[0]), *words[1:]]

    def word_id(self, word: str) -> int:
        """Index of ``word``: exact form, then lower case (if enabled), else ``UNK``."""
        index = self._word_index.get(word)
        if index is None and self.lowercase:
            index = self._word_index.get(word.lower())
        return UNK if index is None else index

    def raw_id(self, word: str) -> int:
        """Row of ``word``'s vector learned from untagged text (``UNK``: none; ``PAD`` if the model has none)."""
        if not self.raw_words:
            return PAD
        return self._raw_index.get(raw_form(word), UNK)

    def char_ids(self, word: str, max_chars: int) -> list[int]:
        """Character indices of ``word`` between word-start and word-end markers.

        Longer words keep their first and last ``max_chars // 2`` characters: the
        markers let the character encoder tell a suffix from the same letters inside.
        """
        if len(word) > max_chars:
            half = max_chars // 2
            word = word[:half] + word[len(word) - (max_chars - half):]
        return [BOW, *(self._char_index.get(c, UNK) for c in word), EOW]

    def suffix_ids(self, word: str, suffix_length: int) -> list[int]:
        """Indices of the last 1, 2, ... ``suffix_length`` letters of ``word`` (lower-cased).

        ``PAD`` where the word is shorter than the ending, ``UNK`` for an ending not seen in training.
        """
        word = word.lower()
        return [
            self._suffix_index.get(word[-n:], UNK) if n <= len(word) else PAD for n in range(1, suffix_length + 1)
        ]

    def tag_id(self, tag: str) -> int:
        """Index of tag ``tag`` (``KeyError`` if the model does not know it)."""
        return self._tag_index[tag]

    def to_dict(self) -> dict:
        """JSON-ready tables."""
        return {
            "words": self.words,
            "chars": self.chars,
            "tags": self.tags,
            "lowercase": self.lowercase,
            "word_counts": self.word_counts,
            "suffixes": self.suffixes,
            "raw_words": self.raw_words,
            "capitalised": self.capitalised,
            "neighbour_tags": self.neighbour_tags,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Vocab":
        """Inverse of ``to_dict``."""
        return cls(
            words=list(data["words"]),
            chars=list(data["chars"]),
            tags=list(data["tags"]),
            lowercase=bool(data["lowercase"]),
            word_counts=list(data.get("word_counts", [])),
            suffixes=list(data.get("suffixes", SPECIALS)),
            raw_words=list(data.get("raw_words", [])),
            capitalised=None if data.get("capitalised") is None else list(data["capitalised"]),
            neighbour_tags=list(data.get("neighbour_tags", [])),
        )


def _endings(words: Iterable[str], longest: int) -> list[str]:
    """The distinct endings of 1 to ``longest`` letters of ``words``, sorted."""
    return sorted({word[-n:] for word in words for n in range(1, min(longest, len(word)) + 1)})
