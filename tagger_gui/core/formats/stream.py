"""A corpus file of any size in constant memory: read in chunks of sentences, written as it goes.

``ChunkReader`` reads a few MiB of lines at a time, cut at a blank line (a sentence
boundary in every format; JSONL and plain text may be cut at any line), and parses
each chunk with the format's own reader, so a file read in chunks gives the same
sentences as ``read_file``, and an error is the same ``FormatError`` naming the
line in the whole file. ``StreamWriter`` appends each chunk's text to a temporary
file that replaces the target atomically at the end (``atomic_open``): the writers
render sentence by sentence, so the bytes equal those of ``write_file``.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from tagger_gui.core.atomic import atomic_open
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.files import open_regular
from tagger_gui.core.formats import format_for_path, module_for
from tagger_gui.core.formats.errors import FormatError, decode

CHUNK_BYTES = 2 << 20
"""About how much of the file one chunk holds (it ends at the next sentence boundary)."""
_ANY_LINE = ("jsonl", "text")
"""Formats with one sentence a line: a chunk may end after any line."""


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
            try:
                sentences = self.module.read(text, self.name, self.tag_column)
            except FormatError as error:
                line = error.line + first_line - 1 if error.line else 0
                raise FormatError(error.path, line, error.message) from None
            first_line += text.count("\n")
            self.done += len(data)
            self.sentences += len(sentences)
            if sentences:
                yield sentences

    def _blocks(self) -> Iterator[bytes]:
        """The file's bytes in pieces of about ``chunk_bytes``, each ending at a sentence boundary."""
        try:
            file = open_regular(self.path)
        except OSError as error:
            raise FormatError(self.name, 0, f"cannot read file: {error.strerror or error}") from None
        with file:
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
