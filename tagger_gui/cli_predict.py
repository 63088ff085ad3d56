"""``tagger-gui predict``: tag a file of any size, in this process or on Ray (``--engine ray``).

Both engines read INPUT in the chunks of ``ChunkReader``, write each output to a
temporary file renamed over it at the end, show progress on stderr, and give the
same bytes. The local engine tags in this process (the next chunk read while the
model tags this one); the Ray engine (``tagger_gui.ml.ray_predict``) on Ray Data
actors, on a local Ray started for the run or on a cluster (``--ray-address``).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import Iterator

from tagger_gui.cli_options import COLUMN_HELP, DEVICE_HELP, MODEL_HELP, column, note_if_empty
from tagger_gui.core.atomic import atomic_open
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import FormatError, format_for_path
from tagger_gui.core.formats.stream import ChunkReader, writing
from tagger_gui.ml.bundle import load_bundle
from tagger_gui.ml.config import PRECISIONS
from tagger_gui.ml.corpus_predict import (
    STREAM_WORDS, TaggingProgress, apply_best_tags, predict_stream, prefetched,
)
from tagger_gui.ml.heap import release_free_heap
from tagger_gui.ml.ray_predict import import_ray, tag_file_on_ray
from tagger_gui.ml.scores import score_table
from tagger_gui.ml.threads import ThreadTuner

ENGINES = ("local", "ray")


def add_predict_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``predict``."""
    p.add_argument("model", type=Path, help=MODEL_HELP)
    p.add_argument("input", type=Path, help="the file to tag (any corpus format; its tags are replaced)")
    p.add_argument("--out", type=Path, required=True, help="tagged output (format from its extension, else INPUT's)")
    p.add_argument("--scores", type=Path, help="also write the per-word tag score table (TSV)")
    p.add_argument("--column", type=column, default="upos", help=COLUMN_HELP)
    p.add_argument("--device", default="auto", help=DEVICE_HELP)
    p.add_argument("--precision", choices=PRECISIONS,
                   help="fp32, bf16 (where the hardware computes it) or auto (bf16 on a CPU with AMX or AVX512-BF16); "
                        "default: the model's setting")
    p.add_argument("--engine", choices=ENGINES, default="local",
                   help="local: this process; ray: Ray Data workers (pip install 'tagger-gui[cluster]')")
    p.add_argument("--ray-address", help="with --engine ray: an existing Ray cluster (default: start a local Ray)")
    p.add_argument("--workers", type=int, help="with --engine ray: tagging processes (default: the cores, or the "
                                               "cluster's CPUs)")
    p.set_defaults(run=run_predict)


def run_predict(args: argparse.Namespace) -> int:
    """Tag INPUT into OUTPUT (and SCORES); each output replaces its file atomically at the end."""
    in_format = format_for_path(args.input)
    try:
        out_format = format_for_path(args.out)
    except FormatError:
        out_format = in_format
    progress = _Progress()
    tag = _tag_on_ray if args.engine == "ray" else _tag_locally
    done = tag(args, in_format, out_format, progress.update)
    progress.close()
    note_if_empty(args.input, done.sentences)
    print(f"tagged {done.words} words in {done.sentences} sentences -> {args.out}")
    return 0


def check_engine_options(args: argparse.Namespace) -> None:
    """Options that only the Ray engine takes, what it cannot do, and whether Ray is installed (before any work)."""
    if args.engine != "ray":
        if args.ray_address is not None or args.workers is not None:
            raise ValueError("--ray-address and --workers go with --engine ray")
        return
    if args.device not in ("auto", "cpu"):
        raise ValueError(f"--engine ray tags on the workers' CPUs; --device {args.device} is for --engine local")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be at least 1, not {args.workers}")
    import_ray()  # says how to install it, before anything is read


def _tag_locally(args: argparse.Namespace, in_format: str, out_format: str, report) -> TaggingProgress:
    """Tag in this process, chunk by chunk: memory stays flat."""
    tuner = ThreadTuner(probe_when_idle=False)  # created now: it measures the machine's load while the model loads
    tagger = load_bundle(args.model, device=args.device, precision=args.precision)
    reader = ChunkReader(args.input, in_format, tag_column=args.column)
    done = TaggingProgress()
    with contextlib.ExitStack() as outputs:
        out = outputs.enter_context(writing(args.out, out_format, tag_column=args.column))
        scores = outputs.enter_context(atomic_open(args.scores)) if args.scores else None
        chunks = predict_stream(tagger, prefetched(tagging_groups(reader)),
                                words=lambda chunk: [s.words for s in chunk], tuner=tuner)
        for sentences, predictions in chunks:
            apply_best_tags(sentences, predictions)
            out.write(sentences)
            if scores is not None:
                first = done.sentences + 1
                scores.write(score_table(sentences, predictions, first, header=first == 1).encode("utf-8"))
            done = TaggingProgress(done.sentences + len(sentences), done.words + sum(len(s.tokens) for s in sentences),
                                   reader.done, reader.size)
            report(done)
            release_free_heap()  # keeps memory flat over millions of sentences (ml.heap)
        if scores is not None and done.sentences == 0:
            scores.write(score_table([], []).encode("utf-8"))
    return done


def tagging_groups(reader: ChunkReader) -> Iterator[list[Sentence]]:
    """The chunks ``reader`` gives, joined into groups of at least ``STREAM_WORDS`` words (see there).

    A group also takes in the rest of the file when that is no larger than the group
    so far: a file of up to about twice ``STREAM_WORDS`` words is tagged in one group
    (EWT train's 204,577 words as a process: 2.78-2.84 s against 2.88-3.00 s in two
    groups, 5 alternating runs each; tagging the first group while the next was parsed
    beside it ran slower), and no group holds more than about twice that.
    """
    group: list[Sentence] = []
    words, start = 0, reader.done
    for chunk in reader:
        group += chunk
        words += sum(len(sentence.tokens) for sentence in chunk)
        if words >= STREAM_WORDS and reader.size - reader.done > reader.done - start:
            yield group
            group, words, start = [], 0, reader.done
    if group:
        yield group


def _tag_on_ray(args: argparse.Namespace, in_format: str, out_format: str, report) -> TaggingProgress:
    """Tag on Ray Data workers; the model is checked here first, so that a broken one fails with a clear message."""
    load_bundle(args.model, device="cpu")
    return tag_file_on_ray(args.model, args.input, args.out, args.scores, in_format=in_format, out_format=out_format,
                           tag_column=args.column, address=args.ray_address, workers=args.workers, report=report,
                           precision=args.precision)


class _Progress:
    """Tagging progress on stderr: a line rewritten in place on a terminal, else a line every few seconds."""

    def __init__(self, every: float = 0.5) -> None:
        self.shown = False
        self.tty = sys.stderr.isatty()
        self.every = every if self.tty else 10 * every
        self.start = self.last = time.monotonic()

    def update(self, done: TaggingProgress) -> None:
        """Show ``done`` (at most every ``every`` seconds)."""
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last, self.shown = now, True
        share = f"{done.done_bytes / done.size_bytes:4.0%} " if done.size_bytes else ""
        line = f"tagging: {share}{done.sentences:,} sentences, {done.words / (now - self.start):,.0f} words/s"
        print("\r" + line if self.tty else line, end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.shown and self.tty:
            print(file=sys.stderr)
