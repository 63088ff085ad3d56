"""The rule-based tokenizer used for typed and plain-text input.

It follows the conventions of UD English (EWT), so typed text is split the way the
training data is:

1. Whitespace separates tokens; URLs, e-mail addresses, numbers (``3.14``,
   ``1,000``, ``12:30``) and abbreviations with inner periods (``U.S.``, ``e.g.``)
   stay whole.
2. Leading opening punctuation (``( [ { " ' `` ...) and trailing closing
   punctuation (``. , ; : ! ? ) ] } " '`` ...) is split off, one token per mark,
   except that ``...`` and runs of ``!``/``?`` stay together. A final period after a
   known abbreviation (``Mr.``, ``Dr.``, ``etc.``) stays with the word.
3. English clitics are split as in UD: ``don't`` -> ``do n't``, ``can't`` ->
   ``ca n't``, ``won't`` -> ``wo n't``, ``it's`` -> ``it 's``, and likewise ``'m 're 've
   'd 'll``; the curly apostrophe (’) works the same.
4. A hyphen between two words of two or more letters is its own token
   (``long-term`` -> ``long - term``); ``e-mail`` and ``713-853-3989`` stay whole.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "etc.", "inc.", "ltd.", "co.",
    "corp.", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.",
    "dec.", "no.", "approx.", "dept.", "est.", "fig.", "mt.",
}
_WHOLE = re.compile(  # used with fullmatch
    r"""(?:
        (?:https?://|www\.)\S*[^\s.,;:!?)\]}"']   # URL (not its trailing punctuation)
      | [\w.+-]+@[\w-]+(?:\.[\w-]+)+             # e-mail
      | \d+(?:[.,:/]\d+)+                        # 3.14  1,000  12:30  1/2
      | (?:[A-Za-z]\.){2,}                       # U.S.  e.g.
      | ['’](?:s|m|re|ve|d|ll)|n['’]t             # a clitic typed on its own
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_OPENING = "([{\"'`“‘«"
_CLOSING = ".,;:!?)]}\"'”’»"
_RUNS = ("...", "!!!", "???", "?!", "!?")
_ABBREVIATION_PREFIX = re.compile(r"(?:[A-Za-z]\.)*", re.IGNORECASE)
_URL_START = re.compile(r"https?://|www\.", re.IGNORECASE)
_URL_NOT_LAST = ".,;:!?)]}\"'"
_RUN_ENDS = {run[-1] for run in _RUNS}
_LONGEST_SHORT_FORM = max(len(word) for word in (*_ABBREVIATIONS, *_RUNS))
_CLITIC = re.compile(r"^(.+?)(n['’]t|['’](?:s|m|re|ve|d|ll))$", re.IGNORECASE)
_HYPHEN = re.compile(r"(?<=[^\W\d_]{2})-(?=[^\W\d_]{2})")


def tokenize(text: str) -> list[str]:
    """Split one sentence of text into tokens (see the module docstring for the rules)."""
    tokens: list[str] = []
    for chunk in text.split():
        tokens.extend(_split_chunk(chunk))
    return tokens


def _split_chunk(chunk: str) -> list[str]:
    """Split off leading and trailing punctuation, then clitics and hyphens.

    Linear in the chunk's length by construction: marks are stripped by moving two
    indices (no slicing), and each step's "does the rest stay whole?" costs O(1)
    (see ``_Rest``), so a line of 200,000 periods takes as long as 200,000 letters.
    """
    start, end = 0, len(chunk)
    while end - start > 1 and chunk[start] in _OPENING and not _WHOLE.fullmatch(chunk, start, end):
        start += 1  # only a lone clitic ('s) can match from an opening mark: the match fails in O(1)
    rest = _Rest(chunk, start)
    trailing: list[str] = []
    while end - start > 1 and chunk[end - 1] in _CLOSING and not rest.stays_whole(end):
        mark = chunk[end - 1]
        if mark in _RUN_ENDS:
            mark = next((run for run in _RUNS if chunk.endswith(run, start, end) and end - start != len(run)), mark)
        trailing.append(mark)
        end -= len(mark)
    return list(chunk[:start]) + _split_word(chunk[start:end]) + trailing[::-1]


class _Rest:
    """``chunk[start:end]`` for a fixed start and a shrinking end, asked whether it stays whole.

    It is only asked while the rest ends in a closing mark. Of the ``_WHOLE``
    patterns only an abbreviation (ending in ``.``) and a URL (ending in ``”’»``)
    can end in one, so those two are decided from facts gathered once per chunk.
    """

    def __init__(self, chunk: str, start: int) -> None:
        self.chunk, self.start = chunk, start
        self.abbreviation_end = start + _ABBREVIATION_PREFIX.match(chunk, start).end() - start
        url = _URL_START.match(chunk, start)
        self.url_body = url.end() if url else None

    def stays_whole(self, end: int) -> bool:
        """Whether ``chunk[start:end]`` stays one token (as ``_stays_whole`` would say), in O(1)."""
        length = end - self.start
        if length <= _LONGEST_SHORT_FORM and _stays_whole(self.chunk[self.start:end]):
            return True
        if length >= 4 and length % 2 == 0 and end <= self.abbreviation_end:
            return True
        return self.url_body is not None and end > self.url_body and self.chunk[end - 1] not in _URL_NOT_LAST


def _stays_whole(chunk: str) -> bool:
    """A chunk whose final mark belongs to it: an abbreviation, URL, number or a ``...`` run."""
    return bool(_WHOLE.fullmatch(chunk)) or chunk.lower() in _ABBREVIATIONS or chunk in _RUNS


def _split_word(word: str) -> list[str]:
    clitic = _CLITIC.match(word) if not _WHOLE.fullmatch(word) else None
    if clitic:
        stem, suffix = clitic.groups()
        return _split_hyphens(stem) + [suffix]
    return _split_hyphens(word)


def _split_hyphens(word: str) -> list[str]:
    parts = _HYPHEN.split(word)
    tokens: list[str] = []
    for i, part in enumerate(parts):
        if i:
            tokens.append("-")
        tokens.append(part)
    return tokens
