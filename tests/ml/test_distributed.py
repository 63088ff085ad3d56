"""Distributed training: rank shares of the batches, and real 2-rank gloo runs through ``train --nproc 2``.

The runs go through a subprocess (``python -m tagger_gui``), as a user's would: the
elastic launcher installs signal handlers and starts its own processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tagger_gui.cli import main
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import write_file
from tagger_gui.ml.batching import length_batches, rank_share
from tagger_gui.ml.bundle import load_bundle
from tagger_gui.ml.distributed import join_from_environment

ROOT = Path(__file__).resolve().parents[2]
WORDS = {"DET": ["the", "a", "this"], "NOUN": ["dog", "cat", "book", "tree"], "VERB": ["ate", "saw", "read"]}
FAULT = '''
import os, signal
if os.environ.get("RANK") == "1":  # rank 1 fails at its third batch
    from tagger_gui.ml import training
    _step = training.Trainer._step
    def _failing(self, batch, run):
        if run.step >= 2:
            KILL
        return _step(self, batch, run)
    training.Trainer._step = _failing
'''
STOP = '''
import os
if os.environ.get("RANK") == "1":  # rank 1 alone is told to stop in the second epoch
    from tagger_gui.ml import training
    _interruption = training.Trainer._interruption
    training.Trainer._interruption = staticmethod(lambda run: "cancelled" if run.step >= 25 else _interruption(run))
'''
"""``sitecustomize`` modules put on the ranks' path by the tests alone."""


