"""Which compute devices this machine offers (the device choice in the window), and resolving a device name."""

from __future__ import annotations

from dataclasses import dataclass

import torch


class TrainingError(RuntimeError):
    """Training cannot start or cannot go on (no tagged data, the loss became NaN, ...)."""


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


def resolve_device(name: str) -> torch.device:
    """``"auto"`` -> CUDA if available, else MPS, else CPU; other names are checked and returned."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        return torch.device("mps" if mps is not None and mps.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise TrainingError(f"unknown device {name!r}: {error}") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise TrainingError(f"device {name!r} asked for, but CUDA is not available here")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise TrainingError(f"device {name!r} asked for, but MPS is not available here")
    return device
