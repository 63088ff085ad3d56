"""The window's job runner: a session ``Job`` in a ``QThread``, its outcome delivered in the UI thread.

The job slot rules (one job at a time, cancel, replace) are the session's
(``tagger_gui.session.jobs``); this module only supplies the thread. The worker runs
the job's task in its thread and talks through queued signals, never touching a
widget. The outcome is handed over after the thread has fully stopped, so a handler
may start the next job at once; ``wait`` (used when the window closes) joins the
thread and delivers nothing more.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from tagger_gui.session.jobs import Job


class _JobWorker(QObject):
    """Runs one job's task in the thread it was moved to; reports progress through a signal."""

    progress = Signal(object)

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    @Slot()
    def run(self) -> None:
        """Run the task, then end the thread's event loop.

        Quitting from here (not from a slot in the UI thread) lets the UI thread join the
        thread with ``QThread.wait`` without a deadlock.
        """
        try:
            self.job.run(self.progress.emit)
        finally:
            self.thread().quit()


class QtJobHandle(QObject):
    """The thread and worker of one launched job (lives in the UI thread)."""

    def __init__(self, job: Job, finish: Callable[[bool, Any], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job, self._finish = job, finish
        self._closing = False
        self._thread = QThread()
        self._worker = _JobWorker(job)  # no parent: it moves to the thread
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, timeout_s: float) -> bool:
        """Join the thread without delivering anything more; False if it did not end in time."""
        self._closing = True
        return self._thread.wait(int(timeout_s * 1000))

    @Slot(object)
    def _on_progress(self, payload: Any) -> None:
        if not self._closing:
            self.job.on_progress(payload)

    @Slot()
    def _on_thread_finished(self) -> None:
        if not self._closing and self.job.outcome is not None:
            self._finish(*self.job.outcome)
        self.deleteLater()


class QtRunner:
    """A session ``Runner`` that runs each job in its own ``QThread``."""

    def __init__(self, parent: QObject) -> None:
        self.parent = parent

    def launch(self, job: Job, finish: Callable[[bool, Any], None]) -> QtJobHandle:
        handle = QtJobHandle(job, finish, self.parent)
        handle.start()
        return handle
