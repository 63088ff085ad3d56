"""The window's adapter over the session's training and current model.

It starts a run through the session (the session snapshots the data, runs it in the
one job slot and scores the current model on the same dev sentences), feeds the
training panel, and when a run ends lets the session adopt the new model if it is
not worse; if it is worse the user chooses. Failures reach the user through
``show_failure``; nothing of the corpus is touched by a run.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from tagger_gui.core.corpus import Tag
from tagger_gui.core.data_split import DevChoice
from tagger_gui.gui.error_dialog import show_failure
from tagger_gui.gui.panels.training_panel import DEV_FROM_SPLIT, TrainingPanel
from tagger_gui.ml.bundle import META_NAME, BundleError, load_bundle, save_bundle
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.predict import Tagger
from tagger_gui.session import TRAINING, SessionError
from tagger_gui.session.jobs import describe_error
from tagger_gui.session.training import TrainingOutcome


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
        self.session = document.session
        self._generation = 0  # bumped when another project opens: older runs' results are dropped
        self.session.model_listeners.append(self.model_changed.emit)
        self.session.jobs.watch(TRAINING, self._on_running_changed)
        self.session.jobs.listeners.append(self._on_job_changed)
        panel.train_requested.connect(self.start)
        panel.stop_requested.connect(self.stop)
        document.loaded.connect(self._on_project_loaded)
        document.about_to_save.connect(self._move_untitled_model)
        self._on_project_loaded()

    @property
    def tagger(self) -> Tagger | None:
        return self.session.tagger

    @property
    def is_running(self) -> bool:
        return self.session.jobs.is_running(TRAINING)

    # ------------------------------------------------------------- training
    def start(self, config: TrainConfig | None = None, dev_source: str | None = None) -> bool:
        """Start training with ``config`` (default: the panel's); False, with a message, if it cannot start."""
        try:
            config = config or self.panel.config()
            choice = DevChoice(dev_source or self.panel.dev_choice() or DEV_FROM_SPLIT, config.dev_fraction)
            data = self.session.training_data(choice)
            generation = self._generation
            self.session.start_training(
                config, data, on_event=self.panel.show_event,
                on_done=lambda outcome: self._on_finished(outcome, generation),
                on_failed=self._on_failed,
            )
        except (ValueError, SessionError) as error:
            show_failure(self.window, "Cannot train", str(error))
            return False
        self._remember_settings(config, choice)
        if data.dev_description:
            self.panel.log.appendPlainText(f"The best epoch is picked on {data.dev_description}.")
        return True

    def stop(self) -> None:
        if self.is_running:
            self.session.jobs.cancel()

    def confirm_close(self) -> bool:
        """Called when the window closes: ask if training runs, then stop and join it. False = keep open."""
        if not self.is_running:
            return True
        answer = QMessageBox.question(
            self.window, "Training in progress",
            "A training is running. Stop it and close? The best model so far is kept if an epoch finished"
            " and it is not worse than the current one.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.shutdown()
        return True

    def shutdown(self) -> None:
        """Stop and join a running training without asking; keep its model if it is not worse."""
        if not self.is_running:
            return
        _, outcome = self.session.jobs.shutdown()
        if outcome is not None:
            self._offer(outcome, ask=False)

    def _remember_settings(self, config: TrainConfig, choice: DevChoice) -> None:
        project = self.document.project
        settings = config.to_dict()
        if project.train_settings != settings or project.dev_choice != choice:
            project.train_settings, project.dev_choice = settings, choice
            self.document.mark_dirty()

    def _on_finished(self, outcome: TrainingOutcome, generation: int) -> None:
        self.panel.show_result(outcome.result)
        if generation != self._generation:
            self.panel.log.appendPlainText("Another project was opened during training: this model was not kept.")
        elif outcome.result.tagger is not None:
            self._offer(outcome, ask=True)

    def _on_failed(self, message: str, details: str) -> None:
        self.panel.show_failure(message)
        show_failure(self.window, "Training failed", message, details)

    def _on_running_changed(self, running: bool) -> None:
        self.panel.set_running(running)
        self.running_changed.emit(running)

    def _on_job_changed(self, _job) -> None:
        self.panel.train_button.setEnabled(self.session.jobs.is_free)

    # ---------------------------------------------------------------- models
    def _offer(self, outcome: TrainingOutcome, ask: bool) -> None:
        """Keep the new model if it is not worse; otherwise ask (or, without asking, keep the current one)."""
        if outcome.result.tagger is None:
            return
        try:
            if self.session.offer(outcome):
                self._saved()
            elif ask and self._user_prefers_new(outcome):
                self.session.adopt(outcome.result.tagger)
                self._saved()
            else:
                self.panel.log.appendPlainText(
                    f"Kept the current model: it scores {outcome.previous_accuracy:.2%} on the same "
                    f"{outcome.dev_sentences:,} dev sentences, the new one {outcome.new_accuracy:.2%}.")
        except BundleError as error:
            show_failure(self.window, "Cannot save the model", f"{error}\nThe previous model is kept.")

    def _user_prefers_new(self, outcome: TrainingOutcome) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, "The new model is worse",
            f"The new model tags {outcome.new_accuracy:.2%} of the {outcome.dev_sentences:,} dev sentences' words "
            f"right; the current model {outcome.previous_accuracy:.2%}. Keep the current model?", parent=self.window)
        box.addButton("Keep the current model", QMessageBox.ButtonRole.RejectRole)
        use_new = box.addButton("Use the new model", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        return box.clickedButton() is use_new

    def _saved(self) -> None:
        self.document.mark_dirty()
        self.panel.log.appendPlainText(f"Model saved to {self.document.project.model_path}")

    def restore_previous_model(self) -> None:
        """Go back to the model that the current one replaced (the current one is kept aside in turn)."""
        try:
            folder = self.session.restore_previous()
        except (BundleError, SessionError) as error:
            show_failure(self.window, "No previous model", f"There is no earlier model to go back to: {error}")
            return
        self.document.mark_dirty()
        self.panel.log.appendPlainText(f"Restored the previous model into {folder}")

    def _move_untitled_model(self, project_path: Path | None) -> None:
        """A model trained while the project was untitled goes beside the project when it is first saved."""
        if project_path is None:
            return
        try:
            folder = self.session.move_untitled_model(project_path)
        except BundleError as error:
            self.panel.log.appendPlainText(f"The model stays in {self.document.project.model_path}: {error}")
            return
        if folder is not None:
            self.panel.log.appendPlainText(f"Model saved to {folder}")

    def _on_project_loaded(self) -> None:
        self._generation += 1
        self.panel.reset_display()
        project = self.document.project
        if project.train_settings:
            try:
                self.panel.set_config(TrainConfig.from_dict(project.train_settings))
            except ValueError as error:
                self.panel.log.appendPlainText(f"Saved training settings ignored: {error}")
        self.panel.set_dev_choice(project.dev_choice)
        message = self.document.model_message
        if message:
            self.panel.log.appendPlainText(message)
        elif project.model_path is not None:
            self.panel.log.appendPlainText(f"Loaded the project's model from {project.model_path}")

    # ------------------------------------------------------------ load / save
    def load_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Load model", "", "tagger-gui models (model.json *.json)")
        if path:
            self.load_model(Path(path))

    def load_model(self, path: Path) -> bool:
        """Make the bundle at ``path`` the project's model; False (with a message) if it cannot be read."""
        try:
            tagger = load_bundle(path)
        except BundleError as error:
            show_failure(self.window, "Cannot load the model", describe_error(error))
            return False
        if not self._reconcile_tags(tagger, path):
            return False
        self.document.project.model_path = path.parent if path.name == META_NAME else path
        self.document.mark_dirty()
        self.session.set_tagger(tagger)
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
            show_failure(self.window, "Cannot save the model", describe_error(error))
            return False
        return True