def _sentences(count: int, seed: int) -> list[Sentence]:
    pattern = ["DET", "NOUN", "VERB", "DET", "NOUN"]
    return [Sentence.from_words([WORDS[t][(i * 5 + j * 2 + seed) % len(WORDS[t])] for j, t in enumerate(pattern)],
                                pattern) for i in range(count)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ddp")
    paths = {"train": folder / "train.tsv", "dev": folder / "dev.tsv"}
    write_file(paths["train"], _sentences(40, 0))
    write_file(paths["dev"], _sentences(8, 1))
    return paths


def _train(
    corpus: dict[str, Path], out: Path, *extra: str, path: str = "", timeout: str = "30"
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (path, str(ROOT)) if p), "OMP_NUM_THREADS": "1",
           "TAGGER_GUI_DDP_TIMEOUT": timeout}
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    command = [sys.executable, "-m", "tagger_gui", *_arguments(corpus, out, *extra)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


def _arguments(corpus: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return ["train", str(corpus["train"]), "--dev", str(corpus["dev"]), "--out", str(out), "--preset", "tutorial",
            "--epochs", "2", "--seed", "1", "--device", "cpu", *extra]


def test_rank_shares_are_disjoint_equal_and_seeded():
    lengths = np.array([3, 5, 3, 3, 7, 5, 5, 3, 7, 2, 2])
    batches = length_batches(lengths, 2, rng=np.random.default_rng(4))
    shares = [rank_share(batches, rank, 2) for rank in range(2)]
    assert len(shares[0]) == len(shares[1]) == len(batches) // 2
    taken = [int(i) for share in shares for batch in share for i in batch]
    assert len(taken) == len(set(taken))  # no sentence on two ranks in one epoch
    again = length_batches(lengths, 2, rng=np.random.default_rng(4))
    assert all(np.array_equal(a, b) for a, b in zip(rank_share(again, 1, 2), shares[1]))


def test_ranks_split_each_batch_so_a_step_learns_from_one_processs_batch():
    from types import SimpleNamespace

    from tagger_gui.ml.config import preset_config
    from tagger_gui.ml.training import Trainer

    trainer, data = Trainer(preset_config("default", batch_size=16)), SimpleNamespace(lengths=np.array([5, 7] * 64))
    alone = trainer._batches(SimpleNamespace(data=data, world=None), np.random.default_rng(1))
    ranks = [trainer._batches(SimpleNamespace(data=data, world=SimpleNamespace(rank=r, size=2)), np.random.default_rng(1))
             for r in range(2)]
    assert len(ranks[0]) == len(ranks[1]) == len(alone) == 8  # the same number of steps per epoch
    assert {len(b) for b in alone} == {16} and {len(b) for share in ranks for b in share} == {8}
    assert sorted(int(i) for share in ranks for b in share for i in b) == list(range(128))


def test_fewer_batches_than_ranks_gives_every_rank_one():
    batches = [np.array([0]), np.array([1])]
    assert [rank_share(batches, rank, 3)[0][0] for rank in range(3)] == [0, 1, 0]


def test_no_process_group_outside_torchrun(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert join_from_environment("cpu") is None
    monkeypatch.setenv("WORLD_SIZE", "1")
    assert join_from_environment("cpu") is None


def test_a_rank_process_ends_with_its_status_and_what_it_printed():
    """``end_rank`` skips Python's finalisation (gloo's threads may still run then), not the printed lines."""
    code = ("import sys; from tagger_gui.ml.distributed import end_rank; "
            "print('saved'); print('note', file=sys.stderr); end_rank(3)")
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # a pipe buffers
    ended = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    assert (ended.returncode, ended.stdout, ended.stderr) == (3, "saved\n", "note\n")


def test_two_ranks_train_a_model_with_the_single_process_vocabulary(corpus, tmp_path):
    two = _train(corpus, tmp_path / "two", "--nproc", "2")
    assert two.returncode == 0, two.stderr
    assert "Saved" in two.stdout and two.stdout.count("Saved") == 1  # rank 0 alone saves and reports
    assert main(_arguments(corpus, tmp_path / "one")) == 0
    ddp, single = load_bundle(tmp_path / "two"), load_bundle(tmp_path / "one")
    assert ddp.vocab.to_dict() == single.vocab.to_dict()
    prediction = ddp.predict([["the", "dog", "saw", "a", "cat"]])[0]
    assert len(prediction.best) == 5 and set(prediction.best) <= {"DET", "NOUN", "VERB"}


@pytest.mark.parametrize("kill, status, said", [
    ('raise RuntimeError("injected fault")', "2", "training process rank 1 of 2: injected fault"),
    ("os.kill(os.getpid(), signal.SIGKILL)", "-9", ""),  # a killed rank says nothing itself
    ("__import__('time').sleep(120)", "-15", "rank 0 of 2: lost contact"),  # hung: rank 0 gives up after 5 s
])
def test_a_failing_rank_ends_the_run_with_one_message_naming_it(corpus, tmp_path, kill, status, said):
    (tmp_path / "fault").mkdir()
    (tmp_path / "fault" / "sitecustomize.py").write_text(FAULT.replace("KILL", kill))
    started = time.monotonic()
    run = _train(corpus, tmp_path / "model", "--nproc", "2", path=str(tmp_path / "fault"), timeout="5")
    assert time.monotonic() - started < 30
    assert run.returncode == 1
    assert said in run.stderr
    assert f"training process rank 1 ended with exit status {status};" in run.stderr.splitlines()[-1]
    assert not (tmp_path / "model").exists()  # nothing half-written


def test_a_stop_on_one_rank_stops_every_rank_at_the_same_batch(corpus, tmp_path):
    # Ctrl+C or the time limit seen by rank 1 alone: unagreed, rank 0 would wait for it in vain.
    (tmp_path / "stop").mkdir()
    (tmp_path / "stop" / "sitecustomize.py").write_text(STOP)
    run = _train(corpus, tmp_path / "model", "--nproc", "2", "--epochs", "50", path=str(tmp_path / "stop"))
    assert run.returncode == 0, run.stderr
    assert "Stopped by you after 1 of 50 epochs" in run.stdout and "lost contact" not in run.stderr
    assert load_bundle(tmp_path / "model").vocab.tags
