"""Mixed precision: which number format training and tagging compute in (``TrainConfig.precision``).

``fp32`` computes everything in 32-bit floats. ``bf16`` runs the forward pass and the
loss under ``torch.autocast`` with bfloat16: matrix products, convolutions and the
LSTMs compute in bf16 while the weights, their gradients and the optimizer state stay
fp32, so saved models are fp32 and load on any machine. ``auto`` chooses bf16 only on
the device types of ``AUTO_BF16_DEVICES``, where the hardware computes bf16 natively
*and* it was measured faster end to end. That set is empty for now:

- CPU: not faster. On the project's 2-core Xeon (AMX and AVX512-BF16, torch 2.13, one
  thread, load about 1.7), the ``default`` preset's training steps on the first 4,000
  EWT sentences, timed batch by batch with fp32 and bf16 alternating on the same
  batches (160 each), took 7.18 s in fp32 and 7.11 s in bf16 (9,045 vs 9,138 words/s;
  median per-batch time ratio 1.05). Whole one-epoch runs on 3,000 sentences gave
  8,446 and 9,167 words/s in fp32, 8,997 and 7,742 in bf16. One BiLSTM layer alone is
  2.4x faster in bf16 (54 vs 22 ms forward + backward, batch 64, 20 words, 256 in,
  128 hidden), but in the model the LSTM backward gains only a fifth, the output
  layer's bf16 matrix product (17 tags wide) is 12x slower than in fp32, and the casts
  around every layer double the time spent copying. Keeping the output layer in fp32
  (a model change not made) brought bf16 to 0.90x the fp32 step time. On a 2-core AMD
  EPYC with AVX512-BF16 and no AMX, the same alternating measurement (160 batches of the
  first 4,000 sentences, quiet machine): 12,712 words/s in fp32 and 12,420 in bf16 on 2
  threads, 9,143 and 10,504 on one (median per-batch time ratio 0.96 and 1.10).
- CUDA: not faster. On an NVIDIA H200 (torch 2.11, cu130, 16 cores), 60 s of the
  ``default`` preset on EWT train trained 66,855 words/s in fp32 and reached 95.0% test
  after 27 s; bf16 trained 44,465 words/s (95.0% after 41 s) with autocast's cuDNN LSTMs
  in fp16, and 47,924 words/s (95.0% after 40 s) with them in fp32 (``model.call_lstm``).
  One run each; why bf16 does not pay there (a small model, short sequences) was not profiled.

Tagging is another matter: it runs no backward pass and no optimizer, and a bf16 copy
of the model (weights cast once, the output layer and its softmax kept in fp32) needs
no casts around every layer. Tagging EWT train in-process with a 2-epoch ``default``
model (best of 3, quiet machine): 88,400 words/s in fp32 and 120,400 in bf16 on 2
threads, 59,900 and 88,200 on one; on EWT dev + test it changed 7 of 50,241 tags
(accuracy 93.573 -> 93.571%) and no probability by more than 0.0042. Autocast instead
of the copy ran at 105,900. With a ``default`` model trained for 5 minutes: 80,100 ->
121,600 words/s on 2 threads, 59,000 -> 89,900 on one, 1 of 25,147 dev and 1 of 25,094
test tags changed (dev 95.538 -> 95.542%, test 95.716 -> 95.712%). On a 2-core AMD EPYC with AVX512-BF16
and no AMX (torch 2.13, quiet machine), a 3-minute ``default`` model tagged EWT train in-process at 66,300-73,900
words/s in fp32 and 102,000-121,300 in bf16 on 2 threads (3 runs each), 38,200-40,300 and 56,200-63,300 on one,
and changed 1 of 25,147 dev and 2 of 25,094 test tags (dev 95.204 -> 95.208%, test 95.561% both), no
probability by more than 0.0065. So ``auto`` tags in bf16 on any CPU that computes it (``bf16_supported``);
``fp32`` always tags in fp32.
"""

from __future__ import annotations

import contextlib
import copy

import torch
from torch import nn

from tagger_gui.ml.devices import TrainingError

AUTO_BF16_DEVICES: frozenset[str] = frozenset()
"""Device types (``torch.device.type``) on which ``auto`` trains in bf16 where the device has it."""


def bf16_supported(device: torch.device) -> bool:
    """Whether ``device`` computes bf16 in hardware: a CUDA GPU that supports it, or a CPU with AMX or AVX512-BF16.

    A CPU without them still runs bf16 autocast, emulated and slower than fp32.
    """
    if device.type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        return _cpu_has("amx_bf16") or _cpu_has("avx512_bf16")
    return False


def training_dtype(precision: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype training uses for ``precision`` on ``device``; ``None``: plain fp32.

    Raises:
        TrainingError: ``bf16`` asked for on a device that does not compute it in hardware.
    """
    if precision == "bf16":
        if not bf16_supported(device):
            raise TrainingError(f"precision bf16 asked for, but {device} does not compute bf16 in hardware: "
                             "use precision auto or fp32")
        return torch.bfloat16
    if precision == "auto" and device.type in AUTO_BF16_DEVICES and bf16_supported(device):
        return torch.bfloat16
    return None


def tagging_dtype(precision: str, device: torch.device) -> torch.dtype | None:
    """The dtype tagging computes in: bf16 where the device has it, for ``precision`` ``bf16`` or ``auto`` on a CPU."""
    wanted = precision == "bf16" or (precision == "auto" and device.type == "cpu")
    return torch.bfloat16 if wanted and bf16_supported(device) else None


def _cpu_has(capability: str) -> bool:
    capabilities = getattr(torch.cpu, "get_capabilities", None)  # public since torch 2.6
    return capabilities is not None and bool(capabilities().get(capability))


def tagging_model(model: nn.Module, dtype: torch.dtype | None) -> tuple[nn.Module, contextlib.AbstractContextManager]:
    """The module to tag with for ``model`` in ``dtype`` (``None``: fp32), and the context to call it in.

    On a CPU in bf16: a bf16 copy of the model, made afresh for each call (about 5 ms for
    the ``default`` model; a cached copy would go stale, as training changes the weights in
    place, and fused Adam without bumping their version counters), with its output layer
    (the model's ``OUTPUT_LAYER``) shared in fp32 so that scores keep fp32's resolution.
    On a GPU the model itself runs under autocast (``call_lstm`` keeps its LSTMs in fp32).
    """
    device = next(model.parameters()).device
    if dtype is None or device.type != "cpu":
        return model, autocast(device, dtype)
    kept = {id(p) for p in getattr(model, model.OUTPUT_LAYER).parameters()}
    with torch.no_grad():  # cast each parameter once, straight from the original: no fp32 copy in between
        cast = {id(p): p if id(p) in kept else nn.Parameter(p.to(dtype), requires_grad=False)
                for p in model.parameters()}
        return copy.deepcopy(model, cast).eval(), contextlib.nullcontext()


def autocast(device: torch.device, dtype: torch.dtype | None) -> contextlib.AbstractContextManager:
    """``torch.autocast`` on ``device``'s type with ``dtype``, or nothing when ``dtype`` is ``None``."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=dtype)
