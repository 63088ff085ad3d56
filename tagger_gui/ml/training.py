"""The trainer: length-bucketed batches, epochs, early stopping on dev, hooks, cooperative cancel.

``Trainer.fit`` is plain code with no user interface. Whoever runs it watches
through a ``TrainingHooks`` object, whose methods receive plain dataclasses of
floats and ints (the window's hooks turn them into Qt signals, the CLI's into a
progress bar), and stops it through ``should_stop``, checked before every batch.
Whatever way a run ends, the weights of the best epoch on dev (or the last
completed epoch without dev data) are what the result holds.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from tagger_gui.core.corpus import Sentence, TagSet
from tagger_gui.ml.averaging import LastCheckpoints
from tagger_gui.ml.batching import IGNORE, FormTable, length_batches, near_length_batches, pad_rows, rank_share
from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.cross_view import CrossView, cross_view_for, full_view
from tagger_gui.ml.devices import TrainingError, resolve_device
from tagger_gui.ml.distributed import World, shared_vocab_and_model
from tagger_gui.ml.gradients import clip_gradients
from tagger_gui.ml.input_dropout import drop_inputs, word_drop_rates
from tagger_gui.ml.precision import autocast, training_dtype
from tagger_gui.ml.predict import Tagger
from tagger_gui.ml.raw_vectors import RawVectors
from tagger_gui.ml.runtime import configure_torch
from tagger_gui.ml.tag_profile import TagProfile
from tagger_gui.ml.threads import ThreadTuner
from tagger_gui.ml.training_events import (  # noqa: F401 - re-exported: the trainer's public vocabulary
    BatchInfo, EpochSummary, StopSignal, TrainingHooks, TrainingInfo, TrainResult, stop_check,
)
from tagger_gui.ml.vocab import PAD, Vocab
from tagger_gui.ml.warm_start import vocab_and_model


@dataclass
class _Data:
    """A data set as form rows and tag ids, ready for batching."""

    rows: list[np.ndarray]
    tags: list[np.ndarray]
    lengths: np.ndarray
    words: int


@dataclass
class _Run:
    """Everything one ``fit`` call works with, and its progress."""

    tagger: Tagger
    optimizer: torch.optim.Optimizer
    table: FormTable
    data: _Data
    dev: list[Sentence]
    drop: torch.Tensor | None
    rng: np.random.Generator
    stop: Callable[[], bool]
    deadline: float | None
    tuner: ThreadTuner
    recent: LastCheckpoints
    """The weights of the last evaluated epochs, for ``config.average_last``."""
    net: torch.nn.Module
    """What the training step runs: the model, or the model in DistributedDataParallel."""
    world: World | None = None
    dtype: torch.dtype | None = None
    """The autocast dtype of the forward pass and loss (``ml.precision``); ``None``: fp32."""
    cross_view: CrossView | None = None  # the untagged sentences each step also learns from (``ml.cross_view``)
    started: float = dataclasses.field(default_factory=time.monotonic)
    behind_time: bool = False
    step: int = 0
    best_state: dict[str, torch.Tensor] | None = None
    best_epoch: int = 0
    best_dev: float | None = None
    stopped: str = "finished"
    averaged: list[int] = dataclasses.field(default_factory=list)
    """The epochs whose mean weights the result holds (empty: one epoch's weights)."""
    average_dev: float | None = None
    """The dev accuracy of the mean weights, if they were scored (kept or not)."""


class Trainer:
    """Trains a tagger with one ``TrainConfig``; ``fit`` may be called once per run."""

    def __init__(
        self, config: TrainConfig, hooks: TrainingHooks | None = None, *, threads: int | None = None,
        world: World | None = None,
    ) -> None:
        """``threads``: a fixed CPU thread count; ``None``: chosen from the free cores and adapted (``ml.threads``).

        ``world``: train as one rank of a process group (``ml.distributed``); ``None``: alone.
        """
        self.config, self.hooks, self.threads, self.world = config, hooks or TrainingHooks(), threads, world

    def fit(
        self,
        train: Sequence[Sentence],
        dev: Sequence[Sentence] | None = None,
        *,
        tagset: TagSet | None = None,
        should_stop: StopSignal | None = None,
        start_from: Tagger | None = None,
        raw_vectors: RawVectors | None = None,
        tag_profile: TagProfile | None = None,
        untagged: Sequence[Sequence[str]] | None = None,
    ) -> TrainResult:
        """Train on the tagged tokens of ``train``; pick the best epoch on ``dev``.

        Without ``dev``, ``config.dev_fraction`` of the training sentences are held out (when
        there are at least 20). The model's tags are ``tagset``'s names followed by any other tag
        met in the data. ``start_from``: go on from that tagger's weights, its vocabulary grown
        for the new data (``ml.warm_start``). ``raw_vectors``: word vectors learned from untagged
        text (``ml.raw_vectors``), a frozen input of a new model (a warm start keeps ``start_from``'s);
        ``tag_profile``: a model's mean predictions for their words, in their tag columns (``ml.tag_profile``);
        ``untagged``: sentences (word lists) to learn from as well (``ml.cross_view``; not under DDP).

        Raises:
            TrainingError: no training sentence has a tagged token, the device is
                unavailable, or the loss stopped being a finite number.
        """
        run = self._prepare(train, dev, tagset, should_stop, start_from, raw_vectors, tag_profile, untagged)
        history: list[EpochSummary] = []
        try:
            for epoch in range(1, self.config.epochs + 1):
                summary = self._epoch(epoch, run)
                if summary is None:
                    break
                history.append(summary)
                self.hooks.on_epoch_end(summary)
                self._check_pace(epoch, run)
                if run.world is not None:  # one learning-rate schedule for every rank
                    run.behind_time = run.world.any(run.behind_time)
                if self._patience_spent(epoch, run):
                    run.stopped = "early_stopping"
                    break
        finally:
            run.tuner.finish()
        self._average(run)
        result = self._result(history, run)
        self.hooks.on_end(result)
        return result

    # ------------------------------------------------------------- preparation
    def _prepare(
        self,
        train: Sequence[Sentence],
        dev: Sequence[Sentence] | None,
        tagset: TagSet | None,
        should_stop: StopSignal | None,
        start_from: Tagger | None = None,
        raw_vectors: RawVectors | None = None, tag_profile: TagProfile | None = None,
        untagged: Sequence[Sequence[str]] | None = None,
    ) -> _Run:
        """Seed, split, build the vocabulary, encode the data and the model; calls ``on_start``."""
        config = self.config
        device, dtype = self._device()
        tuner = ThreadTuner(self.threads)  # created now: it measures the machine's load while the data is prepared
        configure_torch()
        torch.manual_seed(config.seed)
        rng = np.random.default_rng(config.seed)
        train, dev = self._split(train, dev, rng)
        tag_names = self._tag_names(train, dev, tagset)
        try:
            if self.world is None:
                vocab, model = vocab_and_model(config, train, tag_names, start_from, raw_vectors, tag_profile)
            else:  # rank 0 builds the vocabulary and its weights go to every rank
                vocab, model = shared_vocab_and_model(self.world, config, lambda: vocab_and_model(
                    config, train, tag_names, start_from, raw_vectors, tag_profile))
        except ValueError as error:  # a warm start that changes the model's shape
            raise TrainingError(str(error)) from None
        model = model.to(device)
        table = FormTable(vocab, config.max_word_chars, config.suffix_length)
        data = self._encode(train, table, vocab)
        cross_view = cross_view_for(model, untagged, (*train, *dev), table, config, device) if not self.world else None
        tagger = Tagger(model, vocab, config, frozenset(w for s in train for w in s.words))
        drop = word_drop_rates(vocab, config.word_dropout, device)
        run = _Run(
            tagger, self._optimizer(model, cross_view), table, data, dev, drop, rng, stop_check(should_stop),
            self._deadline(), tuner, recent=LastCheckpoints(config.average_last), dtype=dtype,
            net=model if self.world is None else self.world.wrap(model), world=self.world, cross_view=cross_view,
        )
        tuner.start()
        self.hooks.on_start(self._info(run, len(train)))
        return run

    def _info(self, run: _Run, train_sentences: int) -> TrainingInfo:
        """What ``on_start`` tells about the run about to start."""
        return TrainingInfo(
            train_sentences=train_sentences,
            train_words=run.data.words,
            dev_sentences=len(run.dev),
            tags=len(run.tagger.vocab.tags),
            batches_per_epoch=len(self._batches(run, None)),
            parameters=sum(p.numel() for p in run.tagger.model.parameters()),
            device=str(run.tagger.device),
            epochs=self.config.epochs,
            time_limit_minutes=self.config.max_minutes,
            threads=run.tuner.describe(),
            precision="fp32" if run.dtype is None else "bf16",
            untagged_sentences=0 if run.cross_view is None else len(run.cross_view),
        )

    def _device(self) -> tuple[torch.device, torch.dtype | None]:
        """The device to train on and the autocast dtype there (``None``: fp32); ``TrainingError`` if unavailable."""
        device = resolve_device(self.config.device)
        return device, training_dtype(self.config.precision, device)

    def _split(
        self, train: Sequence[Sentence], dev: Sequence[Sentence] | None, rng: np.random.Generator
    ) -> tuple[list[Sentence], list[Sentence]]:
        tagged = [s for s in train if s.tagged_count > 0]
        if not tagged:
            raise TrainingError("no training sentence has a tagged word: tag some sentences first")
        if dev is not None:
            return tagged, [s for s in dev if s.tagged_count > 0]
        held = int(len(tagged) * self.config.dev_fraction) if len(tagged) >= 20 else 0
        if held == 0:
            return tagged, []
        order = rng.permutation(len(tagged))
        return [tagged[i] for i in sorted(order[held:])], [tagged[i] for i in sorted(order[:held])]

    @staticmethod
    def _tag_names(train: list[Sentence], dev: list[Sentence], tagset: TagSet | None) -> list[str]:
        names = list(tagset.names) if tagset is not None else []
        seen = {t for s in (*train, *dev) for t in s.tags if t is not None}
        return names + sorted(seen - set(names))

    @staticmethod
    def _encode(sentences: list[Sentence], table: FormTable, vocab: Vocab) -> _Data:
        rows = [table.sentence_rows(s.words) for s in sentences]
        tags = [np.array([IGNORE if t is None else vocab.tag_id(t) for t in s.tags], np.int64) for s in sentences]
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        return _Data(rows, tags, lengths, int(lengths.sum()))

    def _optimizer(self, model: torch.nn.Module, cross_view: CrossView | None) -> torch.optim.Optimizer:
        params = [p for p in model.parameters() if p.requires_grad]
        params += [] if cross_view is None else list(cross_view.heads.parameters())
        if self.config.optimizer == "sgd":
            return torch.optim.SGD(params, lr=self.config.lr)
        try:  # fused Adam is markedly faster on CPU (see MEASURED.md); not every device has it
            return torch.optim.Adam(params, lr=self.config.lr, fused=True)
        except (RuntimeError, TypeError):
            return torch.optim.Adam(params, lr=self.config.lr)

    def _deadline(self) -> float | None:
        minutes = self.config.max_minutes
        return None if minutes is None else time.monotonic() + minutes * 60.0

    # ------------------------------------------------------------------ epochs
    def _epoch(self, epoch: int, run: _Run) -> EpochSummary | None:
        """Train one epoch and evaluate on dev; ``None`` if the run was interrupted."""
        started = time.monotonic()
        trained = self._train_epoch(epoch, run)
        if trained is None:
            return None
        loss, words = trained
        seconds = time.monotonic() - started
        evaluated = run.dev and (epoch % self.config.eval_every == 0 or epoch == self.config.epochs)
        dev_accuracy = self._dev_accuracy(run) if evaluated else None
        if evaluated:
            self.hooks.on_dev_scored(epoch, run.tagger)
        return EpochSummary(
            epoch=epoch,
            train_loss=loss,
            dev_accuracy=dev_accuracy,
            words_per_second=words / max(seconds, 1e-9),
            seconds=seconds,
            is_best=self._keep_if_best(epoch, dev_accuracy, run),
            threads=run.tuner.threads,
        )

    @staticmethod
    def _dev_accuracy(run: _Run) -> float:
        """Accuracy on dev, measured on rank 0 alone under DDP (its weights are every rank's)."""
        run.tagger.model.eval()  # no dropout while scoring dev: the same figure a later evaluation gives
        if run.world is None:
            return run.tagger.evaluate(run.dev).accuracy
        return run.world.from_main(lambda: run.tagger.evaluate(run.dev).accuracy)

    def _batches(self, run: _Run, rng: np.random.Generator | None) -> list[np.ndarray]:
        """An epoch's batches of equal (or near) lengths, shuffled with ``rng``; under DDP this rank's share.

        Under DDP each of the N ranks takes batches of ``size / N`` sentences, so a step averages the
        gradients of about ``size`` sentences and an epoch has as many steps as on one process (with
        N-times larger batches and N-times fewer steps, 2 processes ended 0.6 points below 1 process
        on dev after the same 5 epochs, ``benchmarks/scale_out.py``).
        """
        size = self.config.near_length_batch or self.config.batch_size
        batching = near_length_batches if self.config.near_length_batch else length_batches
        if run.world is None:
            return batching(run.data.lengths, size, rng=rng)
        per_rank = max(1, -(-size // run.world.size))
        return rank_share(batching(run.data.lengths, per_rank, rng=rng), run.world.rank, run.world.size)

    def _train_epoch(self, epoch: int, run: _Run) -> tuple[float, int] | None:
        """One pass over shuffled batches: ``(mean batch loss, words)``, or ``None`` if interrupted."""
        run.tagger.model.train()
        batches = self._batches(run, run.rng)
        total, words, started = 0.0, 0, time.monotonic()
        for number, batch in enumerate(batches, 1):
            reason = self._interruption(run)
            if run.world is not None:  # every rank leaves at the same batch
                reason = run.world.agree_on_stop(reason)
            if reason:
                run.stopped = reason
                return None
            self._set_learning_rate(epoch, number / len(batches), run)
            step_started = time.monotonic()
            loss = self._step(batch, run)
            if not math.isfinite(loss):
                raise TrainingError(
                    f"the training loss became {loss} (epoch {epoch}, batch {number}): "
                    "try a lower learning rate or gradient clipping"
                )
            total += loss
            batch_words = int(run.data.lengths[batch].sum())
            words += batch_words
            run.tuner.after_batch(batch_words, time.monotonic() - step_started)
            run.step += 1
            speed = words / max(time.monotonic() - started, 1e-9)
            self.hooks.on_batch_end(BatchInfo(epoch, number, len(batches), run.step, loss, speed))
        return total / len(batches), words

    def _step(self, batch: np.ndarray, run: _Run) -> float:
        """One optimiser step on ``batch``; returns the loss (no step if it is not finite)."""
        model, device = run.tagger.model, run.tagger.device
        rows, lengths = pad_rows([run.data.rows[i] for i in batch], PAD)
        gold, _ = pad_rows([run.data.tags[i] for i in batch], IGNORE)
        inputs = run.table.inputs(rows, lengths, device)
        has_raw = getattr(model, "raw_embedding", None) is not None
        drop_inputs(inputs, run.drop, self.config.raw_dropout if has_raw else 0.0)
        with autocast(device, run.dtype):  # the weights and their gradients stay fp32
            log_probs = run.net(inputs)
            # cross_entropy's log_softmax leaves log-probabilities unchanged; it is used for its label smoothing.
            loss = F.cross_entropy(
                log_probs.flatten(0, 1), gold.to(device).flatten(),
                ignore_index=IGNORE, label_smoothing=self.config.label_smoothing,
            )
            value = loss.item()  # what is reported: the tagged sentences' loss
            if run.cross_view is not None:
                loss = loss + self.config.cross_view * self._untagged_loss(run)
        if math.isfinite(loss.item()):
            run.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if self.config.clip > 0:
                clip_gradients(model.parameters(), self.config.clip)
            run.optimizer.step()
        return value

    def _untagged_loss(self, run: _Run) -> torch.Tensor:
        """The cross-view loss (``ml.cross_view``) on the next batch of untagged sentences."""
        inputs = run.table.inputs(run.cross_view.next_rows(), None, run.tagger.device)
        targets = full_view(run.tagger.model, inputs)  # before the input dropout
        drop_inputs(inputs, run.drop, self.config.raw_dropout if run.tagger.model.raw_embedding is not None else 0.0)
        return run.cross_view.loss(run.tagger.model, inputs, targets)

    def _set_learning_rate(self, epoch: int, progress: float, run: _Run) -> None:
        """Apply ``config.lr_schedule`` at ``progress`` (0..1) through ``epoch``."""
        if self.config.lr_schedule == "constant":
            return
        done = (epoch - 1 + progress) / self.config.epochs
        if run.behind_time:  # the time limit ends the schedule early rather than cutting it off
            limit = self.config.max_minutes * 60.0
            done = min(1.0, max(done, 1.0 - (run.deadline - time.monotonic()) / limit))
        lr = self.config.lr * (1.0 - 0.95 * done)
        for group in run.optimizer.param_groups:
            group["lr"] = lr

    def _check_pace(self, epoch: int, run: _Run) -> None:
        """After ``epoch``, note whether the run is on course to pass its time limit.

        Only then does the clock take part in the learning-rate schedule. A run that
        fits its limit follows the epochs alone, so its result does not depend on how
        fast this particular run happened to go.
        """
        if run.deadline is None or run.behind_time:
            return
        now = time.monotonic()
        projected_end = now + (self.config.epochs - epoch) * (now - run.started) / epoch
        run.behind_time = projected_end > run.deadline

    @staticmethod
    def _interruption(run: _Run) -> str | None:
        if run.stop():
            return "cancelled"
        if run.deadline is not None and time.monotonic() >= run.deadline:
            return "time_limit"
        return None

    @staticmethod
    def _keep_if_best(epoch: int, dev_accuracy: float | None, run: _Run) -> bool:
        """Keep a CPU copy of the weights if this epoch is the best so far (always, without dev; unmeasured, until one is)."""
        if dev_accuracy is not None:
            run.recent.add(epoch, run.tagger.model.state_dict())
        if run.best_dev is not None and (dev_accuracy is None or dev_accuracy <= run.best_dev):
            return False
        run.best_state = {k: v.detach().to("cpu", copy=True) for k, v in run.tagger.model.state_dict().items()}
        run.best_epoch, run.best_dev = epoch, dev_accuracy
        return True

    def _average(self, run: _Run) -> None:
        """Keep the mean weights of the last ``average_last`` evaluated epochs if they beat the best epoch on dev.

        Costs one more dev evaluation after the last epoch (after the time limit too); skipped when cancelled.
        """
        if run.stopped == "cancelled" or not run.recent.ready():
            return
        mean = run.recent.mean()
        run.tagger.model.load_state_dict(mean)
        run.average_dev = accuracy = self._dev_accuracy(run)
        if accuracy > run.best_dev:
            run.best_state, run.best_dev, run.averaged = mean, accuracy, run.recent.epochs
            run.best_epoch = run.averaged[-1]

    def _patience_spent(self, epoch: int, run: _Run) -> bool:
        patience = self.config.patience
        return patience > 0 and run.best_dev is not None and epoch - run.best_epoch >= patience

    def _result(self, history: list[EpochSummary], run: _Run) -> TrainResult:
        """Load the best weights into the tagger and record the run in ``tagger.info``."""
        seconds = time.monotonic() - run.started
        tagger = run.tagger if run.best_state is not None else None
        if tagger is not None:
            tagger.model.load_state_dict(run.best_state)
            if run.dev and run.best_dev is None:
                # Stopped (or out of time) before the first dev check: measure the kept weights now, or the
                # owner could not compare this model with the one it would replace.
                run.best_dev = self._dev_accuracy(run)
            tagger.model.eval()
            tagger.info = {
                "history": [dataclasses.asdict(h) for h in history],
                "best_epoch": run.best_epoch,
                "best_dev_accuracy": run.best_dev,
                "stopped": run.stopped,
                "train_sentences": len(run.data.rows),
                "train_words": run.data.words,
                "seconds": seconds,
                "precision": "fp32" if run.dtype is None else "bf16",
                "averaged_epochs": run.averaged,
                "average_dev_accuracy": run.average_dev,
            }
        return TrainResult(tagger, history, run.best_epoch, run.best_dev, run.stopped, seconds, str(run.tagger.device))
