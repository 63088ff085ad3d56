"""One background job at a time: the job-slot protocol every long task of a session goes through.

Training, corpus prediction, evaluation and the error finder are all a ``Job``: plain
code ``task(stop_event, report)`` plus what to do when it is done, failed or cancelled.
A ``JobSlot`` holds at most one running job. Starting another while one runs is
refused, unless the running one is ``preemptible`` (a corpus prediction or a loop retrain,
cheap to redo) and the new one is not, or the caller asks to ``replace`` it: then the running job is asked to
stop and the new one starts as soon as it has ended. A cancelled job still delivers
what it produced (its partial result: for training, the best model so far) to
``on_done``, with ``job.cancelled`` set.

How the task runs is the ``Runner``'s business: ``InlineRunner`` runs it at once in the
caller's thread (scripts, tests), ``ThreadRunner`` in a plain thread, and the window's
runner in a ``QThread`` with the outcome delivered in the UI thread. The slot itself
never touches a thread, so its rules are tested without one.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

Report = Callable[[Any], None]
Task = Callable[[threading.Event, Report], Any]
"""``task(stop_event, report)``: check ``stop_event`` often; ``report(payload)`` sends progress."""

EMIT_INTERVAL_S = 0.2
"""Throttled progress is reported at most this often (a few times a second)."""


def describe_error(error: BaseException) -> str:
    """The one-line message shown for a failed job or file operation (a file error as ``PATH: what went wrong``)."""
    if "out of memory" in str(error).lower():
        return f"The device ran out of memory: {error}. Try a smaller batch size or the CPU."
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error) or type(error).__name__


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


def throttled(report: Report, interval: float = EMIT_INTERVAL_S) -> Report:
    """``report`` that lets a payload through at most once per ``interval`` (the others are dropped)."""
    throttle = Throttle(interval)

    def send(payload: Any) -> None:
        if throttle.ready():
            report(payload)

    return send


def _ignore(*_args: Any) -> None:
    """The default for callbacks nobody set."""


@dataclass
class Job:
    """One unit of background work and what happens with its outcome.

    Attributes:
        name: what the user calls it ("training", "corpus prediction", ...): used in messages.
        task: the work itself.
        on_done: called with the task's result (also after a cancel: a partial result or ``None``).
        on_failed: called with a one-line message and the traceback.
        on_progress: called with each ``report`` payload.
        preemptible: another job may cancel this one to take the slot.
    """

    name: str
    task: Task
    on_done: Callable[[Any], None] = _ignore
    on_failed: Callable[[str, str], None] = _ignore
    on_progress: Callable[[Any], None] = _ignore
    preemptible: bool = False
    stop_event: threading.Event = field(default_factory=threading.Event)

    @property
    def cancelled(self) -> bool:
        return self.stop_event.is_set()

    outcome: tuple[bool, Any] | None = None

    def run(self, report: Report) -> tuple[bool, Any]:
        """Run the task here and now: ``(True, result)`` or ``(False, (message, details))``, also kept in ``outcome``."""
        try:
            self.outcome = (True, self.task(self.stop_event, report))
        except Exception as error:  # every failure reaches the user through one path
            self.outcome = (False, (describe_error(error), traceback.format_exc()))
        return self.outcome


class Handle(Protocol):
    """A launched job, as its runner reports it."""

    def wait(self, timeout_s: float) -> bool:
        """Block until the job's thread has ended, without delivering its outcome; False on timeout."""


class Runner(Protocol):
    """Runs a job somewhere and calls ``finish(ok, value)`` once it has ended, in the owner's thread."""

    def launch(self, job: Job, finish: Callable[[bool, Any], None]) -> Handle: ...


class _Done:
    def wait(self, timeout_s: float) -> bool:
        return True


class InlineRunner:
    """Runs each job to its end inside ``launch`` (scripts, the CLI, tests)."""

    def launch(self, job: Job, finish: Callable[[bool, Any], None]) -> Handle:
        finish(*job.run(job.on_progress))
        return _Done()


