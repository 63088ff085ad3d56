"""Free heap memory goes back to the system between the chunks of a long run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tagger_gui.ml.heap import release_free_heap

REPO = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: in a process whose heap earlier tests left full of holes, the small
# live blocks land in old holes, the big ones end up together at the top, and free() trims them itself.
_FRAGMENT_AND_RELEASE = """
import os
from tagger_gui.ml.heap import release_free_heap

def resident():
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

blocks, keepers = [], []
for _ in range(400):  # 40 MB of heap blocks (under the mmap threshold), each followed by a live one
    blocks.append(bytearray(b"x" * 100_000))
    keepers.append(bytearray(b"y" * 1_000))
del blocks
before = resident()
released = release_free_heap()
assert all(k[0] == ord("y") for k in keepers)
print(released, before - resident())
"""


def test_free_pages_below_a_live_block_are_returned():
    if release_free_heap() is None:
        pytest.skip("the C library has no malloc_trim (not glibc)")
    run = subprocess.run([sys.executable, "-c", _FRAGMENT_AND_RELEASE], cwd=REPO, capture_output=True, text=True,
                         check=True)
    released, returned_bytes = run.stdout.split()
    assert released == "True"
    assert int(returned_bytes) > 20_000_000
