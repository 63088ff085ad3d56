"""Dock areas that keep their share of the window when it is resized.

``QMainWindow`` gives all of a resize to the central widget: a window laid out at
1280x800 and maximised on a 1920x1080 screen kept a 460-pixel right-hand dock and a
230-pixel bottom one, with a sentence list taller than the screen needed. ``DockShares``
scales the right and bottom dock areas with the window instead, keeping the proportions
the user (or the default layout) chose.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

_AREAS = (
    (Qt.DockWidgetArea.RightDockWidgetArea, Qt.Orientation.Horizontal),
    (Qt.DockWidgetArea.BottomDockWidgetArea, Qt.Orientation.Vertical),
)


class DockShares(QObject):
    """Scales the right and bottom dock areas of ``window`` with its size (once it is shown)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize and self.window.isVisible():
            old, new = event.oldSize(), event.size()  # a QResizeEvent
            if old.isValid() and old != new:
                self._scale(old, new)
        return False

    def _scale(self, old: QSize, new: QSize) -> None:
        for area, orientation in _AREAS:
            dock = self._shown_dock(area)
            if dock is None:
                continue
            horizontal = orientation == Qt.Orientation.Horizontal
            # resizeDocks sizes the area: below a bottom dock, its tab bar is part of it
            extent = dock.width() if horizontal else self.window.statusBar().geometry().top() - dock.geometry().top()
            ratio = new.width() / old.width() if horizontal else new.height() / old.height()
            self.window.resizeDocks([dock], [round(extent * ratio)], orientation)

    def _shown_dock(self, area: Qt.DockWidgetArea) -> QDockWidget | None:
        for dock in self.window.findChildren(QDockWidget):
            # the current tab of a tabified group: the others count as visible but keep a stale size
            if self.window.dockWidgetArea(dock) == area and not dock.isFloating() and not dock.visibleRegion().isEmpty():
                return dock
        return None
