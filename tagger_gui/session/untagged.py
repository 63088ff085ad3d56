"""The untagged text a project's model learns from, and the word vectors learned from it, cached.

The text is every sentence of the project (tagged or not: words need no tags) plus the
raw text files the user added (``Project.raw_text``, any format the app reads; their
tags, if any, are ignored). Learning the vectors (``ml.raw_vectors``) takes seconds
per million words; reading and tokenising large files can take longer, so a file is
only read when the cache does not match: the cache's key is a digest of the project's
words and of each file's path, size and modification time. The vectors are kept in
memory and in ``<project>.vectors.safetensors`` beside the project, and every retrain
reuses them until the text changes.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from tagger_gui.core.formats.stream import ChunkReader
from tagger_gui.ml.raw_vectors import RawVectors, learn_vectors, text_fingerprint

MIN_COUNT = 1
"""Words seen this often in the untagged text get a vector: on EWT, 1 was 0.4 points better than 2 at 1% tagged."""
MIN_SENTENCES = 200
"""Less untagged text than this says too little about words to be worth a vector."""


class UntaggedTextError(ValueError):
    """A raw text file could not be read: the message names the file (and line)."""


@dataclass
class UntaggedText:
    """What the vectors are learned from: the project's words (a snapshot) and raw text files.

    Attributes:
        sentences: the words of the project's sentences.
        files: raw text files.
        cache_path: where the vectors are kept between sessions (``None``: memory only).
    """

    sentences: list[list[str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    cache_path: Path | None = None

    def key(self, dim: int) -> str:
        """The cache key: the project's words, each file's name, size and time, and the settings."""
        digest = hashlib.sha256(text_fingerprint(self.sentences, dim, MIN_COUNT).encode())
        for file in self.files:
            try:
                info = os.stat(file)
                digest.update(f"{Path(file).resolve()}\t{info.st_size}\t{info.st_mtime_ns}\n".encode())
            except OSError as error:
                raise UntaggedTextError(f"{file}: cannot read the raw text file: {error.strerror or error}") from None
        return digest.hexdigest()

    def read(self, should_stop: Callable[[], bool] = lambda: False,
             report: Callable[[str], None] = lambda _: None) -> list[Sequence[str]] | None:
        """The project's sentences and every file's, read in chunks (``None`` if ``should_stop`` said so).

        Raises ``UntaggedTextError`` naming the file and line of what cannot be read.
        """
        text: list[Sequence[str]] = list(self.sentences)
        for file in self.files:
            reader = ChunkReader(file)
            try:
                for chunk in reader:
                    if should_stop():
                        return None
                    text.extend(s.words for s in chunk)
                    report(f"reading {Path(file).name} ({reader.done / max(reader.size, 1):.0%})")
            except (OSError, ValueError) as error:
                raise UntaggedTextError(f"Cannot use the raw text file: {error}") from None
        return text


class VectorCache:
    """The vectors of the last untagged text seen, in memory and (when given a path) on disk."""

    def __init__(self) -> None:
        self._vectors: RawVectors | None = None

    def vectors(self, text: UntaggedText, dim: int, report: Callable[[str], None] = lambda _: None,
                should_stop: Callable[[], bool] = lambda: False) -> RawVectors | None:
        """Vectors of size ``dim`` for ``text``: cached if its key matches, else learned (and saved).

        ``None`` when ``dim`` is 0, the text is too small to learn from, or ``should_stop``
        said so while the files were read. Raises ``UntaggedTextError`` if a raw text file
        cannot be read.
        """
        if dim == 0 or (len(text.sentences) < MIN_SENTENCES and not text.files):
            return None
        key = text.key(dim)
        if self._vectors is None or self._vectors.fingerprint != key:
            self._vectors = self._from_disk(text.cache_path, key) or self._learn(text, dim, key, report, should_stop)
        return self._vectors

    @staticmethod
    def _from_disk(path: Path | None, key: str) -> RawVectors | None:
        if path is None or not path.exists():
            return None
        try:
            vectors = RawVectors.load(path)
        except (OSError, ValueError):
            return None  # a damaged cache is only a cache: learn again
        return vectors if vectors.fingerprint == key else None

    @staticmethod
    def _learn(text: UntaggedText, dim: int, key: str, report: Callable[[str], None],
               should_stop: Callable[[], bool]) -> RawVectors | None:
        report("reading the untagged text")
        sentences = text.read(should_stop, report)
        if sentences is None or len(sentences) < MIN_SENTENCES:
            return None
        try:
            vectors = learn_vectors(sentences, dim, min_count=MIN_COUNT, progress=report, fingerprint=key)
        except ValueError:  # too few distinct words
            return None
        if text.cache_path is not None:
            try:
                vectors.save(text.cache_path)
            except OSError:
                pass  # a cache that cannot be written costs only the time to learn again
        return vectors
