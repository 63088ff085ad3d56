"""The open project's model side, with no user interface: current model, predictions, one job slot.

A ``Session`` follows one corpus for its whole life (the window's document resets that
corpus in place when another project opens, and calls ``open``). It owns:

- the current model (``tagger``) and where it is saved, keeping the one it replaced;
- the prediction cache of that model over the corpus;
- which sentences train and which pick the epoch (the project's ``dev_choice``);
- the one job slot that training, corpus prediction, evaluation and the error finder share.

The window adapts it (Qt signals, dialogs); a script or a test drives it directly with
an ``InlineRunner`` or a ``ThreadRunner``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Callable

from tagger_gui.core.corpus import Corpus, Sentence, Split
from tagger_gui.core.data_split import DevChoice, split_for_training
from tagger_gui.core.project import Project
from tagger_gui.ml.bundle import load_bundle, save_bundle
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.predict import Tagger
from tagger_gui.session import models
from tagger_gui.session.effort import EffortLog
from tagger_gui.session.jobs import Job, JobSlot, Runner
from tagger_gui.session.predictions import PredictionCache, predict_request
from tagger_gui.session.training import TrainingData, TrainingOutcome, training_task
from tagger_gui.session.untagged import UntaggedText, VectorCache

TRAINING, PREDICTION, EVALUATION, ERROR_FINDER = "training", "corpus prediction", "evaluation", "error finder"


class SessionError(ValueError):
    """A request the session refuses, with a message for the user (nothing to train, a job is running)."""


class Session:
    """The model side of one open project.

    ``model_listeners`` are called with the new ``Tagger`` (or ``None``) when the current model changes.
    """

    def __init__(self, project: Project, runner: Runner | None = None, data_folder: Path | None = None) -> None:
        self.project = project
        self.corpus: Corpus = project.corpus
        self.jobs = JobSlot(runner)
        self.predictions = PredictionCache(self.corpus)
        self.vectors = VectorCache()  # learned from the project's untagged text, reused by every new model
        self.tagger: Tagger | None = None
        self.effort = self._effort_of(project)
        self.model_listeners: list[Callable[[Tagger | None], None]] = []
        self.data_folder = data_folder or Path.home() / ".local" / "share" / "tagger-gui"
        self._untitled_folder: Path | None = None

    # ------------------------------------------------------------ project and model
    def open(self, project: Project) -> str | None:
        """Follow a newly opened ``project`` (same corpus object); load its model.

        A running job is cancelled (its result belongs to the old project). Returns a
        message if the project's model cannot be loaded, else ``None``.
        """
        self.jobs.cancel()
        self.project, self._untitled_folder = project, None
        self.effort = self._effort_of(project)
        self.set_tagger(None)
        if project.model_path is None:
            return None
        try:
            self.set_tagger(load_bundle(project.model_path))
        except (OSError, ValueError) as error:
            return f"The project's model could not be loaded: {error}"
        return None

    @staticmethod
    def _effort_of(project: Project) -> EffortLog:
        try:
            return EffortLog.from_dict(project.effort) if project.effort else EffortLog()
        except ValueError:
            return EffortLog()  # an unreadable log is started afresh rather than blocking the project

    def sync_to_project(self) -> None:
        """Copy what the session keeps for the project (the effort log) into it, before it is saved."""
        self.project.effort = self.effort.to_dict()

    def set_tagger(self, tagger: Tagger | None) -> None:
        """Make ``tagger`` the current model (not saved; see ``adopt``)."""
        if tagger is self.tagger:
            return
        self.tagger = tagger
        self.predictions.set_tagger(tagger)
        for listener in list(self.model_listeners):
            listener(tagger)

    def model_folder(self) -> Path:
        """Where the project's model is saved: beside the project, or a folder of this untitled project."""
        if self.project.path is not None:
            return models.model_folder_beside(self.project.path)
        if self._untitled_folder is None:
            self._untitled_folder = models.new_untitled_folder(self.data_folder)
        return self._untitled_folder

    def adopt(self, tagger: Tagger) -> Path:
        """Save ``tagger`` as the project's model and make it current; the replaced model is kept aside.

        Raises ``BundleError`` if it cannot be saved (the current model then stays).
        """
        folder = self.model_folder()
        previous = self.tagger if self.project.model_path is not None else None
        models.replace_model(tagger, folder, previous)
        self.project.model_path = folder
        self.set_tagger(tagger)
        return folder

    def has_previous_model(self) -> bool:
        path = self.project.model_path
        return path is not None and models.previous_folder(path).is_dir()

    def restore_previous(self) -> Path:
        """Make the model kept aside current again (the replaced one is kept aside in turn)."""
        folder = self.project.model_path
        if folder is None:
            raise SessionError("the project has no model")
        restored = models.load_previous(folder)
        return self.adopt(restored)

    def move_untitled_model(self, project_path: Path) -> Path | None:
        """Before an untitled project is first saved at ``project_path``, copy its model beside it.

        Returns the new folder, or ``None`` if there was nothing to move. Raises ``BundleError``.
        """
        if self.tagger is None or self.project.model_path is None or self.project.path is not None:
            return None
        folder = models.model_folder_beside(project_path)
        save_bundle(self.tagger, folder)
        self.project.model_path = folder
        return folder

    # ------------------------------------------------------------ training
    def training_data(self, choice: DevChoice | None = None) -> TrainingData:
        """A snapshot of the sentences to train on and to pick the epoch with (under ``choice``, default
        the project's dev choice); ``SessionError`` if none."""
        choice = choice or self.project.dev_choice
        train, dev = split_for_training(self.corpus, choice)
        if not train:
            raise SessionError(
                "Nothing to train on: no sentence marked train has a tagged word yet. "
                "Tag a few sentences first (or import a tagged corpus)."
            )
        marked = sum(1 for s in self.corpus if s.split == Split.DEV and s.tagged_count)
        return TrainingData.snapshot(train, dev, self.corpus.tagset, choice.describe(marked) if dev else "",
                                     self.untagged_text())

    def untagged_text(self) -> UntaggedText:
        """The text new models learn word vectors from: every sentence's words and the project's raw text files."""
        path = self.project.path
        cache = path.with_name(path.stem + ".vectors.safetensors") if path is not None else None
        return UntaggedText([list(s.words) for s in self.corpus], list(self.project.raw_text), cache)

    def dev_sentences(self) -> list[Sentence]:
        """The sentences that pick the epoch under the project's dev choice (the held-out set)."""
        return split_for_training(self.corpus, self.project.dev_choice)[1]

    def start_training(self, config: TrainConfig, data: TrainingData, *, on_event: Callable[[Any], None],
                       on_done: Callable[[TrainingOutcome], None], on_failed: Callable[[str, str], None]) -> None:
        """Start a run in the job slot (replacing a corpus prediction); ``SessionError`` if another job runs."""
        job = Job(TRAINING, training_task(config, data, self.tagger, self.vectors), on_done, on_failed, on_event)
        self._start(job)

    def offer(self, outcome: TrainingOutcome) -> bool:
        """Adopt the run's model if it is not worse than the current one on the same dev sentences.

        Returns False (nothing changed) when it is worse: the owner may ask the user and
        call ``adopt`` itself. Raises ``BundleError`` if the model cannot be saved.
        """
        tagger = outcome.result.tagger
        if tagger is None or not outcome.is_not_worse:
            return False
        self.adopt(tagger)
        return True

    # ------------------------------------------------------------ other jobs
    def start_corpus_prediction(self, *, on_changes: Callable[[list, int], None] = lambda *_: None,
                                on_progress: Callable[[Any], None] = lambda _: None,
                                on_failed: Callable[[str, str], None] = lambda *_: None) -> bool:
        """Predict the sentences without a cached prediction; False if there is no model or nothing to do."""
        request = self.predictions.request()
        if request is None or not request.ids or self.jobs.is_running(PREDICTION):
            return False

        def done(result) -> None:
            changes = self.predictions.accept(result)
            if changes is not None:
                on_changes(changes, sum(len(w) for w in result.words))

        job = Job(PREDICTION, partial(predict_request, request), done, on_failed, on_progress, preemptible=True)
        return self.jobs.start(job)

    def start_job(self, name: str, task, on_done, on_failed, on_progress=lambda _: None) -> None:
        """Run any other task (evaluation, error finder) in the slot; ``SessionError`` if another job runs."""
        self._start(Job(name, task, on_done, on_failed, on_progress))

    def _start(self, job: Job) -> None:
        if not self.jobs.start(job):
            raise SessionError(f"Wait for the {self.jobs.current.name} to finish, or stop it first.")
