"""How many CPU threads a training run uses: the cores other programs leave free, adapted as it runs.

PyTorch splits each operation over a pool of threads and waits for the slowest one.
When another program keeps a core busy, the pool thread that shares that core runs
only part of the time and every operation waits for it: on 2 cores with one of them
busy, 2 threads trained 3 to 13 times slower than 1. So a run starts with as many
threads as there are cores that other programs leave (nearly) idle, read from
``/proc/stat``, and while it runs ``ThreadTuner`` re-reads that load every few
seconds of training, drops or raises the count, and now and then times the
alternative (one thread against several) for a second and keeps whichever trained
more words per second. Where the load cannot be read (not Linux) the timing alone decides.

Runs with different thread counts can differ in the last digits of their results;
set ``OMP_NUM_THREADS`` (or pass a fixed count) for bit-identical repeats.
"""

from __future__ import annotations

import math
import os
import time
from typing import Callable

import torch

FREE_SHARE = 0.25
"""A core counts as free while other programs use less than this share of it (summed over the cores)."""

MULTI_THREAD_GAIN = 1.05
"""Several threads are kept only when they train at least this much faster than one: one thread
leaves the other cores to the user's programs and cannot be stalled by them."""

STAT_PATH = "/proc/stat"


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def threads_for_load(cores: int, others: float) -> int:
    """The most threads worth using on ``cores`` while other programs keep ``others`` cores' worth busy."""
    return max(1, min(cores, math.floor(cores - others + FREE_SHARE)))


