"""Crash-safe file writes: a file users keep is either the old or the new content, never half.

The bytes go to a temporary file beside the target, which is flushed, fsynced and
renamed over it. A symlink is followed (its target is replaced, the link stays);
anything but a regular file, and a read-only file, is refused; the new file keeps
the old one's permissions (a new file gets the usual ``0666`` less the umask).
Temporary names carry the writer's process id, so the leftovers of a killed save
are recognised and removed by the next save of the same file.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from tagger_gui.core.files import check_output, process_alive

TEMP_SUFFIX = ".tmp"
_NAME_BYTES = 60
"""How much of the target's name a temporary name repeats (file names are limited to 255 bytes)."""
_TEMP_TAIL = re.compile(r"(\d+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
"""What follows the prefix in a temporary name: the writer's pid and ``mkstemp``'s 8 random characters."""
_open_temps: set[str] = set()


@contextmanager
def atomic_open(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary file to write that replaces ``path`` only when the ``with`` block ends without error.

    ``os.replace`` is atomic on POSIX and Windows, and the folder is fsynced, so
    the rename itself survives a crash. On an error the temporary file is removed,
    ``path`` is untouched, and an ``OSError`` names ``path`` (not the temporary file).

    Raises:
        FileKindError: ``path`` is (or links to) something other than a regular file.
        PermissionError: ``path`` is read-only.
    """
    target = check_output(path)
    folder = target.parent if str(target.parent) else Path(".")
    prefix = _temp_prefix(target.name)
    _remove_stale_temps(folder, prefix)
    mode = _mode_for(target)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as error:
        raise _naming(error, path) from None
    _open_temps.add(temp_name)
    try:
        with os.fdopen(handle, "wb") as temp:
            if hasattr(os, "fchmod"):
                os.fchmod(temp.fileno(), mode)
            yield temp
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, target)
        _fsync_folder(folder)
    except OSError as error:
        _remove_quietly(temp_name)
        raise _naming(error, path, temp_name) from None
    except BaseException:
        _remove_quietly(temp_name)
        raise
    finally:
        _open_temps.discard(temp_name)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see ``atomic_open``)."""
    with atomic_open(path) as file:
        file.write(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """``atomic_write_bytes`` for UTF-8 text (written exactly, no newline translation)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _temp_prefix(name: str) -> str:
    """``.NAME.`` with NAME cut to ``_NAME_BYTES`` bytes, so that a 255-byte name still gets a temp file."""
    short = os.fsencode(name)[:_NAME_BYTES].decode("utf-8", "ignore") or "file"
    return f".{short}."


def _remove_stale_temps(folder: Path, prefix: str) -> None:
    """Remove temporary files of earlier saves of this file whose writing process has ended."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.startswith(prefix)]
    except OSError:
        return
    for name in names:
        match = _TEMP_TAIL.fullmatch(name[len(prefix):])
        if match is None:
            continue
        full, pid = os.path.join(folder, name), int(match.group(1))
        if full not in _open_temps and (pid == os.getpid() or not process_alive(pid)):
            _remove_quietly(full)


def _mode_for(target: Path) -> int:
    """The permission bits the new file gets: the old file's, or 0666 less the umask for a new file."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def _naming(error: OSError, path: str | os.PathLike, temp_name: str | None = None) -> OSError:
    """``error`` naming the user's ``path`` if it named our temporary file, the folder or no file."""
    folder = os.path.abspath(os.path.dirname(os.fspath(path)) or ".")
    ours = error.filename is None or error.filename == temp_name or os.path.abspath(error.filename) == folder
    if not ours:
        return error
    return OSError(error.errno, error.strerror or str(error), os.fspath(path))


def _remove_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
