"""Running plain code in a ``QThread``: one worker, one job that owns its thread, one way to fail.

``Worker`` runs its ``work()`` in whatever thread it was moved to and ends with
exactly one of ``finished(result)`` or ``failed(message, details)``; it talks only
through signals and never touches a widget. ``BackgroundJob`` owns the thread and
the worker, re-emits their outcome in the UI thread after the thread has fully
stopped (so a handler may start the next job at once), and offers a cooperative
``stop`` (a ``threading.Event`` the work checks) and ``stop_and_wait`` for closing.

``FunctionJob`` is the common case: run ``task(stop_event, report)`` and forward
``report(payload)`` calls as a throttled ``progress`` signal.
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

EMIT_INTERVAL_S = 0.2
"""Progress signals are sent at most this often (a few a second)."""


class Throttle:
    """``ready()`` is true at most once per ``interval`` seconds."""

    def __init__(self, interval: float = EMIT_INTERVAL_S) -> None:
        self.interval = interval
        self.last = 0.0

    def ready(self) -> bool:
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            return True
        return False

    def mark(self) -> None:
        self.last = time.monotonic()


def describe_error(error: Exception) -> str:
    """The message shown for a worker failure."""
    if "out of memory" in str(error).lower():
        return f"The device ran out of memory: {error}. Try a smaller batch size or the CPU."
    return str(error) or type(error).__name__


class Worker(QObject):
    """Runs ``work()`` in its thread; ends with exactly one of ``finished`` or ``failed``."""

    finished = Signal(object)  # the result of work()
    failed = Signal(str, str)  # message, details (traceback)

    def __init__(self) -> None:
        super().__init__()
        self.stop_event = threading.Event()
        self.result: Any = None

    def work(self) -> Any:
        """The job itself (worker thread): check ``self.stop_event`` often."""
        raise NotImplementedError

    @Slot()
    def run(self) -> None:
        """Do the work, report the outcome, then end the thread's event loop.

        Quitting from here (not from a slot in the UI thread) lets the UI thread
        join the thread with ``QThread.wait`` without a deadlock.
        """
        try:
            self.result = self.work()
        except Exception as error:  # every failure reaches the user through one dialog
            self.failed.emit(describe_error(error), traceback.format_exc())
        else:
            self.finished.emit(self.result)
        finally:
            self.thread().quit()


class BackgroundJob(QObject):
    """Owns the thread and worker of one job; re-emits the outcome in the UI thread.

    Subclasses forward their worker's extra signals in ``_connect_worker``.
    ``finished``/``failed`` arrive after the thread has fully stopped.
    """

    finished = Signal(object)
    failed = Signal(str, str)

    def __init__(self, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._outcome: tuple[Signal, tuple] | None = None
        self._closing = False
        self._thread = QThread()
        self._worker = worker  # no parent: it moves to the thread
        worker.moveToThread(self._thread)
        self._thread.started.connect(worker.run)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        self._thread.finished.connect(self._on_thread_finished)
        self._connect_worker(worker)

    def _connect_worker(self, worker: Worker) -> None:
        """Forward the worker's own signals (override)."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the work to stop at its next check (returns at once)."""
        self._worker.stop_event.set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def stop_and_wait(self, timeout_ms: int = 10_000) -> Any:
        """Stop and join the thread without emitting anything more (used when the window closes).

        Returns the work's result, or ``None`` if it failed or did not end in time.
        """
        self._closing = True
        self.stop()
        if not self._thread.wait(timeout_ms):
            return None
        return self._worker.result

    @Slot(object)
    def _on_worker_finished(self, result: Any) -> None:
        self._outcome = (self.finished, (result,))

    @Slot(str, str)
    def _on_worker_failed(self, message: str, details: str) -> None:
        self._outcome = (self.failed, (message, details))

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._outcome is not None and not self._closing:
            signal, args = self._outcome
            self._outcome = None
            signal.emit(*args)


Task = Callable[[threading.Event, Callable[[Any], None]], Any]
"""``task(stop_event, report)``: plain code; ``report(payload)`` sends progress (throttled)."""


class FunctionWorker(Worker):
    """Runs a ``Task``; its ``report`` calls become ``progress`` signals, a few a second at most."""

    progress = Signal(object)

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self._throttle = Throttle()

    def work(self) -> Any:
        return self.task(self.stop_event, self._report)

    def _report(self, payload: Any) -> None:
        if self._throttle.ready():
            self.progress.emit(payload)


class FunctionJob(BackgroundJob):
    """A ``BackgroundJob`` running ``task(stop_event, report)``; ``progress`` carries the reports."""

    progress = Signal(object)

    def __init__(self, task: Task, parent: QObject | None = None) -> None:
        super().__init__(FunctionWorker(task), parent)

    def _connect_worker(self, worker: FunctionWorker) -> None:
        worker.progress.connect(self.progress)
