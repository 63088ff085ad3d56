"""Shared fixtures of the ML tests: the tutorial's toy data and a slice of UD English EWT."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagger_gui.core.corpus import Sentence

EWT = Path(__file__).resolve().parents[2].parent / "shared/data/ud-english-ewt"


def toy_sentences() -> list[Sentence]:
    """The two training sentences of the PyTorch LSTM tutorial."""
    return [
        Sentence.from_words("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
        Sentence.from_words("Everybody read that book".split(), ["NN", "V", "DET", "NN"]),
    ]


@pytest.fixture
def toy() -> list[Sentence]:
    return toy_sentences()


@pytest.fixture(scope="session")
def ewt() -> dict[str, list[Sentence]]:
    """EWT train (first 1500 sentences) and dev (first 400); skipped when the data is absent."""
    if not (EWT / "en_ewt-ud-train.conllu").exists():
        pytest.skip(f"UD English EWT not found at {EWT}")
    from tagger_gui.core.formats import read_file

    return {
        "train": read_file(EWT / "en_ewt-ud-train.conllu")[:1500],
        "dev": read_file(EWT / "en_ewt-ud-dev.conllu")[:400],
    }
