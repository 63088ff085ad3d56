"""Screenshots of the window at laptop and desktop sizes, with a trained model and real data.

Opens the first ``--sentences`` sentences of UD English-EWT dev (the last fifth marked
dev) offscreen through ``build_window``, as ``tagger-gui FILE`` does; sets a one-epoch
model, then trains a two-epoch one in the window (the Training dock's plot and log,
and What changed between the two), evaluates on dev, finds likely errors (2 folds,
1 epoch) and types a sentence into Try it. Then, at each size, it shows a long
sentence in the tag editor and saves ``window.grab()`` with each group of docks
raised, plus the tag rename dialog, as PNGs under ``out/screenshots/`` (git-ignored).
Look at them: every region must be readable.

    QT_QPA_PLATFORM=offscreen python benchmarks/screenshots.py [--sentences 300]
        [--sizes 1280x800,1920x1080] [--zoom STEPS] [--out DIR]

Takes about a minute on one core (two short trainings and the error finder).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_DATA = REPO.parent / "shared" / "data" / "ud-english-ewt" / "en_ewt-ud-dev.conllu"
TRY_TEXT = "The committee will review the proposal on Tuesday, and they expect a decision by March."
LONG_SENTENCE_TOKENS = 30
"""The editor shows the sentence closest to this length: at 1280 px its cards wrap onto two or more rows."""

SHOTS = (  # name, docks raised (right-hand group, bottom group)
    ("editor_training_scores", ("trainingDock", "scoresDock")),
    ("evaluation_tryit", ("evaluationDock", "tryItDock")),
    ("errors_changes", ("reviewDock", "changesDock")),
    ("tagset_scores", ("tagSetDock", "scoresDock")),
)


def wait_until(app, done, timeout_s: float = 300.0, what: str = "") -> None:
    """Process events until ``done()`` is true; exit with a message after ``timeout_s``."""
    start = time.monotonic()
    while not done():
        app.processEvents()
        time.sleep(0.02)
        if time.monotonic() - start > timeout_s:
            raise SystemExit(f"timed out waiting for {what}")


def settle(app, seconds: float = 0.5) -> None:
    """Process events for ``seconds``: dock animations and delayed layouts finish before a grab."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def first_sentences(path: Path, count: int) -> Path:
    """A temporary CoNLL-U file holding the first ``count`` sentences of ``path``."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")[:count]
    out = Path(tempfile.mkdtemp(prefix="tagger-shots-")) / f"{path.stem}-first{count}.conllu"
    out.write_text("\n\n".join(blocks) + "\n\n", encoding="utf-8")
    return out


def open_window(data: Path, count: int, zoom: int):
    from PySide6.QtCore import QSettings

    from tagger_gui.core.corpus import Split
    from tagger_gui.gui.app import build_window

    settings = QSettings(str(Path(tempfile.mkdtemp(prefix="tagger-shots-")) / "shots.ini"), QSettings.Format.IniFormat)
    window, error = build_window(first_sentences(data, count), settings)
    if error:
        raise SystemExit(error)
    for _ in range(abs(zoom)):
        (window.zoom.zoom_in if zoom > 0 else window.zoom.zoom_out)()
    corpus = window.document.corpus
    window.document.set_split(range(len(corpus) * 4 // 5, len(corpus)), Split.DEV)
    window.training._user_prefers_new = lambda outcome: True  # never a modal question offscreen
    window.resize(1280, 800)
    window.show()
    return window


def train_models(app, window) -> None:
    """A one-epoch model set directly, then a two-epoch run in the window: plot, log and What changed."""
    from tagger_gui.ml.config import preset_config
    from tagger_gui.ml.training import Trainer

    session = window.document.session
    data = session.training_data()
    first = Trainer(preset_config("default", epochs=1)).fit(data.train, data.dev, tagset=data.tagset)
    session.set_tagger(first.tagger)
    wait_until(app, lambda: window.assist.store.is_complete, what="the first corpus prediction")
    window.training_panel.set_config(preset_config("default", epochs=2))
    if not window.training.start():
        raise SystemExit("training did not start")
    wait_until(app, lambda: session.jobs.is_free and not window.training.is_running, what="training")
    wait_until(app, lambda: session.jobs.is_free and window.assist.store.is_complete, what="the second prediction")


def evaluate_and_review(app, window) -> None:
    session = window.document.session
    panel = window.evaluation_panel
    panel.split_combo.setCurrentIndex(panel.split_combo.findData("dev"))
    window._on_evaluate()
    wait_until(app, lambda: session.jobs.is_free and panel.run is not None, what="evaluation")
    if panel.confusion_model.rowCount() > 1:
        panel.show_cell(panel.confusion_model.tags[0], panel.confusion_model.tags[1])
    review = window.review_panel
    review.folds_spin.setValue(2)
    review.epochs_spin.setValue(1)
    window._on_find_errors()
    wait_until(app, lambda: session.jobs.is_free and review.result is not None, what="the error finder")
    window.assist.try_panel.set_text(TRY_TEXT)


def show_long_sentence(window) -> None:
    corpus = window.document.corpus
    row = min(range(len(corpus)), key=lambda r: abs(len(corpus[r].tokens) - LONG_SENTENCE_TOKENS))
    window.sentence_list.select_row(row)
    window.editor.show_sentence(row, 0)


def save_shots(app, window, size: tuple[int, int], out: Path, tag: str) -> list[Path]:
    """Resize ``window`` to ``size`` and save one PNG per entry of ``SHOTS`` and one of the rename dialog."""
    window.resize(*size)
    saved = []
    for name, docks in SHOTS:
        for dock in docks:
            window.docks[dock].raise_()
        settle(app)
        path = out / f"{size[0]}x{size[1]}{tag}_{name}.png"
        window.grab().save(str(path), "PNG")
        saved.append(path)
    saved.append(save_rename_dialog(app, window, out / f"{size[0]}x{size[1]}{tag}_rename_dialog.png"))
    return saved


def save_rename_dialog(app, window, path: Path) -> Path:
    dialog = window.tagset_panel.rename_dialog(window.document.corpus.tagset.names[0])
    dialog.show()
    settle(app)
    dialog.grab().save(str(path), "PNG")
    dialog.reject()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--sizes", default="1280x800,1920x1080")
    parser.add_argument("--zoom", type=int, default=0, help="View > Zoom in (>0) or out (<0) steps before the shots")
    parser.add_argument("--out", type=Path, default=REPO / "out" / "screenshots")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"no data at {args.data}")
    import torch
    from PySide6.QtCore import QStandardPaths

    from tagger_gui.gui.app import create_application

    torch.set_num_threads(1)
    app = create_application()
    QStandardPaths.setTestModeEnabled(True)  # the trained models go to a test folder, not the user's
    args.out.mkdir(parents=True, exist_ok=True)
    window = open_window(args.data, args.sentences, args.zoom)
    start = time.perf_counter()
    train_models(app, window)
    evaluate_and_review(app, window)
    show_long_sentence(window)
    print(f"trained, evaluated and reviewed in {time.perf_counter() - start:.0f} s")
    tag = f"_zoom{args.zoom:+d}" if args.zoom else ""
    for size in args.sizes.split(","):
        width, height = (int(v) for v in size.split("x"))
        for path in save_shots(app, window, (width, height), args.out, tag):
            print(path)
    window.document.session.jobs.shutdown()
    window.hide()  # not closed: that would ask whether to save the project
    return 0


if __name__ == "__main__":
    sys.exit(main())
