"""The Qt-free session layer between ``ml`` and ``gui``: the open project's model, its predictions,
its dev choice and the one job slot its background work shares (see ``session.Session``)."""

from tagger_gui.session.jobs import InlineRunner, Job, JobSlot, ThreadRunner
from tagger_gui.session.session import ERROR_FINDER, EVALUATION, PREDICTION, TRAINING, Session, SessionError

__all__ = [
    "ERROR_FINDER", "EVALUATION", "PREDICTION", "TRAINING",
    "InlineRunner", "Job", "JobSlot", "Session", "SessionError", "ThreadRunner",
]
