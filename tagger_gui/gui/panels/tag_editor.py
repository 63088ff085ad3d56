"""The tag editor: the tokens of one sentence with their tags, driven from the keyboard.

One ``QListView`` in a left-to-right wrapping flow paints every token as a card
(word above a tag chip coloured by tag) through ``TokenDelegate``; there is never a
widget per token. ``TokenView`` turns keys into intents (assign, clear, move, change
sentence) and ``TagEditorPanel`` turns those into undoable document edits.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QSizePolicy, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from tagger_gui.core.corpus import Change, ChangeKind
from tagger_gui.core.tagset import match_tags
from tagger_gui.gui.commands import SetTagsCommand
from tagger_gui.gui.elided_label import MiddleElidedLabel
from tagger_gui.gui.panels.token_view import TokenView
from tagger_gui.gui.qt_models import TokenModel, tag_key
from tagger_gui.gui.style import tag_color, text_on
from tagger_gui.ml.uncertainty import UNSURE_BELOW, ranked_tags as rank_tags

KEY_HELP = (
    ("Left / Right", "Previous / next token"),
    ("Tab / Shift+Tab", f"Next / previous token the model is unsure of (amber, below {UNSURE_BELOW:.0%}) or disagrees with"),
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
    ("F9", "Annotate next: go to the most useful untagged sentence (Model > Annotate next by)"),
)


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
        self.title = MiddleElidedLabel()
        self._fit_title_font()
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long sentence id must not widen the window: its middle is elided instead
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
        self.view.typeahead_rejected.connect(self._on_typeahead_rejected)
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
        header.addWidget(self.typeahead_label)  # in the header: a line of its own cost the cards 20 px
        header.addWidget(self.reviewed_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.palette_label)

    def _fit_title_font(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        self.title.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # View > Zoom: the title's own font follows
            self._fit_title_font()
            self._fit_palette_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_palette_height()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_palette_height()

    def _fit_palette_height(self) -> None:
        """Make the wrapped key palette's height a minimum, so that the token view keeps its two rows.

        The central splitter sizes the editor from minimum heights, and a word-wrapped label
        reports one line there (height-for-width does not reach a QSplitter): the token view
        was squeezed below its own minimum instead.
        """
        if not self.isVisible():  # the width is not the final one yet
            return
        margins = self.layout().contentsMargins()
        height = self.palette_label.heightForWidth(self.width() - margins.left() - margins.right())
        if height != self.palette_label.minimumHeight():
            self.palette_label.setMinimumHeight(height)

    # ------------------------------------------------------------ API
    @property
    def sentence_row(self) -> int | None:
        return self.model.sentence_row

    def show_sentence(self, row: int | None, token: int | None = None) -> None:
        """Show the sentence at corpus ``row``; the cursor goes to ``token`` or the first untagged one."""
        if row is not None and row == self.model.sentence_row and token is None:
            return
        if row != self.model.sentence_row:
            self.view.clear_typeahead()
            self.typeahead_label.setText("")  # a rejected key's warning belongs to the sentence it was typed in
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

    def _on_typeahead_rejected(self, text: str) -> None:
        QApplication.beep()
        self.typeahead_label.setText(
            f"<span style='color:#d0342c'>No tag starts with <b>{html.escape(text)}</b></span>"
            "  <i>(the key was ignored; Esc clears, Backspace edits)</i>")

    def _on_token_clicked(self, index: QModelIndex) -> None:
        rect = self.view.visualRect(index)
        sentence = self.model.sentence
        current = sentence.tokens[index.row()].tag if sentence is not None else None
        tag = self.pick_tag(self.view.viewport().mapToGlobal(rect.bottomLeft()), current)
        if tag is not False:
            self.view.set_current_row(index.row())
            self.assign(tag)

    def pick_tag(self, where: QPoint, current: str | None = None) -> str | None | bool:
        """Pop up the tag list at ``where`` with ``current`` marked; the chosen tag, ``None`` to clear,
        ``False`` if cancelled."""
        menu = QMenu(self)
        tagset = self.document.corpus.tagset
        for position, tag in enumerate(tagset):
            label = f"{tag.name}    {tag.description}" if tag.description else tag.name
            action = menu.addAction(_swatch(tag_color(tag.name, tag.color)), f"{label}\t{tag_key(position)}")
            action.setData(tag.name)
            if tag.name == current:  # the token's tag is marked and the menu opens on it
                action.setCheckable(True)
                action.setChecked(True)
                menu.setActiveAction(action)
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
            self.title.set_parts("No sentence selected")
            self.reviewed_button.setChecked(False)
            return
        status = sentence.status
        done = f"{sentence.tagged_count}/{len(sentence.tokens)} tagged"
        self.title.set_parts(f"{done}  ·  {status.value}  ·  {sentence.split.value}  ·  ", sentence.id)
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
        self._fit_palette_height()

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
        self._fit_palette_height()


def exec_menu(menu: QMenu, where: QPoint):
    """Run ``menu`` modally at ``where``; the chosen action or ``None`` (a seam for tests)."""
    return menu.exec(where)


def _swatch(color) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(color)
    return QIcon(pixmap)
