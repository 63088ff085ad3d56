"""Free heap memory goes back to the system between the chunks of a long run."""

from __future__ import annotations

import os

import pytest

from tagger_gui.ml.heap import release_free_heap


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_free_pages_below_a_live_block_are_returned():
    if release_free_heap() is None:
        pytest.skip("the C library has no malloc_trim (not glibc)")
    blocks, keepers = [], []
    for _ in range(400):  # 40 MB of heap blocks (under the mmap threshold), each followed by a live one
        blocks.append(bytearray(b"x" * 100_000))
        keepers.append(bytearray(b"y" * 1_000))
    del blocks
    before = _resident_bytes()
    assert release_free_heap() is True
    assert before - _resident_bytes() > 20_000_000
    assert all(k[0] == ord("y") for k in keepers)