class ThreadRunner:
    """Runs each job in a plain daemon thread; outcome and progress arrive in that thread."""

    def launch(self, job: Job, finish: Callable[[bool, Any], None]) -> Handle:
        handle = _ThreadHandle(job, finish)
        handle.thread.start()
        return handle


class _ThreadHandle:
    def __init__(self, job: Job, finish: Callable[[bool, Any], None]) -> None:
        self.job, self.finish = job, finish
        self.closing = False
        self.thread = threading.Thread(target=self._run, name=f"job: {job.name}", daemon=True)

    def _run(self) -> None:
        outcome = self.job.run(self.job.on_progress)
        if not self.closing:
            self.finish(*outcome)

    def wait(self, timeout_s: float) -> bool:
        self.closing = True
        self.thread.join(timeout_s)
        return not self.thread.is_alive()


class JobSlot:
    """At most one running job; the rules of starting, cancelling and replacing.

    ``listeners`` are called with the running ``Job`` (or ``None``) whenever that changes.
    """

    def __init__(self, runner: Runner | None = None) -> None:
        self.runner: Runner = runner or InlineRunner()
        self.current: Job | None = None
        self.listeners: list[Callable[[Job | None], None]] = []
        self._handle: Handle | None = None
        self._pending: Job | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None

    @property
    def is_free(self) -> bool:
        """A job the user asks for may start now: nothing runs, or only a preemptible job that nothing waits on."""
        return self.current is None or (self.current.preemptible and self._pending is None)

    def is_running(self, name: str) -> bool:
        return self.current is not None and self.current.name == name

    def watch(self, name: str, callback: Callable[[bool], None]) -> None:
        """Call ``callback(running)`` each time a job called ``name`` starts or ends (not on other changes)."""
        state = {"running": self.is_running(name)}

        def on_change(_job: Job | None) -> None:
            running = self.is_running(name)
            if running != state["running"]:
                state["running"] = running
                callback(running)

        self.listeners.append(on_change)

    def start(self, job: Job, *, replace: bool = False) -> bool:
        """Run ``job`` now, or once a preemptible (or, with ``replace``, any) running job has stopped.

        Returns False, leaving everything as it was, when another job holds the slot.
        """
        if self.current is None:
            self._launch(job)
            return True
        if not (replace or (self.current.preemptible and not job.preemptible and self._pending is None)):
            return False  # background work never pushes other work aside, nor a job waiting for the slot
        self._pending = job
        self.current.stop_event.set()
        return True

    def cancel(self) -> None:
        """Ask the running job to stop at its next check (its ``on_done`` still comes, with ``cancelled``)."""
        self._pending = None
        if self.current is not None:
            self.current.stop_event.set()

    def shutdown(self, timeout_s: float = 10.0) -> tuple[Job | None, Any]:
        """Stop and join the running job without calling its callbacks (the owner is closing).

        Returns the job and its result (``None`` if it failed or did not end in time).
        """
        job, handle, self._pending = self.current, self._handle, None
        if job is None:
            return None, None
        job.stop_event.set()
        ended = handle.wait(timeout_s)
        self._clear()
        if not ended or job.outcome is None or not job.outcome[0]:
            return job, None
        return job, job.outcome[1]

    def _launch(self, job: Job) -> None:
        self.current = job
        self._notify()
        self._handle = self.runner.launch(job, lambda ok, value: self._on_finished(job, ok, value))

    def _on_finished(self, job: Job, ok: bool, value: Any) -> None:
        """Free the slot, deliver the outcome (its handler may start the next job), then start a
        waiting job; listeners hear of the free slot only after the outcome was delivered."""
        if job is not self.current:
            return
        self.current, self._handle = None, None
        if ok:
            job.on_done(value)
        else:
            job.on_failed(*value)
        pending, self._pending = self._pending, None
        if pending is not None and self.current is None:
            self._launch(pending)
        elif self.current is None:
            self._notify()

    def _clear(self) -> None:
        self.current, self._handle = None, None
        self._notify()

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener(self.current)
