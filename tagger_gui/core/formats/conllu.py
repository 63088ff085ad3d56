"""CoNLL-U (Universal Dependencies): ten tab-separated columns, comments, blank line between sentences.

The tag comes from UPOS (column 4) by default, XPOS (column 5) or any column given
by its 0-based index. Multiword-token lines (``3-4``) and empty nodes (``5.1``) are
not words; they are kept as ``Sentence.extra_lines``, and comments and all other
columns are kept verbatim, so reading and writing an unchanged file gives back the
same bytes.
"""

from __future__ import annotations

from tagger_gui.core.corpus import Sentence, Token
from tagger_gui.core.formats.errors import FormatError
from tagger_gui.core.validation import first_bad_token

COLUMN_COUNT = 10
HEAD, DEPREL, DEPS = 6, 7, 8
_NAMED_COLUMNS = {"upos": 3, "xpos": 4}


def tag_index(tag_column: str | int) -> int:
    """The 0-based column holding the tag: ``"upos"`` -> 3, ``"xpos"`` -> 4, or an index 2..9."""
    if isinstance(tag_column, str) and tag_column.lower() in _NAMED_COLUMNS:
        return _NAMED_COLUMNS[tag_column.lower()]
    try:
        index = int(tag_column)
    except (TypeError, ValueError):
        raise ValueError(f"tag column must be upos, xpos or a column number, not {tag_column!r}") from None
    if not 2 <= index < COLUMN_COUNT:
        raise ValueError(f"tag column {index} is not a tag column (use 2..9; 0 is ID, 1 is FORM)")
    return index


class _SentenceBuilder:
    """Collects the lines of one sentence block and checks them."""

    def __init__(self, path: str, tag_col: int) -> None:
        self.path, self.tag_col = path, tag_col
        self.comments: list[str] = []
        self.tokens: list[Token] = []
        self.extra: list[tuple[int, str]] = []
        self.first_line = 0
        self.token_lines: list[int] = []
        self.next_id = "1"  # the ID the next word line must have
        self.range_end = (0, 0)  # (last word of the latest multiword token, its line)
        self.last_node = (0, 0)  # the latest empty node, as (word before it, its number)

    def add(self, line: str, number: int) -> None:
        if not self.first_line:
            self.first_line = number
        if line.startswith("#"):
            if self.tokens or self.extra:
                raise FormatError(self.path, number, "comment line after the words of a sentence")
            self.comments.append(line)
            return
        columns = line.split("\t")
        if len(columns) != COLUMN_COUNT:
            raise FormatError(self.path, number, f"expected {COLUMN_COUNT} tab-separated columns, found {len(columns)}")
        self._add_columns(columns, line, number)

    def _add_columns(self, columns: list[str], line: str, number: int) -> None:
        word_id = columns[0]
        if word_id != self.next_id:  # checked first: it is the one test most lines need (reading is per line)
            if "-" in word_id or "." in word_id:
                self._add_extra(word_id, line, number)
                return
            raise FormatError(self.path, number, f"word ID {word_id!r} out of sequence (expected {self.next_id})")
        if not columns[1]:
            raise FormatError(self.path, number, "empty FORM column")
        tag = columns[self.tag_col]
        self.tokens.append(Token(columns[1], None if tag in ("_", "") else tag, line))
        self.token_lines.append(number)
        self.next_id = str(len(self.tokens) + 1)

    def _add_extra(self, word_id: str, line: str, number: int) -> None:
        """A multiword-token line (``3-4``: the next words, not overlapping another) or an empty node (``5.1``)."""
        parts = word_id.split("-" if "-" in word_id else ".")
        if len(parts) != 2 or not all(part.isdigit() for part in parts):
            raise FormatError(self.path, number, f"bad word ID {word_id!r}")
        first, second = int(parts[0]), int(parts[1])
        following = len(self.tokens) + 1
        if "-" in word_id:
            if first != following or second <= first or first <= self.range_end[0]:
                raise FormatError(self.path, number,
                                  f"bad multiword range {word_id!r} (expected {following}-N, N > {following}, "
                                  "not overlapping the previous one)")
            self.range_end = (second, number)
        else:
            expected = self.last_node[1] + 1 if self.last_node[0] == first else 1
            if first != len(self.tokens) or second != expected:
                raise FormatError(self.path, number, f"empty node {word_id!r} out of sequence "
                                                     f"(expected {len(self.tokens)}.{expected})")
            self.last_node = (first, second)
        self.extra.append((len(self.tokens), line))

    def build(self) -> Sentence:
        if not self.tokens:
            raise FormatError(self.path, self.first_line, "sentence without any word line")
        if self.range_end[0] > len(self.tokens):
            raise FormatError(self.path, self.range_end[1], f"multiword range ends at word {self.range_end[0]}, "
                                                            f"but the sentence has {len(self.tokens)} words")
        sentence = Sentence(self.tokens, comments=self.comments, extra_lines=self.extra, source="conllu")
        bad = first_bad_token(sentence.words, sentence.tags)
        if bad:
            raise FormatError(self.path, self.token_lines[bad[0]], bad[1])
        for comment in self.comments:
            if sent_id := comment_value(comment, "sent_id"):
                sentence.id = sent_id
        return sentence


