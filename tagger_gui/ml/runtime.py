"""Process-wide settings, all in one place: what each one is for and when it is applied.

Every entry point applies them once at start-up: ``configure_environment`` when the
``ml`` package is first imported (before PyTorch creates anything), ``configure_torch``
before the first training (the trainer calls it), and ``configure_ui_process`` when the
window's application starts. ``freeze_long_lived`` is the one way to move large
long-lived data out of the garbage collector's scans.

- ``ONEDNN_PRIMITIVE_CACHE_CAPACITY=64`` (unless already set): every distinct batch shape
  gets its own cached LSTM primitive; with the default capacity the cache kept growing
  by tens of MiB per epoch on EWT, and 64 entries was also slightly faster. oneDNN reads
  it when it creates its first primitive.
- Denormal floats flushed to zero: tiny values, common late in training, are slow on
  CPUs; flushing does not change results measurably.
- GIL switch interval 1 ms (window only): a training thread runs long stretches of
  Python between PyTorch calls; with the default 5 ms the UI thread waited up to
  180 ms for its turn (``benchmarks/gui_training.py``); 1 ms keeps events under 50 ms.
- ``gc.freeze`` after loading a corpus or snapshotting training data: hundreds of
  thousands of long-lived objects would otherwise be rescanned by every full
  collection, stalling key presses for 20+ ms (or a third of a second in the window
  while training).
"""

from __future__ import annotations

import gc
import os
import sys

ONEDNN_CACHE_CAPACITY = "64"
UI_SWITCH_INTERVAL_S = 0.001


def configure_environment() -> None:
    """Environment variables read by native libraries; must run before PyTorch creates a primitive."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", ONEDNN_CACHE_CAPACITY)


def configure_torch() -> None:
    """PyTorch's process-wide numeric settings (idempotent)."""
    import torch

    torch.set_flush_denormal(True)


def warm_up() -> None:
    """Pay PyTorch's one-time start-up costs now (about 0.7 s here).

    Creating the first optimizer imports large parts of PyTorch lazily, and those
    imports hold the interpreter lock long enough to freeze a window for a third
    of a second. The app calls this at launch, so a later training run starts smoothly.
    """
    import torch

    torch.optim.Adam([torch.zeros(1, requires_grad=True)])


def configure_ui_process() -> None:
    """Settings for a process that shows the window and trains in a thread beside it."""
    sys.setswitchinterval(UI_SWITCH_INTERVAL_S)


def freeze_long_lived() -> None:
    """Move every object alive now out of the cyclic GC's full scans (see the module docstring)."""
    gc.freeze()
