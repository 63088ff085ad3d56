"""Checkpoint averaging: the mean of the weights of the last few evaluated epochs (``TrainConfig.average_last``).

Late in a run the weights wander around a minimum from epoch to epoch; their mean
often sits nearer to it than any one of them. The trainer keeps CPU copies of the
weights of the last ``average_last`` epochs measured on dev, scores their mean on dev
once training ends, and keeps it only if it beats the best single epoch.
"""

from __future__ import annotations

from collections import deque

import torch


class LastCheckpoints:
    """CPU copies of the last ``count`` state dicts added, and their element-wise mean."""

    def __init__(self, count: int) -> None:
        self._states: deque[tuple[int, dict[str, torch.Tensor]]] = deque(maxlen=max(count, 1))
        self.count = count

    def add(self, epoch: int, state: dict[str, torch.Tensor]) -> None:
        """Keep a CPU copy of ``state`` (the weights after ``epoch``), dropping the oldest beyond ``count``."""
        if self.count >= 2:
            self._states.append((epoch, {k: v.detach().to("cpu", copy=True) for k, v in state.items()}))

    @property
    def epochs(self) -> list[int]:
        """The epochs kept, oldest first."""
        return [epoch for epoch, _ in self._states]

    def ready(self) -> bool:
        """Whether there are at least two checkpoints to average."""
        return len(self._states) >= 2

    def mean(self) -> dict[str, torch.Tensor]:
        """The mean of the kept weights; tensors that are not floating point (counters) are the newest's."""
        states = [state for _, state in self._states]
        newest = states[-1]
        return {
            name: torch.stack([s[name] for s in states]).mean(dim=0) if value.is_floating_point() else value.clone()
            for name, value in newest.items()
        }
