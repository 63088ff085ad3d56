"""Line plots for the benchmarks, drawn with pyqtgraph offscreen (the app's own plotting library)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


@dataclass
class Panel:
    """One plot: ``series`` are ``(label, xs, ys)``; ``hline`` a dashed reference level."""

    xlabel: str
    ylabel: str
    series: list[tuple[str, list[float], list[float]]] = field(default_factory=list)
    hline: float | None = None
    log_x: bool = False


def save_panels(panels: list[Panel], path: Path, width: int = 1200, height: int = 450) -> None:
    """Draw ``panels`` side by side into the PNG ``path`` (a message instead when pyqtgraph is unusable)."""
    try:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        import pyqtgraph as pg
        import pyqtgraph.exporters
        from PySide6.QtWidgets import QApplication
    except ImportError as error:
        print(f"no plot: pyqtgraph is not usable ({error})")
        return
    app = QApplication.instance() or QApplication([])
    layout = pg.GraphicsLayoutWidget(size=(width, height))
    layout.setBackground("w")
    colors = _colors_by_label(panels)
    for column, panel in enumerate(panels):
        plot = layout.addPlot(row=0, col=column, labels={"left": panel.ylabel, "bottom": panel.xlabel})
        plot.setLogMode(x=panel.log_x)
        if panel.log_x:  # a tick at each measured x, written as it is (pyqtgraph would write 10 as "10¹")
            xs = sorted({x for _, values, _ in panel.series for x in values if x > 0})
            plot.getAxis("bottom").setTicks([[(math.log10(x), f"{x:g}") for x in xs]])
        # bottom right (a negative offset counts from that corner), where rising curves leave room
        plot.addLegend(offset=(-10, -10), labelTextColor="k", brush=pg.mkBrush(255, 255, 255, 220))
        for label, xs, ys in panel.series:
            color = colors[label]
            plot.plot(xs, ys, pen=pg.mkPen(color, width=2), symbol="o", symbolSize=5, symbolPen=color,
                      symbolBrush=color, name=label)
        if panel.hline is not None:
            plot.addLine(y=panel.hline, pen=pg.mkPen("grey", style=pg.QtCore.Qt.PenStyle.DashLine))
    layout.resize(width, height)
    layout.show()  # lays the plots out (offscreen without a display)
    app.processEvents()
    exporter = pg.exporters.ImageExporter(layout.scene())
    exporter.parameters()["width"] = width
    exporter.export(str(path))
    print(f"plot written to {path}")


def _colors_by_label(panels: list[Panel]) -> dict[str, str]:
    """One colour per series label, the same in every panel (in order of first appearance)."""
    labels = dict.fromkeys(label for panel in panels for label, _, _ in panel.series)
    return {label: COLORS[k % len(COLORS)] for k, label in enumerate(labels)}
