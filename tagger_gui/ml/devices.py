"""Which compute devices this machine offers, for the device choice in the window."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DeviceChoice:
    """A device name as the trainer takes it (``"cpu"``, ``"cuda:0"``, ``"mps"``) and a label for people."""

    name: str
    label: str


def available_devices() -> list[DeviceChoice]:
    """``auto`` first, then the CPU (always), each CUDA device by name, and MPS where present."""
    choices = [DeviceChoice("auto", "Automatic (GPU if available)"), DeviceChoice("cpu", "CPU")]
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            choices.append(DeviceChoice(f"cuda:{index}", f"GPU {index}: {torch.cuda.get_device_name(index)}"))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        choices.append(DeviceChoice("mps", "Apple GPU (MPS)"))
    return choices
