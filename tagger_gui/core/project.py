"""The project file: corpus + tag set + settings + where the trained model lives.

A project is one JSON document (extension ``.tagproj``) with a format version. It is
written atomically, so a crash while saving leaves the previous file intact.
Sentences keep everything a round trip through their source format needs
(CoNLL-U columns, comments, multiword-token lines).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tagger_gui.core.atomic import atomic_open
from tagger_gui.core.collector import collector_paused
from tagger_gui.core.corpus import Corpus, Sentence, Tag, TagSet
from tagger_gui.core.data_split import DevChoice
from tagger_gui.core.files import MAX_CORPUS_BYTES, read_regular_bytes
from tagger_gui.core.formats import FormatError, read_file
from tagger_gui.core.project_sentences import sentences_from_dicts
from tagger_gui.core.resources import TAGSET_PRESETS, load_tagset_preset
from tagger_gui.core.stats import tag_counts
from tagger_gui.core.validation import check_depth, expect, expect_list, loads, tag_problem

PROJECT_VERSION = 1
PROJECT_SUFFIX = ".tagproj"
PROJECT_FILTER = f"tagger-gui projects (*{PROJECT_SUFFIX})"


class ProjectError(ValueError):
    """A project file cannot be read; the message names the file and what is wrong."""


@dataclass
class Project:
    """Everything a user keeps about one annotation job.

    ``train_settings`` is the training configuration as a plain dict (interpreted by
    ``tagger_gui.ml.config``; the core does not know torch). ``model_path`` is the
    trained model bundle, stored relative to the project file when it sits beside it.
    """

    corpus: Corpus = field(default_factory=Corpus)
    path: Path | None = None
    tag_column: str = "upos"
    train_settings: dict = field(default_factory=dict)
    model_path: Path | None = None
    dev_choice: DevChoice = field(default_factory=DevChoice)
    source: Path | None = None  # the corpus file an unsaved project was started from (not saved)
    effort: dict = field(default_factory=dict)  # the annotation effort log (interpreted by the session)
    review: dict = field(default_factory=dict)  # the likely-errors list and its decisions (interpreted by ml.review)
    raw_text: list[Path] = field(default_factory=list)  # files of untagged text the model also learns from
    _disk_stamp: tuple[int, int, int] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The project file's name, else the corpus file it came from, else "Untitled"."""
        if self.path is not None:
            return self.path.stem
        return self.source.name if self.source is not None else "Untitled"

    @property
    def folder(self) -> Path | None:
        """Where the project's files are: beside the project file, else beside its corpus file."""
        where = self.path or self.source
        return where.parent if where is not None else None

    def save(self, path: str | os.PathLike | None = None) -> None:
        """Write the project to ``path`` (default: where it was loaded from) atomically."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the project has no file yet: give a path")
        with atomic_open(target) as file:
            for chunk in self.json_chunks(target.parent):
                file.write(chunk.encode("utf-8"))
        self.path = target
        self._disk_stamp = _stamp(target)

    def json_chunks(self, folder: Path, extra: dict | None = None) -> Iterator[str]:
        """The project file's JSON text in pieces, one sentence a line (``extra``: more header keys).

        Streaming keeps saving a 100,000-sentence corpus fast and its memory flat;
        the result is one ordinary JSON document that ``load`` reads back.
        """
        header = json.dumps({**self._header(folder), **(extra or {})}, ensure_ascii=False)
        yield header[:-1] + ', "sentences": [\n'
        for i, sentence in enumerate(self.corpus.sentences):
            yield ("," if i else "") + json.dumps(_sentence_to_dict(sentence), ensure_ascii=False) + "\n"
        yield "]}\n"

    def to_dict(self, folder: Path) -> dict:
        """The whole project as one JSON-ready dict (as ``json_chunks`` writes it)."""
        return {**self._header(folder), "sentences": [_sentence_to_dict(s) for s in self.corpus.sentences]}

    def _header(self, folder: Path) -> dict:
        return {
            "format": "tagger-gui project",
            "version": PROJECT_VERSION,
            "tag_column": self.tag_column,
            "tagset": self.corpus.tagset.to_dict(),
            "train_settings": self.train_settings,
            "model": _relative(self.model_path, folder),
            "dev_choice": self.dev_choice.to_dict(),
            "effort": self.effort,
            "review": self.review,
            "raw_text": [_relative(file, folder) for file in self.raw_text],
        }

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Project":
        """Read a project file; ``ProjectError`` names the file and the problem.

        Every field is checked for its type and content (nothing is coerced), so a
        loaded project can be shown, saved and exported without surprises.
        """
        path = Path(path)
        try:
            data = read_regular_bytes(path, MAX_CORPUS_BYTES)
            stamp = _stamp(path)
        except OSError as error:
            raise ProjectError(f"{path}: cannot read: {error.strerror or error}") from None
        with collector_paused():  # a corpus is many small objects and no cycles (``core.collector``)
            try:
                text = data.decode("utf-8-sig")
                del data  # the file's bytes, its text and its parsed form together would raise the peak memory
                document = loads(text)
                del text
            except ValueError as error:  # also UnicodeDecodeError and json.JSONDecodeError
                raise ProjectError(f"{path}: not a tagger-gui project ({error})") from None
            try:
                project = cls._from_dict(document, path)
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
                raise ProjectError(f"{path}: damaged project file ({_describe(error)})") from None
        project._disk_stamp = stamp
        return project

    def changed_on_disk(self) -> bool:
        """Whether the project file was changed by someone else since this project was loaded or saved.

        A second window (or another program) that saved over the file in the
        meantime would have its work reverted by a save from here: ask first.
        """
        if self.path is None or self._disk_stamp is None:
            return False
        return _stamp(self.path) != self._disk_stamp

    def note_disk_version(self) -> None:
        """Take the project file as it is on disk now as the version these contents started from."""
        self._disk_stamp = _stamp(self.path) if self.path is not None else None

    @classmethod
    def _from_dict(cls, data: dict, path: Path) -> "Project":
        if not isinstance(data, dict) or data.get("format") != "tagger-gui project":
            raise ProjectError(f"{path}: not a tagger-gui project file")
        version = expect(data.get("version", 0), int, "version")
        if version > PROJECT_VERSION:
            raise ProjectError(
                f"{path}: written by a newer tagger-gui (project version {version}, "
                f"this one reads up to {PROJECT_VERSION}); please upgrade"
            )
        tagset = TagSet(_tag_from_dict(item) for item in expect_list(data["tagset"], dict, "tagset"))
        corpus = Corpus(sentences_from_dicts(expect_list(data["sentences"], dict, "sentences")), tagset)
        model = expect(data.get("model"), (str, type(None)), "model")
        settings = expect(data.get("train_settings", {}), dict, "train_settings")
        check_depth(settings, "train_settings")
        return cls(
            corpus=corpus,
            path=path,
            tag_column=expect(data.get("tag_column", "upos"), (str, int), "tag_column"),
            train_settings=dict(settings),
            model_path=(path.parent / model) if model else None,
            dev_choice=DevChoice.from_dict(data["dev_choice"]) if "dev_choice" in data else DevChoice(),
            effort=expect(data.get("effort", {}), dict, "effort"),
            review=expect(data.get("review", {}), dict, "review"),
            raw_text=[path.parent / file for file in expect_list(data.get("raw_text", []), str, "raw_text")],
        )


def _relative(file: Path | None, folder: Path) -> str | None:
    """``file`` relative to ``folder`` when inside it (the project moves with its files), else absolute."""
    if file is None:
        return None
    try:
        return str(Path(file).resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(Path(file).resolve())


def _sentence_to_dict(sentence: Sentence) -> dict:
    item: dict = {"id": sentence.id, "split": sentence.split.value, "words": sentence.words, "tags": sentence.tags}
    if sentence.reviewed:
        item["reviewed"] = True
    if sentence.comments:
        item["comments"] = sentence.comments
    if sentence.extra_lines:
        item["extra_lines"] = [list(pair) for pair in sentence.extra_lines]
    if sentence.source:
        item["source"] = sentence.source
    if any(token.columns for token in sentence.tokens):
        item["columns"] = [token.columns for token in sentence.tokens]
    return item


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What identifies a version of the file on disk: modification time, size and inode."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


def _describe(error: Exception) -> str:
    return str(error) if isinstance(error, (TypeError, ValueError)) else f"{type(error).__name__}: {error}"


def _tag_from_dict(item: dict) -> Tag:
    problem = tag_problem(expect(item["name"], str, "a tag name"))
    if problem:
        raise ValueError(f"tag set: {problem}")
    return Tag(item["name"], expect(item.get("description", ""), str, "a tag description"),
               expect(item.get("color", ""), str, "a tag colour"))


def tagset_for(counts: Counter) -> TagSet:
    """The preset covering every tag in ``counts``, else the found tags (most frequent first)."""
    for preset in TAGSET_PRESETS:
        tagset = load_tagset_preset(preset)
        if all(name in tagset for name in counts):
            return tagset
    return TagSet(Tag(name) for name, _ in counts.most_common())


def project_from_corpus_file(path: str | os.PathLike, tag_column: str = "upos") -> Project:
    """An untitled project holding the sentences of a corpus file, with a tag set that covers its tags.

    Raises ``FormatError`` (naming the file and line) if the file cannot be read or holds no sentence
    (opening it would leave an empty project in place of the one open).
    """
    sentences = read_file(path, tag_column=tag_column)
    if not sentences:
        raise FormatError(str(path), 0, "no sentences in it")
    return Project(corpus=Corpus(sentences, tagset_for(tag_counts(sentences))), tag_column=tag_column,
                   source=Path(path))
