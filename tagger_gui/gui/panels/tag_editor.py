"""The tag editor: the tokens of one sentence with their tags, driven from the keyboard.

One ``QListView`` in a left-to-right wrapping flow paints every token as a card
(word above a tag chip coloured by tag) through ``TokenDelegate``; there is never a
widget per token. ``TokenView`` turns keys into intents (assign, clear, move, change
sentence) and ``TagEditorPanel`` turns those into undoable document edits.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QSizePolicy, QLabel, QListView, QMenu, QStyle, QStyledItemDelegate, QToolButton,
    QVBoxLayout, QWidget,
)

from tagger_gui.core.corpus import Change, ChangeKind
from tagger_gui.gui.commands import SetTagsCommand
from tagger_gui.gui.qt_models import COLOR_ROLE, KNOWN_ROLE, PREDICTED_ROLE, TAG_ROLE, TokenModel, tag_key
from tagger_gui.gui.style import is_dark, tag_color, text_on, tint
from tagger_gui.ml.uncertainty import ranked_tags as rank_tags

KEY_HELP = (
    ("Left / Right, Tab / Shift+Tab", "Previous / next token"),
    ("Home / End", "First / last token"),
    ("1 … 9, 0", "Assign the 1st … 10th tag of the tag set, then go to the next token"),
    ("Type a tag name", "Type-ahead: a unique prefix assigns at once; Enter takes the best match"),
    ("Backspace / Escape", "Edit / clear the type-ahead"),
    ("Delete", "Clear the current token's tag"),
    ("Up / Down", "Previous / next sentence (in the list's order)"),
    ("Page Up / Page Down", "Previous / next sentence that is not complete"),
    ("Ctrl+Return", "Mark the sentence reviewed (again: unmark)"),
    ("Click a token", "Pick its tag from a list with descriptions"),
    ("Space", "Accept the model's tag for the current token, then go to the next token"),
    ("Shift+Space", "Accept the model's tags for the whole sentence"),
    ("1 … 9 (model-ranked palette on)", "Assign the model's 1st … 9th most probable tag for the current token"),
    ("F8", "Jump to the next most uncertain untagged or disagreeing token of the corpus"),
)


DISAGREE_COLOR = QColor("#d0342c")


def _prediction_text(predicted: tuple[str, float]) -> str:
    """``→ NOUN 97%``: the model's tag for a token and its probability."""
    return f"→ {predicted[0]} {predicted[1]:.0%}"


def match_tags(names: list[str], prefix: str) -> list[str]:
    """Tag names starting with ``prefix`` (case-insensitive), an exact match first."""
    wanted = prefix.casefold()
    hits = [name for name in names if name.casefold().startswith(wanted)]
    hits.sort(key=lambda name: name.casefold() != wanted)  # stable: keeps tag-set order otherwise
    return hits


