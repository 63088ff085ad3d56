"""A corpus file of any size in constant memory: read in chunks of sentences, written as it goes.

``ChunkReader`` reads a few MiB of lines at a time, cut at a blank line (a sentence
boundary in every format; JSONL and plain text may be cut at any line), and parses
each chunk with the format's own reader, so a file read in chunks gives the same
sentences as ``read_file``, and an error is the same ``FormatError`` naming the
line in the whole file. ``StreamWriter`` appends each chunk's text to a temporary
file that replaces the target atomically at the end (``atomic_open``): the writers
render sentence by sentence, so the bytes equal those of ``write_file``.

``ChunkReader.spans`` gives the same chunks as byte ranges with their sentence
counts, found without parsing (``count_sentences``), and ``read_span`` parses one:
so that other processes can each read and tag a part of one file
(``tagger_gui.ml.ray_predict``) and still number its sentences as one process does.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from tagger_gui.core.atomic import atomic_open
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.files import open_regular
from tagger_gui.core.formats import columns, format_for_path, module_for, parse
from tagger_gui.core.formats.errors import FormatError, decode

CHUNK_BYTES = 2 << 20
"""About how much of the file one chunk holds (it ends at the next sentence boundary)."""
_ANY_LINE = ("jsonl", "text")
"""Formats with one sentence a line: a chunk may end after any line."""


@dataclass(frozen=True)
class Span:
    """One chunk of a file as ``ChunkReader`` cuts it.

    Attributes:
        start: its first byte's offset in the file.
        end: the offset just past its last byte.
        first_line: the number of its first line in the file (from 1).
        sentences_before: the sentences in the file before it.
        sentences: the sentences in it.
    """

    start: int
    end: int
    first_line: int
    sentences_before: int
    sentences: int


class ChunkReader:
    """The sentences of a file, chunk by chunk: ``for sentences in ChunkReader(path): ...``.

    A chunk holds about ``chunk_bytes`` (default ``CHUNK_BYTES``) of the file.

    Attributes:
        size: the file's size in bytes (known once iteration starts).
        done: the bytes read so far (for progress).
        sentences: the sentences yielded so far.
    """

    def __init__(self, path: str | os.PathLike, fmt: str | None = None, *, tag_column: str | int = "upos",
                 chunk_bytes: int | None = None) -> None:
        self.path, self.name = path, str(path)
        self.fmt = fmt or format_for_path(path)
        self.module = module_for(self.fmt, self.name)
        self.tag_column, self.chunk_bytes = tag_column, chunk_bytes or CHUNK_BYTES
        self.size = self.done = self.sentences = 0

    def __iter__(self) -> Iterator[list[Sentence]]:
        first_line = 1
        for data in self._blocks():
            text = decode(data, self.name, first_line=first_line)
            sentences = self._parse(text, first_line)
            first_line += text.count("\n")
            self.done += len(data)
            self.sentences += len(sentences)
            if sentences:
                yield sentences

    def spans(self) -> Iterator[Span]:
        """The chunks that iteration gives (those holding sentences), as spans, without parsing them.

        The counts are those of a well-formed file; a malformed chunk is found when
        ``read_span`` parses it. Invalid UTF-8 raises ``FormatError`` here.
        """
        start, first_line = 0, 1
        for data in self._blocks():
            text = decode(data, self.name, first_line=first_line)
            count = count_sentences(text, self.fmt)
            if count:
                yield Span(start, start + len(data), first_line, self.sentences, count)
            start += len(data)
            first_line += text.count("\n")
            self.done, self.sentences = start, self.sentences + count

    def read_span(self, span: Span) -> list[Sentence]:
        """The sentences of ``span`` (a span of this file from ``spans``), as iteration gives them."""
        with self._open() as file:
            file.seek(span.start)
            data = file.read(span.end - span.start)
        return self._parse(decode(data, self.name, first_line=span.first_line), span.first_line)

    def _parse(self, text: str, first_line: int) -> list[Sentence]:
        """The sentences of a chunk's ``text``; an error names the line in the whole file."""
        try:
            return parse(self.module, text, self.name, self.tag_column)
        except FormatError as error:
            line = error.line + first_line - 1 if error.line else 0
            raise FormatError(error.path, line, error.message) from None

    def _open(self) -> BinaryIO:
        try:
            return open_regular(self.path)
        except OSError as error:
            raise FormatError(self.name, 0, f"cannot read file: {error.strerror or error}") from None

    def _blocks(self) -> Iterator[bytes]:
        """The file's bytes in pieces of about ``chunk_bytes``, each ending at a sentence boundary."""
        with self._open() as file:
            self.size = os.fstat(file.fileno()).st_size
            lines, held = [], 0
            for line in file:
                lines.append(line)
                held += len(line)
                if held >= self.chunk_bytes and (self.fmt in _ANY_LINE or not line.strip()):
                    yield b"".join(lines)
                    lines, held = [], 0
            if lines:
                yield b"".join(lines)


def count_sentences(text: str, fmt: str) -> int:
    """How many sentences the reader of ``fmt`` makes of well-formed ``text`` (a quick count: no parsing).

    A sentence is a non-blank line in JSONL and plain text, a run of non-blank lines
    in CoNLL-U and columns (where a ``-DOCSTART-`` line neither starts nor ends one).
    """
    lines = text.split("\n")
    if fmt in _ANY_LINE:
        return sum(1 for line in lines if line.strip())
    count, inside = 0, False
    for line in lines:
        if not line.strip():
            inside = False
        elif not inside and not (fmt == "columns" and columns.is_docstart(line)):
            count, inside = count + 1, True
    return count


class StreamWriter:
    """Appends sentences to an open temporary file in one format (see ``writing``)."""

    def __init__(self, file, module, tag_column: str | int) -> None:
        self._file, self._module, self._tag_column = file, module, tag_column

    def write(self, sentences: list[Sentence]) -> None:
        self._file.write(self._module.write(sentences, self._tag_column).encode("utf-8"))


@contextmanager
def writing(path: str | os.PathLike, fmt: str | None = None, *, tag_column: str | int = "upos") -> Iterator[StreamWriter]:
    """A writer whose sentences replace ``path`` atomically when the block ends without error."""
    module = module_for(fmt or format_for_path(path), str(path))
    with atomic_open(path) as file:
        yield StreamWriter(file, module, tag_column)
