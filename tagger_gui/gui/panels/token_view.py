"""The token cards of the tag editor: one ``QListView`` in a wrapping flow, painted by ``TokenDelegate``.

Every token is a card (word above a tag chip coloured by tag, the model's tag and
confidence under it); there is never a widget per token. ``TokenView`` turns keys
into intents (assign, clear, move, change sentence) for ``TagEditorPanel``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QWidget

from tagger_gui.core.tagset import match_tags
from tagger_gui.gui.qt_models import COLOR_ROLE, KNOWN_ROLE, PREDICTED_ROLE, TAG_ROLE
from tagger_gui.gui.style import is_dark, text_on, tint
from tagger_gui.ml.uncertainty import disagrees, is_unsure, tab_stop

DISAGREE_COLOR = QColor("#d0342c")
UNSURE_COLOR = QColor("#c77700")
"""The model's tag under a card when it is unsure (a Tab stop), readable on light and dark bases."""
MIN_ROWS = 2
"""Rows of cards the editor always has room for."""


def _prediction_text(predicted: tuple[str, float]) -> str:
    """``→ NOUN 97%``: the model's tag for a token and its probability."""
    return f"→ {predicted[0]} {predicted[1]:.0%}"


class TokenDelegate(QStyledItemDelegate):
    """Paints a token as a card: the word, and below it a chip with the tag in the tag's colour."""

    PAD = 8
    CHIP_PAD = 6
    GAP = 4

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.set_base_font(parent.font())

    def set_base_font(self, font: QFont) -> None:
        """Size the word and tag fonts from ``font`` (the view's, which follows View > Zoom)."""
        self.word_font = QFont(font)
        self.word_font.setPointSizeF(font.pointSizeF() * 1.4)
        self.tag_font = QFont(font)
        self.tag_font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        self.tag_font.setBold(True)
        self._word_metrics = QFontMetrics(self.word_font)
        self._tag_metrics = QFontMetrics(self.tag_font)

    def card_height(self, predicted: bool) -> int:
        """The height of a card, with or without the line of the model's tag."""
        height = self._word_metrics.height() + self._tag_metrics.height() + 2 + self.GAP + 2 * self.PAD
        return height + (self._tag_metrics.height() + self.GAP if predicted else 0)

    def sizeHint(self, option, index) -> QSize:
        word = index.data(Qt.ItemDataRole.DisplayRole) or ""
        tag = index.data(TAG_ROLE) or "—"
        predicted = index.data(PREDICTED_ROLE)
        width = max(
            self._word_metrics.horizontalAdvance(word),
            self._tag_metrics.horizontalAdvance(tag) + 2 * self.CHIP_PAD,
            self._tag_metrics.horizontalAdvance(_prediction_text(predicted)) if predicted else 0,
        )
        return QSize(max(width + 2 * self.PAD, 40), self.card_height(bool(predicted)))

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dark = is_dark()
        palette = option.palette
        tag = index.data(TAG_ROLE)
        color = index.data(COLOR_ROLE)
        card = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
        current = bool(option.state & QStyle.StateFlag.State_HasFocus) or bool(option.state & QStyle.StateFlag.State_Selected)
        predicted = index.data(PREDICTED_ROLE)
        painter.setBrush(tint(color, dark) if tag else palette.base())
        pen = QPen(palette.highlight().color(), 3) if current else QPen(color if tag else palette.mid().color(), 1)
        if predicted and disagrees(tag, predicted[0]) and not current:
            pen = QPen(DISAGREE_COLOR, 2)
        if not tag and not current:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(card, 7, 7)
        self._paint_word(painter, option.rect, index.data(Qt.ItemDataRole.DisplayRole) or "", palette)
        self._paint_chip(painter, option.rect, tag, color, bool(index.data(KNOWN_ROLE)), palette)
        if predicted:
            self._paint_prediction(painter, option.rect, predicted, tag, palette)
        painter.restore()

    def _paint_prediction(self, painter: QPainter, rect: QRect, predicted: tuple[str, float], tag, palette) -> None:
        """The model's tag and confidence under the chip: red when it disagrees, amber when it is unsure."""
        font = QFont(self.tag_font)
        font.setBold(disagrees(tag, predicted[0]))
        font.setItalic(not tag)
        painter.setFont(font)
        if tag and predicted[0] != tag:
            painter.setPen(DISAGREE_COLOR)
        elif is_unsure(predicted[1]):
            painter.setPen(UNSURE_COLOR)
        else:
            painter.setPen(palette.text().color() if not tag else palette.placeholderText().color())
        top = rect.top() + self.PAD + self._word_metrics.height() + self.GAP + self._tag_metrics.height() + 2 + self.GAP
        line = QRect(rect.left(), top, rect.width(), self._tag_metrics.height())
        painter.drawText(line, Qt.AlignmentFlag.AlignCenter, _prediction_text(predicted))

    def _paint_word(self, painter: QPainter, rect: QRect, word: str, palette) -> None:
        painter.setFont(self.word_font)
        painter.setPen(palette.text().color())
        word_rect = QRect(rect.left(), rect.top() + self.PAD, rect.width(), self._word_metrics.height())
        painter.drawText(word_rect, Qt.AlignmentFlag.AlignCenter, word)

    def _paint_chip(self, painter: QPainter, rect: QRect, tag: str | None, color, known: bool, palette) -> None:
        painter.setFont(self.tag_font)
        text = tag or "—"
        width = self._tag_metrics.horizontalAdvance(text) + 2 * self.CHIP_PAD
        height = self._tag_metrics.height() + 2
        top = rect.top() + self.PAD + self._word_metrics.height() + self.GAP
        chip = QRectF(rect.center().x() - width / 2 + 0.5, top, width, height)
        if tag:
            painter.setPen(Qt.PenStyle.NoPen if known else QPen(palette.text().color(), 1, Qt.PenStyle.DotLine))
            painter.setBrush(color)
            painter.drawRoundedRect(chip, height / 2, height / 2)
            painter.setPen(text_on(color))
        else:
            painter.setPen(palette.placeholderText().color())
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)