def fixed_threads_from_environment() -> int | None:
    """``OMP_NUM_THREADS`` when it is set to a positive number: the user's choice, kept as it is."""
    try:
        value = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def read_busy_jiffies(path: str = STAT_PATH, cpus: set[int] | None = None) -> tuple[int, int] | None:
    """``(busy, total)`` clock ticks since boot, summed over ``cpus`` (default: this process's cores).

    ``None`` where ``/proc/stat`` cannot be read. Idle time includes waiting for I/O.
    """
    if cpus is None:
        try:
            cpus = set(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cpus = None
    try:
        with open(path, encoding="ascii") as stat:
            lines = stat.read().splitlines()
    except OSError:
        return None
    busy = total = 0
    for line in lines:
        name, *values = line.split()
        if not name.startswith("cpu") or name == "cpu" or (cpus is not None and int(name[3:]) not in cpus):
            continue
        ticks = [int(v) for v in values[:8]]  # user nice system idle iowait irq softirq steal
        total += sum(ticks)
        busy += sum(ticks) - ticks[3] - ticks[4]
    return (busy, total) if total else None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


class LoadMeter:
    """How many cores' worth of CPU other processes used between two readings.

    The machine-wide busy time comes from ``/proc/stat`` (``read``), this process's own
    CPU time (all its threads) from ``cpu_time``; the difference is everybody else.
    """

    def __init__(
        self,
        read: Callable[[], tuple[int, int] | None] = read_busy_jiffies,
        cpu_time: Callable[[], float] = time.process_time,
        cores: int | None = None,
    ) -> None:
        self._read, self._cpu_time = read, cpu_time
        self.cores = cores or usable_cores()
        self._last = self._reading()

    def _reading(self) -> tuple[tuple[int, int] | None, float]:
        return self._read(), self._cpu_time()

    def others(self) -> float | None:
        """Cores' worth of CPU used by other processes since the previous call; ``None`` if unknown."""
        (before, own_before), (after, own_after) = self._last, self._reading()
        self._last = after, own_after
        if before is None or after is None or after[1] <= before[1]:
            return None
        ticks_per_core = (after[1] - before[1]) / self.cores  # the interval, in clock ticks
        busy_cores = (after[0] - before[0]) / ticks_per_core
        seconds = ticks_per_core / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.0
        own_cores = (own_after - own_before) / seconds if seconds > 0 else 0.0
        return max(0.0, busy_cores - own_cores)


class ThreadTuner:
    """Sets ``torch``'s thread count for one training run and adapts it while the run goes on.

    Call ``start`` in the thread that trains (the count is per thread for OpenMP),
    ``after_batch`` after every optimiser step with the batch's words and seconds,
    and ``finish`` at the end, which restores the count found at the start.

    Args:
        fixed: a thread count to use throughout (``None``: choose and adapt; the
            ``OMP_NUM_THREADS`` environment variable also fixes it).
        meter: reads other programs' CPU load (default: ``LoadMeter()``).
        set_threads, get_threads: how the count is set and read (``torch``'s).
        probe_when_idle: time one thread against several even while other programs
            leave every core free. Training's small steps can run faster on one
            thread; tagging's large groups of words do not, and there a probe would
            tag a whole group (seconds) on one thread.
    """

    check_seconds = 2.0
    """Training seconds between two looks at the load."""
    probe_seconds = 1.0
    """Training seconds spent timing the alternative thread count."""
    recheck_seconds = 30.0
    """Training seconds before timing the alternative again while the load stays the same."""
    first_look_seconds = 0.1
    """The least time over which ``start`` measures the load."""

    def __init__(
        self,
        fixed: int | None = None,
        *,
        meter: LoadMeter | None = None,
        set_threads: Callable[[int], None] = torch.set_num_threads,
        get_threads: Callable[[], int] = torch.get_num_threads,
        probe_when_idle: bool = True,
    ) -> None:
        self.fixed = fixed if fixed is not None else fixed_threads_from_environment()
        self.meter = meter if meter is not None else LoadMeter()
        self.cores = self.meter.cores
        self._set_threads, self._get_threads = set_threads, get_threads
        self.probe_when_idle = probe_when_idle
        self._created = time.monotonic()
        self.threads = self._previous = get_threads()
        self.others: float | None = None
        self.history: list[tuple[int, str]] = []  # (threads, why) for every change, in order
        self._window_words, self._window_seconds = 0, 0.0
        self._probe: tuple[int, float] | None = None  # (threads before the probe, their words/s)
        self._since_probe = math.inf  # training seconds since the last probe ended
        self._probed_limit: int | None = None  # the load's limit when the last probe ended

    # ------------------------------------------------------------------ API
    def start(self) -> int:
        """Choose and set the first thread count; returns it.

        The load is measured from this tuner's creation (at least ``first_look_seconds``
        ago: it sleeps for the rest), during which this process mostly prepared data.
        """
        self._previous = self._get_threads()
        if self.fixed is not None:
            self._switch(self.fixed, "fixed")
            return self.threads
        wait = self.first_look_seconds - (time.monotonic() - self._created)
        if wait > 0:
            time.sleep(wait)
        self.others = self.meter.others()
        limit = self._limit()
        self._switch(limit, "start" if self.others is None else f"start: others use {self.others:.1f} cores")
        return self.threads

    def after_batch(self, words: int, seconds: float) -> None:
        """Count one optimiser step; every few seconds of training, look at the load and the speed."""
        if self.fixed is not None:
            return
        self._window_words += words
        self._window_seconds += seconds
        if self._window_seconds < (self.probe_seconds if self._probe else self.check_seconds):
            return
        rate = self._window_words / max(self._window_seconds, 1e-9)
        self._since_probe += self._window_seconds
        self._window_words, self._window_seconds = 0, 0.0
        self.others = self.meter.others()
        if self._probe is not None:
            self._end_probe(rate)
        else:
            self._check(rate)

    def finish(self) -> None:
        """Restore the thread count found at ``start``."""
        self._set_threads(self._previous)

    def describe(self) -> str:
        """The current choice in words, e.g. ``"1 thread on 2 cores (other programs use 1.0 cores)"``."""
        text = f"{_count(self.threads, 'thread')} on {_count(self.cores, 'core')}"
        if self.fixed is not None:
            return f"{text} (fixed)"
        if self.others is not None and self.others >= FREE_SHARE:
            return f"{text} (other programs use {self.others:.1f} cores)"
        return text

    # ------------------------------------------------------------- choices
    def _limit(self) -> int:
        return self.cores if self.others is None else threads_for_load(self.cores, self.others)

    def _check(self, rate: float) -> None:
        """Between probes: drop threads the load no longer leaves, or time the alternative."""
        limit = self._limit()
        if self.threads > limit:
            self._switch(limit, f"other programs use {self.others:.1f} cores")
            self._since_probe, self._probed_limit = 0.0, limit
            return
        idle = self.others is not None and self.others < FREE_SHARE
        if limit == 1 or (idle and not self.probe_when_idle):
            return
        due = self._since_probe >= self.recheck_seconds or limit != self._probed_limit
        if due:
            self._probe = (self.threads, rate)
            self._switch(1 if self.threads > 1 else limit, "timing")

    def _end_probe(self, rate: float) -> None:
        """Keep several threads only if they trained clearly faster than one."""
        before, before_rate = self._probe
        self._probe = None
        self._since_probe, self._probed_limit = 0.0, self._limit()
        if before > 1:
            multi, multi_rate, single_rate = before, before_rate, rate
        else:
            multi, multi_rate, single_rate = self.threads, rate, before_rate
        multi = min(multi, self._probed_limit)
        if multi > 1 and multi_rate >= single_rate * MULTI_THREAD_GAIN:
            self._switch(multi, f"{multi_rate:,.0f} words/s against {single_rate:,.0f} with 1 thread")
        else:
            self._switch(1, f"{single_rate:,.0f} words/s against {multi_rate:,.0f} with {multi} threads")

    def _switch(self, threads: int, why: str) -> None:
        threads = max(1, threads)
        if threads != self._get_threads():
            self._set_threads(threads)
        if threads != self.threads or not self.history:
            self.history.append((threads, why))
        self.threads = threads
