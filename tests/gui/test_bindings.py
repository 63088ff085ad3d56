"""Guards against Qt binding releases known to corrupt the interpreter (pinned in pyproject.toml)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QObject, Qt, Signal


class _Emitter(QObject):
    flag = Signal(bool)


class _EmptyModel(QAbstractTableModel):
    def rowCount(self, parent=None):
        return 3

    def columnCount(self, parent=None):
        return 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


def test_signals_and_model_data_keep_reference_counts_of_true_and_none(qapp):
    """PySide6 6.12.0 on Python 3.11 lost a reference per emit / per ``None`` from ``data()``: abort at exit."""
    emitter, received = _Emitter(), []
    emitter.flag.connect(received.append)
    model = _EmptyModel()
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(2000):
        emitter.flag.emit(True)
        model.index(1, 0).data()
    received.clear()
    assert abs(sys.getrefcount(True) - true_before) < 100
    assert abs(sys.getrefcount(None) - none_before) < 100