def read(text: str, path: str, tag_column: str | int = "upos") -> list[Sentence]:
    """Parse CoNLL-U ``text``; raises ``FormatError`` with the line number on any malformed line."""
    try:
        tag_col = tag_index(tag_column)
    except ValueError as error:
        raise FormatError(path, 0, str(error)) from None
    sentences: list[Sentence] = []
    builder: _SentenceBuilder | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            builder = builder or _SentenceBuilder(path, tag_col)
            builder.add(line, number)
        elif builder is not None:
            sentences.append(builder.build())
            builder = None
    if builder is not None:
        sentences.append(builder.build())
    return sentences


def write(sentences: list[Sentence], tag_column: str | int = "upos") -> str:
    """Render sentences as CoNLL-U, each followed by one blank line."""
    tag_col = tag_index(tag_column)
    lines: list[str] = []
    for sentence in sentences:
        own = sentence.source == "conllu"
        lines.extend(_comments(sentence) if own and sentence.comments else [f"# sent_id = {sentence.id}", f"# text = {sentence.text}"])
        extra = sorted(sentence.extra_lines, key=lambda item: item[0]) if own else []
        next_extra = 0
        for i, token in enumerate(sentence.tokens):
            while next_extra < len(extra) and extra[next_extra][0] <= i:
                lines.append(extra[next_extra][1])
                next_extra += 1
            lines.append(_word_line(i, token, tag_col, own))
        lines.extend(line for _, line in extra[next_extra:])
        lines.append("")
    return "".join(line + "\n" for line in lines)


def comment_value(comment: str, key: str) -> str | None:
    """The value of a ``# key = value`` comment line, stripped; ``None`` if the line is not about ``key``."""
    name, equals, value = comment[1:].partition("=")
    return value.strip() if equals and name.strip() == key else None


def _comments(sentence: Sentence) -> list[str]:
    """The sentence's comment lines with its current id in a ``sent_id`` that names another (an import renames a
    sentence whose id is taken); any other comment is kept as it was written."""
    return [f"# sent_id = {sentence.id}" if comment_value(line, "sent_id") not in (None, "", sentence.id) else line
            for line in sentence.comments]


def renumbered(line: str, new_ids: dict[str, str]) -> str:
    """Word ``line`` with HEAD and DEPS pointing at the words' new ids (``new_ids``: old id -> new id).

    A relation to a word that has no new id (an edit removed it) is dropped: HEAD and
    DEPREL become ``_``, a DEPS entry goes (``_`` if none is left). The root, ``0``, stays.
    """
    columns = line.split("\t")
    if len(columns) != COLUMN_COUNT:
        return line
    if columns[HEAD] != "_":
        columns[HEAD] = new_ids.get(columns[HEAD], "_")
        columns[DEPREL] = columns[DEPREL] if columns[HEAD] != "_" else "_"
    if columns[DEPS] != "_":
        heads = (entry.partition(":") for entry in columns[DEPS].split("|"))
        columns[DEPS] = "|".join(f"{new_ids[head]}:{relation}" for head, _, relation in heads if head in new_ids) or "_"
    return "\t".join(columns)


def _word_line(i: int, token: Token, tag_col: int, own: bool) -> str:
    columns = token.columns.split("\t") if own and token.columns else ["_"] * COLUMN_COUNT
    columns[0] = str(i + 1)
    columns[1] = _clean(token.form)
    columns[tag_col] = token.tag if token.tag is not None else "_"
    return "\t".join(columns)


def _clean(form: str) -> str:
    """CoNLL-U cannot hold tabs or line breaks in a FORM: they become spaces."""
    return form.replace("\t", " ").replace("\n", " ")
