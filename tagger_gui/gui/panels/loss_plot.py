"""The live training plot: batch loss (raw and smoothed), epoch loss, and dev accuracy on its own axis.

Drawn the pyqtgraph way: every curve is created once and fed from growing numpy
buffers with ``setData``; long runs are clipped to the view and downsampled.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

SMOOTHING = 0.05  # weight of the newest batch in the exponential moving average
RAW_COLOR = (150, 185, 225)  # light but opaque: the raw batch loss reads behind the smoothed line
SMOOTH_COLOR = (31, 90, 160)
EPOCH_COLOR = (242, 142, 43)
DEV_COLOR = (89, 161, 79)


class _Series:
    """A growing (x, y) buffer that doubles its capacity when full."""

    def __init__(self) -> None:
        self._x = np.empty(1024)
        self._y = np.empty(1024)
        self.size = 0

    def extend(self, xs, ys) -> None:
        needed = self.size + len(xs)
        if needed > len(self._x):
            capacity = max(needed, 2 * len(self._x))
            self._x = np.resize(self._x, capacity)
            self._y = np.resize(self._y, capacity)
        self._x[self.size:needed] = xs
        self._y[self.size:needed] = ys
        self.size = needed

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.size].copy()

    @property
    def y(self) -> np.ndarray:
        return self._y[: self.size].copy()

    def clear(self) -> None:
        self.size = 0


class LossPlot(QWidget):
    """Plot widget fed by ``add_losses`` and ``add_epoch``; ``clear`` starts over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._raw, self._smooth, self._epoch_loss, self._dev = _Series(), _Series(), _Series(), _Series()
        self._average: float | None = None
        self._build_plot()
        self.legend = QLabel(_legend_html(), wordWrap=True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)

    def _build_plot(self) -> None:
        self.plot_widget = pg.PlotWidget()
        follow_palette(self.plot_widget)
        plot = self.plot_widget.getPlotItem()
        plot.setLabel("bottom", "step (batches)")
        plot.setLabel("left", "loss")
        plot.showGrid(x=True, y=True, alpha=0.2)
        # the legend is a label above the plot (see _legend_html): inside, it covered the curves
        self._raw_curve = plot.plot(pen=pg.mkPen(RAW_COLOR, width=1))
        self._smooth_curve = plot.plot(pen=pg.mkPen(SMOOTH_COLOR, width=2.5))
        self._epoch_curve = plot.plot(pen=pg.mkPen(EPOCH_COLOR, width=2), symbol="o", symbolSize=6,
                                      symbolBrush=EPOCH_COLOR)
        for curve in (self._raw_curve, self._smooth_curve):  # the long ones: draw only what is in view
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self._build_accuracy_axis(plot)

    def _build_accuracy_axis(self, plot: pg.PlotItem) -> None:
        """Dev accuracy (0-100 %) gets a right-hand axis and its own view box sharing the step axis."""
        self._accuracy_view = pg.ViewBox()
        plot.showAxis("right")
        plot.scene().addItem(self._accuracy_view)
        plot.getAxis("right").linkToView(self._accuracy_view)
        plot.getAxis("right").setLabel("dev accuracy (%)")
        self._accuracy_view.setXLink(plot)
        self._accuracy_view.setYRange(0, 100)
        self._dev_curve = pg.PlotDataItem(pen=pg.mkPen(DEV_COLOR, width=2, style=Qt.PenStyle.DashLine),
                                          symbol="s", symbolSize=6, symbolBrush=DEV_COLOR)
        self._accuracy_view.addItem(self._dev_curve)
        plot.vb.sigResized.connect(self._sync_views)

    def _sync_views(self) -> None:
        self._accuracy_view.setGeometry(self.plot_widget.getPlotItem().vb.sceneBoundingRect())

    # ----------------------------------------------------------------- data
    def add_losses(self, steps: list[int], losses: list[float]) -> None:
        """Append batch points (one call per throttled update)."""
        smoothed = []
        for loss in losses:
            self._average = loss if self._average is None else (1 - SMOOTHING) * self._average + SMOOTHING * loss
            smoothed.append(self._average)
        self._raw.extend(steps, losses)
        self._smooth.extend(steps, smoothed)
        self._raw_curve.setData(self._raw.x, self._raw.y)
        self._smooth_curve.setData(self._smooth.x, self._smooth.y)

    def add_epoch(self, step: int, train_loss: float, dev_accuracy: float | None) -> None:
        """Mark the end of an epoch at ``step`` with its mean loss and dev accuracy (0-1)."""
        self._epoch_loss.extend([step], [train_loss])
        self._epoch_curve.setData(self._epoch_loss.x, self._epoch_loss.y)
        if dev_accuracy is not None:
            self._dev.extend([step], [100.0 * dev_accuracy])
            self._dev_curve.setData(self._dev.x, self._dev.y)
            low = max(0.0, float(self._dev.y.min()) - 5.0)
            self._accuracy_view.setYRange(low, 100.0)

    @property
    def point_count(self) -> int:
        """Batch points plotted so far."""
        return self._raw.size

    @property
    def last_step(self) -> int:
        return int(self._raw.x[-1]) if self._raw.size else 0

    def clear(self) -> None:
        for series in (self._raw, self._smooth, self._epoch_loss, self._dev):
            series.clear()
        self._average = None
        for curve in (self._raw_curve, self._smooth_curve, self._epoch_curve, self._dev_curve):
            curve.setData([], [])

    def export_png(self, path: str) -> bool:
        """Save the plot and its legend as they look now; True on success."""
        return self.grab().save(path, "PNG")


def _legend_html() -> str:
    """One coloured mark and name per curve, in the order they are drawn."""
    entries = (("━", RAW_COLOR, "batch loss"), ("━", SMOOTH_COLOR, "smoothed"), ("●", EPOCH_COLOR, "epoch train loss"),
               ("■", DEV_COLOR, "dev accuracy (right axis)"))
    return " &nbsp; ".join(f"<span style='color:rgb{color}'>{mark}</span>&nbsp;{name}" for mark, color, name in entries)


def follow_palette(plot_widget: pg.PlotWidget) -> None:
    """Light or dark like the rest of the window, instead of pyqtgraph's fixed black."""
    palette = plot_widget.palette()
    plot_widget.setBackground(palette.base().color())
    text = palette.text().color()
    for name in ("left", "bottom", "right"):
        axis = plot_widget.getPlotItem().getAxis(name)
        axis.setPen(text)
        axis.setTextPen(text)
