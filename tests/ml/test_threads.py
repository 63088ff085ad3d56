"""The CPU thread choice: from the cores other programs leave free, adapted while a run trains."""

from __future__ import annotations

import itertools

import pytest
import torch

from tagger_gui.ml import threads
from tagger_gui.ml.config import preset_config
from tagger_gui.ml.threads import LoadMeter, ThreadTuner, threads_for_load
from tagger_gui.ml.training import Trainer, TrainingHooks

from .test_training import many_toy


class FakeMeter:
    """Reports the given loads in turn (the last one forever after)."""

    def __init__(self, *loads: float | None, cores: int = 2) -> None:
        self.cores = cores
        self._loads = itertools.chain(loads, itertools.repeat(loads[-1]))

    def others(self) -> float | None:
        return next(self._loads)


def tuner(meter: FakeMeter, **options) -> tuple[ThreadTuner, list[int]]:
    """A tuner on ``meter`` whose thread changes are recorded instead of applied."""
    state = [1]
    tuner = ThreadTuner(meter=meter, set_threads=lambda n: state.__setitem__(0, n), get_threads=lambda: state[0],
                        **options)
    tuner.first_look_seconds = 0.0
    return tuner, state


@pytest.fixture(autouse=True)
def no_fixed_threads(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)


def test_a_core_used_by_another_program_is_not_counted():
    assert threads_for_load(2, 0.0) == 2
    assert threads_for_load(2, 0.3) == 1  # a core a third busy would stall every operation
    assert threads_for_load(2, 1.0) == 1
    assert threads_for_load(2, 2.0) == 1  # never fewer than one
    assert threads_for_load(8, 1.0) == 7


def test_the_load_meter_leaves_out_this_process():
    ticks = iter([(0, 0), (150, 200)])  # 2 cores, 1 s at 100 ticks/s: 1.5 cores busy
    own = iter([0.0, 0.5])  # of which this process used half a core
    meter = LoadMeter(read=lambda: next(ticks), cpu_time=lambda: next(own), cores=2)
    assert meter.others() == pytest.approx(1.0, abs=0.05)
    assert LoadMeter(read=lambda: None, cores=2).others() is None


def test_the_proc_stat_reading_sums_the_given_cores(tmp_path):
    stat = tmp_path / "stat"
    stat.write_text("cpu  30 0 0 70 0 0 0 0 0 0\ncpu0 10 0 0 40 0 0 0 0 0 0\ncpu1 20 0 5 20 5 0 0 0 0 0\nintr 1\n")
    assert threads.read_busy_jiffies(str(stat), {0, 1}) == (35, 100)
    assert threads.read_busy_jiffies(str(stat), {1}) == (25, 50)
    assert threads.read_busy_jiffies(str(tmp_path / "missing")) is None


def test_a_busy_core_at_the_start_gives_one_thread():
    busy, state = tuner(FakeMeter(1.0))
    assert busy.start() == 1 and state == [1]
    assert "other programs use 1.0 cores" in busy.describe()
    idle, state = tuner(FakeMeter(0.0))
    assert idle.start() == 2 and state == [2]


def test_threads_drop_when_another_program_takes_a_core():
    t, state = tuner(FakeMeter(0.0, 1.0))
    assert t.start() == 2
    t.after_batch(1000, 1.0)
    assert state == [2]  # not yet time to look again
    t.after_batch(1000, 1.0)
    assert state == [1] and t.history[-1] == (1, "other programs use 1.0 cores")


@pytest.mark.parametrize("multi_rate, single_rate, kept", [(2000, 1000, 2), (1000, 1500, 1), (1020, 1000, 1)])
def test_the_faster_of_one_and_several_threads_is_kept(multi_rate, single_rate, kept):
    t, state = tuner(FakeMeter(0.0))
    t.start()
    t.after_batch(2 * multi_rate, 2.0)  # two seconds at 2 threads, then one timed at 1
    assert state == [1]
    t.after_batch(single_rate, 1.0)
    assert state == [kept]


def test_without_idle_probes_a_free_machine_keeps_every_core_and_a_busy_one_is_still_timed():
    t, state = tuner(FakeMeter(0.0), probe_when_idle=False)  # as tagging uses it
    t.start()
    for _ in range(20):
        t.after_batch(4000, 2.5)  # whole groups of words, never one tagged on a single thread
        assert state == [2]
    t, state = tuner(FakeMeter(0.0, 0.0, 0.5, cores=4), probe_when_idle=False)
    t.start()
    t.after_batch(4000, 2.5)
    assert state == [4]
    t.after_batch(4000, 2.5)  # half a core busy: 3 threads, then timed against one
    assert state == [3]
    for _ in range(13):  # under load, one thread is timed again after 30 s of work
        t.after_batch(4000, 2.5)
    assert (1, "timing") in t.history


def test_threads_come_back_when_the_other_program_ends():
    t, state = tuner(FakeMeter(1.0, 1.0, 0.0))
    t.start()
    t.after_batch(1000, 2.0)
    assert state == [1]
    t.after_batch(1000, 2.0)  # the core is free again: two threads are timed
    assert state == [2]
    t.after_batch(1800, 1.0)
    assert state == [2]


def test_a_fixed_count_is_kept_and_the_previous_one_restored():
    state = [3]
    t = ThreadTuner(2, meter=FakeMeter(1.0), set_threads=lambda n: state.__setitem__(0, n),
                    get_threads=lambda: state[0])
    assert t.start() == 2
    t.after_batch(10_000, 100.0)
    assert state == [2]
    t.finish()
    assert state == [3]


class ThreadLog(TrainingHooks):
    def __init__(self) -> None:
        self.counts: list[int] = []
        self.info, self.at_start = None, 0

    def on_start(self, info) -> None:
        self.info, self.at_start = info, torch.get_num_threads()

    def on_batch_end(self, info) -> None:
        self.counts.append(torch.get_num_threads())


def tiny_run(monkeypatch, *loads: float) -> tuple[ThreadLog, object]:
    """A tiny training run on a 2-core machine whose other programs use ``loads`` cores at each look."""
    sequence = itertools.chain(loads, itertools.repeat(loads[-1]))
    monkeypatch.setattr(threads, "usable_cores", lambda: 2)
    monkeypatch.setattr(LoadMeter, "others", lambda self: next(sequence))
    monkeypatch.setattr(ThreadTuner, "check_seconds", 0.0)  # look after every batch
    log = ThreadLog()
    config = preset_config("default", embedding_dim=8, hidden_dim=8, char_hidden=8, epochs=2, batch_size=4,
                           device="cpu")
    return log, Trainer(config, log).fit(many_toy(24))


def test_a_tiny_run_with_a_busy_core_trains_on_one_thread(monkeypatch):
    before = torch.get_num_threads()
    log, result = tiny_run(monkeypatch, 1.0)
    assert log.counts and set(log.counts) == {1} and log.info.threads.startswith("1 thread on 2 cores")
    assert result.history[-1].threads == 1
    assert torch.get_num_threads() == before  # the process's count is restored


def test_a_tiny_run_drops_to_one_thread_when_a_core_becomes_busy(monkeypatch):
    log, result = tiny_run(monkeypatch, 0.0, 1.0)
    assert log.info.threads == "2 threads on 2 cores" and log.at_start == 2
    assert set(log.counts) == {1} and result.history[-1].threads == 1  # from the first look after a batch on
