"""Streaming tagging: peak memory and words/s of ``tagger-gui predict`` as a process (a script, not a test).

Writes a generated corpus of ``--sentences`` short sentences (JSONL, words drawn from
UD English EWT when it is present) to a temporary folder, and tags it in separate
processes: with ``tagger-gui predict`` (streaming) and with the in-memory path (read
everything, tag everything, write everything). For each it prints the peak RSS and the
words/s after start-up: words / (wall time - start-up), the start-up being the wall
time of a process that only imports the command (the median of ``--repeats``).
Both runs use ``--threads`` threads (default 1), so that they compare the paths, not thread counts.
With ``--ewt`` it also times ``tagger-gui predict`` on EWT train as a process.

Without ``--model`` an untrained model of the ``fast`` preset (seeded) is used: the
same computation as a trained one. The machine's load average is printed with the figures.

    .venv/bin/python benchmarks/stream_predict.py [--model DIR] [--sentences N] [--words-per-sentence W]
        [--repeats R] [--threads N] [--ewt] [--json OUT]

``--json OUT`` keys: ``stream_peak_gib``, ``memory_peak_gib``, ``stream_words_per_second``,
``memory_words_per_second``, ``stream_vs_memory`` (throughput ratio), ``startup_seconds``,
``load_average``; with ``--ewt`` also ``predict_process_seconds`` (whole process, median)
and ``predict_words_per_second`` (after start-up).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EWT_TRAIN = ROOT.parent / "shared/data/ud-english-ewt/en_ewt-ud-train.conllu"
EWT_WORDS = 204_577

IN_MEMORY = """
import sys
import tagger_gui.cli
from tagger_gui.core.formats import read_file, write_file
from tagger_gui.ml.bundle import load_bundle
tagger = load_bundle(sys.argv[1], device="cpu")
sentences = read_file(sys.argv[2])
for sentence, prediction in zip(sentences, tagger.predict([s.words for s in sentences])):
    for token, tag in zip(sentence.tokens, prediction.best):
        token.tag = tag
write_file(sys.argv[3], sentences)
"""


def run_process(args: list[str], threads: int | None = None) -> tuple[float, float]:
    """``(wall seconds, peak RSS in GiB)`` of one process running ``args`` (with ``threads`` if given)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{error}")
    return wall, usage.ru_maxrss / (1 << 20)  # KiB on Linux


def timed(args: list[str], repeats: int, threads: int | None = None) -> tuple[float, float]:
    """Median wall seconds and largest peak RSS (GiB) over ``repeats`` runs."""
    runs = [run_process(args, threads) for _ in range(repeats)]
    return statistics.median(w for w, _ in runs), max(m for _, m in runs)


def make_model(folder: Path) -> Path:
    """An untrained ``fast`` model with a vocabulary of EWT's words (or of the generated ones)."""
    import torch

    from tagger_gui.core.formats import read_file
    from tagger_gui.ml.bundle import save_bundle
    from tagger_gui.ml.config import preset_config
    from tagger_gui.ml.model import build_model
    from tagger_gui.ml.predict import Tagger
    from tagger_gui.ml.vocab import Vocab

    sentences = [s.words for s in read_file(EWT_TRAIN)] if EWT_TRAIN.exists() else [_fallback_words()]
    config = preset_config("fast")
    vocab = Vocab.build(sentences, ["NOUN", "VERB", "DET", "ADJ", "PUNCT"], suffix_length=config.suffix_length)
    torch.manual_seed(0)
    save_bundle(Tagger(build_model(config, vocab), vocab, config), folder / "model")
    return folder / "model"


def _fallback_words() -> list[str]:
    return [f"{stem}{ending}" for stem in ("walk", "talk", "Cat", "dog", "2019", "run") for ending in ("", "s", "ed", "ing")]


def write_corpus(path: Path, sentences: int, words_per_sentence: int) -> int:
    """A JSONL file of ``sentences`` sentences cut from EWT's (cycled); returns its word count."""
    from tagger_gui.core.formats import read_file

    pool = [s.words[:words_per_sentence] for s in read_file(EWT_TRAIN)] if EWT_TRAIN.exists() else [_fallback_words()]
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(sentences):
            words = pool[i % len(pool)]
            total += len(words)
            out.write(json.dumps({"tokens": words}, ensure_ascii=False) + "\n")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--words-per-sentence", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of the stream and in-memory runs (the same for both); --ewt chooses its own")
    parser.add_argument("--ewt", action="store_true", help="also time predict on EWT train as a process")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    python = sys.executable
    results: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        model = args.model or make_model(folder)
        corpus = folder / "corpus.jsonl"
        words = write_corpus(corpus, args.sentences, args.words_per_sentence)
        startup, _ = timed([python, "-m", "tagger_gui", "predict", "--help"], args.repeats)
        results["startup_seconds"] = startup
        print(f"start-up (imports): {startup:.2f} s; corpus: {args.sentences:,} sentences, {words:,} words", flush=True)
        command = [python, "-m", "tagger_gui", "predict", str(model)]
        for name, process in (("stream", command + [str(corpus), "--out", str(folder / "s.jsonl"), "--device", "cpu"]),
                              ("memory", [python, "-c", IN_MEMORY, str(model), str(corpus), str(folder / "m.jsonl")])):
            wall, peak = timed(process, 1, args.threads)
            results[f"{name}_peak_gib"] = peak
            results[f"{name}_words_per_second"] = words / max(wall - startup, 1e-9)
            print(f"{name:>6}: {wall:.1f} s, {results[f'{name}_words_per_second']:,.0f} words/s after start-up, "
                  f"peak RSS {peak:.2f} GiB", flush=True)
        results["stream_vs_memory"] = results["stream_words_per_second"] / results["memory_words_per_second"]
        print(f"stream / in-memory throughput: {results['stream_vs_memory']:.2f}")
        if args.ewt and EWT_TRAIN.exists():
            wall, peak = timed(command + [str(EWT_TRAIN), "--out", str(folder / "ewt.conllu")], args.repeats)
            results["predict_process_seconds"] = wall
            results["predict_words_per_second"] = EWT_WORDS / max(wall - startup, 1e-9)
            print(f"predict on EWT train as a process: {wall:.2f} s wall, "
                  f"{results['predict_words_per_second']:,.0f} words/s after start-up, peak RSS {peak:.2f} GiB")
    results["load_average"] = os.getloadavg()[0]
    print(f"load average (1 min) at the end: {results['load_average']:.2f} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
