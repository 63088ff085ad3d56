"""Files bundled in ``resources/``: the sample project, tag-set presets and the app icon."""

from __future__ import annotations

import json
from pathlib import Path

from tagger_gui.core.corpus import TagSet

RESOURCES = Path(__file__).resolve().parents[2] / "resources"

_PRESET_FILES = {"UD UPOS": "ud_upos.json", "Penn Treebank": "penn_treebank.json"}
TAGSET_PRESETS = tuple(_PRESET_FILES)


def sample_project_path() -> Path:
    """The project a first launch opens: English sentences tagged with UD UPOS, a few left untagged."""
    return RESOURCES / "sample.tagproj"


def load_tagset_preset(name: str) -> TagSet:
    """A preset tag set (``"UD UPOS"`` or ``"Penn Treebank"``) with descriptions and colours."""
    if name not in _PRESET_FILES:
        raise KeyError(f"no tag-set preset {name!r} (known: {', '.join(TAGSET_PRESETS)})")
    data = json.loads((RESOURCES / "tagsets" / _PRESET_FILES[name]).read_text(encoding="utf-8"))
    return TagSet.from_dict(data["tags"])


def icon_path() -> Path:
    return RESOURCES / "icon.svg"
