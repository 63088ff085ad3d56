"""Two-column CoNLL / TSV: ``token<TAB>tag`` per line, a blank line between sentences.

Lines without a tab are split on runs of spaces (the CoNLL-2003 layout). The first
column is the token and the last the tag (or the column given by index); columns in
between are kept and written back. ``_`` or an empty tag means untagged; a line
with only a token is an untagged token. ``-DOCSTART-`` lines are skipped.
"""

from __future__ import annotations

from tagger_gui.core.corpus import Sentence, Token
from tagger_gui.core.formats.errors import FormatError
from tagger_gui.core.validation import DOCSTART, first_bad_token

UNTAGGED = "_"


def _columns(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def is_docstart(line: str) -> bool:
    """Whether ``line`` is a ``-DOCSTART-`` line: skipped, neither a word nor a sentence break."""
    return DOCSTART in line and _columns(line)[0] == DOCSTART


def _token(columns: list[str], tag_column: str | int, path: str, number: int) -> Token:
    if not columns[0].strip():
        raise FormatError(path, number, "empty token in the first column")
    if len(columns) == 1:
        return Token(columns[0])
    index = tag_column if isinstance(tag_column, int) else len(columns) - 1
    if not 1 <= index < len(columns):
        raise FormatError(path, number, f"no column {index} for the tag (line has {len(columns)} columns)")
    tag = columns[index].strip()
    tag = None if tag in (UNTAGGED, "") else tag
    middle = columns[1:index] + columns[index + 1:]
    return Token(columns[0], tag, "\t".join(middle) if middle else None)


def read(text: str, path: str, tag_column: str | int = "last") -> list[Sentence]:
    """Parse two-column text; ``tag_column`` is an int column index or anything else for the last column.

    Within a sentence every line but those holding only a token has the same number of columns:
    a line of four columns among lines of two would take its tag from another column than its
    neighbours, so such a line is an error.
    """
    if tag_column == "xpos":
        raise FormatError(path, 0, "xpos names a CoNLL-U column; in a two-column file the tag is the last column "
                                   "(or give its number)")
    sentences: list[Sentence] = []
    tokens: list[Token] = []
    numbers: list[int] = []
    width: int | None = None  # the columns of the sentence's first line with more than a token
    for number, line in enumerate(text.split("\n"), start=1):
        if is_docstart(line):
            continue
        if not line.strip():
            if tokens:
                sentences.append(_sentence(tokens, numbers, path))
                tokens, numbers, width = [], [], None
            continue
        columns = _columns(line)
        if len(columns) > 1:
            width = width or len(columns)
            if len(columns) != width:
                raise FormatError(path, number, f"{len(columns)} columns, where the sentence's lines before have "
                                                f"{width}")
        tokens.append(_token(columns, tag_column, path, number))
        numbers.append(number)
    if tokens:
        sentences.append(_sentence(tokens, numbers, path))
    return sentences


def _sentence(tokens: list[Token], numbers: list[int], path: str) -> Sentence:
    """A sentence of ``tokens`` (read from lines ``numbers``) whose forms and tags every format can hold."""
    sentence = Sentence(tokens, source="columns")
    bad = first_bad_token(sentence.words, sentence.tags)
    if bad:
        raise FormatError(path, numbers[bad[0]], bad[1])
    return sentence


def write(sentences: list[Sentence], tag_column: str | int = "last") -> str:
    """Render ``token<TAB>[kept columns<TAB>]tag`` lines, the tag at ``tag_column`` if that is a number (where
    it was read from); untagged tokens get ``_``.

    Every line of a sentence gets as many columns: a token with fewer kept columns than the others (one
    added or retokenised in the window) gets ``_`` in the missing ones.
    """
    lines: list[str] = []
    for sentence in sentences:
        own = sentence.source == "columns"
        kept = [token.columns.split("\t") if own and token.columns else [] for token in sentence.tokens]
        width = max(map(len, kept), default=0)
        at = min(tag_column - 1, width) if isinstance(tag_column, int) and tag_column >= 1 else width
        for token, columns in zip(sentence.tokens, kept):
            columns = columns + [UNTAGGED] * (width - len(columns))
            columns.insert(at, token.tag or UNTAGGED)
            lines.append("\t".join([token.form.replace("\t", " ").replace("\n", " "), *columns]))
        lines.append("")
    return "".join(line + "\n" for line in lines)
