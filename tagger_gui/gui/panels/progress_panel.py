"""The Progress dock: dev accuracy of each retrained model against tagged tokens or annotation hours,
and the annotation speed so far (tokens/hour, keys per token)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tagger_gui.gui.panels.loss_plot import follow_palette
from tagger_gui.session.effort import EffortLog

X_TOKENS, X_HOURS = "tokens", "hours"


class ProgressPanel(QWidget):
    """A learning curve of the annotation loop and the effort summary; ``export_button`` saves the log."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis_combo = QComboBox(toolTip="Plot dev accuracy against tagged tokens or against annotation hours")
        self.axis_combo.addItem("against tagged tokens", X_TOKENS)
        self.axis_combo.addItem("against annotation hours", X_HOURS)
        self.axis_combo.currentIndexChanged.connect(lambda _: self.show_log(self._log))
        self.export_button = QPushButton("Export log…", toolTip="Save seconds, keys and corrections per sentence as TSV")
        self.summary = QLabel("Annotate with Assist on: each retrain adds a point here.", wordWrap=True)
        self.plot = pg.PlotWidget()
        follow_palette(self.plot)
        self.plot.setLabel("left", "dev accuracy", units="%")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.curve = self.plot.plot([], [], pen=pg.mkPen("#4e79a7", width=2), symbol="o", symbolSize=6)
        self._log = EffortLog()
        top = QHBoxLayout()
        top.addWidget(self.axis_combo, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 1)

    def show_log(self, log: EffortLog) -> None:
        """Draw ``log``'s curve on the chosen axis and its summary."""
        self._log = log
        hours = self.axis_combo.currentData() == X_HOURS
        x = np.array([p.hours if hours else p.tagged_tokens for p in log.curve], dtype=float)
        y = np.array([100.0 * p.dev_accuracy for p in log.curve], dtype=float)
        self.curve.setData(x, y)
        self.plot.setLabel("bottom", "annotation hours" if hours else "tagged tokens")
        self.summary.setText(log.summary())

    @property
    def point_count(self) -> int:
        return len(self._log.curve)
