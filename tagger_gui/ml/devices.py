"""Which compute devices this machine offers (the window's device choice), checking a device name
(``--device``) and resolving it for training."""

from __future__ import annotations

import re
from dataclasses import dataclass

import torch

_NAME = re.compile(r"(cuda|mps)(?::(\d{1,4}))?")


class DeviceError(ValueError):
    """A device name that is unknown, or names hardware this machine does not have."""


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
    if _mps_available():
        choices.append(DeviceChoice("mps", "Apple GPU (MPS)"))
    return choices


def check_device(name: object) -> str:
    """``name`` if this machine can compute on it: ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.

    Only these are accepted: torch knows many more device types (``meta``, ``xla``,
    ``vulkan``, ...) that cannot run the tagger and fail later with a traceback.

    Raises:
        DeviceError: an unknown name, or a GPU this machine does not have.
    """
    if name in ("auto", "cpu"):
        return name
    match = _NAME.fullmatch(name) if isinstance(name, str) else None
    if match is None:
        raise DeviceError(f"unknown device {name!r} (use auto, cpu, cuda, cuda:N or mps)")
    kind, index = match.groups()
    if kind == "mps":
        if not _mps_available() or index not in (None, "0"):
            raise DeviceError(f"device {name!r} asked for, but there is no such Apple GPU (MPS) here")
        return name
    if not torch.cuda.is_available():
        raise DeviceError(f"device {name!r} asked for, but CUDA is not available here")
    count = torch.cuda.device_count()
    if index is not None and int(index) >= count:
        raise DeviceError(f"device {name!r} asked for, but this machine has {count} CUDA device(s): "
                          f"cuda:0 to cuda:{count - 1}")
    return name


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and mps.is_available()


def resolve_device(name: str) -> torch.device:
    """``"auto"`` -> CUDA if available, else MPS, else CPU; other names are checked (``check_device``: only
    devices this machine can train on) and returned."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if _mps_available() else "cpu")
    try:
        return torch.device(check_device(name))
    except DeviceError as error:
        raise TrainingError(str(error)) from None
