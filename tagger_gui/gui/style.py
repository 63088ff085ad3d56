"""Colours and fonts shared by the views: tag colours that work on light and dark palettes."""

from __future__ import annotations

import zlib

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QTableView

# Tableau-like palette for tags that bring no colour of their own.
_FALLBACK = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#7f7f7f",
)
UNKNOWN_TAG_COLOR = QColor("#9e9e9e")

_cache: dict[str, QColor] = {}


def tag_color(name: str | None, declared: str = "") -> QColor:
    """The display colour of a tag: its declared ``#rrggbb`` or a stable colour from its name."""
    if name is None:
        return UNKNOWN_TAG_COLOR
    key = f"{name}\0{declared}"
    color = _cache.get(key)
    if color is None:
        color = QColor(declared) if declared and QColor.isValidColorName(declared) else QColor(
            _FALLBACK[zlib.crc32(name.encode("utf-8")) % len(_FALLBACK)]
        )
        _cache[key] = color
    return color


def is_dark() -> bool:
    """Whether the application palette is a dark one (window darker than its text)."""
    palette = QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(QPalette.ColorRole.WindowText).lightness()


def tint(color: QColor, dark: bool, strength: float = 0.22) -> QColor:
    """A background tint of ``color`` blended with the window background (white or near-black)."""
    base = QColor(40, 40, 44) if dark else QColor(255, 255, 255)
    s = strength * (1.6 if dark else 1.0)
    return QColor(
        round(base.red() + (color.red() - base.red()) * s),
        round(base.green() + (color.green() - base.green()) * s),
        round(base.blue() + (color.blue() - base.blue()) * s),
    )


def text_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color``."""
    luminance = 0.299 * color.red() + 0.587 * color.green() + 0.114 * color.blue()
    return QColor("#111111") if luminance > 150 else QColor("#ffffff")


ROW_PADDING = 6
"""Pixels of a table row beyond one line of its font."""


class _RowHeights(QObject):
    """Keeps a table's rows one line of its font tall (plus padding), through View > Zoom changes."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        view.installEventFilter(self)
        self.apply(view)

    @staticmethod
    def apply(view: QTableView) -> None:
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + ROW_PADDING)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange:
            self.apply(watched)
        return False


def fit_rows_to_font(view: QTableView) -> None:
    """Rows as tall as ``view``'s font needs, now and after every font change (zoom)."""
    _RowHeights(view)
