"""The layers: core/, ml/ and session/ load no Qt binding, gui/ holds only Qt adapters, the import contracts hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tagger_gui"


def test_core_ml_and_session_import_no_qt():
    modules = sorted(
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for layer in ("core", "ml", "session")
        for path in (PACKAGE / layer).rglob("*.py")
    )
    assert "tagger_gui.core.corpus" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name.removesuffix('.__init__'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'PyQt5', 'PyQt6')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_gui_holds_only_qt_adapters():
    """Every module of gui/ (but its ``__init__``) imports Qt: plain logic belongs in core, ml or session."""
    plain = [
        path.relative_to(PACKAGE).as_posix()
        for path in (PACKAGE / "gui").rglob("*.py")
        if path.name != "__init__.py" and not any(
            marker in path.read_text(encoding="utf-8") for marker in ("from PySide6", "import PySide6", "pyqtgraph"))
    ]
    assert plain == []


def test_the_declared_layer_contracts_hold():
    """The import contracts in pyproject.toml (core: stdlib; ml: core + torch; session: core + ml; gui on top)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout[-3000:]
