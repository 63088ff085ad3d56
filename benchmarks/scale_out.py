"""Scaling out: DDP training on 1 and 2 processes, streaming tagging of a large corpus, locally and on Ray.

A script, not a test. Every figure comes from ``tagger-gui`` run as a separate process,
as a user runs it:

1. Training: ``tagger-gui train`` on the first ``--train-sentences`` sentences of UD
   English-EWT train (dev: EWT dev), preset ``--preset``, ``--epochs`` epochs, seed
   ``--seed``, no time limit, one CPU thread per process: once as one process and once
   with ``--nproc 2`` (DistributedDataParallel over gloo). Prints training words/s
   (train words x epochs / the epochs' seconds) and the dev accuracy of the saved model.
   On a 2-core machine this checks that 2 ranks learn as well as 1 (same data, twice the
   effective batch); the speed-up is for hosts with more cores or several machines.
2. Tagging, with the 1-process model: a JSONL corpus of ``--sentences`` sentences
   (EWT train sentences, cut to ``--words-per-sentence`` words, repeated) tagged by
   ``tagger-gui predict`` (streaming; ``--threads`` threads, default 1: the single-process
   figure) and by ``predict --engine ray --workers 2`` (2 Ray workers, one thread each;
   skipped when Ray is not installed). Words/s are over each process's whole wall time
   (Ray's start-up included); peak memory is the process's own peak RSS for the local
   engine and, for Ray, the largest sum of PSS over the process tree (driver, Ray's
   daemons and workers) sampled twice a second. The two outputs are compared byte for byte.
3. Stream against in-memory: the first ``--memory-sentences`` sentences of that corpus
   tagged by the streaming command and by the in-memory path (read all, tag all, write
   all; as in ``benchmarks/stream_predict.py``), both with ``--threads`` threads.

    .venv/bin/python benchmarks/scale_out.py [--sentences N] [--memory-sentences M]
        [--words-per-sentence W] [--train-sentences T] [--epochs E] [--preset NAME]
        [--seed S] [--threads N] [--json OUT]

``--json OUT`` keys: ``single_dev_accuracy``, ``ddp_dev_accuracy``,
``single_train_words_per_second``, ``ddp_train_words_per_second``, ``single_train_seconds``,
``ddp_train_seconds``, ``stream_words_per_second``, ``stream_peak_gib``,
``memory_words_per_second``, ``memory_peak_gib``, ``memory_stream_words_per_second``,
``stream_vs_memory`` (throughput ratio), ``ray_words_per_second``, ``ray_peak_gib``,
``ray_speedup`` (Ray over the local engine; ``null`` where Ray is absent),
``ray_output_identical``, ``sentences``, ``words``, ``memory_sentences``, ``load_average``.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stream_predict import EWT_TRAIN, IN_MEMORY, write_corpus  # noqa: E402

EWT_DEV = EWT_TRAIN.with_name("en_ewt-ud-dev.conllu")
GIB = 1 << 30


class TreeMemory:
    """The largest memory of a process and its descendants, sampled from ``/proc`` (PSS where the kernel has it)."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        """Stop sampling; the peak in GiB."""
        self._stop.set()
        self._thread.join()
        return self.peak / GIB

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, sum(map(_process_bytes, _tree(self.pid))))


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _process_bytes(pid: int) -> int:
    """A process's proportional set size (its RSS where PSS is not available); 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def run(command: list[str], threads: int | None = 1) -> tuple[float, float, float]:
    """``(wall seconds, own peak RSS GiB, process-tree peak GiB)`` of ``command`` run as a process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("OMP_NUM_THREADS", None)
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: Ray's daemons may hold it a moment longer
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors, cwd=ROOT)
        tree = TreeMemory(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        tree_peak = tree.stop()
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode(errors='replace')[-3000:]}")
    return wall, usage.ru_maxrss / (1 << 20), tree_peak


def train(folder: Path, args: argparse.Namespace, nproc: int) -> dict[str, float]:
    """Train once with ``nproc`` processes; words/s, dev accuracy and seconds of the saved model's run."""
    from tagger_gui.core.formats import read_file

    out = folder / f"model_{nproc}"
    command = [sys.executable, "-m", "tagger_gui", "train", str(folder / "train.conllu"), "--dev", str(EWT_DEV),
               "--out", str(out), "--preset", args.preset, "--epochs", str(args.epochs), "--seed", str(args.seed),
               "--device", "cpu", "--max-minutes", "0", "--nproc", str(nproc)]
    wall, _, _ = run(command)
    info = json.loads((out / "model.json").read_text(encoding="utf-8"))["info"]
    words = sum(len(s.tokens) for s in read_file(folder / "train.conllu"))
    seconds = sum(epoch["seconds"] for epoch in info["history"])
    figures = {"words_per_second": words * len(info["history"]) / seconds, "dev_accuracy": info["best_dev_accuracy"],
               "seconds": wall}
    print(f"train, {nproc} process{'es' if nproc > 1 else ''}: {figures['words_per_second']:,.0f} words/s, "
          f"dev accuracy {figures['dev_accuracy']:.2%} (best of {len(info['history'])} epochs), {wall:.0f} s wall",
          flush=True)
    return figures