class TokenView(QListView):
    """The token flow; turns keys into intents and leaves the edits to its panel.

    Signals:
        tag_requested(int, object): assign a tag (``str``) or clear it (``None``) on a token row.
        step_requested(int): go to another sentence (+1/-1; +2/-2 = next/previous unfinished).
        reviewed_requested(): toggle the sentence's reviewed mark.
        typeahead_changed(str): the type-ahead buffer changed.
        typeahead_rejected(str): a key made a prefix that no tag starts with (it was ignored).
        accept_requested(int): take the model's tag for a token row (Space).
        accept_sentence_requested(): take the model's tags for the whole sentence (Shift+Space).
    """

    tag_requested = Signal(int, object)
    accept_requested = Signal(int)
    accept_sentence_requested = Signal()
    step_requested = Signal(int)
    reviewed_requested = Signal()
    typeahead_changed = Signal(str)
    typeahead_rejected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tag_names: list[str] = []
        self.ranked = None  # callable(token row) -> tag names most probable first, when the palette is model-ranked
        self._buffer = ""
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setSpacing(5)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setItemDelegate(TokenDelegate(self))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def rows_height(self, rows: int) -> int:
        """The viewport height that shows ``rows`` full rows of cards that carry the model's tag."""
        return self.spacing() + rows * (self.itemDelegate().card_height(predicted=True) + self.spacing())

    def minimumSizeHint(self) -> QSize:
        """Two full rows of cards: a sentence that wraps shows its second row, predictions included."""
        return QSize(super().minimumSizeHint().width(), self.rows_height(MIN_ROWS) + 2 * self.frameWidth())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # View > Zoom
            self.itemDelegate().set_base_font(self.font())
            self.updateGeometry()
            self.scheduleDelayedItemsLayout()

    @property
    def typeahead(self) -> str:
        return self._buffer

    def current_row(self) -> int:
        return self.currentIndex().row() if self.currentIndex().isValid() else -1

    def set_current_row(self, row: int) -> None:
        count = self.model().rowCount() if self.model() else 0
        if count:
            index = self.model().index(max(0, min(row, count - 1)), 0)
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def tab_stops(self) -> list[bool] | None:
        """Per token, whether Tab stops on it: the model is unsure or disagrees with its tag (``None``: no model)."""
        cards = [self.model().index(row, 0) for row in range(self.model().rowCount())] if self.model() else []
        predicted = [card.data(PREDICTED_ROLE) for card in cards]
        if not any(predicted):
            return None
        return [bool(p) and (is_unsure(p[1]) or disagrees(card.data(TAG_ROLE), p[0]))
                for card, p in zip(cards, predicted)]

    def event(self, event: QEvent) -> bool:
        # Tab would move keyboard focus to the next widget; here it moves between tokens.
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._handle_key(event):
            super().keyPressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        """Act on ``event``; ``False`` leaves it to ``QListView``."""
        key, mods = event.key(), event.modifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods & Qt.KeyboardModifier.ControlModifier:
                self.reviewed_requested.emit()
                return True
            return False
        moves = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -2, Qt.Key.Key_PageDown: 2}
        if key in moves:
            self._set_buffer("")
            self.set_current_row(self.current_row() + moves[key])
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):  # Shift+Tab arrives as Backtab, or as Tab with Shift
            self._set_buffer("")
            backward = key == Qt.Key.Key_Backtab or bool(mods & Qt.KeyboardModifier.ShiftModifier)
            self.set_current_row(tab_stop(self.current_row(), -1 if backward else 1, self.tab_stops()))
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            self._set_buffer("")
            self.set_current_row(0 if key == Qt.Key.Key_Home else self.model().rowCount() - 1)
        elif key in steps:
            self._set_buffer("")
            self.step_requested.emit(steps[key])
        else:
            return self._handle_tag_key(event)
        return True

    def _handle_tag_key(self, event: QKeyEvent) -> bool:
        key, text = event.key(), event.text()
        if key == Qt.Key.Key_Delete:
            self._set_buffer("")
            self._request(None, advance=False)
        elif key == Qt.Key.Key_Space and not self._buffer:
            self._accept(bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        elif key == Qt.Key.Key_Escape and self._buffer:
            self._set_buffer("")
        elif key == Qt.Key.Key_Backspace:
            self._set_buffer(self._buffer[:-1])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            matches = match_tags(self.tag_names, self._buffer) if self._buffer else []
            self._set_buffer("")
            if matches:
                self._request(matches[0])
        elif text.isdigit() and len(text) == 1 and not self._buffer:
            position = 9 if text == "0" else int(text) - 1
            names = self.palette_names()
            if position < len(names):
                self._request(names[position])
        elif text and text.isprintable() and not text.isspace():
            self._type(text)
        else:
            return False
        return True

    def palette_names(self) -> list[str]:
        """What the digit keys assign, in order: the model's ranking for the current token, else the tag set."""
        if self.ranked is not None and self.current_row() >= 0:
            ranked = self.ranked(self.current_row())
            if ranked:
                return ranked
        return self.tag_names

    def _accept(self, whole_sentence: bool) -> None:
        if whole_sentence:
            self.accept_sentence_requested.emit()
        elif self.current_row() >= 0:
            row = self.current_row()
            self.accept_requested.emit(row)
            self.set_current_row(row + 1)

    def _type(self, text: str) -> None:
        buffer = self._buffer + text
        matches = match_tags(self.tag_names, buffer)
        if not matches:  # ignore a key that matches nothing (the buffer stays as it was), but say so
            self.typeahead_rejected.emit(buffer)
            return
        if len(matches) == 1:
            self._set_buffer("")
            self._request(matches[0])
        else:
            self._set_buffer(buffer)

    def clear_typeahead(self) -> None:
        """Forget the letters typed so far (another sentence is shown)."""
        self._set_buffer("")

    def _set_buffer(self, text: str) -> None:
        if text != self._buffer:
            self._buffer = text
            self.typeahead_changed.emit(text)

    def _request(self, tag: str | None, advance: bool = True) -> None:
        row = self.current_row()
        if row < 0:
            return
        self.tag_requested.emit(row, tag)
        if advance:
            self.set_current_row(row + 1)
