"""Reading and writing corpora: CoNLL-U, two-column CoNLL/TSV, JSONL and plain text.

Each format is a module with ``read(text, path, tag_column) -> list[Sentence]`` and
``write(sentences, tag_column) -> str``. The format is chosen from the file
extension unless given explicitly. Every reader raises only ``FormatError`` on bad
input and returns nothing partial. ``formats.stream`` reads a file of any size in
chunks of sentences with the same readers, and writes one as it goes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from tagger_gui.core.atomic import atomic_write_text
from tagger_gui.core.collector import collector_paused
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import columns, conllu, jsonl, text
from tagger_gui.core.files import MAX_CORPUS_BYTES, read_regular_bytes
from tagger_gui.core.formats.errors import FormatError, decode

__all__ = ["FORMATS", "FormatError", "format_for_path", "module_for", "read_file", "read_text", "write_file", "write_text"]

_MODULES = {"conllu": conllu, "columns": columns, "jsonl": jsonl, "text": text}
FORMATS = tuple(_MODULES)

_EXTENSIONS = {
    ".conllu": "conllu",
    ".conll": "columns",
    ".tsv": "columns",
    ".tab": "columns",
    ".iob": "columns",
    ".bio": "columns",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "text",
}

FILE_FILTER = "Corpus files (*.conllu *.conll *.tsv *.tab *.iob *.bio *.jsonl *.ndjson *.txt);;All files (*)"


def format_for_path(path: str | os.PathLike) -> str:
    """The format name for ``path``'s extension; ``FormatError`` if it is not one we know."""
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = ", ".join(sorted(_EXTENSIONS))
        raise FormatError(str(path), 0, f"unknown file extension {suffix!r} (known: {known}); name the format")
    return _EXTENSIONS[suffix]


def module_for(fmt: str, path: str):
    """The module of format ``fmt`` (``FormatError`` naming ``path`` if there is none)."""
    if fmt not in _MODULES:
        raise FormatError(path, 0, f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return _MODULES[fmt]


def read_text(content: str, fmt: str, *, path: str = "<text>", tag_column: str | int = "upos") -> list[Sentence]:
    """Parse ``content`` (already decoded text) in format ``fmt``."""
    return parse(module_for(fmt, path), content, path, tag_column)


def parse(module, content: str, path: str, tag_column: str | int) -> list[Sentence]:
    """``module.read(content, path, tag_column)`` with the garbage collector paused (``core.collector``)."""
    with collector_paused():
        return module.read(content, path, tag_column)


def read_file(path: str | os.PathLike, fmt: str | None = None, *, tag_column: str | int = "upos") -> list[Sentence]:
    """Read every sentence of ``path``; the format comes from the extension unless ``fmt`` is given."""
    name = str(path)
    fmt = fmt or format_for_path(path)
    module = module_for(fmt, name)
    try:
        data = read_regular_bytes(path, MAX_CORPUS_BYTES)
    except OSError as error:
        raise FormatError(name, 0, f"cannot read file: {error.strerror or error}") from None
    return parse(module, decode(data, name), name, tag_column)


def write_text(sentences: Iterable[Sentence], fmt: str, *, tag_column: str | int = "upos") -> str:
    """Render ``sentences`` in format ``fmt``."""
    return module_for(fmt, "<output>").write(list(sentences), tag_column)


def write_file(
    path: str | os.PathLike, sentences: Iterable[Sentence], fmt: str | None = None, *, tag_column: str | int = "upos"
) -> None:
    """Write ``sentences`` to ``path`` atomically in the format of its extension (or ``fmt``)."""
    fmt = fmt or format_for_path(path)
    atomic_write_text(path, write_text(sentences, fmt, tag_column=tag_column))