def tag(model: Path, corpus: Path, out: Path, words: int, threads: int, *engine: str) -> tuple[float, float, float]:
    """``(words/s, own peak GiB, tree peak GiB)`` of ``tagger-gui predict`` on ``corpus``."""
    command = [sys.executable, "-m", "tagger_gui", "predict", str(model), str(corpus), "--out", str(out), *engine]
    wall, peak, tree_peak = run(command, threads)
    print(f"predict {' '.join(engine) or '(local engine)'}: {wall:.1f} s, {words / wall:,.0f} words/s, "
          f"peak {peak:.2f} GiB (process tree {tree_peak:.2f} GiB)", flush=True)
    return words / wall, peak, tree_peak


def training_figures(folder: Path, args: argparse.Namespace) -> dict[str, float]:
    """Train on 1 and on 2 processes (writes the EWT slice first)."""
    from tagger_gui.core.formats import read_file, write_file

    write_file(folder / "train.conllu", read_file(EWT_TRAIN)[: args.train_sentences])
    results = {}
    for name, nproc in (("single", 1), ("ddp", 2)):
        figures = train(folder, args, nproc)
        results.update({f"{name}_train_words_per_second": figures["words_per_second"],
                        f"{name}_dev_accuracy": figures["dev_accuracy"], f"{name}_train_seconds": figures["seconds"]})
    return results


def tagging_figures(folder: Path, args: argparse.Namespace) -> dict[str, float | bool | None]:
    """The big streaming run (local and Ray), then stream against in-memory on the smaller corpus."""
    model, big, small = folder / "model_1", folder / "big.jsonl", folder / "small.jsonl"
    words = write_corpus(big, args.sentences, args.words_per_sentence)
    print(f"corpus: {args.sentences:,} sentences, {words:,} words", flush=True)
    results: dict[str, float | bool | None] = {"sentences": args.sentences, "words": words}
    results["stream_words_per_second"], results["stream_peak_gib"], _ = tag(model, big, folder / "l.jsonl", words,
                                                                            args.threads)
    results.update(ray_words_per_second=None, ray_peak_gib=None, ray_speedup=None, ray_output_identical=None)
    if importlib.util.find_spec("ray") is not None:
        speed, _, tree_peak = tag(model, big, folder / "r.jsonl", words, 1, "--engine", "ray", "--workers", "2")
        results.update(ray_words_per_second=speed, ray_peak_gib=tree_peak,
                       ray_speedup=speed / results["stream_words_per_second"],
                       ray_output_identical=filecmp.cmp(folder / "l.jsonl", folder / "r.jsonl", shallow=False))
        print(f"Ray (2 workers) / local: {results['ray_speedup']:.2f}x, same output: {results['ray_output_identical']}")
    else:
        print("Ray is not installed (pip install 'tagger-gui[cluster]'): no Ray figures")
    small_words = write_corpus(small, min(args.memory_sentences, args.sentences), args.words_per_sentence)
    stream, _, _ = tag(model, small, folder / "s.jsonl", small_words, args.threads)
    wall, memory_peak, _ = run([sys.executable, "-c", IN_MEMORY, str(model), str(small), str(folder / "m.jsonl")],
                               args.threads)
    print(f"in-memory predict: {wall:.1f} s, {small_words / wall:,.0f} words/s, peak {memory_peak:.2f} GiB")
    results.update(memory_sentences=min(args.memory_sentences, args.sentences), memory_stream_words_per_second=stream,
                   memory_words_per_second=small_words / wall, memory_peak_gib=memory_peak,
                   stream_vs_memory=stream / (small_words / wall))
    print(f"stream / in-memory throughput: {results['stream_vs_memory']:.2f}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=2_000_000)
    parser.add_argument("--memory-sentences", type=int, default=200_000)
    parser.add_argument("--words-per-sentence", type=int, default=8)
    parser.add_argument("--train-sentences", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--preset", default="fast")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1, help="threads of the local tagging runs")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not EWT_TRAIN.exists():
        raise SystemExit(f"UD English-EWT not found at {EWT_TRAIN.parent}")
    with tempfile.TemporaryDirectory() as folder:
        results = training_figures(Path(folder), args)
        results.update(tagging_figures(Path(folder), args))
    results["load_average"] = os.getloadavg()[0]
    print(f"dev accuracy 1 process {results['single_dev_accuracy']:.2%}, 2 processes {results['ddp_dev_accuracy']:.2%}; "
          f"load average (1 min) at the end: {results['load_average']:.2f} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
