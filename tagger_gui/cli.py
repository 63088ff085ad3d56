"""The ``tagger-gui`` command: the window, or headless training, evaluation, tagging and conversion.

    tagger-gui [FILE] [--screenshot OUT.png]          open the window (on FILE)
    tagger-gui train TRAIN [--dev DEV | --dev-fraction F] --out MODEL [--preset NAME] [--epochs N]
                   [--device D] [--column upos|xpos|N] [--seed S] [--max-minutes M] [--raw FILE...]
                   [--self-train] [--no-scale] [--precision P] [--nproc N]
    tagger-gui evaluate MODEL DATA [--json] [--column upos|xpos|N] [--device D]
    tagger-gui predict MODEL INPUT --out OUTPUT [--scores SCORES.tsv] [--column upos|xpos|N] [--device D]
                   [--precision P] [--engine local|ray] [--ray-address ADDR] [--workers N]
    tagger-gui convert INPUT OUTPUT [--from FMT] [--to FMT] [--column upos|xpos|N]

File formats follow the extension (``.conllu``, ``.conll``/``.tsv``, ``.jsonl``,
``.txt``) unless ``--from``/``--to`` name one. A model is a folder holding
``model.json`` + ``model.safetensors`` (or a ``NAME.json`` path for the pair
``NAME.json`` + ``NAME.safetensors``).

``predict`` reads INPUT in chunks and writes as it goes (memory stays flat for any
size), each output to a temporary file renamed over OUTPUT at the end, with
progress on stderr; ``--engine ray`` tags on Ray Data workers (``cli_predict``).
``predict --scores`` writes a tab-separated table with the header
``sentence  word_index  word  <tag 1>  <tag 2> ...``: one row per word, ``sentence``
and ``word_index`` counted from 1 in file order, and for each tag the model's
log-softmax score (``exp`` of it is the probability; a row's best score is the
predicted tag). Tabs and line breaks inside words are written as spaces.

Bad arguments, unreadable files, malformed data and broken models give one line
on stderr and exit status 2; the device and every output path are checked before
any work starts. Ctrl-C during training stops after the current batch and saves
the best model so far. ``train`` also runs as the ranks of ``torchrun``
(DistributedDataParallel, ``ml.distributed``); ``--nproc N`` starts N local ranks
itself. When the reader of stdout goes away (``| head -1``) the command ends
quietly with status 141, as Unix tools ended by SIGPIPE do.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Iterator, NoReturn, Sequence

from tqdm import tqdm

from tagger_gui.cli_options import (
    COLUMN_HELP, DEVICE_HELP, MODEL_HELP, PROG, check_tags_known, column, note_if_empty,
)
from tagger_gui.cli_predict import add_predict_arguments, check_engine_options
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.data_split import DevChoice, DevSource, split_for_training
from tagger_gui.core.files import check_outputs
from tagger_gui.core.formats import FORMATS, FormatError, format_for_path, read_file, read_text, write_file
from tagger_gui.ml.bundle import BundleError, check_save_path, load_bundle, save_bundle
from tagger_gui.ml.config import PRECISIONS, PRESETS, TrainConfig, preset_config
from tagger_gui.ml.devices import check_device
from tagger_gui.ml.distributed import (
    LaunchError, RankFailure, World, end_rank, environment_world_size, join_from_environment, launch_local, leave,
    rank_failure,
)
from tagger_gui.ml.metrics import Evaluation
from tagger_gui.ml.progress import RunClock, data_text, ending_sentence, start_sentence
from tagger_gui.ml.raw_vectors import RawVectors
from tagger_gui.ml.ray_predict import RayEngineError
from tagger_gui.ml.runtime import warm_up
from tagger_gui.ml.schedule import train_config
from tagger_gui.ml.self_training import fit_with_own_profile
from tagger_gui.ml.training import (
    BatchInfo, EpochSummary, Trainer, TrainingError, TrainingHooks, TrainingInfo, TrainResult,
)
from tagger_gui.session.untagged import UntaggedText, UntaggedTextError, VectorCache

SUBCOMMANDS = ("train", "evaluate", "predict", "convert")
EXIT_BROKEN_PIPE = 128 + 13
"""Exit status when stdout's reader has gone: what a shell shows for a Unix tool ended by SIGPIPE."""