class TokenDelegate(QStyledItemDelegate):
    """Paints a token as a card: the word, and below it a chip with the tag in the tag's colour."""

    PAD = 8
    CHIP_PAD = 6
    GAP = 4

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.word_font = QFont(parent.font())
        self.word_font.setPointSizeF(parent.font().pointSizeF() * 1.4)
        self.tag_font = QFont(parent.font())
        self.tag_font.setPointSizeF(max(7.0, parent.font().pointSizeF() * 0.85))
        self.tag_font.setBold(True)
        self._word_metrics = QFontMetrics(self.word_font)
        self._tag_metrics = QFontMetrics(self.tag_font)

    def sizeHint(self, option, index) -> QSize:
        word = index.data(Qt.ItemDataRole.DisplayRole) or ""
        tag = index.data(TAG_ROLE) or "—"
        predicted = index.data(PREDICTED_ROLE)
        width = max(
            self._word_metrics.horizontalAdvance(word),
            self._tag_metrics.horizontalAdvance(tag) + 2 * self.CHIP_PAD,
            self._tag_metrics.horizontalAdvance(_prediction_text(predicted)) if predicted else 0,
        )
        height = self._word_metrics.height() + self._tag_metrics.height() + 2 + self.GAP + 2 * self.PAD
        if predicted:
            height += self._tag_metrics.height() + self.GAP
        return QSize(max(width + 2 * self.PAD, 40), height)

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
        disagrees = bool(tag and predicted and predicted[0] != tag)
        painter.setBrush(tint(color, dark) if tag else palette.base())
        pen = QPen(palette.highlight().color(), 3) if current else QPen(color if tag else palette.mid().color(), 1)
        if disagrees and not current:
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
        """The model's tag and confidence under the chip: red when it disagrees, plain when it is a suggestion."""
        font = QFont(self.tag_font)
        font.setBold(bool(tag) and predicted[0] != tag)
        font.setItalic(not tag)
        painter.setFont(font)
        if tag and predicted[0] != tag:
            painter.setPen(DISAGREE_COLOR)
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
        accept_requested(int): take the model's tag for a token row (Space).
        accept_sentence_requested(): take the model's tags for the whole sentence (Shift+Space).
    """

    tag_requested = Signal(int, object)
    accept_requested = Signal(int)
    accept_sentence_requested = Signal()
    step_requested = Signal(int)
    reviewed_requested = Signal()
    typeahead_changed = Signal(str)

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
        moves = {
            Qt.Key.Key_Left: -1, Qt.Key.Key_Backtab: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Tab: 1,
        }
        steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -2, Qt.Key.Key_PageDown: 2}
        if key in moves:
            self._set_buffer("")
            self.set_current_row(self.current_row() + moves[key])
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
        if not matches:
            return  # ignore a key that matches nothing: the buffer stays as it was
        if len(matches) == 1:
            self._set_buffer("")
            self._request(matches[0])
        else:
            self._set_buffer(buffer)

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


class TagEditorPanel(QWidget):
    """The selected sentence's tokens and tags, with a header, the key palette and the type-ahead.

    Signals:
        step_requested(int): the user asked for another sentence (see ``TokenView``).
    """

    step_requested = Signal(int)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = TokenModel(document.corpus, self)
        self.ranked_palette = False
        self._build_header()
        self._build_view()
        self._build_footer()
        self._build_layout()
        document.corpus.add_listener(self._on_corpus_changed)
        self._refresh_palette()
        self._refresh_header()

    # ------------------------------------------------------------ build
    def _build_header(self) -> None:
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long sentence id must not widen the window: the label is clipped instead
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.reviewed_button = QToolButton(text="Reviewed", checkable=True)
        self.reviewed_button.setToolTip("Mark the sentence reviewed (Ctrl+Return)")
        self.reviewed_button.clicked.connect(self._on_reviewed_clicked)

    def _build_view(self) -> None:
        self.view = TokenView(self)
        self.view.setModel(self.model)
        self.view.setToolTip("")
        self.view.tag_requested.connect(self._on_tag_requested)
        self.view.step_requested.connect(self.step_requested)
        self.view.reviewed_requested.connect(self.toggle_reviewed)
        self.view.typeahead_changed.connect(self._on_typeahead_changed)
        self.view.clicked.connect(self._on_token_clicked)
        self.view.accept_requested.connect(self.accept_prediction)
        self.view.accept_sentence_requested.connect(self.accept_sentence_predictions)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_token_changed)
        self.model.modelReset.connect(self._on_model_reset)

    def _build_footer(self) -> None:
        self.typeahead_label = QLabel()
        self.typeahead_label.setObjectName("typeahead")
        self.palette_label = QLabel(wordWrap=True)
        self.palette_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.palette_label.setTextFormat(Qt.TextFormat.RichText)
        self.palette_label.setToolTip("Press a digit to assign that tag, or type the start of a tag name")

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.reviewed_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.typeahead_label)
        layout.addWidget(self.palette_label)

    # ------------------------------------------------------------ API
    @property
    def sentence_row(self) -> int | None:
        return self.model.sentence_row

    def show_sentence(self, row: int | None, token: int | None = None) -> None:
        """Show the sentence at corpus ``row``; the cursor goes to ``token`` or the first untagged one."""
        if row is not None and row == self.model.sentence_row and token is None:
            return
        self.model.set_sentence(row)
        sentence = self.model.sentence
        if sentence is not None:
            if token is None:
                token = next((i for i, t in enumerate(sentence.tokens) if t.tag is None), 0)
            self.view.set_current_row(token)
        self._refresh_header()

    def current_token(self) -> int:
        return self.view.current_row()

    def assign(self, tag: str | None) -> None:
        """Assign ``tag`` to the current token and move on (used by menus and the popup)."""
        self.view._request(tag, advance=tag is not None)

    def toggle_reviewed(self) -> None:
        row, sentence = self.model.sentence_row, self.model.sentence
        if sentence is not None:
            self.document.set_reviewed(row, not sentence.reviewed)

    def focus_tokens(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------- predictions
    def set_prediction_source(self, source) -> None:
        """Show the model's tags from ``source(corpus row) -> Prediction | None`` (``None``: no predictions)."""
        self.model.prediction_source = source
        self.refresh_predictions()

    def refresh_predictions(self) -> None:
        """The model changed: repaint the predicted tags, re-rank the palette."""
        self.model.refresh_predictions()
        self.view.doItemsLayout()  # cards grow or shrink by the prediction line
        self._refresh_palette()

    def set_ranked_palette(self, on: bool) -> None:
        """Digits pick the model's most probable tags for the current token (``True``) or the tag set's order."""
        self.ranked_palette = on
        self.view.ranked = self.ranked_tags if on else None
        self._refresh_palette()

    def ranked_tags(self, token: int, k: int = 10) -> list[str]:
        """The model's ``k`` most probable tags for ``token`` of the shown sentence (empty without a model)."""
        return [name for name, _ in self._ranking(token, k)]

    def _ranking(self, token: int, k: int = 10) -> list[tuple[str, float]]:
        prediction = self.model.prediction()
        if prediction is None or not 0 <= token < len(prediction.log_probs):
            return []
        return rank_tags(prediction, token, k)

    def accept_prediction(self, token: int | None = None) -> bool:
        """Give ``token`` (default: the current one) the model's tag; False without a prediction."""
        token = self.current_token() if token is None else token
        prediction, row = self.model.prediction(), self.model.sentence_row
        if prediction is None or row is None or not 0 <= token < len(prediction.log_probs):
            return False
        self.document.set_tag(row, token, prediction.best[token])
        return True

    def accept_sentence_predictions(self) -> bool:
        """Give every token of the sentence the model's tag, as one undoable step; False without a prediction."""
        prediction, sentence, row = self.model.prediction(), self.model.sentence, self.model.sentence_row
        if prediction is None or sentence is None:
            return False
        edits = {i: tag for i, (tag, token) in enumerate(zip(prediction.best, sentence.tokens)) if token.tag != tag}
        if edits:
            self.document.undo_stack.push(SetTagsCommand(self.document.corpus, row, edits, "Accept the model's tags"))
        return True

    # --------------------------------------------------------- handlers
    def _on_tag_requested(self, token: int, tag: str | None) -> None:
        row = self.model.sentence_row
        if row is not None:
            self.document.set_tag(row, token, tag)

    def _on_reviewed_clicked(self) -> None:
        self.toggle_reviewed()
        self._refresh_header()

    def _on_model_reset(self) -> None:
        self._refresh_header()
        if self.ranked_palette:
            self._refresh_palette()

    def _on_current_token_changed(self, *_args) -> None:
        if self.ranked_palette:
            self._refresh_palette()

    def _on_typeahead_changed(self, text: str) -> None:
        if not text:
            self.typeahead_label.setText("")
            return
        matches = match_tags(self.view.tag_names, text)
        self.typeahead_label.setText(
            f"Type-ahead: <b>{html.escape(text)}</b> → {html.escape(', '.join(matches[:8]))}"
            "  <i>(Enter takes the first, Esc clears)</i>"
        )

    def _on_token_clicked(self, index: QModelIndex) -> None:
        rect = self.view.visualRect(index)
        tag = self.pick_tag(self.view.viewport().mapToGlobal(rect.bottomLeft()))
        if tag is not False:
            self.view.set_current_row(index.row())
            self.assign(tag)

    def pick_tag(self, where: QPoint) -> str | None | bool:
        """Pop up the tag list at ``where``; the chosen tag, ``None`` to clear, ``False`` if cancelled."""
        menu = QMenu(self)
        tagset = self.document.corpus.tagset
        for position, tag in enumerate(tagset):
            label = f"{tag.name}    {tag.description}" if tag.description else tag.name
            action = menu.addAction(_swatch(tag_color(tag.name, tag.color)), f"{label}\t{tag_key(position)}")
            action.setData(tag.name)
        menu.addSeparator()
        menu.addAction("Clear tag\tDel").setData("")
        chosen = exec_menu(menu, where)
        if chosen is None:
            return False
        return chosen.data() or None

    def _on_corpus_changed(self, change: Change) -> None:
        if change.kind in (ChangeKind.TAGSET, ChangeKind.RESET):
            self._refresh_palette()
        row = self.model.sentence_row
        if change.kind != ChangeKind.TAGS or change.first == row:
            self._refresh_header()

    # ---------------------------------------------------------- refresh
    def _refresh_header(self) -> None:
        sentence = self.model.sentence
        self.reviewed_button.setEnabled(sentence is not None)
        if sentence is None:
            self.title.setText("No sentence selected")
            self.reviewed_button.setChecked(False)
            return
        status = sentence.status
        done = f"{sentence.tagged_count}/{len(sentence.tokens)} tagged"
        self.title.setText(f"{done}  ·  {status.value}  ·  {sentence.split.value}  ·  {sentence.id}")  # id last: may be clipped
        self.title.setToolTip(sentence.id)
        self.reviewed_button.setChecked(sentence.reviewed)

    def _refresh_palette(self) -> None:
        tagset = self.document.corpus.tagset
        self.view.tag_names = tagset.names
        ranking = self._ranking(self.current_token(), 9) if self.ranked_palette else []
        if ranking:
            self._show_ranked_palette(ranking)
            return
        chips = []
        for position, tag in enumerate(tagset):
            color = tag_color(tag.name, tag.color)
            key = tag_key(position)
            prefix = f"<b>{key}</b>&nbsp;" if key else ""
            chips.append(
                f"{prefix}<span style='background:{color.name()}; color:{text_on(color).name()};'>"
                f"&nbsp;{html.escape(tag.name)}&nbsp;</span>"
            )
        prefix = "<i>Model-ranked palette: no prediction here; tag-set order</i>&nbsp;&nbsp; " if self.ranked_palette else ""
        self.palette_label.setText(prefix + "&nbsp;&nbsp; ".join(chips))

    def _show_ranked_palette(self, ranking: list[tuple[str, float]]) -> None:
        tagset = self.document.corpus.tagset
        chips = []
        for position, (name, probability) in enumerate(ranking):
            color = tag_color(name, tagset[name].color if name in tagset else "")
            chips.append(
                f"<b>{position + 1}</b>&nbsp;<span style='background:{color.name()}; color:{text_on(color).name()};'>"
                f"&nbsp;{html.escape(name)}&nbsp;</span>&nbsp;<small>{probability:.0%}</small>"
            )
        self.palette_label.setText("<i>Model-ranked:</i>&nbsp;&nbsp; " + "&nbsp;&nbsp; ".join(chips))


def exec_menu(menu: QMenu, where: QPoint):
    """Run ``menu`` modally at ``where``; the chosen action or ``None`` (a seam for tests)."""
    return menu.exec(where)


def _swatch(color) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(color)
    return QIcon(pixmap)
