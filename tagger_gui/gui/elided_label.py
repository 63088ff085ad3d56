"""A one-line label that fits its width by eliding the middle of its last part.

The tag editor's header ends with the sentence id: EWT's ids are 60+ characters whose
distinguishing part is the end (``…_ENG_20041117_172713-0005``). Clipped at the right,
as a plain label does, the header lost exactly that part.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel


class MiddleElidedLabel(QLabel):
    """Shows ``lead + tail``, eliding the middle of ``tail`` when both do not fit (``set_parts``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._lead = self._tail = ""

    def set_parts(self, lead: str, tail: str = "") -> None:
        self._lead, self._tail = lead, tail
        self._fit()

    def full_text(self) -> str:
        return self._lead + self._tail

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        room = max(self.contentsRect().width() - metrics.horizontalAdvance(self._lead), 0)
        self.setText(self._lead + metrics.elidedText(self._tail, Qt.TextElideMode.ElideMiddle, room))
