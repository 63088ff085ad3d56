"""Does the app hold a 100,000-sentence corpus: open, edit, save, reopen, with time and memory per step.

Builds a corpus of about 100,000 sentences (UD English-EWT train repeated), writes
it as a CoNLL-U file, then through the GUI code offscreen: opens it in a window,
tags tokens and undoes one (edits), saves it as a project, and opens that project
in a new window. Prints seconds and peak memory after each step.

    python benchmarks/scale.py [--sentences 100000] [--json OUT]

Targets (issue 6): open <= 10 s, save <= 5 s, peak memory <= 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tagger_gui.core.formats import read_file, write_file  # noqa: E402

EWT_TRAIN = REPO.parent / "shared" / "data" / "ud-english-ewt" / "en_ewt-ud-train.conllu"


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def build_corpus_file(target: int, folder: Path) -> Path:
    """EWT train repeated until ``target`` sentences (ids stay unique: the corpus suffixes repeats)."""
    base = read_file(EWT_TRAIN)
    sentences = [base[i % len(base)].copy() for i in range(target)]
    path = folder / "big.conllu"
    write_file(path, sentences)
    return path


class Steps:
    """Times each step and records peak memory after it."""

    def __init__(self, app) -> None:
        self.app, self.figures = app, {}

    def run(self, name: str, action):
        started = time.perf_counter()
        result = action()
        self.app.processEvents()
        self.figures[f"{name}_s"] = round(time.perf_counter() - started, 2)
        self.figures[f"{name}_peak_gib"] = round(peak_gib(), 2)
        print(f"{name:8s} {self.figures[f'{name}_s']:7.2f} s   peak memory {self.figures[f'{name}_peak_gib']:.2f} GiB",
              flush=True)
        return result


def open_window(path: Path, settings):
    from tagger_gui.gui.app import build_window

    settings.setValue("assist/enabled", False)  # the edits must not start a background retrain: files only
    window, error = build_window(path, settings)
    if error:
        raise SystemExit(error)
    window.show()
    return window


def edit(window) -> None:
    document = window.document
    for row in range(0, len(document.corpus), len(document.corpus) // 50):
        document.set_tag(row, 0, "X")
    document.undo_stack.undo()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    from PySide6.QtCore import QSettings, QStandardPaths

    from tagger_gui.gui.app import create_application

    app = create_application()
    QStandardPaths.setTestModeEnabled(True)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        settings = QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat)
        corpus_file = build_corpus_file(args.sentences, folder)
        steps = Steps(app)
        window = steps.run("open", lambda: open_window(corpus_file, settings))
        words = window.document.corpus.word_count
        print(f"         {len(window.document.corpus):,} sentences, {words:,} words")
        steps.run("edit", lambda: edit(window))
        steps.run("save", lambda: window.document.save(folder / "big.tagproj"))
        window.close()
        reopened = steps.run("reopen", lambda: open_window(folder / "big.tagproj", settings))
        assert len(reopened.document.corpus) == args.sentences
        reopened.document.undo_stack.setClean()
        reopened.close()
        figures = {"sentences": args.sentences, "words": words, **steps.figures}
    print("targets: open <= 10 s, save <= 5 s, peak memory <= 2 GiB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
