"""Application bootstrap: display checks, the QApplication, settings and the first window."""

from __future__ import annotations

import ctypes.util
import os
import re
import sys
import threading
from pathlib import Path

ORGANIZATION = "tagger-gui"
APPLICATION = "tagger-gui"
SCREENSHOT_DELAY_MS = 150


XCB_PACKAGES = (
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0", "libxcb-render-util0",
    "libxcb-xkb1", "libxkbcommon-x11-0", "libegl1",
)
"""Debian packages Qt 6's xcb plugin needs beyond a bare X11 client."""


def missing_xcb_library() -> str | None:
    """The first shared library that Qt's xcb plugin needs and cannot find, or ``None``.

    Loading the plugin file the way Qt will (``dlopen``) names the missing library;
    ``libxcb-cursor`` is checked by name too, since Qt opens it only when it starts.
    """
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if plugin.exists():
        try:
            ctypes.CDLL(str(plugin))
        except OSError as error:
            named = re.search(r"([\w.+-]+\.so[\w.]*): cannot open shared object file", str(error))
            return named.group(1) if named else str(error)
    if ctypes.util.find_library("xcb-cursor") is None:
        return "libxcb-cursor"
    return None


def display_problem() -> str | None:
    """Why no window can be shown here, or ``None`` if Qt should manage.

    Qt aborts the whole process when its platform plugin cannot start, so the
    common cases are checked first: no display at all, and a library of the xcb
    plugin missing (``libxcb-cursor`` since Qt 6.5, the ``xcb-util`` family).
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not os.environ.get("DISPLAY"):
        return (
            "tagger-gui: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "Run it in a desktop session, or for a screenshot without a display use:\n"
            "  QT_QPA_PLATFORM=offscreen tagger-gui [FILE] --screenshot OUT.png"
        )
    missing = missing_xcb_library()
    if missing:
        return (
            f"tagger-gui: Qt's xcb platform plugin cannot start: {missing} is not installed.\n"
            f"On Debian/Ubuntu: sudo apt install {' '.join(XCB_PACKAGES)}\n"
            "(Fedora: xcb-util-cursor xcb-util-wm xcb-util-keysyms xcb-util-image xcb-util-renderutil).\n"
            "Or run with QT_QPA_PLATFORM=wayland, or QT_QPA_PLATFORM=offscreen for screenshots."
        )
    return None


def create_application(argv: list[str] | None = None):
    """The QApplication (created once), with names, icon and a readable default style."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from tagger_gui.core.resources import icon_path
    from tagger_gui.ml.runtime import configure_ui_process

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    collect_garbage_in_ui_thread(app)
    configure_ui_process()  # process-wide settings: see tagger_gui.ml.runtime
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setWindowIcon(QIcon(str(icon_path())))
    if app.style().name().lower() == "windows" or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        app.setStyle("Fusion")  # the bare "windows" style looks dated; Fusion follows the palette
    return app


def collect_garbage_in_ui_thread(app) -> None:
    """Run Python's cyclic garbage collector only from a UI-thread timer.

    Left automatic, a collection may start in the training thread and destroy Qt
    widgets there, which aborts the process. pyqtgraph's ``GarbageCollector``
    disables automatic collection and collects on a 1 s timer instead.
    """
    from pyqtgraph.util.garbage_collector import GarbageCollector

    if getattr(app, "_ui_thread_gc", None) is None:
        app._ui_thread_gc = GarbageCollector(interval=1.0)


def user_settings():
    """The user's settings store (an INI file in the usual per-user place)."""
    from PySide6.QtCore import QSettings

    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def build_window(file: str | Path | None, settings=None, tag_column: str | int = "upos"):
    """A shown-ready ``MainWindow`` with ``file`` opened (the bundled sample when ``None``); a CoNLL-U
    corpus takes its tags from ``tag_column``.

    Returns ``(window, error)``: ``error`` is a message when ``file`` could not be
    opened (the window then shows the sample project).
    """
    from tagger_gui.core.resources import sample_project_path
    from tagger_gui.gui.document import Document
    from tagger_gui.gui.main_window import MainWindow
    from tagger_gui.session.jobs import describe_error

    document = Document()
    error = None
    if file is not None:
        try:
            document.open_path(file, tag_column)
        except Exception as exc:  # noqa: BLE001 - shown to the user, then we fall back to the sample
            error = describe_error(exc)
    if file is None or error:
        document.open_project(sample_project_path(), as_template=True)
    window = MainWindow(document, settings if settings is not None else user_settings())
    document.setParent(window)
    if file is not None and not error:
        window.files.remember(file)
    return window, error


def run_window(file: str | None = None, screenshot: str | None = None, tag_column: str | int = "upos") -> int:
    """Open the annotation window; returns the process exit code.

    Args:
        file: a project (``.tagproj``) or a corpus file to open; ``None`` opens the sample.
        screenshot: save a picture of the populated window to this PNG and exit.
        tag_column: the CoNLL-U column a corpus file's tags come from (``upos``, ``xpos`` or a number).
    """
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtCore import QCoreApplication, QEvent, Qt

    app = create_application()
    window, error = build_window(file, _screenshot_settings() if screenshot else None, tag_column)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # freed inside Qt, not at interpreter exit
    window.show()
    if error:
        print(f"tagger-gui: {error}", file=sys.stderr)
        if screenshot:
            return 2  # as the commands end on a file they cannot read
        from tagger_gui.gui.dialogs import show_error

        show_error(window, "Cannot open", error)
    if screenshot:
        code = _screenshot_and_quit(app, window, screenshot)
    else:
        from tagger_gui.gui.autosave import offer_recovery
        from tagger_gui.ml.runtime import warm_up

        threading.Thread(target=warm_up, name="torch-warm-up").start()  # while the user looks at the window
        offer_recovery(window, window.document, window.autosave.store)
        window.editor.focus_tokens()
        code = app.exec()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return code


def _screenshot_settings():
    """Throw-away settings, so a screenshot shows the default layout and leaves the user's alone."""
    import tempfile

    from PySide6.QtCore import QSettings

    return QSettings(str(Path(tempfile.mkdtemp(prefix="tagger-gui-")) / "screenshot.ini"), QSettings.Format.IniFormat)


def _screenshot_and_quit(app, window, path: str) -> int:
    """Show the window until it is populated, save it as a PNG, close it.

    A local ``QEventLoop`` (not ``app.exec``/``app.quit``) so that a process that goes
    on using Qt afterwards (tests, scripts) keeps working event loops.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    result = {"code": 1}
    loop = QEventLoop()

    def grab() -> None:
        app.processEvents()
        ok = window.grab().save(str(path), "PNG")
        if not ok:
            print(f"tagger-gui: cannot write the screenshot to {path}", file=sys.stderr)
        result["code"] = 0 if ok else 2
        window.document.undo_stack.setClean()
        window.close()
        loop.quit()

    window.editor.focus_tokens()
    QTimer.singleShot(SCREENSHOT_DELAY_MS, grab)
    loop.exec()
    return result["code"]
