"""Training on several processes with PyTorch's own engine: torchrun, DistributedDataParallel.

``tagger-gui train`` runs unchanged under ``torchrun --nproc-per-node N`` (and
across machines with ``--nnodes M --rdzv-endpoint HOST:PORT``), or starts N local
processes itself (``--nproc N``, ``launch_local``). Every rank reads the same
files; rank 0 builds the vocabulary and sends it to the others, DDP copies rank
0's initial weights to them and averages the gradients, each rank trains on its
share of the same seeded, shuffled length batches (``batching.rank_share``), and
rank 0 alone scores dev and saves. The ranks agree before every batch whether to
stop (Ctrl+C on any of them, or the time limit), so they leave the loop together.

Nothing here runs without a distributed environment: ``join_from_environment``
returns ``None`` when ``WORLD_SIZE`` is absent or 1, and the trainer then takes
its single-process path.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, NoReturn, Sequence

import torch
import torch.distributed as dist

from tagger_gui.ml.config import TrainConfig
from tagger_gui.ml.devices import TrainingError
from tagger_gui.ml.model import build_model
from tagger_gui.ml.vocab import Vocab

TIMEOUT_SECONDS = 30
"""How long a rank waits in a collective for the others before it gives up (no hang when one dies).

A rank that dies is noticed at once (its connections close); the timeout ends a
run where one hangs. The others wait for rank 0 while it builds the vocabulary
and scores dev, so a dev set that takes longer to score needs a longer timeout:
``TAGGER_GUI_DDP_TIMEOUT`` (seconds) sets it.
"""
_STOP_REASONS = ("", "time_limit", "cancelled")
"""Stop reasons by precedence: the ranks agree on the highest any of them saw."""
EXIT_LOST_CONTACT = 3
"""Exit status of a rank that failed because another one did: the launcher names the other one."""
_LOST_CONTACT_WORDS = ("gloo", "nccl", "connection closed", "connection reset", "timed out", "timeout")
"""Words of the RuntimeErrors a collective raises when a peer has gone."""


class RankFailure(TrainingError):
    """A failure of one rank; ``lost_contact``: it failed only because another rank did."""

    def __init__(self, message: str, lost_contact: bool) -> None:
        super().__init__(message)
        self.lost_contact = lost_contact
        self.exit_status = EXIT_LOST_CONTACT if lost_contact else 2


class LaunchError(RuntimeError):
    """A training process of a ``--nproc`` run failed; the others were stopped."""


@dataclass(frozen=True)
class World:
    """This process's place among the training processes (a joined process group)."""

    rank: int
    size: int
    local_rank: int
    device: str
    """``cuda:LOCAL_RANK`` under NCCL, else ``cpu``."""

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def from_main(self, make: Callable[[], Any]) -> Any:
        """``make()`` computed on rank 0 only and sent to every rank (a plain, picklable value)."""
        box = [make() if self.is_main else None]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def agree_on_stop(self, reason: str | None) -> str | None:
        """The stop reason of the rank that has the strongest one (``None``: every rank goes on)."""
        flag = torch.tensor([_STOP_REASONS.index(reason or "")], dtype=torch.int64, device=self.device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return _STOP_REASONS[int(flag.item())] or None

    def any(self, value: bool) -> bool:
        """Whether ``value`` is true on any rank."""
        flag = torch.tensor([int(value)], dtype=torch.int64, device=self.device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item())

    def wrap(self, model: torch.nn.Module) -> torch.nn.Module:
        """``model`` in DistributedDataParallel (which copies rank 0's weights to every rank)."""
        ids = [self.local_rank] if self.device.startswith("cuda") else None
        return torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)


def shared_vocab_and_model(
    world: World, config: TrainConfig, build: Callable[[], tuple[Vocab, torch.nn.Module]]
) -> tuple[Vocab, torch.nn.Module]:
    """Rank 0's ``build()``: its vocabulary is sent to every rank, which builds a model of that size.

    The other ranks' initial weights do not matter: DistributedDataParallel
    replaces them with rank 0's (``World.wrap``). Afterwards each rank's random
    stream is its own, so that word dropout differs between ranks.
    """
    built = build() if world.is_main else None
    sent = world.from_main(lambda: built[0].to_dict())
    if built is None:
        vocab = Vocab.from_dict(sent)
        built = vocab, build_model(config, vocab)
    torch.manual_seed(torch.initial_seed() + world.rank)
    return built


def environment_world_size() -> int:
    """``WORLD_SIZE`` as torchrun sets it (1 when absent)."""
    try:
        return int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        return 1


