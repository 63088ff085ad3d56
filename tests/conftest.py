"""Shared test set-up: headless Qt, and where the real UD English-EWT data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
EWT = REPO.parent / "shared" / "data" / "ud-english-ewt"


@pytest.fixture(scope="session")
def ewt_dir() -> Path:
    """The EWT folder beside the repo; tests that need it are skipped in a user's clone without it."""
    if not (EWT / "en_ewt-ud-dev.conllu").is_file():
        pytest.skip(f"UD English-EWT not found at {EWT} (only present on the project's machines)")
    return EWT
