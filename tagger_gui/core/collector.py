"""Pausing Python's cyclic garbage collector while a reader builds a corpus.

Reading a corpus makes hundreds of thousands of small objects (a ``Token`` per word,
a list per sentence), none of them in a reference cycle, and each allocation burst
makes the collector walk every live object again, the torch modules and the corpus
read so far included. With torch imported, reading EWT train (204,577 words, CoNLL-U)
took 0.69-0.79 s with the collector running and 0.39 s with it paused; loading it as a
project 0.90 s and 0.46 s.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without cyclic collection; the collector is back on after it if it was on before.

    The switch is process-wide: a block in another thread runs without collection too,
    and the first of two overlapping blocks to end turns it back on (never off for good).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
