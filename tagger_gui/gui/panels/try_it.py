""""Try it": type any sentence and see the model's tags and score table at once."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QScrollArea, QSplitter, QVBoxLayout, QWidget

from tagger_gui.core.tokenize import tokenize
from tagger_gui.gui.panels.scores_panel import ScoreTable, ScoreTableModel
from tagger_gui.gui.style import tag_color, text_on

TAGS_SHARE = 30
"""Percent of the panel's width for the tags as chips, beside the score table."""
MAX_WORDS = 200
"""Longer input is cut here so that one prediction stays a few milliseconds in the UI thread."""


class TryItPanel(QWidget):
    """A line edit, the predicted tags as chips and the score table of the typed sentence."""

    DELAY_MS = 120

    def __init__(self, store, corpus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.corpus = store, corpus
        self.edit = QLineEdit(placeholderText="Type any sentence to see how the model tags it", clearButtonEnabled=True)
        self.tags_label = QLabel(wordWrap=True)
        self.tags_label.setTextFormat(Qt.TextFormat.RichText)
        self.tags_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scores = ScoreTable(self)
        self.scores.table.setColumnHidden(ScoreTableModel.GOLD, True)  # typed text has no saved tags
        self._timer = QTimer(self, singleShot=True, interval=self.DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.edit.textChanged.connect(self._timer.start)
        self.edit.returnPressed.connect(self.refresh)
        store.model_changed.connect(self.refresh)
        self._build_layout()
        self.refresh()

    def _build_layout(self) -> None:
        """The tags beside the table, not above it: a low dock still shows several rows of scores."""
        self.tags_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        tags = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        tags.setWidget(self.tags_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(tags)
        self.splitter.addWidget(self.scores)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self._sized = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.edit)
        layout.addWidget(self.splitter, 1)

    def showEvent(self, event: QShowEvent) -> None:
        """The first time the panel has its width: the tags get ``TAGS_SHARE`` percent of it."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            width = self.splitter.width()
            self.splitter.setSizes([width * TAGS_SHARE // 100, width - width * TAGS_SHARE // 100])

    def set_text(self, text: str) -> None:
        """Type ``text`` and show its tags now (no delay)."""
        self.edit.setText(text)
        self.refresh()

    def refresh(self, *_args) -> None:
        self._timer.stop()
        words = tokenize(self.edit.text())[:MAX_WORDS]
        tagger = self.store.tagger
        if tagger is None:
            self.tags_label.setText("<i>No model yet: train one (Model ▸ Train) or load one.</i>")
            self.scores.set_content(words, None, None)
            return
        if not words:
            self.tags_label.setText("")
            self.scores.set_content([], None, None)
            return
        prediction = tagger.predict([words])[0]
        self.tags_label.setText(self._chips(words, prediction))
        self.scores.set_content(words, None, prediction, 1, f"{len(words)} words")

    def _chips(self, words: list[str], prediction) -> str:
        tagset, parts = self.corpus.tagset, []
        for word, tag, p in zip(words, prediction.best, prediction.confidence.tolist()):
            color = tag_color(tag, tagset[tag].color if tag in tagset else "")
            parts.append(
                f"{html.escape(word)}&nbsp;<span style='background:{color.name()}; color:{text_on(color).name()};'>"
                f"&nbsp;{html.escape(tag)}&nbsp;</span><small>&nbsp;{p:.0%}</small>"
            )
        return "&nbsp;&nbsp; ".join(parts)
