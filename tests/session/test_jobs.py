"""The job slot's rules, without any thread: one job at a time, preemption, replace, cancel, failure, shutdown."""

from __future__ import annotations

import threading

from tagger_gui.session.jobs import InlineRunner, Job, JobSlot, ThreadRunner


class ManualRunner:
    """Launches nothing by itself: the test ends each job with ``finish``."""

    def __init__(self) -> None:
        self.launched: list[tuple[Job, object]] = []

    def launch(self, job, finish):
        self.launched.append((job, finish))
        return self

    def wait(self, timeout_s):
        return True

    def finish(self, index: int, result=None) -> None:
        job, finish = self.launched[index]
        finish(*job.run(job.on_progress)) if result is None else finish(True, result)


def recording_job(name: str, log: list, preemptible: bool = False, task=None) -> Job:
    return Job(name, task or (lambda stop, report: f"{name} result"),
               on_done=lambda result: log.append((name, "done", result)),
               on_failed=lambda message, details: log.append((name, "failed", message)),
               preemptible=preemptible)


def test_a_second_job_is_refused_while_one_runs_and_nothing_changes():
    runner, log = ManualRunner(), []
    slot = JobSlot(runner)
    assert slot.start(recording_job("training", log))
    assert not slot.start(recording_job("error finder", log))
    assert slot.current.name == "training" and len(runner.launched) == 1
    runner.finish(0)
    assert log == [("training", "done", "training result")] and not slot.busy
    assert slot.start(recording_job("error finder", log))


def test_a_preemptible_job_is_cancelled_and_the_new_one_starts_when_it_has_ended():
    runner, log = ManualRunner(), []
    slot = JobSlot(runner)
    prediction = recording_job("corpus prediction", log, preemptible=True,
                               task=lambda stop, report: "stopped" if stop.is_set() else "all")
    slot.start(prediction)
    assert slot.is_free and slot.start(recording_job("training", log))
    assert prediction.cancelled and len(runner.launched) == 1  # not before the first has ended
    runner.finish(0)
    assert log == [("corpus prediction", "done", "stopped")]
    assert slot.current.name == "training" and len(runner.launched) == 2


def test_a_job_waiting_for_a_preemptible_one_to_end_keeps_its_turn():
    runner, log = ManualRunner(), []
    slot = JobSlot(runner)
    slot.start(recording_job("corpus prediction", log, preemptible=True))
    assert slot.start(recording_job("training", log))
    assert not slot.is_free  # the slot is promised to the training
    assert not slot.start(recording_job("evaluation", log))  # refused, not put in the training's place
    runner.finish(0)
    assert slot.current.name == "training"
    runner.finish(1)
    assert [entry[0] for entry in log] == ["corpus prediction", "training"]


def test_replace_cancels_any_job_and_cancel_drops_a_waiting_one():
    runner, log = ManualRunner(), []
    slot = JobSlot(runner)
    slot.start(recording_job("evaluation", log))
    assert slot.start(recording_job("training", log), replace=True)
    slot.cancel()  # the user stops everything: the waiting training must not start either
    runner.finish(0)
    assert not slot.busy and len(runner.launched) == 1


def test_listeners_hear_the_running_job_and_the_free_slot_after_the_outcome():
    runner, heard, log = ManualRunner(), [], []
    slot = JobSlot(runner)
    slot.listeners.append(lambda job: heard.append((job.name if job else None, list(log))))
    slot.start(recording_job("evaluation", log))
    runner.finish(0)
    assert heard == [("evaluation", []), (None, [("evaluation", "done", "evaluation result")])]


def test_a_failing_task_reports_one_message_with_its_traceback():
    def broken(stop, report):
        raise RuntimeError("injected")

    failures = []
    slot = JobSlot(InlineRunner())
    slot.start(Job("training", broken, on_failed=lambda message, details: failures.append((message, details))))
    [(message, details)] = failures
    assert message == "injected" and "Traceback" in details and not slot.busy


def test_progress_reaches_the_job_and_shutdown_returns_the_result_without_callbacks():
    started, progress, done = threading.Event(), [], []

    def task(stop, report):
        report(1)
        started.set()
        stop.wait(10)
        return "partial"

    slot = JobSlot(ThreadRunner())
    slot.start(Job("training", task, on_done=done.append, on_progress=progress.append))
    assert started.wait(5)
    job, result = slot.shutdown(timeout_s=5)
    assert (job.name, result, progress, done) == ("training", "partial", [1], []) and not slot.busy


def test_background_work_never_pushes_other_background_work_aside():
    runner, log = ManualRunner(), []
    slot = JobSlot(runner)
    retrain = recording_job("retraining", log, preemptible=True)
    slot.start(retrain)
    assert not slot.start(recording_job("corpus prediction", log, preemptible=True))
    assert not retrain.cancelled and slot.current is retrain


def test_watch_reports_only_when_the_named_job_starts_or_ends():
    runner, log, seen = ManualRunner(), [], []
    slot = JobSlot(runner)
    slot.watch("training", seen.append)
    slot.start(recording_job("evaluation", log))
    runner.finish(0)
    slot.start(recording_job("training", log))
    runner.finish(1)
    assert seen == [True, False]
