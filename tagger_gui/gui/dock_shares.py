"""The right-hand dock area keeps its share of the window when the window is resized.

``QMainWindow`` gives all of a resize to the central widget: a window laid out at
1280x800 and maximised on a 1920x1080 screen kept a 450-pixel right-hand dock, too
narrow for the evaluation tables and the likely-errors contexts, beside a 1,450-pixel
editor. ``DockShares`` scales the right dock area with the window's width instead,
keeping the proportion the user (or the default layout) chose.

The bottom area is left alone: growing it uncovers a stale tab bar that Qt leaves
behind when the Scores, Try it and What changed docks are tabified.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

AREA = Qt.DockWidgetArea.RightDockWidgetArea


class DockShares(QObject):
    """Scales the right dock area of ``window`` with its width (once it is shown)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize and self.window.isVisible():
            old, new = event.oldSize().width(), event.size().width()  # a QResizeEvent
            dock = self._shown_dock()
            if old > 0 and old != new and dock is not None:
                self.window.resizeDocks([dock], [round(dock.width() * new / old)], Qt.Orientation.Horizontal)
        return False

    def _shown_dock(self) -> QDockWidget | None:
        for dock in self.window.findChildren(QDockWidget):
            # the current tab of a tabified group: the others count as visible but keep a stale size
            if self.window.dockWidgetArea(dock) == AREA and not dock.isFloating() and not dock.visibleRegion().isEmpty():
                return dock
        return None
