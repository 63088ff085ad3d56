"""Enter sentences: type or paste text, check and fix the tokens, add the sentences to the corpus."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from tagger_gui.core.corpus import Sentence, Split
from tagger_gui.core.edits import next_ids
from tagger_gui.core.tokenize import tokenize


class EnterSentencesPanel(QWidget):
    """Two steps: text (one sentence a line) -> tokens (one sentence a line, tokens split by spaces).

    The token box is editable, so the user can split a token (insert a space), merge
    two (delete the space) or fix a word before adding.

    Signals:
        added(int): sentences were added; the corpus row of the first.
    """

    added = Signal(int)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.text_edit = QPlainTextEdit(placeholderText="Type or paste text here, one sentence a line…")
        self.tokens_edit = QPlainTextEdit(
            placeholderText="Tokens appear here, one sentence a line, separated by spaces.\n"
            "Edit them before adding: insert a space to split, delete one to merge."
        )
        self.tokenize_button = QPushButton("Tokenize ↓", toolTip="Split the text into tokens with the built-in tokenizer")
        self.add_button = QPushButton("Add to corpus", toolTip="Add the token lines as new untagged sentences")
        self.split_combo = QComboBox(toolTip="Split of the new sentences")
        for split in Split:
            self.split_combo.addItem(split.value, split)
        self.summary = QLabel()
        self.tokenize_button.clicked.connect(self.tokenize_text)
        self.add_button.clicked.connect(self.add_sentences)
        self.tokens_edit.textChanged.connect(self._on_tokens_changed)
        self.text_edit.textChanged.connect(self._on_text_changed)
        self._build_layout()
        self._on_tokens_changed()

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.tokenize_button)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Split:"))
        bottom.addWidget(self.split_combo)
        bottom.addStretch(1)
        bottom.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.text_edit, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.tokens_edit, 1)
        layout.addLayout(bottom)

    def token_lines(self) -> list[list[str]]:
        """The sentences as the token box has them now."""
        return [line.split() for line in self.tokens_edit.toPlainText().splitlines() if line.strip()]

    def tokenize_text(self) -> None:
        lines = [line for line in self.text_edit.toPlainText().splitlines() if line.strip()]
        self.tokens_edit.setPlainText("\n".join(" ".join(tokenize(line)) for line in lines))

    def add_sentences(self) -> None:
        if not self.tokens_edit.toPlainText().strip():
            self.tokenize_text()
        lines = self.token_lines()
        if not lines:
            return
        split = Split(self.split_combo.currentData())
        ids = next_ids([s.id for s in self.document.corpus], len(lines))
        first = self.document.add_sentences(
            [Sentence.from_words(words, split=split, id=sid) for words, sid in zip(lines, ids)])
        self.text_edit.clear()
        self.tokens_edit.clear()
        self.added.emit(first)

    def _on_tokens_changed(self) -> None:
        lines = self.token_lines()
        self.summary.setText(f"{len(lines)} sentence(s), {sum(map(len, lines))} token(s)" if lines else "")
        self.add_button.setEnabled(bool(lines) or bool(self.text_edit.toPlainText().strip()))

    def _on_text_changed(self) -> None:
        self.add_button.setEnabled(bool(self.token_lines()) or bool(self.text_edit.toPlainText().strip()))
