"""What the ``tagger-gui`` subcommands share: the ``--column`` option, help texts, and the check of data's tags."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Sequence

from tagger_gui.core.corpus import Sentence

PROG = "tagger-gui"
MODEL_HELP = "a trained model: its folder, or NAME.json"
COLUMN_HELP = "the tag column: in CoNLL-U upos (default), xpos or a number; in other formats the last or a number"
DEVICE_HELP = "auto (default: a GPU where there is one), cpu, cuda, cuda:N or mps"
UNKNOWN_TAGS_LIMIT = 0.5
"""``evaluate`` refuses data more than this share of whose tagged words have a tag the model lacks."""


def column(value: str) -> str | int:
    """``--column``: ``upos``, ``xpos`` or a 0-based column number."""
    if value in ("upos", "xpos"):
        return value
    if value.isdigit():
        return int(value)
    raise argparse.ArgumentTypeError(f"expected upos, xpos or a column number, got {value!r}")


def note_if_empty(path: Path, sentences: int) -> None:
    """Say on stderr that ``path`` held no sentence: the output is empty (a pipeline goes on), and a mistyped
    file name shows."""
    if not sentences:
        print(f"{PROG}: note: {path} holds no sentences; the output is empty", file=sys.stderr)


def check_tags_known(sentences: Sequence[Sentence], model_tags: Sequence[str], path: Path) -> None:
    """Refuse data with nothing tagged, or mostly tagged with tags the model lacks (XPOS against a UPOS model:
    UD's two tag sets share SYM, so a few words would match and the accuracy say nothing).

    Raises:
        ValueError: naming ``path``, the share of unknown tags and a few of them.
    """
    tags = Counter(tag for sentence in sentences for tag in sentence.tags if tag is not None)
    total = sum(tags.values())
    if not total:
        raise ValueError(f"{path}: no tagged words to evaluate against")
    unknown = Counter({tag: n for tag, n in tags.items() if tag not in set(model_tags)})
    if sum(unknown.values()) > UNKNOWN_TAGS_LIMIT * total:
        raise ValueError(f"{path}: {sum(unknown.values()):,} of its {total:,} tagged words have tags the model does "
                         f"not know ({_some(t for t, _ in unknown.most_common())}; the model's: {_some(model_tags)}): "
                         "another --column?")


def _some(names, shown: int = 5) -> str:
    names = list(names)
    return ", ".join(names[:shown]) + (", ..." if len(names) > shown else "")
