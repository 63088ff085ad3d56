"""Tagging a corpus file on Ray Data: the output of ``tagger-gui predict``, from many processes or machines.

This process (the driver) scans INPUT once for its chunks, the byte spans that
``ChunkReader`` cuts, each with its sentence count (found without parsing), and
gives Ray Data one small row per chunk. ``map_batches`` hands each row to a
``ChunkTagger`` actor, which loads the model once, then reads its span of INPUT,
parses, tags with one torch thread and renders the output text and score rows,
numbering sentences and generated ids from the sentences before the span. The rows
come back in input order (``preserve_order``) and are appended to temporary files
renamed over the outputs at the end, so the bytes equal those of the local path.

The workers read INPUT and MODEL at the same path as the driver: on a local Ray
they can; on a cluster (``address``) both must be on a filesystem that every node
mounts at that path, and tagger-gui installed on every node. Ray is imported only
when used, so the package works without it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import torch

from tagger_gui.core.atomic import atomic_open
from tagger_gui.core.corpus import generate_sentence_ids_from, reserve_sentence_ids
from tagger_gui.core.formats import FormatError, module_for
from tagger_gui.core.formats.stream import ChunkReader, Span
from tagger_gui.ml.bundle import load_bundle
from tagger_gui.ml.corpus_predict import ChunkPredictor, TaggingProgress, apply_best_tags
from tagger_gui.ml.scores import score_table
from tagger_gui.ml.threads import usable_cores

INSTALL_HINT = "pip install 'tagger-gui[cluster]'"
_SPAN_FIELDS = ("start", "end", "first_line", "sentences_before", "sentences")


class RayEngineError(Exception):
    """Ray is missing, or failed while tagging (the message says which)."""


@dataclass(frozen=True)
class RayJob:
    """What every worker needs to tag its chunks (paths absolute: a worker's folder may differ)."""

    model: str
    source: str
    in_format: str
    out_format: str
    tag_column: str | int
    scores: bool
    first_id: int
    """The number of the first generated sentence id this run took (``reserve_sentence_ids``)."""
    precision: str | None = None
    """The number format to tag in (``TrainConfig.precision``); ``None``: the model's setting."""


class ChunkTagger:
    """A Ray Data actor: loads the model once, then reads, tags and renders the chunks it is given."""

    def __init__(self, job: RayJob) -> None:
        torch.set_num_threads(1)
        self.job = job
        self.reader = ChunkReader(job.source, job.in_format, tag_column=job.tag_column)
        self.writer = module_for(job.out_format, job.source)
        self.predict = ChunkPredictor(load_bundle(job.model, device="cpu", precision=job.precision))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        spans = [Span(*(int(batch[name][i]) for name in _SPAN_FIELDS)) for i in range(len(batch["start"]))]
        results = [self._tag(span) for span in spans]
        return {"chunk": list(batch["chunk"]), **{key: [r[key] for r in results] for key in results[0]}}

    def _tag(self, span: Span) -> dict[str, Any]:
        """The rendered output of ``span``, or the error that stops the run (as data: Ray would bury it)."""
        generate_sentence_ids_from(self.job.first_id + span.sentences_before)
        try:
            sentences = self.reader.read_span(span)
            if len(sentences) != span.sentences:
                raise FormatError(self.reader.name, span.first_line, f"{len(sentences)} sentences read where "
                                  f"{span.sentences} were counted (a tagger-gui bug: please report it)")
        except FormatError as error:
            return {"text": b"", "scores": b"", "words": 0, "error_line": error.line, "error": error.message}
        predictions = self.predict([s.words for s in sentences])
        apply_best_tags(sentences, predictions)
        first = span.sentences_before + 1
        scores = score_table(sentences, predictions, first, header=first == 1) if self.job.scores else ""
        return {"text": self.writer.write(sentences, self.job.tag_column).encode("utf-8"),
                "scores": scores.encode("utf-8"), "words": sum(len(s.tokens) for s in sentences),
                "error_line": 0, "error": ""}


def import_ray():
    """The ``ray`` module with Ray Data loaded; ``RayEngineError`` saying how to install it if it is missing."""
    try:
        import ray
        import ray.data  # noqa: F401  (the extra's part that is used)
    except ImportError as error:
        raise RayEngineError(f"--engine ray needs Ray Data, which is not installed ({error}): {INSTALL_HINT}") from None
    return ray


def tag_file_on_ray(model: str | os.PathLike, source: str | os.PathLike, out: str | os.PathLike,
                    scores: str | os.PathLike | None, *, in_format: str, out_format: str,
                    tag_column: str | int = "upos", address: str | None = None, workers: int | None = None,
                    report: Callable[[TaggingProgress], None] = lambda done: None,
                    precision: str | None = None) -> TaggingProgress:
    """Tag ``source`` with ``model`` into ``out`` (and the score table into ``scores``) on Ray; the final counts.

    Args:
        model, source: the model bundle and the input, read by every worker.
        out, scores: the outputs, each replaced atomically when all went well.
        in_format, out_format, tag_column: as for ``ChunkReader`` and the writers.
        address: an existing Ray cluster's address (``None``: start a local Ray for this run,
            unless this process is already connected to one).
        workers: how many actors tag (default: the local cores, or the cluster's CPUs).
        report: called after each chunk is written.
        precision: the number format to tag in (``None``: the model's setting).

    Raises:
        RayEngineError: Ray is not installed, or it failed.
        FormatError: the input is malformed (the first error in file order; nothing is written).
    """
    ray = import_ray()
    reader = ChunkReader(source, in_format, tag_column=tag_column)
    spans = list(reader.spans())
    job = RayJob(os.path.abspath(model), os.path.abspath(source), in_format, out_format, tag_column,
                 scores is not None, reserve_sentence_ids(reader.sentences), precision)
    done = TaggingProgress(0, 0, 0, reader.size)
    with _connected(ray, address, workers) as actors, contextlib.ExitStack() as outputs:
        text_out = outputs.enter_context(atomic_open(out))
        scores_out = outputs.enter_context(atomic_open(scores)) if scores is not None else None
        for span, row in zip(spans, _tagged_rows(ray, job, spans, actors)):
            if row["error"]:
                raise FormatError(reader.name, int(row["error_line"]), str(row["error"]))
            text_out.write(row["text"])
            if scores_out is not None:
                scores_out.write(row["scores"])
            words = done.words + int(row["words"])
            done = TaggingProgress(done.sentences + span.sentences, words, span.end, reader.size)
            report(done)
        if scores_out is not None and not spans:
            scores_out.write(score_table([], []).encode("utf-8"))
    return done


def _tagged_rows(ray, job: RayJob, spans: list[Span], actors: int) -> Iterator[dict[str, Any]]:
    """The actors' output rows, in input order; a failure of Ray becomes ``RayEngineError``."""
    if not spans:
        return
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    rows = [{"chunk": i, **{name: getattr(span, name) for name in _SPAN_FIELDS}} for i, span in enumerate(spans)]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
        ChunkTagger, fn_constructor_args=(job,), batch_size=1, batch_format="numpy", num_cpus=1,
        compute=ray.data.ActorPoolStrategy(size=min(actors, len(rows))))
    rows_out = iter(dataset.iter_rows())
    for expected in range(len(rows)):
        try:
            row = next(rows_out, None)
        except Exception as error:  # Ray's own errors (a worker died, an import failed on a node, ...)
            raise RayEngineError(f"Ray failed: {' '.join(str(error).split())[:500]}") from error
        if row is None or int(row["chunk"]) != expected:
            raise RayEngineError(f"Ray returned {'no' if row is None else 'chunk ' + str(row['chunk'])} "
                                 f"where chunk {expected} was due")
        yield row


@contextlib.contextmanager
def _connected(ray, address: str | None, workers: int | None) -> Iterator[int]:
    """Connect to ``address`` or start a local Ray (quiet, no dashboard); yields the number of actors to use.

    A Ray this process is already connected to is used as it is and left running.
    """
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # its progress lines; the CLI shows its own
    if ray.is_initialized():
        yield workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        return
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False, "include_dashboard": False}
    try:
        if address:
            ray.init(address=address, **quiet)
        else:
            ray.init(address="local", num_cpus=workers or usable_cores(), **quiet)
    except Exception as error:  # ConnectionError, a bad address, a Ray that cannot start here
        raise RayEngineError(f"cannot start Ray{' at ' + address if address else ''}: "
                             f"{' '.join(str(error).split())[:300]}") from error
    try:
        yield workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    finally:
        ray.shutdown()
