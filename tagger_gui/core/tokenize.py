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
_WHOLE = re.compile(
    r"""^(?:
        (?:https?://|www\.)\S*[^\s.,;:!?)\]}"']   # URL (not its trailing punctuation)
      | [\w.+-]+@[\w-]+(?:\.[\w-]+)+             # e-mail
      | \d+(?:[.,:/]\d+)+                        # 3.14  1,000  12:30  1/2
      | (?:[A-Za-z]\.){2,}                       # U.S.  e.g.
      | ['’](?:s|m|re|ve|d|ll)|n['’]t             # a clitic typed on its own
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_OPENING = "([{\"'`“‘«"
_CLOSING = ".,;:!?)]}\"'”’»"
_RUNS = ("...", "!!!", "???", "?!", "!?")
_CLITIC = re.compile(r"^(.+?)(n['’]t|['’](?:s|m|re|ve|d|ll))$", re.IGNORECASE)
_HYPHEN = re.compile(r"(?<=[^\W\d_]{2})-(?=[^\W\d_]{2})")


def tokenize(text: str) -> list[str]:
    """Split one sentence of text into tokens (see the module docstring for the rules)."""
    tokens: list[str] = []
    for chunk in text.split():
        tokens.extend(_split_chunk(chunk))
    return tokens


def _split_chunk(chunk: str) -> list[str]:
    leading: list[str] = []
    while len(chunk) > 1 and chunk[0] in _OPENING and not _WHOLE.match(chunk):
        leading.append(chunk[0])
        chunk = chunk[1:]
    trailing: list[str] = []
    while len(chunk) > 1 and chunk[-1] in _CLOSING and not _stays_whole(chunk):
        mark = next((run for run in _RUNS if chunk.endswith(run) and chunk != run), chunk[-1])
        trailing.insert(0, mark)
        chunk = chunk[: -len(mark)]
    return leading + _split_word(chunk) + trailing


def _stays_whole(chunk: str) -> bool:
    """A chunk whose final mark belongs to it: an abbreviation, URL, number or a ``...`` run."""
    return bool(_WHOLE.match(chunk)) or chunk.lower() in _ABBREVIATIONS or chunk in _RUNS


def _split_word(word: str) -> list[str]:
    clitic = _CLITIC.match(word) if not _WHOLE.match(word) else None
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
