"""The training panel: why a run ended in words, nothing stale once it ends, and a wheel that scrolls the form."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScrollArea

from tagger_gui.gui.panels.training_panel import TrainingPanel
from tagger_gui.ml.config import PRECISIONS, TrainConfig
from tagger_gui.ml.progress import Progress
from tagger_gui.ml.training import EpochSummary, TrainingInfo, TrainResult


def make_panel(qtbot) -> TrainingPanel:
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    return panel


def started(panel: TrainingPanel, epochs: int = 4, limit: float | None = 2.0) -> None:
    panel.set_running(True)
    panel.show_started(TrainingInfo(150, 3000, 15, 17, 3, 120_000, "cpu", epochs=epochs, time_limit_minutes=limit,
                                    threads="1 thread on 2 cores (other programs use 1.0 cores)"))


def test_the_log_says_the_limit_at_the_start_and_why_the_run_ended(qtbot):
    panel = make_panel(qtbot)
    started(panel)
    panel.show_progress(Progress(1, 4, 3, 3, 7000.0, 80.0, note="At this pace 4 epochs take about 7 min: ..."))
    summary = EpochSummary(1, 0.9, 0.85, 7000.0, 100.0, True, threads=1)
    panel.add_epoch(summary)
    panel.show_result(TrainResult(object(), [summary], 1, 0.85, "time_limit", 120.0, "cpu"))
    log = panel.log.toPlainText()
    assert "(1 thread on 2 cores (other programs use 1.0 cores))" in log
    assert "Time limit: 2 minutes for up to 4 epochs." in log and "At this pace 4 epochs" in log
    assert "7,000 words/s on 1 thread" in log
    assert "Stopped at the 2-minute limit after 1 of 4 epochs. Epoch 1 had the best dev accuracy, 85.00%;" in log
    assert "time_limit" not in log and panel.progress_bar.format() == "done: time limit reached"


def test_no_eta_or_speed_is_left_once_a_run_ends(qtbot):
    panel = make_panel(qtbot)
    started(panel)
    panel.show_progress(Progress(1, 4, 1, 3, 7000.0, 0.0))
    assert "ETA 0:00" in panel.speed_label.text()
    panel.show_result(TrainResult(None, [], 0, None, "cancelled", 1.0, "cpu"))
    assert panel.speed_label.text() == ""
    panel.show_progress(Progress(1, 4, 2, 3, 7000.0, 0.0))  # a report still queued when the run ended
    assert panel.speed_label.text() == ""
    assert panel.log.toPlainText().endswith("Stopped by you before the first epoch ended. No model was kept.")
    started(panel)
    panel.show_progress(Progress(1, 4, 1, 3, 7000.0, 10.0))
    panel.show_failure("out of memory")
    assert panel.speed_label.text() == "" and panel.progress_bar.format() == "failed"


def wheel(widget, steps: int = -3) -> None:
    """A mouse wheel turn over the middle of ``widget``, sent through the window as a real one is."""
    window = widget.window()
    QTest.wheelEvent(window.windowHandle(), widget.mapTo(window, widget.rect().center()), QPoint(0, 120 * steps))


def test_the_wheel_over_a_field_scrolls_the_form_unless_the_field_has_focus(qtbot):
    panel = make_panel(qtbot)
    panel.resize(360, 420)  # the settings form is taller than its scroll area
    panel.show()
    qtbot.waitExposed(panel)
    scroll_bar = panel.findChild(QScrollArea).verticalScrollBar()
    size, preset = panel._editors["embedding_dim"], panel.preset_box
    assert scroll_bar.maximum() > 0
    for field, value in ((size, size.value), (preset, preset.currentText)):
        scroll_bar.setValue(0)
        before = value()
        wheel(field)
        assert value() == before and scroll_bar.value() > 0  # the form scrolled instead
    scroll_bar.setValue(0)
    size.setFocus()
    qtbot.waitUntil(size.hasFocus)
    before = size.value()
    wheel(size)
    assert size.value() != before and scroll_bar.value() == 0  # a focused field still takes the wheel


def test_precision_is_a_setting_with_its_help_and_a_bf16_run_says_so(qtbot):
    panel = make_panel(qtbot)
    editor = panel._editors["precision"]
    assert [editor.itemText(i) for i in range(editor.count())] == list(PRECISIONS)
    assert editor.currentText() == "auto" and editor.toolTip() == TrainConfig.help("precision")
    editor.setCurrentText("bf16")
    assert panel.config().precision == "bf16"
    panel.set_running(True)
    panel.show_started(TrainingInfo(150, 3000, 15, 17, 3, 120_000, "cpu", epochs=4, precision="bf16"))
    assert "on cpu in bf16." in panel.log.toPlainText()


def test_every_shown_setting_that_scaling_chooses_is_greyed_out_with_it():
    from tagger_gui.gui.panels.training_panel import SCALED_FIELDS, SHOWN_FIELDS
    from tagger_gui.ml.config import preset_config
    from tagger_gui.ml.schedule import TIERS, scaled_config

    base = preset_config("default")
    chosen = {name for tier in TIERS for full in (False, True)
              for name, value in scaled_config(base, tier.max_tokens, full=full).to_dict().items()
              if value != getattr(base, name, value) and name != "scale_to_data"}
    assert {"hidden_dim", "num_layers", "epochs"} <= chosen
    assert chosen & set(SHOWN_FIELDS) - {"max_minutes"} <= set(SCALED_FIELDS)  # a Train keeps the form's time limit


def test_scaling_to_the_data_greys_out_the_settings_it_chooses(qtbot):
    from tagger_gui.gui.panels.training_panel import SCALED_FIELDS
    from tagger_gui.ml.config import preset_config
    from tagger_gui.session.training import Stage

    panel = make_panel(qtbot)
    assert panel.config().scale_to_data and not any(panel._editors[n].isEnabled() for n in SCALED_FIELDS)
    panel._editors["scale_to_data"].setChecked(False)
    assert all(panel._editors[n].isEnabled() for n in SCALED_FIELDS)
    panel._editors["epochs"].setValue(7)
    assert panel.config().epochs == 7 and not panel.config().scale_to_data
    panel.set_config(preset_config("fast"))
    assert panel._editors["scale_to_data"].isChecked() and not panel._editors["epochs"].isEnabled()
    panel.show_event(Stage("learning word vectors"))
    assert "Before training: learning word vectors…" in panel.log.toPlainText()


def test_the_note_under_scaling_says_what_a_train_would_use_for_the_tagged_words(qtbot):
    from tagger_gui.ml.schedule import TIERS, train_config

    panel = make_panel(qtbot)
    panel.show()
    assert not panel.scale_note.isVisible()  # nothing known about the project yet
    panel.set_tagged_words(2_000)
    expected = train_config(panel.config(), 2_000)
    assert panel.scale_note.isVisible()
    assert panel.scale_note.text() == (f"For 2,000 tagged words a Train uses 1 LSTM layer of {expected.hidden_dim} units,"
                                       f" {expected.epochs} epochs, batches of {expected.batch_size},"
                                       " learning from any untagged sentences too.")
    assert expected.epochs == TIERS[0].train_epochs and str(panel.config().hidden_dim) not in panel.scale_note.text()
    shown = {name: panel._editors[name].value() for name in ("hidden_dim", "epochs", "batch_size")}
    assert shown == {"hidden_dim": expected.hidden_dim, "epochs": expected.epochs, "batch_size": expected.batch_size}
    assert panel.config().hidden_dim == 128 and panel.config().epochs == 50  # the greyed fields' own values
    panel.set_tagged_words(0)
    assert panel.scale_note.text().startswith("Nothing is tagged yet") and panel._editors["hidden_dim"].value() == 128
    panel.set_tagged_words(2_000)
    panel._editors["scale_to_data"].setChecked(False)  # their own values come back, to edit
    assert panel._editors["hidden_dim"].value() == 128 and panel._editors["epochs"].value() == 50
    panel._editors["scale_to_data"].setChecked(True)
    panel.set_tagged_words(TIERS[-1].max_tokens + 1)
    assert "more than scaling covers" in panel.scale_note.text() and panel._editors["epochs"].value() == 50
    panel._editors["scale_to_data"].setChecked(False)
    assert not panel.scale_note.isVisible()
    panel._editors["lr"].setValue(0.0)  # invalid while being typed: the note still follows the counts
    panel._editors["scale_to_data"].setChecked(True)
    panel.set_tagged_words(2_001)
    assert panel.scale_note.text().startswith("For 2,001 tagged words a Train uses 1 LSTM layer")


def test_the_neighbours_tags_setting_is_shown_with_its_help_and_can_be_switched_off(qtbot):
    panel = make_panel(qtbot)
    editor = panel._editors["tag_neighbours"]
    assert editor.value() == 10 and editor.toolTip() == TrainConfig.help("tag_neighbours")
    editor.setValue(0)
    assert panel.config().tag_neighbours == 0
    panel._editors["raw_dim"].setValue(0)  # "0 = off", as the help says
    assert panel.config().raw_dim == 0
