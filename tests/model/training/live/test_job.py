"""The job process, run as the web worker runs it: by name, JSON lines both ways; it never outlives its parent."""

from __future__ import annotations

import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from model.datasets.learning import load
from model.training.live import job as job_module
from model.training.live.config import LiveConfig, Start
from model.training.live.job import YIELD_S, Job
from model.training.live.yielding import WorkerLoad, running, stat_fields
from tests.conftest import skip_or_fail
from tests.pipes import LINE_S, Lines

REPO = Path(__file__).resolve().parents[4]
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}


def start_line(**overrides: Any) -> bytes:
    line = {
        "type": "start",
        "config": {
            "hidden": [12],
            "cost": "cross-entropy",
            "eta": 0.5,
            "batch_size": 7,
            "train_size": 700,
            "seed": 0,
            "own_mix": 0.0,
            "epochs": None,
        },
        "max_s": 60,
        "updates_per_second": 5,
        "speed": None,
        "paused": False,
        "limits": {},
    }
    return json.dumps(line | overrides).encode() + b"\n"


@dataclass(frozen=True)
class RunningJob:
    """A job process, started as the web worker starts it, and the JSON lines it writes."""

    process: subprocess.Popen[bytes]
    lines: Lines[bytes]


@pytest.fixture
def job() -> Iterator[RunningJob]:
    process = subprocess.Popen(
        [sys.executable, "-m", "model.training.live"], cwd=REPO, env=ENV, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    yield RunningJob(process, Lines(process.stdout, "the job"))
    process.kill()
    process.wait()


def send(job: RunningJob, line: bytes | dict[str, Any]) -> None:
    assert job.process.stdin is not None
    job.process.stdin.write(line if isinstance(line, bytes) else json.dumps(line).encode() + b"\n")
    job.process.stdin.flush()


def until(job: RunningJob, kind: str, seconds: float = LINE_S) -> dict[str, Any]:
    """Return the job's next message of type `kind`, passing over the others; fail the test when it has not come
    within `seconds` (the job says nothing, or only other things), or when the job ends first."""
    deadline = time.monotonic() + seconds
    while line := job.lines.next(f"its {kind} message ({seconds:g} s in all)", deadline - time.monotonic()):
        message: dict[str, Any] = json.loads(line)
        if message["type"] == kind:
            return message
    raise AssertionError(f"the job ended before sending {kind}")


def gone_within(pid: int, seconds: float) -> bool:
    """Return True once `pid` has exited (or is a zombie) within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not running(pid):
            return True
        time.sleep(0.02)
    return False


def test_step_while_paused_moves_exactly_one_mini_batch(job: RunningJob) -> None:
    send(job, start_line(paused=True))
    started = until(job, "started")
    assert started["sizes"] == [784, 12, 10] and started["batches_per_epoch"] == 100
    assert until(job, "progress")["examples_seen"] == 0
    send(job, {"type": "step"})
    step = until(job, "step")
    assert step["m"] == 7 and step["examples_seen"] == 7 and len(step["delta"]) == 7
    assert step["neuron"] == {"layer": 2, "index": step["batch"]["labels"][0], "inputs": 12}
    assert until(job, "progress")["examples_seen"] == 7
    send(job, {"type": "focus", "layer": 1, "neuron": 4})
    send(job, {"type": "step"})
    step = until(job, "step")
    assert step["examples_seen"] == 14 and step["neuron"]["layer"] == 1 and len(step["nabla_w_sum"]) == 784


def test_it_starts_with_the_controls_of_its_start_line(job: RunningJob) -> None:
    """Paused, at a speed, watching a neuron: as the worker kept them while the page was queued."""
    send(job, start_line(paused=True, speed=2.0, focus=[1, 4]))
    started = until(job, "started")
    assert (started["paused"], started["speed"], started["focus"]) == (True, 2.0, {"layer": 1, "neuron": 4})
    assert until(job, "progress")["examples_seen"] == 0
    send(job, {"type": "step"})
    assert until(job, "step")["neuron"] == {"layer": 1, "index": 4, "inputs": 784}


class Recording(queue.Queue[dict[str, Any]]):
    """A command queue that notes, in `events`, each wait for a command (its timeout; 0 for a look without waiting)
    and, through note_batch, each mini-batch."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, float]] = []

    def get(self, block: bool = True, timeout: float | None = None) -> dict[str, Any]:
        self.events.append(("wait", (timeout or 0.0) if block else 0.0))
        return super().get(block, timeout)

    def note_batch(self) -> None:
        self.events.append(("batch", 0.0))


class BusyWorker(WorkerLoad):
    """A worker that is always busy serving."""

    def __init__(self) -> None:
        super().__init__([], share=0.0)

    def busy(self) -> bool:
        return True


def one_epoch(batches: int, *, speed: float | None = None, updates_per_second: float = 5) -> Start:
    """Return the start of a small job (784-12-10, m = 7) that ends after one epoch of `batches` mini-batches."""
    config = LiveConfig(hidden=(12,), cost="quadratic", eta=3.0, batch_size=7, train_size=7 * batches, epochs=1)
    return Start(
        config=config,
        own_x=np.zeros((0, 784), np.float32),
        own_y=np.zeros(0, np.int64),
        data_dir=None,
        max_s=60,
        updates_per_second=updates_per_second,
        speed=speed,
        paused=False,
        focus=None,
        limits={},
    )


def waits_between_batches(
    speed: float | None, worker: WorkerLoad | None = None, sent: list[dict[str, Any]] | None = None
) -> list[float]:
    """Run a 3-batch job at `speed` in this process, beside `worker`; return the longest wait before each mini-batch
    after the first. The job's messages are added to `sent`."""
    job = Job(one_epoch(3, speed=speed), load(None), send=(sent if sent is not None else []).append, worker=worker)
    commands = Recording()
    train_one = job.train_one

    def noted(*, explain: bool) -> None:
        commands.note_batch()
        train_one(explain=explain)

    job.train_one = noted  # type: ignore[method-assign]
    assert job.run(commands) == "finished"
    batches = [i for i, (kind, _) in enumerate(commands.events) if kind == "batch"]
    assert len(batches) == 3
    return [max(t for _, t in commands.events[a:b]) for a, b in itertools.pairwise(batches)]


@pytest.mark.parametrize("speed", [4.0, 50.0])
def test_below_full_speed_it_sleeps_between_mini_batches(speed: float) -> None:
    """Slow motion and any set speed leave the CPU (and the memory bus) between mini-batches: the job blocks on its
    command queue until the next one is due, rather than spinning."""
    assert all(wait > 0 for wait in waits_between_batches(speed))


def test_at_full_speed_it_trains_without_waiting() -> None:
    assert waits_between_batches(None) == [0.0, 0.0]
    assert waits_between_batches(None, WorkerLoad([os.getpid()], share=0.0)) == [0.0, 0.0]  # yielding off


@pytest.mark.parametrize("speed", [None, 1000.0])
def test_while_its_worker_is_busy_it_trains_only_a_trickle(speed: float | None) -> None:
    """Full speed or a fast one, a mini-batch every YIELD_S at most while the worker serves."""
    waits = waits_between_batches(speed, BusyWorker())
    assert all(0.5 * YIELD_S < wait <= YIELD_S for wait in waits), waits


@pytest.mark.parametrize("worker", [None, BusyWorker()], ids=["alone", "beside a busy worker"])
def test_its_progress_says_whether_it_stepped_aside_for_the_server(worker: WorkerLoad | None) -> None:
    """The page tells the learner why training slowed: the first report comes before any mini-batch."""
    sent: list[dict[str, Any]] = []
    waits_between_batches(None, worker, sent)
    busy = [message["server_busy"] for message in sent if message["type"] == "progress"]
    assert len(busy) >= 2 and busy[0] is False
    assert any(busy[1:]) is (worker is not None)


@pytest.mark.parametrize("worker", [None, BusyWorker()], ids=["alone", "beside a busy worker"])
def test_beside_a_busy_worker_it_scores_the_validation_digits_less_often(
    worker: WorkerLoad | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scoring reads all the validation digits: beside a busy worker, at most once every BUSY_SCORING_S (the progress
    messages in between carry no validation figures, and come without a snapshot); alone, with every progress."""
    monkeypatch.setattr(job_module, "BUSY_SCORING_S", 0.2)
    sent: list[dict[str, Any]] = []
    job = Job(one_epoch(10, updates_per_second=40), load(None), send=sent.append, worker=worker)
    assert job.run(queue.Queue()) == "finished"
    progress = [message for message in sent if message["type"] == "progress"]
    scored = [message["elapsed_s"] for message in progress if message["validation_accuracy"] is not None]
    snapshots = sum(message["type"] == "snapshot" for message in sent)
    assert snapshots == len(scored) >= 1
    if worker is None:
        assert len(scored) == len(progress)
    else:
        # 10 mini-batches, one every YIELD_S: about 0.5 s, reported on every 1/40 s, scored every 0.2 s at most.
        assert len(progress) > len(scored) + 3
        assert all(later - earlier >= 0.2 for earlier, later in itertools.pairwise(scored[1:]))
        unscored = [message for message in progress if message["validation_accuracy"] is None]
        assert all(message["validation_cost"] is None and message["own_accuracy"] is None for message in unscored)


def test_it_trains_answers_and_downloads(job: RunningJob) -> None:
    send(job, start_line())
    first = until(job, "progress")
    time.sleep(1.5)
    send(job, {"type": "pause"})
    send(job, {"type": "ask", "pixels": [0.0] * 784})
    answer = until(job, "answer")
    assert 0 <= answer["digit"] <= 9 and sum(answer["probabilities"]) == pytest.approx(1, abs=1e-5)
    send(job, {"type": "download"})
    weights = until(job, "weights")
    assert weights["filename"] == "learned-784-12-10.npz"
    send(job, {"type": "progress-please"})  # an unknown command is ignored (the worker checks them first)
    send(job, {"type": "resume"})
    later = until(job, "progress")
    assert later["examples_seen"] > first["examples_seen"]
    assert later["validation_accuracy"] > 0.5


def test_it_stops_at_the_time_limit_and_hands_over_its_network(job: RunningJob) -> None:
    send(job, start_line(max_s=1))
    assert until(job, "weights")["data"]
    assert until(job, "stopped")["reason"] == "time-limit"
    assert job.process.wait(5) == 0


def test_it_finishes_after_its_epochs(job: RunningJob) -> None:
    send(
        job,
        start_line(
            config={
                "hidden": [12],
                "cost": "quadratic",
                "eta": 3.0,
                "batch_size": 10,
                "train_size": 100,
                "seed": 1,
                "own_mix": 0.5,
                "epochs": 2,
            },
            own={"pixels": [[0.5] * 784], "labels": [3]},
        ),
    )
    assert until(job, "stopped")["reason"] == "finished"


def test_a_bad_start_line_is_said_in_one_message(job: RunningJob) -> None:
    send(job, start_line(config={"hidden": [], "cost": "quadratic"}))
    stopped = until(job, "stopped")
    assert stopped["reason"] == "error" and "hidden" in stopped["detail"]
    assert job.process.wait(5) == 1


def test_it_runs_at_the_lowest_priority_and_ends_when_its_stdin_does(job: RunningJob) -> None:
    send(job, start_line())
    until(job, "progress")
    niceness = int(stat_fields(job.process.pid)[16])
    assert niceness == 19
    if not hasattr(os, "SCHED_IDLE"):
        skip_or_fail("no SCHED_IDLE scheduling policy on this platform (Linux has it)")
    assert os.sched_getscheduler(job.process.pid) == os.SCHED_IDLE  # the default, as the worker starts it
    assert job.process.stdin is not None
    job.process.stdin.close()
    assert gone_within(job.process.pid, 2.0)


PARENT = """
import subprocess, sys, time
job = subprocess.Popen([sys.executable, "-m", "model.training.live"], stdin=int(sys.argv[1]), stdout=subprocess.DEVNULL)
print(job.pid, flush=True)
time.sleep(60)
"""


def test_it_dies_with_its_parent() -> None:
    """SIGKILL the parent while the job's stdin stays open (this test holds the pipe): the kernel's parent-death
    signal alone must end the job."""
    read, write = os.pipe()
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(read)], cwd=REPO, env=ENV, stdout=subprocess.PIPE, pass_fds=(read,)
    )
    os.close(read)
    try:
        os.write(write, start_line())
        said = Lines(parent.stdout, "the parent").next("the pid of the job it started")
        assert said, "the parent ended without starting the job"
        pid = int(said)
        time.sleep(1.0)  # training by now
        assert not gone_within(pid, 0)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert gone_within(pid, 2.0)
    finally:
        parent.kill()
        os.close(write)