class UsageError(Exception):
    """Bad command-line arguments (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (raised, then printed by ``main``)."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix(PROG).strip()  # ``main`` puts the program's name first
        raise UsageError(f"{command + ': ' if command else ''}{message} (see --help)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if not argv or argv[0] not in (*SUBCOMMANDS, "-h", "--help"):
            return _window(argv)
        args = _parser().parse_args(argv)
        args.argv = argv
        _check_before_work(args)
        code = args.run(args)
        sys.stdout.flush()  # a reader that has gone shows here, not in the interpreter's last flush
        return code
    except SystemExit as exit_request:  # --help
        return int(exit_request.code or 0)
    except BrokenPipeError:  # e.g. `tagger-gui evaluate ... | head -1`: the reader has gone, end quietly
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (UsageError, FormatError, BundleError, TrainingError, RayEngineError, OSError, ValueError) as error:
        print(f"{PROG}: {_one_line(error)}", file=sys.stderr)
        return 2


def _check_before_work(args: argparse.Namespace) -> None:
    """Check the device and every output path before any work, so that nothing fails after a long run.

    Raises:
        DeviceError: ``--device`` names nothing this machine can compute on.
        BundleError: ``train --out`` cannot hold a model (e.g. it is an existing file).
        OSError: an output is not a regular file, is read-only, or its folder is missing.
        ValueError: ``predict`` would write over its INPUT, or ``--out`` and ``--scores`` are one file.
        ValueError, RayEngineError: ``predict``'s engine options do not fit, or Ray is missing;
            ``train --self-train`` with several processes.
    """
    if args.command == "predict":
        check_engine_options(args)
    if getattr(args, "device", None) is not None:
        check_device(args.device)
    if args.command == "train":
        check_save_path(args.out)
        if args.self_train and (args.nproc > 1 or environment_world_size() > 1):
            raise ValueError("--self-train trains in one process: leave out --nproc and torchrun")
    if args.command == "predict":
        check_outputs({"--out": args.out, "--scores": args.scores}, {"INPUT": args.input})
        read_text("", format_for_path(args.input), path=str(args.input), tag_column=args.column)  # a column the
        # format cannot have is refused now, not in Ray's workers after they started
    elif args.command == "convert":
        check_outputs({"OUTPUT": args.output}, {})


def _silence_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's final flush does not fail again."""
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, sys.stdout.fileno())
        os.close(descriptor)
    except (OSError, ValueError, AttributeError):  # no real stdout (tests, embedding)
        pass


