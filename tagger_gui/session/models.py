"""Where a project's model lives on disk, and keeping the model it replaced.

``work.tagproj`` keeps its model in ``work.model/`` beside it. An untitled project
keeps it in a folder of its own under the user's data location (one per untitled
project, so a second untitled project never overwrites the first one's model); it
moves beside the project when the project is first saved. When a new model replaces
the project's model, the old one is kept in ``work.previous.model/`` so the user can
go back to it.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

from tagger_gui.ml.bundle import BundleError, load_bundle, save_bundle
from tagger_gui.ml.predict import Tagger

MODEL_SUFFIX = ".model"
PREVIOUS_SUFFIX = ".previous"


def model_folder_beside(project_path: Path) -> Path:
    """``work.tagproj`` -> ``work.model/`` beside it."""
    return project_path.with_name(project_path.stem + MODEL_SUFFIX)


def new_untitled_folder(data_folder: Path) -> Path:
    """A model folder under ``data_folder/models`` that no other untitled project uses."""
    models = data_folder / "models"
    for n in itertools.count(1):
        candidate = models / f"untitled-{os.getpid()}-{n}{MODEL_SUFFIX}"
        if not candidate.exists():
            return candidate
    raise AssertionError("unreachable")


def previous_folder(folder: Path) -> Path:
    """Where the model that ``folder``'s model replaced is kept: ``work.model`` -> ``work.previous.model``."""
    name = folder.name[: -len(MODEL_SUFFIX)] if folder.name.endswith(MODEL_SUFFIX) else folder.name
    return folder.with_name(name + PREVIOUS_SUFFIX + MODEL_SUFFIX)


def replace_model(tagger: Tagger, folder: Path, previous: Tagger | None) -> None:
    """Save ``tagger`` into ``folder``, first keeping ``previous`` (the model it replaces) beside it.

    Raises ``BundleError`` if ``tagger`` cannot be saved (``folder`` then still holds the
    old model). Failing to keep ``previous`` does not stop the new model from being saved.
    """
    if previous is not None:
        try:
            save_bundle(previous, previous_folder(folder))
        except BundleError:
            pass  # keeping the old model is a convenience; the new one still gets saved
    save_bundle(tagger, folder)


def load_previous(folder: Path) -> Tagger:
    """The model kept when ``folder``'s model was last replaced; raises ``BundleError``."""
    return load_bundle(previous_folder(folder))


def discard_previous(folder: Path) -> None:
    """Forget the kept previous model (after it was restored)."""
    shutil.rmtree(previous_folder(folder), ignore_errors=True)
