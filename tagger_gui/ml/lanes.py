"""Tagging batches in parallel lanes: one CPU thread per lane instead of several threads per batch.

An LSTM steps through a sentence word by word, and each step is too small a piece of
work to share between threads: tagging EWT train with the ``default`` model (bf16 on
2 cores, encoded forms ready) took 1.38-1.41 s with 2 threads on every batch, and
0.99-1.04 s with the batches dealt to 2 lanes that each run one thread, with the same
scores to the bit. The work is native code that releases the GIL, so Python threads
suffice. The lanes are as many as the calling thread's torch thread count (which the
``ThreadTuner`` adapts to the machine's load), on the CPU only: a GPU takes one lane.

OpenMP keeps a thread count per thread, so a lane's single thread leaves the caller's
count alone; what ``torch.set_num_threads`` also sets for threads started later, a lane
puts back as it ends.
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence, TypeVar

import torch

Batch = TypeVar("Batch")


def lane_count(device: torch.device, batches: int) -> int:
    """How many lanes to tag ``batches`` batches on ``device`` in: the caller's CPU threads, at most one per batch."""
    if device.type != "cpu":
        return 1
    return max(1, min(torch.get_num_threads(), batches))


def dealt(batches: Sequence[Batch], costs: Sequence[int], lanes: int) -> list[list[Batch]]:
    """``batches`` dealt to ``lanes`` lists of about equal total cost (the costliest first, each to the least loaded)."""
    shares: list[list[Batch]] = [[] for _ in range(lanes)]
    loads = [0] * lanes
    for index in sorted(range(len(batches)), key=lambda i: -costs[i]):
        lane = loads.index(min(loads))
        shares[lane].append(batches[index])
        loads[lane] += costs[index]
    return shares


def run_lanes(work: Callable[[Sequence[Batch]], None], shares: Sequence[Sequence[Batch]]) -> None:
    """``work(share)`` for every share: one share in this thread as it is, several each in a thread of one CPU thread.

    The first error of a lane is raised here, after every lane has ended.
    """
    if len(shares) == 1:
        work(shares[0])
        return
    threads = torch.get_num_threads()
    errors: list[BaseException] = []

    def lane(share: Sequence[Batch]) -> None:
        torch.set_num_threads(1)
        try:
            work(share)
        except BaseException as error:  # raised in the caller
            errors.append(error)
        finally:
            torch.set_num_threads(threads)  # the default for threads started later (see the module's note)

    running = [threading.Thread(target=lane, args=(share,), name=f"tagging-lane-{i}") for i, share in enumerate(shares)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    if errors:
        raise errors[0]
