"""View > Zoom: the application's font size, kept in the settings and applied when a window opens.

Every widget that does not set its own font follows ``QApplication.setFont``; the few
that size things from font metrics (the token cards, table rows, the editor title)
recompute them on ``QEvent.FontChange``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QApplication

FONT_KEY = "view/font_points"
MIN_POINTS = 6.0
MAX_POINTS = 32.0
STEP_POINTS = 1.0
_DEFAULT_PROPERTY = "taggerDefaultFontPoints"


def default_points() -> float:
    """The application's font size before any zoom (remembered on the QApplication the first time)."""
    app = QApplication.instance()
    points = app.property(_DEFAULT_PROPERTY)
    if points is None:
        points = QApplication.font().pointSizeF()
        app.setProperty(_DEFAULT_PROPERTY, points)
    return float(points)


class Zoom(QObject):
    """The font size in points of the whole application, persisted in ``settings`` under ``FONT_KEY``.

    Creating it applies the saved size (or the default one), so each window opens at the
    size last chosen.

    Signals:
        changed(float): the font size in points.
    """

    changed = Signal(float)

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.default = default_points()
        try:
            saved = float(settings.value(FONT_KEY, self.default))
        except (TypeError, ValueError):  # a hand-edited settings file
            saved = self.default
        self._apply(saved)

    @property
    def points(self) -> float:
        return QApplication.font().pointSizeF()

    def set_points(self, points: float) -> float:
        """Use ``points`` (clamped to a readable range) and remember it; returns the size applied."""
        applied = self._apply(points)
        self.settings.setValue(FONT_KEY, applied)
        return applied

    def zoom_in(self) -> float:
        return self.set_points(self.points + STEP_POINTS)

    def zoom_out(self) -> float:
        return self.set_points(self.points - STEP_POINTS)

    def reset(self) -> float:
        """Back to the system's font size; the setting is removed so a later system change applies."""
        applied = self._apply(self.default)
        self.settings.remove(FONT_KEY)
        return applied

    def _apply(self, points: float) -> float:
        points = min(MAX_POINTS, max(MIN_POINTS, round(points * 2) / 2))
        if points != self.points:
            font = QApplication.font()
            font.setPointSizeF(points)
            QApplication.setFont(font)
            self.changed.emit(points)
        return points
