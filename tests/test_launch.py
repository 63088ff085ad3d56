"""The ``tagger-gui`` entry point: start-up without garbage collection, then the command as ``cli.main`` runs it."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, sys
import tagger_gui.cli
def probe(argv=None):
    print(gc.isenabled(), gc.get_freeze_count() > 10_000, sys.argv[1:])
    return 3
tagger_gui.cli.main = probe
from tagger_gui.launch import main
sys.exit(main())
"""


def test_the_command_runs_with_the_collector_on_and_start_up_frozen():
    child = subprocess.run([sys.executable, "-c", PROBE, "predict", "--help"], capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == 3, child.stderr
    assert child.stdout.strip() == "True True ['predict', '--help']"


def test_python_m_tagger_gui_is_the_same_command():
    child = subprocess.run([sys.executable, "-m", "tagger_gui", "convert", "--help"], capture_output=True,
                           text=True, timeout=120)
    assert child.returncode == 0 and "usage: tagger-gui convert" in child.stdout
