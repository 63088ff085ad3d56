"""Give the heap's free memory back to the system between the chunks of a long run (glibc).

Tagging a large file allocates and frees the same sizes of tensors chunk after chunk.
glibc keeps freed heap memory for reuse, but the long-lived pieces of each chunk leave
it in holes that later allocations do not fill, and the process grows with the input.
Measured with ``tagger-gui predict`` (one thread, ``fast`` model): over 600,000 sentences
glibc's ``mallinfo2`` showed the heap's free part growing from 0.12 to 0.23 GiB while the
part in use stayed flat. ``malloc_trim(0)`` once per chunk returns those free pages: on
2 million sentences a peak of 0.69 GiB instead of 0.91 GiB, about 4% slower (0.69 GiB
again in ``benchmarks/scale_out.py``); after every batch it held memory flat too but
cost 30%.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or ``None`` where the C library has none (macOS, Windows, musl)."""
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim") if name else None
    except (OSError, AttributeError):
        return None


def release_free_heap() -> bool | None:
    """Return the heap's free pages to the system: ``True`` if some were, ``None`` where not supported."""
    trim = _malloc_trim()
    return None if trim is None else bool(trim(0))
