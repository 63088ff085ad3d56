"""The training dock: settings, Train/Stop, the live plot, progress and a log of epochs.

The panel only shows things and asks for things: ``train_requested`` carries the
chosen ``TrainConfig`` and dev choice, ``stop_requested`` asks to stop. Whoever runs
the job (``TrainingController``) feeds the display methods back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QMessageBox, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea, QSpinBox, QSplitter, QVBoxLayout, QWidget,
)

from tagger_gui.core.data_split import DevChoice
from tagger_gui.gui.panels.loss_plot import LossPlot
from tagger_gui.ml.config import CHAR_ENCODERS, OPTIMIZERS, PRECISIONS, PRESETS, TrainConfig, preset_config
from tagger_gui.ml.devices import available_devices
from tagger_gui.ml.progress import Progress, data_text, ending_label, ending_sentence, start_sentence
from tagger_gui.ml.schedule import describe_scaled, tier_for, train_config
from tagger_gui.ml.training import EpochSummary, TrainingInfo, TrainResult
from tagger_gui.session.training import LossPoints, Stage

# The settings shown, in order; everything else keeps the preset's value.
SHOWN_FIELDS = (
    "scale_to_data", "embedding_dim", "hidden_dim", "num_layers", "char_encoder", "raw_dim", "tag_neighbours",
    "dropout", "optimizer", "lr", "batch_size", "epochs", "patience", "max_minutes", "seed", "precision",
)
SCALED_FIELDS = ("hidden_dim", "num_layers", "batch_size", "epochs", "patience")
"""Chosen from the amount of tagged data while "Scale to the data" is on (``ml.schedule``)."""
_CHOICES = {"char_encoder": CHAR_ENCODERS, "optimizer": OPTIMIZERS, "precision": PRECISIONS}
_LABELS = {"embedding_dim": "Word embedding size", "hidden_dim": "LSTM hidden size", "num_layers": "LSTM layers",
           "char_encoder": "Character features", "lr": "Learning rate", "patience": "Early-stop patience",
           "max_minutes": "Time limit", "scale_to_data": "Scale to the data", "raw_dim": "Untagged-text vectors",
           "tag_neighbours": "Neighbours' tags"}
_ZERO_ALLOWED = ("patience", "seed", "raw_dim", "tag_neighbours")
"""Whole-number settings for which 0 is a value (off, or seed 0)."""
DEV_FROM_SPLIT = "split"
DEV_HELD_OUT = "held_out"


def _format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "--"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _threads_text(threads: int) -> str:
    return "" if threads <= 0 else f" on {threads} thread{'s' if threads != 1 else ''}"


class WheelGuard(QObject):
    """Keeps the mouse wheel from changing a field it merely passes over.

    Installed on spin boxes and combo boxes in a scrolled form: without focus, the wheel
    event is ignored, so it goes on to the scroll area and scrolls the form. The fields
    take focus by click or Tab only (``StrongFocus``), never by the wheel.
    """

    def guard(self, widget: QWidget) -> None:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return super().eventFilter(watched, event)


class TrainingPanel(QWidget):
    """Settings form, Train/Stop buttons, progress, live loss plot and epoch log."""

    train_requested = Signal(object, str)  # TrainConfig, DEV_FROM_SPLIT | DEV_HELD_OUT
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editors: dict[str, QWidget] = {}
        self._base = preset_config("default")
        self._unscaled: dict[str, object] = {}  # the greyed fields' own values while they show scaled ones
        self._run: TrainingInfo | None = None  # the run shown, as announced when it started
        self._tagged_words: int | None = None  # the project's, for the note on what scaling chooses
        self._wheel_guard = WheelGuard(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        settings = QScrollArea(widgetResizable=True)  # lets the dock shrink on small screens
        settings.setFrameShape(QScrollArea.Shape.NoFrame)
        settings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        settings.setWidget(self._build_settings())
        splitter.addWidget(settings)
        splitter.addWidget(self._build_monitor())
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._apply_config(self._base)
        self.set_running(False)

    # ----------------------------------------------------------------- build
    def _build_settings(self) -> QWidget:
        box = QGroupBox("Settings")
        form = QFormLayout(box)
        self.preset_box = QComboBox()
        self.preset_box.addItems(list(PRESETS))
        self.preset_box.setCurrentText(self._base.preset)
        self.preset_box.setToolTip("Start from a named preset; the fields below can then be changed.")
        self.preset_box.currentTextChanged.connect(self._on_preset_changed)
        form.addRow("Preset", self.preset_box)
        for name in SHOWN_FIELDS:
            editor = self._editor_for(name)
            editor.setToolTip(TrainConfig.help(name))
            self._editors[name] = editor
            form.addRow(_LABELS.get(name, name.replace("_", " ").capitalize()), editor)
            if name == "scale_to_data":
                self.scale_note = QLabel(wordWrap=True, enabled=False)
                form.addRow("", self.scale_note)
        self._editors["scale_to_data"].toggled.connect(self._on_scale_toggled)
        form.addRow("Dev sentences", self._build_dev_choice())
        self.device_box = QComboBox()
        for choice in available_devices():
            self.device_box.addItem(choice.label, choice.name)
        self.device_box.setToolTip(TrainConfig.help("device"))
        form.addRow("Device", self.device_box)
        for field in (*self._editors.values(), self.preset_box, self.dev_box, self.fraction_box, self.device_box):
            if isinstance(field, (QComboBox, QSpinBox, QDoubleSpinBox)):
                self._wheel_guard.guard(field)
        return box

    def _build_dev_choice(self) -> QWidget:
        self.dev_box = QComboBox()
        self.dev_box.addItem("Sentences marked dev", DEV_FROM_SPLIT)
        self.dev_box.addItem("Hold out a fraction of train", DEV_HELD_OUT)
        self.dev_box.setToolTip(
            "Which sentences pick the best epoch. Marked dev sentences are used when there are any;"
            " otherwise a fraction of the training sentences is held out automatically."
        )
        self.fraction_box = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=0.5, singleStep=0.05)
        self.fraction_box.setToolTip(TrainConfig.help("dev_fraction"))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.dev_box, 1)
        layout.addWidget(self.fraction_box)
        return row

    def _editor_for(self, name: str) -> QWidget:
        value = getattr(self._base, name)
        if name == "max_minutes":  # None (no limit) is shown as the spin box's lowest value, 0
            editor = QDoubleSpinBox(decimals=1, minimum=0.0, maximum=10_000.0, singleStep=1.0, suffix=" min")
            editor.setSpecialValueText("no limit")
        elif name in _CHOICES:
            editor = QComboBox()
            editor.addItems(list(_CHOICES[name]))
        elif isinstance(value, bool):
            editor = QCheckBox()
        elif isinstance(value, int):
            editor = QSpinBox(minimum=0 if name in _ZERO_ALLOWED else 1, maximum=1_000_000)
        else:
            editor = QDoubleSpinBox(decimals=4, minimum=0.0, maximum=0.99 if name == "dropout" else 10.0,
                                    singleStep=0.0005 if name == "lr" else 0.05)
        return editor

    def _build_monitor(self) -> QWidget:
        monitor = QWidget()
        layout = QVBoxLayout(monitor)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plot = LossPlot()
        self.plot.setMinimumHeight(120)
        layout.addLayout(self._build_buttons())
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat("idle")
        self.speed_label = QLabel("")
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.speed_label)
        layout.addWidget(self.plot, 3)
        self.log = QPlainTextEdit(readOnly=True)
        self.log.setMaximumBlockCount(2000)
        self.log.setPlaceholderText("One line per epoch appears here.")
        self.log.setMinimumHeight(60)
        layout.addWidget(self.log, 1)
        return monitor

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.train_button = QPushButton("Train")
        self.train_button.setToolTip("Train a tagger on the tagged sentences (Ctrl+T)")
        self.train_button.clicked.connect(self._on_train_clicked)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop after the current batch, keeping the best model so far (Ctrl+.)")
        self.stop_button.clicked.connect(self.stop_requested)
        self.clear_button = QPushButton("Clear plot")
        self.clear_button.clicked.connect(self.plot.clear)
        self.export_button = QPushButton("Export plot…")
        self.export_button.clicked.connect(self._on_export_clicked)
        for button in (self.train_button, self.stop_button, self.clear_button, self.export_button):
            row.addWidget(button)
        return row

    # -------------------------------------------------------------- settings
    def config(self) -> TrainConfig:
        """The settings as shown, the greyed scaled ones as they were before scaling (validated by ``TrainConfig``:
        a bad value raises ``ValueError``)."""
        values = {name: self._value(editor) for name, editor in self._editors.items()} | self._unscaled
        values["max_minutes"] = values["max_minutes"] or None
        return self._base.replace(**values, device=self.device_box.currentData(),
                                  dev_fraction=self.fraction_box.value())

    def dev_choice(self) -> str:
        return self.dev_box.currentData()

    def set_dev_choice(self, choice: DevChoice) -> None:
        """Show the project's dev choice (source and held-out fraction)."""
        self.dev_box.setCurrentIndex(max(self.dev_box.findData(choice.source.value), 0))
        self.fraction_box.setValue(choice.fraction)

    def set_config(self, config: TrainConfig) -> None:
        """Show ``config`` (e.g. the project's saved settings)."""
        self.preset_box.blockSignals(True)
        self.preset_box.setCurrentText(config.preset)
        self.preset_box.blockSignals(False)
        self._apply_config(config)

    def _apply_config(self, config: TrainConfig) -> None:
        self._base = config
        for name, editor in self._editors.items():
            value = getattr(config, name)
            self._set_value(editor, value if value is not None else 0.0)
        self._unscaled = {}  # the fields hold ``config``'s own values now
        self.fraction_box.setValue(config.dev_fraction)
        index = self.device_box.findData(config.device)
        self.device_box.setCurrentIndex(max(index, 0))
        self._show_scale_note()

    @staticmethod
    def _value(editor: QWidget):
        if isinstance(editor, QComboBox):
            return editor.currentText()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        return editor.value()

    @staticmethod
    def _set_value(editor: QWidget, value) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(value))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        else:
            editor.setValue(value)

    def _on_scale_toggled(self, scaled: bool) -> None:
        for name in SCALED_FIELDS:
            editor = self._editors[name]
            editor.setEnabled(not scaled)
            editor.setToolTip("Chosen from the number of tagged words while “Scale to the data” is on (the log"
                              " says what was chosen)." if scaled else TrainConfig.help(name))
        self._show_scale_note()

    def set_tagged_words(self, count: int) -> None:
        """The project's tagged words now: the note under “Scale to the data” says what a Train would use."""
        if count != self._tagged_words:
            self._tagged_words = count
            self._show_scale_note()

    def _show_scale_note(self) -> None:
        """Say what scaling chooses for the project's tagged words, and show it in the greyed fields."""
        count = self._tagged_words
        scaled = self._editors["scale_to_data"].isChecked()
        self.scale_note.setVisible(scaled and count is not None)
        chosen = self._scaled_config(count) if scaled and count else None
        self._show_scaled_values(chosen)
        if not scaled or count is None:
            return
        if count == 0:
            text = "Nothing is tagged yet: scaling will choose the settings once sentences are."
        elif chosen is None:
            text = f"{count:,} tagged words: more than scaling covers, a Train uses the settings below."
        else:
            text = f"For {count:,} tagged words a Train uses {describe_scaled(chosen)}."
        self.scale_note.setText(text)

    def _scaled_config(self, count: int) -> TrainConfig | None:
        """What scaling chooses for ``count`` tagged words (``None`` above its table), from the settings shown,
        or from the preset's while one of them is invalid (the Train button says which)."""
        if tier_for(count) is None:
            return None
        try:
            base = self.config()
        except ValueError:  # e.g. a learning rate of 0 on the way to 0.005
            base = self._base
        return train_config(base.replace(scale_to_data=True), count)

    def _show_scaled_values(self, scaled: TrainConfig | None) -> None:
        """Show the ``scaled`` settings in the greyed fields, keeping their own values for when scaling goes off
        (``None``: show their own values again)."""
        for name in SCALED_FIELDS:
            editor = self._editors[name]
            if scaled is not None:
                self._unscaled.setdefault(name, self._value(editor))
            value = getattr(scaled, name) if scaled is not None else self._unscaled.pop(name, None)
            if value is not None:
                self._set_value(editor, value)

    def _on_preset_changed(self, name: str) -> None:
        self._apply_config(preset_config(name, device=self.device_box.currentData() or "auto"))

    def _on_train_clicked(self) -> None:
        """Refuse settings that ``TrainConfig`` rejects here, with a message, before anything starts."""
        try:
            config = self.config()
        except ValueError as error:
            self.log.appendPlainText(f"Cannot train with these settings: {error}")
            QMessageBox.warning(self, "Invalid training settings", f"Cannot train with these settings:\n{error}")
            return
        self.train_requested.emit(config, self.dev_choice())

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export plot", "training.png", "PNG images (*.png)")
        if path:
            self.plot.export_png(path)

    # --------------------------------------------------------------- display
    def set_running(self, running: bool) -> None:
        self.train_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        for editor in (*self._editors.values(), self.preset_box, self.device_box, self.dev_box, self.fraction_box):
            editor.setEnabled(not running)
        if not running:
            self._on_scale_toggled(self._editors["scale_to_data"].isChecked())

    def show_started(self, info: TrainingInfo) -> None:
        self._run = info
        self.plot.clear()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("starting…")
        self.speed_label.setText("")
        threads = f" ({info.threads})" if info.threads else ""
        self.log.appendPlainText(
            f"Training on {data_text(info)}, on {info.device}{' in bf16' if info.precision == 'bf16' else ''}{threads}."
        )
        self.log.appendPlainText(start_sentence(info))

    def show_progress(self, progress: Progress) -> None:
        if self._run is None:  # a late report of a run already ended
            return
        self.progress_bar.setValue(int(100 * progress.fraction))
        self.progress_bar.setFormat(
            f"epoch {progress.epoch}/{progress.epochs} · batch {progress.batch}/{progress.batches}")
        self.speed_label.setText(
            f"{progress.words_per_second:,.0f} words/s · ETA {_format_seconds(progress.eta_seconds)} (at the latest)"
        )
        if progress.note:
            self.log.appendPlainText(progress.note)

    def add_epoch(self, summary: EpochSummary) -> None:
        self.plot.add_epoch(self.plot.last_step, summary.train_loss, summary.dev_accuracy)
        dev = "n/a" if summary.dev_accuracy is None else f"{100 * summary.dev_accuracy:.2f}%"
        best = "  ★ best so far" if summary.is_best else ""
        self.log.appendPlainText(
            f"epoch {summary.epoch}: loss {summary.train_loss:.4f}, dev accuracy {dev}, "
            f"{summary.words_per_second:,.0f} words/s{_threads_text(summary.threads)}, {summary.seconds:.1f} s{best}"
        )

    def show_result(self, result: TrainResult) -> None:
        """Say in words why the run ended and what it kept; clear the live speed and ETA."""
        info, self._run = self._run, None
        self.set_running(False)
        self.speed_label.setText("")
        self.progress_bar.setValue(100 if result.stopped == "finished" else self.progress_bar.value())
        self.progress_bar.setFormat(f"done: {ending_label(result)}")
        epochs = info.epochs if info is not None and info.epochs else len(result.history)
        ending = ending_sentence(result, epochs, info.time_limit_minutes if info is not None else None)
        if result.tagger is None:
            self.log.appendPlainText(f"{ending} No model was kept.")
            return
        dev = "n/a" if result.best_dev_accuracy is None else f"{100 * result.best_dev_accuracy:.2f}%"
        self.log.appendPlainText(
            f"{ending} Epoch {result.best_epoch} had the best dev accuracy, {dev}; "
            f"{result.seconds:.1f} s on {result.device}."
        )

    def show_event(self, event) -> None:
        """Show one report of a running training (``session.training.ReportingHooks`` sends them)."""
        if isinstance(event, TrainingInfo):
            self.show_started(event)
        elif isinstance(event, LossPoints):
            self.plot.add_losses(event.steps, event.losses)
        elif isinstance(event, Progress):
            self.show_progress(event)
        elif isinstance(event, EpochSummary):
            self.add_epoch(event)
        elif isinstance(event, Stage):
            self.log.appendPlainText(f"Before training: {event.text}…")

    def reset_display(self) -> None:
        """Forget the previous run (another project was opened): empty plot and log, idle progress."""
        self.plot.clear()
        self.log.clear()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("idle")
        self.speed_label.setText("")

    def show_failure(self, message: str) -> None:
        self._run = None
        self.set_running(False)
        self.speed_label.setText("")
        self.progress_bar.setFormat("failed")
        self.log.appendPlainText(f"Failed: {message}")