def join_from_environment(device: str) -> World | None:
    """Join the process group torchrun describes in the environment; ``None`` outside one.

    The backend is NCCL when ``device`` trains on CUDA (``auto`` with a GPU,
    ``cuda``, ``cuda:N``), each rank on GPU ``LOCAL_RANK``; otherwise gloo on the CPU.
    """
    size = environment_world_size()
    if size <= 1:
        return None
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available() and (device == "auto" or device.startswith("cuda"))
    if cuda:
        torch.cuda.set_device(local_rank)
    seconds = float(os.environ.get("TAGGER_GUI_DDP_TIMEOUT") or TIMEOUT_SECONDS)
    dist.init_process_group("nccl" if cuda else "gloo", timeout=timedelta(seconds=seconds))
    return World(dist.get_rank(), size, local_rank, f"cuda:{local_rank}" if cuda else "cpu")


def leave(world: World | None, failure: RankFailure | None = None) -> None:
    """Leave the process group (nothing outside one); after ``failure``, end this process with its exit status.

    After a normal ending the ranks meet at a barrier first, so that none closes
    its connections while a peer still sends; the process must then end with
    ``end_rank``. A failed rank does not tear the group down at all: gloo aborts a
    process ("terminate called without an active exception") whose connections are
    destroyed, or finalised at exit, while a peer is inside a collective. It
    flushes what it said and ends at once; its peers see the connection close and
    stop (``rank_failure``).
    """
    if world is None or not dist.is_initialized():
        return
    if failure is not None:
        end_rank(failure.exit_status)
    dist.barrier()
    dist.destroy_process_group()


def end_rank(exit_status: int) -> NoReturn:
    """End a training process that joined a process group, without Python's finalisation.

    Destroying the group leaves gloo's worker threads running (its shutdown does
    not join them), and one of them may still be releasing the last collective's
    tensors while the interpreter finalises: their release waits for the GIL, the
    thread is ended inside a C++ destructor, and the process aborts. Seen in about
    1 of 10 ``--nproc 2`` runs on a busy machine (core dump: ``~AsyncWork`` ->
    ``decref_pyobject`` -> ``take_gil`` -> ``pthread_exit`` during ``Py_FinalizeEx``).
    Everything the process writes is closed by then; what it printed is flushed.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_status)


def rank_failure(world: World, error: Exception, detail: str) -> RankFailure:
    """``error`` of this rank as one line that names the rank, and says so when a peer was lost."""
    lost = isinstance(error, dist.DistError) or (
        isinstance(error, RuntimeError) and any(word in detail.lower() for word in _LOST_CONTACT_WORDS))
    if lost:  # gloo's own text is a long line about its source files; the first failing rank says why
        detail = "lost contact with the other training processes (one failed, was stopped or timed out)"
    return RankFailure(f"training process rank {world.rank} of {world.size}: {detail}", lost)


def launch_local(nproc: int, args: Sequence[str]) -> None:
    """Run ``python -m tagger_gui ARGS`` as ``nproc`` ranks on this machine (torch's elastic launcher).

    Each rank gets one CPU thread unless ``OMP_NUM_THREADS`` says otherwise. When
    a rank fails, the launcher stops the others. On Ctrl+C the launcher passes the
    signal on and waits: the ranks stop together after their batch and rank 0 saves.

    Raises:
        LaunchError: a rank failed; the message names the first one.
    """
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    logging.getLogger("torch.distributed.elastic").setLevel(logging.CRITICAL)
    config = LaunchConfig(
        min_nodes=1, max_nodes=1, nproc_per_node=nproc, run_id=str(uuid.uuid4()), rdzv_backend="c10d",
        rdzv_endpoint="localhost:0", max_restarts=0, monitor_interval=0.5,
    )
    try:
        elastic_launch(config, sys.executable)("-m", "tagger_gui", *args)
    except ChildFailedError as error:
        rank, failure = min(error.failures.items(), key=lambda item: (_blame_order(item[1].exitcode), item[1].timestamp))
        raise LaunchError(f"training process rank {rank} ended with exit status {failure.exitcode}; "
                          f"all {nproc} processes were stopped (its message is above)") from None
    except SignalException as stop:  # Ctrl+C: the ranks stopped together after their batch (see above)
        raise LaunchError(f"stopped by {stop.sigval.name}; rank 0's message above says what was saved") from None


def _blame_order(exit_status: int) -> int:
    """0 for a rank that failed by itself, 1 for one that a SIGTERM ended (the launcher stops the rest so), 2 for
    one that failed only because it lost contact with another."""
    return 2 if exit_status == EXIT_LOST_CONTACT else int(exit_status == -signal.SIGTERM)
