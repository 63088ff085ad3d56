"""Kill a process mid-save, many times: the project on disk is always whole, old or new."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

from tagger_gui.core.corpus import Sentence
from tagger_gui.core.project import Project

SAVER = r"""
import sys
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.project import Project

path = sys.argv[1]
project = Project.load(path)
generation = int(project.train_settings["generation"])
words = [f"w{i}" for i in range(40)]
project.corpus.reset([Sentence.from_words(words, ["X"] * 40) for _ in range(300)])
print("ready", flush=True)
while True:
    generation += 1
    project.train_settings["generation"] = generation
    project.save(path)
"""


def _generation(path) -> int:
    project = Project.load(path)
    assert len(project.corpus) in (1, 300)  # the seed project or a full save, never a torn one
    return int(project.train_settings["generation"])


def test_sigkill_during_saves_never_leaves_a_broken_project(tmp_path):
    path = tmp_path / "p.tagproj"
    seed = Project(train_settings={"generation": 0})
    seed.corpus.append_sentences([Sentence.from_words(["a"])])
    seed.save(path)
    rng = random.Random(7)
    kills, last = 0, 0
    deadline = time.monotonic() + 40
    while kills < 40 and time.monotonic() < deadline:
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait()
        kills += 1
        generation = _generation(path)
        assert generation >= last
        last = generation
    assert kills >= 10 and last > 0
    print(f"survived {kills} SIGKILLs during saves; last complete save was generation {last}")
    assert not [p.name for p in tmp_path.iterdir() if p.name != "p.tagproj" and not p.name.endswith(".tmp")]
    json.loads(path.read_text())
    Project.load(path).save(path)  # the next save removes what the killed saves left behind
    assert [p.name for p in tmp_path.iterdir()] == ["p.tagproj"]
