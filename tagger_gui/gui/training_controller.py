"""Runs trainings for one window and owns the project's current model.

It snapshots the tagged sentences, starts one ``TrainingJob`` at a time, feeds the
training panel, and when a run ends makes its best model the project's current
model, saved as a bundle beside the project file (for an untitled project, in the
user's data folder until the project is saved). Failures reach the user through
``show_failure``; nothing of the corpus is touched by a run.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from tagger_gui.core.corpus import Split, Tag
from tagger_gui.gui.error_dialog import show_failure
from tagger_gui.gui.panels.training_panel import DEV_FROM_SPLIT, TrainingPanel
from tagger_gui.gui.training_worker import TrainingData, TrainingJob
from tagger_gui.ml.bundle import META_NAME, BundleError, load_bundle, save_bundle
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.training import TrainResult

MODEL_SUFFIX = ".model"


def default_model_folder(project_path: Path | None) -> Path:
    """``work.tagproj`` -> ``work.model/`` beside it; untitled -> a folder in the user's data location."""
    if project_path is not None:
        return project_path.with_name(project_path.stem + MODEL_SUFFIX)
    data = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation))
    return data / "models" / "untitled.model"


class TrainingController(QObject):
    """Training and the current model of one window.

    Signals:
        model_changed(object): the current ``Tagger`` (or ``None``) changed.
        running_changed(bool): a training started or ended.
    """

    model_changed = Signal(object)
    running_changed = Signal(bool)

    def __init__(self, document, panel: TrainingPanel, window: QWidget) -> None:
        super().__init__(window)
        self.document, self.panel, self.window = document, panel, window
        self.job: TrainingJob | None = None
        self.tagger: Tagger | None = None
        self._result_belongs_elsewhere = False  # another project was opened while training
        self._blocked = False
        panel.train_requested.connect(self.start)
        panel.stop_requested.connect(self.stop)
        document.loaded.connect(self._on_project_loaded)
        document.about_to_save.connect(self._move_untitled_model)
        self._on_project_loaded()

    @property
    def is_running(self) -> bool:
        return self.job is not None

    # ------------------------------------------------------------- training
    def start(self, config: TrainConfig | None = None, dev_choice: str = DEV_FROM_SPLIT) -> bool:
        """Start training with ``config`` (default: the panel's); False if one runs, another job blocks it, or nothing to train."""
        if self.job is not None or self._blocked:
            return False
        try:
            config = config or self.panel.config()
        except ValueError as error:
            show_failure(self.window, "Cannot train", str(error))
            return False
        self._remember_settings(config)
        self.job = TrainingJob(config, self._snapshot(dev_choice), self)
        self._connect_job(self.job)
        self.panel.set_running(True)
        self.running_changed.emit(True)
        self.job.start()
        return True

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()

    def set_blocked(self, blocked: bool) -> None:
        """While another job (the error finder) runs, no training may start (one job at a time)."""
        self._blocked = blocked
        self.panel.train_button.setEnabled(not blocked and self.job is None)

    def confirm_close(self) -> bool:
        """Called when the window closes: ask if training runs, then stop and join it. False = keep open."""
        if self.job is None:
            return True
        answer = QMessageBox.question(
            self.window, "Training in progress",
            "A training is running. Stop it and close? The best model so far is kept if an epoch finished.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.shutdown()
        return True

    def shutdown(self) -> None:
        """Stop and join a running training without asking; keep its best model if an epoch finished."""
        if self.job is None:
            return
        result = self.job.stop_and_wait()
        self._end_job()
        if result is not None and result.tagger is not None:
            self._adopt(result.tagger, default_model_folder(self.document.path))

    def _snapshot(self, dev_choice: str) -> TrainingData:
        corpus = self.document.corpus
        train = [s for s in corpus if s.split == Split.TRAIN]
        dev = [s for s in corpus if s.split == Split.DEV and s.tagged_count] if dev_choice == DEV_FROM_SPLIT else []
        return TrainingData.snapshot(train, dev or None, corpus.tagset)

    def _remember_settings(self, config: TrainConfig) -> None:
        settings = config.to_dict()
        if self.document.project.train_settings != settings:
            self.document.project.train_settings = settings
            self.document.mark_dirty()

    def _connect_job(self, job: TrainingJob) -> None:
        panel = self.panel
        job.started.connect(panel.show_started)
        job.losses.connect(panel.plot.add_losses)
        job.progress.connect(panel.show_progress)
        job.epoch_ended.connect(panel.add_epoch)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)

    def _on_finished(self, result: TrainResult) -> None:
        self._end_job()
        self.panel.show_result(result)
        if self._result_belongs_elsewhere:
            self._result_belongs_elsewhere = False
            self.panel.log.appendPlainText("Another project was opened during training: this model was not kept.")
        elif result.tagger is not None:
            self._adopt(result.tagger, default_model_folder(self.document.path))

    def _on_failed(self, message: str, details: str) -> None:
        self._end_job()
        self.panel.show_failure(message)
        show_failure(self.window, "Training failed", message, details)

    def _end_job(self) -> None:
        self.job.deleteLater()
        self.job = None
        self.running_changed.emit(False)

    # ---------------------------------------------------------------- models
    def _adopt(self, tagger: Tagger, folder: Path) -> None:
        """Save ``tagger`` to ``folder`` and make it the project's model (the previous one stays if saving fails)."""
        try:
            save_bundle(tagger, folder)
        except BundleError as error:
            show_failure(self.window, "Cannot save the model", f"{error}\nThe previous model is kept.")
            return
        self.document.project.model_path = folder
        self.document.mark_dirty()
        self._set_tagger(tagger)
        self.panel.log.appendPlainText(f"Model saved to {folder}")

    def _move_untitled_model(self, project_path: Path | None) -> None:
        """A model trained while the project was untitled goes beside the project when it is first saved.

        Otherwise the project would point into the user's data folder, where the next
        untitled training overwrites it. If the copy fails, the project keeps the old path.
        """
        untitled = default_model_folder(None)
        if project_path is None or self.tagger is None or self.document.project.model_path != untitled:
            return
        folder = default_model_folder(project_path)
        try:
            save_bundle(self.tagger, folder)
        except BundleError as error:
            self.panel.log.appendPlainText(f"The model stays in {untitled}: {error}")
            return
        self.document.project.model_path = folder
        self.panel.log.appendPlainText(f"Model saved to {folder}")

    def _set_tagger(self, tagger: Tagger | None) -> None:
        self.tagger = tagger
        self.model_changed.emit(tagger)

    def _on_project_loaded(self) -> None:
        if self.job is not None:
            self._result_belongs_elsewhere = True
            self.job.stop()
        project = self.document.project
        if project.train_settings:
            try:
                self.panel.set_config(TrainConfig.from_dict(project.train_settings))
            except ValueError as error:
                self.panel.log.appendPlainText(f"Saved training settings ignored: {error}")
        self._set_tagger(None)
        if project.model_path is not None:
            self._load_quietly(project.model_path)

    def _load_quietly(self, path: Path) -> None:
        try:
            self._set_tagger(load_bundle(path))
            self.panel.log.appendPlainText(f"Loaded the project's model from {path}")
        except BundleError as error:
            self.panel.log.appendPlainText(f"The project's model could not be loaded: {error}")

    def load_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Load model", "", "tagger-gui models (model.json *.json)")
        if path:
            self.load_model(Path(path))

    def load_model(self, path: Path) -> bool:
        """Make the bundle at ``path`` the project's model; False (with a message) if it cannot be read."""
        try:
            tagger = load_bundle(path)
        except BundleError as error:
            show_failure(self.window, "Cannot load the model", str(error))
            return False
        if not self._reconcile_tags(tagger, path):
            return False
        self.document.project.model_path = path.parent if path.name == META_NAME else path
        self.document.mark_dirty()
        self._set_tagger(tagger)
        return True

    def _reconcile_tags(self, tagger: Tagger, path: Path) -> bool:
        """A model whose tags the project lacks: add them to the tag set (undoable), load as is, or cancel."""
        tagset = self.document.corpus.tagset
        missing = [tag for tag in tagger.tag_names if tag not in tagset]
        if not missing:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "The model's tags differ",
                          f"The model {path} predicts {len(missing)} tag(s) this project's tag set does not have: "
                          f"{', '.join(missing[:12])}{' …' if len(missing) > 12 else ''}.", parent=self.window)
        add = box.addButton("Add them to the tag set", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Load without adding", QMessageBox.ButtonRole.NoRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is add:
            self.document.undo_stack.beginMacro(f"Add {len(missing)} tag(s) of the model")
            for name in missing:
                self.document.add_tag(Tag(name))
            self.document.undo_stack.endMacro()
        return box.clickedButton() in (add, keep)

    def save_model_dialog(self) -> None:
        if self.tagger is None:
            show_failure(self.window, "No model", "Train or load a model first.")
            return
        path = QFileDialog.getExistingDirectory(self.window, "Save model into folder")
        if path:
            self.save_model(Path(path))

    def save_model(self, folder: Path) -> bool:
        try:
            save_bundle(self.tagger, folder)
        except BundleError as error:
            show_failure(self.window, "Cannot save the model", str(error))
            return False
        return True