def _one_line(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return " ".join(str(error).split())


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Annotate sentences with tags and train an LSTM tagger.",
                     epilog="Without a subcommand: tagger-gui [FILE] [--screenshot OUT.png] opens the window.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_train(commands.add_parser("train", help="train a tagger and save it"))
    _add_evaluate(commands.add_parser("evaluate", help="score a tagger on tagged data"))
    add_predict_arguments(commands.add_parser("predict", help="tag a file with a trained tagger"))
    _add_convert(commands.add_parser("convert", help="convert a corpus file between formats"))
    return parser


def _add_train(p: argparse.ArgumentParser) -> None:
    p.add_argument("train", type=Path, help="training data")
    p.add_argument("--dev", type=Path, help="development data to pick the best epoch (default: hold out part of TRAIN)")
    p.add_argument("--dev-fraction", type=float, default=DevChoice().fraction,
                   help="without --dev, the share of TRAIN held out (chosen by sentence id, as in the window)")
    p.add_argument("--out", type=Path, required=True, help="where to save the model (a folder, or NAME.json)")
    p.add_argument("--preset", choices=sorted(PRESETS), default="default", help="the settings to start from")
    p.add_argument("--epochs", type=int, help="passes over TRAIN (default: the preset's, scaled to the data)")
    p.add_argument("--no-scale", action="store_true",
                   help="use the preset's model size and schedule as they are, not scaled to the amount of tagged data")
    p.add_argument("--raw", type=Path, nargs="+", default=[], metavar="FILE",
                   help="untagged text (one sentence a line, or any corpus format) to learn word vectors from")
    p.add_argument("--device", help=DEVICE_HELP)
    p.add_argument("--column", type=column, default="upos", help=COLUMN_HELP)
    p.add_argument("--seed", type=int, help="random seed (default 1): the same seed and data give the same model")
    p.add_argument("--precision", choices=PRECISIONS,
                   help="fp32, bf16 (mixed precision, where the hardware has it) or auto (default: the preset's)")
    p.add_argument("--max-minutes", type=float,
                   help="stop after M minutes, ending the learning-rate schedule on time (0 = no limit; "
                        "default: the preset's)")
    p.add_argument("--self-train", action="store_true",
                   help="train twice, the second model with the first one's mean predictions for the words of the "
                        "untagged text (TRAIN's and --raw's): pays with a few thousand tagged sentences or fewer")
    p.add_argument("--nproc", type=int, default=1,
                   help="train with N processes on this machine (DistributedDataParallel, one thread each); "
                        "or run the command under torchrun")
    p.set_defaults(run=_train)


def _add_evaluate(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", type=Path, help=MODEL_HELP)
    p.add_argument("data", type=Path, help="tagged data to compare against")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--column", type=column, default="upos", help=COLUMN_HELP)
    p.add_argument("--device", default="auto", help=DEVICE_HELP)
    p.set_defaults(run=_evaluate)


def _add_convert(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, help="a corpus file")
    p.add_argument("output", type=Path, help="where to write it (format from its extension)")
    p.add_argument("--from", dest="from_format", choices=FORMATS, help="INPUT's format (default: from its extension)")
    p.add_argument("--to", dest="to_format", choices=FORMATS, help="OUTPUT's format (default: from its extension)")
    p.add_argument("--column", type=column, default="upos", help=COLUMN_HELP)
    p.set_defaults(run=_convert)


# ------------------------------------------------------------------ window
def _window(argv: list[str]) -> int:
    parser = _Parser(prog=PROG, description="Open the annotation window.",
                     epilog=f"Headless commands: {PROG} {{{','.join(SUBCOMMANDS)}}} --help")
    parser.add_argument("file", nargs="?", type=Path, help="a project or corpus file to open")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the window to this PNG and exit")
    parser.add_argument("--column", type=column, default="upos",
                        help="for a CoNLL-U corpus: the column holding the tags (upos, xpos or a number)")
    args = parser.parse_args(argv)
    try:
        from tagger_gui.gui.app import run_window
    except ImportError as error:
        print(f"{PROG}: the window is not available ({error})", file=sys.stderr)
        return 2
    return run_window(args.file, args.screenshot, args.column)


# ------------------------------------------------------------------- train
class _ProgressHooks(TrainingHooks):
    """A tqdm bar per epoch showing the run's ETA (as the window does), and one line per epoch, on stderr."""

    BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} batches [{elapsed}{postfix}]"

    def __init__(self) -> None:
        self._bar: tqdm | None = None
        self.info: TrainingInfo | None = None
        self._clock: RunClock | None = None

    def on_start(self, info: TrainingInfo) -> None:
        self.info, self._clock = info, RunClock.for_run(info)
        precision = " in bf16" if info.precision == "bf16" else ""
        threads = f", {info.threads}" if info.threads else ""
        tqdm.write(f"training on {data_text(info)}, device {info.device}{precision}{threads}", file=sys.stderr)
        tqdm.write(start_sentence(info), file=sys.stderr)

    def on_batch_end(self, info: BatchInfo) -> None:
        if self._bar is None:
            self._bar = tqdm(total=info.n_batches, desc=f"epoch {info.epoch}/{self.info.epochs}", leave=False,
                             file=sys.stderr, mininterval=0.5, bar_format=self.BAR_FORMAT)
        progress = self._clock.progress(info)
        if progress.note:
            tqdm.write(progress.note, file=sys.stderr)
        eta = "--" if progress.eta_seconds is None else tqdm.format_interval(progress.eta_seconds)
        self._bar.set_postfix_str(f"loss {info.loss:.3f}, ETA {eta}", refresh=False)
        self._bar.update(1)

    def on_epoch_end(self, summary: EpochSummary) -> None:
        self._close_bar()
        dev = "" if summary.dev_accuracy is None else f"  dev accuracy {summary.dev_accuracy:.2%}"
        threads = f" ({summary.threads} thread{'s' if summary.threads != 1 else ''})" if summary.threads else ""
        tqdm.write(f"epoch {summary.epoch}: loss {summary.train_loss:.4f}{dev}  "
                   f"{summary.words_per_second:,.0f} words/s{threads}  {summary.seconds:.1f} s"
                   f"{'  (best)' if summary.is_best else ''}", file=sys.stderr)

    def close(self) -> None:
        """Close the progress bar of an unfinished epoch."""
        self._close_bar()

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextlib.contextmanager
def _stop_on_ctrl_c() -> Iterator[threading.Event]:
    """An event that Ctrl-C sets (instead of interrupting) while the block runs in the main thread."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _naming_the_rank(world: World | None) -> Iterator[None]:
    """Under DDP, any failure of this rank becomes a ``RankFailure`` that names it."""
    try:
        yield
    except Exception as error:
        if world is None:
            raise
        raise rank_failure(world, error, _one_line(error)) from error


def _train_settings(args: argparse.Namespace, tagged_words: int) -> TrainConfig:
    """The preset, scaled to ``tagged_words`` unless ``--no-scale``, then the options given on the command line."""
    names = ("epochs", "device", "seed", "max_minutes", "precision")
    overrides = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    overrides |= {"max_minutes": None} if args.max_minutes == 0 else {}  # 0: no time limit
    config = preset_config(args.preset)
    config = config.replace(scale_to_data=config.scale_to_data and not args.no_scale)
    return train_config(config, tagged_words).replace(**overrides)


def _train(args: argparse.Namespace) -> int:
    if args.nproc > 1 and environment_world_size() <= 1:
        try:
            launch_local(args.nproc, args.argv)  # each rank runs this same command line under torchrun's variables
        except LaunchError as error:
            print(f"{PROG}: {error}", file=sys.stderr)
            return 1
        return 0
    # The first optimizer imports torch._dynamo (1-1.5 s): done now, beside reading the data and learning vectors.
    threading.Thread(target=warm_up, name="torch-warm-up", daemon=True).start()
    train = read_file(args.train, tag_column=args.column)
    if args.dev:
        dev = read_file(args.dev, tag_column=args.column)
        if not any(s.tagged_count for s in dev):
            raise UsageError(f"{args.dev}: no tagged words to pick the best epoch on")
    else:  # the window's rule: a held-out share of train, chosen by sentence id
        train, dev = split_for_training(train, DevChoice(DevSource.HELD_OUT, args.dev_fraction))
    config = _train_settings(args, sum(s.tagged_count for s in train))
    world = join_from_environment(config.device)
    config = config if world is None else config.replace(device=world.device)
    try:
        vectors, untagged = _untagged_inputs(args, train, config)
        self_train = _self_train(args, vectors, config)
    except UntaggedTextError as error:
        raise UsageError(str(error)) from None
    hooks = _ProgressHooks() if world is None or world.is_main else None
    failure = None
    try:
        with _stop_on_ctrl_c() as stop, _naming_the_rank(world):
            result = fit_with_own_profile(Trainer(config, hooks, world=world), train, dev, untagged,
                                          self_train=self_train, should_stop=stop, raw_vectors=vectors)
    except RankFailure as error:
        failure = error
    finally:
        if hooks is not None:
            hooks.close()
    if failure is not None:
        print(f"{PROG}: {failure}", file=sys.stderr)
    leave(world, failure)  # a failed rank's process ends here
    if world is None:
        return _save_result(result, args, config)
    end_rank(_save_result(result, args, config) if world.is_main else 0)  # rank 0 reports and saves


def _untagged_inputs(
    args: argparse.Namespace, train: list[Sentence], config: TrainConfig
) -> tuple[RawVectors | None, list[Sequence[str]] | None]:
    """The word vectors of the untagged text (TRAIN's words and ``--raw``) and its sentences (``None``
    where they teach nothing: no vectors, and no untagged sentence to learn from, ``ml.cross_view``).

    Raises ``UntaggedTextError`` naming a raw text file that cannot be read.
    """
    untagged = UntaggedText([s.words for s in train], args.raw)
    vectors = VectorCache().vectors(untagged, config.raw_dim)
    if args.raw and vectors is None:
        print(f"{PROG}: note: too little untagged text to learn word vectors from; training without them",
              file=sys.stderr)
    if vectors is None and not (config.cross_view > 0 and (args.raw or any(not s.tagged_count for s in train))):
        return vectors, None
    return vectors, untagged.read()


def _self_train(args: argparse.Namespace, vectors: RawVectors | None, config: TrainConfig) -> bool:
    """Whether to train twice (``--self-train``); a note says why not where the run cannot."""
    if args.self_train and (vectors is None or not config.tag_neighbours):
        print(f"{PROG}: note: --self-train puts the first model's view of the untagged words in the vectors' tag "
              "columns, and this run has none (untagged-text vectors and neighbours' tags); training once",
              file=sys.stderr)
        return False
    return args.self_train


def _save_result(result: TrainResult, args: argparse.Namespace, config: TrainConfig) -> int:
    """Save the trained model to ``--out`` and say so; 1 when training ended without one."""
    ending = ending_sentence(result, config.epochs, config.max_minutes)
    if result.tagger is None:
        print(f"{PROG}: {ending} No model saved.", file=sys.stderr)
        return 1
    save_bundle(result.tagger, args.out)
    dev_text = "" if result.best_dev_accuracy is None else f", dev accuracy {result.best_dev_accuracy:.2%}"
    print(f"{ending} Saved {args.out}: best epoch {result.best_epoch}{dev_text} "
          f"({result.seconds:.0f} s on {result.device}).")
    return 0


# ---------------------------------------------------------------- evaluate
def _evaluate(args: argparse.Namespace) -> int:
    tagger = load_bundle(args.model, device=args.device)
    sentences = read_file(args.data, tag_column=args.column)
    check_tags_known(sentences, tagger.vocab.tags, args.data)  # before tagging the whole file
    evaluation = tagger.evaluate(sentences)
    if args.json:
        print(json.dumps(evaluation.to_dict()))
    else:
        print(_evaluation_table(evaluation))
    return 0


def _evaluation_table(evaluation: Evaluation) -> str:
    oov = "n/a" if evaluation.oov_accuracy is None else f"{evaluation.oov_accuracy:.2%}"
    lines = [
        f"accuracy      {evaluation.accuracy:.2%}",
        f"OOV accuracy  {oov} ({evaluation.oov_words} words unseen in training)",
        f"words         {evaluation.words}",
        "",
        f"{'tag':<12}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}",
    ]
    for tag, s in evaluation.per_tag.items():
        lines.append(f"{tag:<12}{s.precision:>10.2%}{s.recall:>10.2%}{s.f1:>10.2%}{s.support:>10}")
    return "\n".join(lines)


# ----------------------------------------------------------------- convert
def _convert(args: argparse.Namespace) -> int:
    sentences = read_file(args.input, args.from_format, tag_column=args.column)
    note_if_empty(args.input, len(sentences))
    write_file(args.output, sentences, args.to_format, tag_column=args.column)
    print(f"converted {len(sentences)} sentences -> {args.output}")
    return 0
