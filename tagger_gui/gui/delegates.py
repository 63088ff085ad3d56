"""Item delegates that keep the word a row is about in sight when its column is narrow.

``ElideDelegate`` cuts a column's text at the start or in the middle instead of the end
(a left context keeps the words next to the target; a sentence id keeps its suffix).
``KeywordDelegate`` paints ``… left [word] right …`` with the bracketed word centred and
bold, the left context cut at its start and the right one at its end (a keyword-in-context
line), so that rows line up on their word however narrow the dock.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget


class ElideDelegate(QStyledItemDelegate):
    """Elides its column's text with ``mode`` (``Qt.TextElideMode``)."""

    def __init__(self, mode: Qt.TextElideMode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = self.mode


class KeywordDelegate(QStyledItemDelegate):
    """Paints a context line with its keyword centred.

    Args:
        keyword: the keyword of a row as it appears in the cell's text (``"[word]"``),
            or ``None`` to paint the cell as usual.
    """

    def __init__(self, keyword: Callable[[QModelIndex], str | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keyword = keyword

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, keyword = opt.text, self.keyword(index)
        start = text.find(keyword) if keyword else -1
        if start < 0:
            super().paint(painter, option, index)
            return
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        opt.text = ""  # the background, selection and focus frame as usual; the text below
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        _paint_keyword_line(painter, area, opt.font, text[:start].rstrip(), keyword, text[start + len(keyword):].lstrip())
        painter.restore()


def _paint_keyword_line(painter: QPainter, area: QRect, font: QFont, left: str, keyword: str, right: str) -> None:
    """``left`` right-aligned up to ``keyword`` (bold, centred in ``area``), ``right`` after it."""
    bold = QFont(font)
    bold.setBold(True)
    metrics, bold_metrics = QFontMetrics(font), QFontMetrics(bold)
    gap = metrics.horizontalAdvance(" ")
    width = min(bold_metrics.horizontalAdvance(keyword) + 2, area.width())  # + 2: fractional advances
    x = max(area.left(), area.center().x() - width // 2)
    middle = Qt.AlignmentFlag.AlignVCenter
    before = QRect(area.left(), area.top(), max(0, x - gap - area.left()), area.height())
    after = QRect(x + width + gap, area.top(), max(0, area.right() - x - width - gap + 1), area.height())
    painter.setFont(font)
    painter.drawText(before, Qt.AlignmentFlag.AlignRight | middle,
                     metrics.elidedText(left, Qt.TextElideMode.ElideLeft, before.width()))
    painter.drawText(after, Qt.AlignmentFlag.AlignLeft | middle,
                     metrics.elidedText(right, Qt.TextElideMode.ElideRight, after.width()))
    painter.setFont(bold)
    painter.drawText(QRect(x, area.top(), width, area.height()), Qt.AlignmentFlag.AlignLeft | middle,
                     bold_metrics.elidedText(keyword, Qt.TextElideMode.ElideRight, width))
