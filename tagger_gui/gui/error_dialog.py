"""The one error path for background failures: a message, with the technical details expandable."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def show_failure(parent: QWidget, title: str, message: str, details: str = "") -> None:
    """Show ``message``; ``details`` (e.g. a traceback) sits behind "Show Details...". Not modal-blocking tests:
    the box is shown with ``open()`` so the event loop (and the training log) keep running."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("failureDialog")
    if details:
        box.setDetailedText(details)
    box.open()
