"""Careful file access: read only regular files of a sane size, write only over regular files.

Every reader of a file a user names (corpus, project, model, recovery file) goes
through ``read_regular_bytes``: a FIFO would block forever, ``/dev/zero`` never
ends and a sparse multi-GB file exhausts memory, so anything that is not a regular
file, or is larger than the caller's limit, is refused before a byte is read.
``check_output`` is the matching rule for files about to be written.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

GiB = 1 << 30
MAX_CORPUS_BYTES = 4 * GiB
"""Largest corpus or project file read (the whole file is held in memory while parsing)."""


class FileKindError(OSError):
    """A path names something other than a regular file (a FIFO, a device, a folder, a socket)."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def require_regular(info: os.stat_result, path: str | os.PathLike, limit: int | None = None) -> None:
    """Raise ``FileKindError`` unless ``info`` is a regular file (of at most ``limit`` bytes)."""
    if not stat.S_ISREG(info.st_mode):
        raise FileKindError(errno.EINVAL, f"not a regular file ({_kind(info.st_mode)})", str(path))
    if limit is not None and info.st_size > limit:
        raise FileKindError(errno.EFBIG, f"too large ({info.st_size:,} bytes; the limit is {limit:,})", str(path))


def open_regular(path: str | os.PathLike, limit: int | None = None) -> BinaryIO:
    """The regular file ``path`` (symlinks followed) opened for reading in binary, refused if larger than ``limit``.

    The kind is checked before opening, and again on the opened descriptor (opened
    non-blocking, so a FIFO swapped in between cannot hang us).

    Raises:
        FileKindError: ``path`` is not a regular file, or is too large.
        OSError: it cannot be opened.
    """
    require_regular(os.stat(path), path, limit)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    file = os.fdopen(descriptor, "rb")
    try:
        require_regular(os.fstat(descriptor), path, limit)
        os.set_blocking(descriptor, True)
    except BaseException:
        file.close()
        raise
    return file


def read_regular_bytes(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (see ``open_regular``), refused if it is larger than ``limit``.

    Raises:
        FileKindError: ``path`` is not a regular file, or is too large.
        OSError: it cannot be read.
    """
    with open_regular(path, limit) as file:
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew while we read it
        raise FileKindError(errno.EFBIG, f"too large (more than {limit:,} bytes)", str(path))
    return data


def read_regular_text(path: str | os.PathLike, limit: int = MAX_CORPUS_BYTES) -> str:
    """``read_regular_bytes`` decoded as UTF-8 (a leading BOM is dropped)."""
    return read_regular_bytes(path, limit).decode("utf-8-sig")


def check_output(path: str | os.PathLike) -> Path:
    """The file to write for ``path``: a symlink's target; refused unless regular or absent in a folder.

    Raises:
        FileKindError: the target exists and is not a regular file, or its folder is not a folder.
        PermissionError: the target exists and is read-only (no write permission bits, or not
            writable by us): it is not replaced without a word.
        FileNotFoundError: its folder does not exist.
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            if folder.exists():
                raise FileKindError(errno.ENOTDIR, f"{folder} is not a folder", str(path)) from None
            raise FileNotFoundError(errno.ENOENT, f"no folder {folder}", str(path)) from None
        return target
    require_regular(info, path)
    if not info.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    return target


def check_outputs(outputs: dict[str, str | os.PathLike | None], inputs: dict[str, str | os.PathLike]) -> None:
    """``check_output`` for each named output, and none of them the same file as an input or another output.

    ``outputs`` and ``inputs`` map what the user calls each path (``"--out"``, ``"INPUT"``) to it;
    outputs that are ``None`` are skipped. An output over an input would replace the file read (a
    gold corpus by its predicted tags) once the run ends, and two outputs on one file would
    replace each other.

    Raises:
        ValueError: two of the paths are the same file.
        OSError: as ``check_output``.
    """
    seen: list[tuple[str, Path]] = [(name, Path(os.path.realpath(path))) for name, path in inputs.items()]
    for name, path in outputs.items():
        if path is None:
            continue
        target = Path(os.path.realpath(check_output(path)))
        for other, earlier in seen:
            if target == earlier or (target.exists() and earlier.exists() and os.path.samefile(target, earlier)):
                raise ValueError(f"{name} {path} is the same file as {other}: choose another path")
        seen.append((name, target))


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (anything but a clear "no" counts as alive).

    Only POSIX can ask without side effects (``os.kill(pid, 0)``); elsewhere every
    process is assumed alive, so nothing another process still needs is removed.
    """
    if not isinstance(pid, int) or isinstance(pid, bool) or not 0 < pid < 1 << 31:
        return False
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
