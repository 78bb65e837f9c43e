"""The /learn job's process: guards that tie it to its parent, the command reader, and the training loop.

The process never outlives its web worker: stdin's end (the worker closed the pipe, or died) ends it at
once, and on Linux the kernel kills it when its parent dies (PR_SET_PDEATHSIG). It runs at a lower CPU
priority (nice 19 and, on Linux, the SCHED_IDLE policy), with the BLAS thread count the worker sets in its
environment (one).
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import queue
import signal
import sys
import threading
import time
from typing import Any, BinaryIO

import numpy as np
import orjson

from model.datasets.learning import LearningData, load, unit
from model.network import Network
from model.training.live.config import Start
from model.training.live.messages import answer, explained_step, snapshot, weights_message
from model.training.live.yielding import WorkerLoad, serving
from model.training.optimizer import SGD
from model.training.trainer import Trainer

PR_SET_PDEATHSIG = 1
NICENESS = 19
"""The job's nice value unless the worker says otherwise (DIGITS_LEARN_NICENESS)."""
SMOOTHING = 0.05
"""Weight of the newest mini-batch in the smoothed training cost (an exponential moving average)."""
YIELD_S = 0.05
"""While its worker or a sibling is busy (model.training.live.yielding), a job trains one mini-batch this often at most."""
BUSY_SCORING_S = 1.0
"""...and scores the validation digits (and sends a snapshot) this often at most. Scoring reads all 2,000 of them,
6 MB, and costs a report about 4 ms of CPU: five times a second in each of two jobs, it raised /predict's p99 at one
connection from 1.1 to 2.7 ms (docs/learn.md). The progress messages in between go on, without validation figures."""


def guard(parent: int, niceness: int, idle: bool) -> None:
    """Die with the parent process (Linux), and run at CPU priority `niceness` (19, the lowest, unless set); with
    `idle`, also under the SCHED_IDLE policy where the platform has it and permits it."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the guard was set
        os._exit(1)
    with contextlib.suppress(OSError):
        os.nice(niceness - os.nice(0))
    if idle:
        # SCHED_IDLE runs the job only on CPU time no normal task wants: a nice-19 task still gets a share (about
        # 1.5% of a CPU against each busy nice-0 task), an idle one hardly any. Called before any thread starts,
        # so the reader thread inherits it. Where it is missing (not Linux) or refused, the nice value stands.
        with contextlib.suppress(OSError, AttributeError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def read_commands(stream: BinaryIO, commands: queue.Queue[dict[str, Any]]) -> None:
    """Put each JSON line of `stream` in `commands`; at the stream's end, end the process at once."""
    for line in stream:
        with contextlib.suppress(orjson.JSONDecodeError):
            decoded = orjson.loads(line)
            if isinstance(decoded, dict):
                commands.put(decoded)
    os._exit(0)  # the worker is gone, or closed the pipe: stop mid-batch, nothing is left to do


class Job:
    """One training run: the trainer, the data, and what the page controls (pause, speed, focus)."""

    def __init__(self, start: Start, data: LearningData, send: Any, worker: WorkerLoad | None = None) -> None:
        config = start.config
        self.start, self.config, self.send = start, config, send
        self.worker = worker
        self.rng = np.random.default_rng(config.seed)
        network = Network.initialise(config.sizes, self.rng, output="sigmoid")
        self.trainer = Trainer(network, SGD(), cost=config.cost)
        self.train_x, self.train_y = data.train_x[: config.train_size], data.train_y[: config.train_size]
        self.validation_x, self.validation_y = unit(data.validation_x), data.validation_y
        self.validation_bytes = data.validation_x
        self.source = data.source
        self.batches_per_epoch = len(self.train_y) // config.batch_size
        self.order = np.arange(0)
        self.batches = 0
        self.smoothed: float | None = None
        self.paused, self.speed = start.paused, start.speed
        self.stepped_aside = False
        """Whether the job has stepped aside for its serving worker since the last progress message."""
        self.scored_at = -math.inf
        """When the validation digits were last scored (time.monotonic)."""
        self.focus: tuple[int, int] | None = None
        if start.focus is not None:
            self.set_focus(*start.focus)
        self.started = time.monotonic()

    @property
    def network(self) -> Network:
        """Return the network being trained."""
        return self.trainer.network

    @property
    def examples_seen(self) -> int:
        """Return how many training examples the steps so far have used."""
        return self.batches * self.config.batch_size

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the next mini-batch (x, y): a new random order each epoch, some own digits mixed in."""
        m, within = self.config.batch_size, self.batches % self.batches_per_epoch
        if within == 0:
            self.order = self.rng.permutation(len(self.train_y))
        idx = self.order[within * m : (within + 1) * m]
        x, y = unit(self.train_x[idx]), self.train_y[idx]
        own = len(self.start.own_y)
        if own and self.config.own_mix > 0:
            k = int(self.rng.binomial(m, self.config.own_mix))
            pick = self.rng.integers(0, own, k)
            x, y = np.concatenate([self.start.own_x[pick], x[k:]]), np.concatenate([self.start.own_y[pick], y[k:]])
        return x, y

    def train_one(self, *, explain: bool) -> None:
        """Take one step; with `explain`, send the "step" message for the focused neuron."""
        x, y = self.batch()
        message = None
        if explain:
            layer, neuron = self.focus or (len(self.network.weights), int(y[0]))
            step, message = explained_step(
                trainer=self.trainer,
                x=x,
                y=y,
                layer=layer,
                neuron=neuron,
                eta=self.config.eta,
                examples_seen=self.examples_seen + self.config.batch_size,
            )
        else:
            step = self.trainer.step(x, y, learning_rate=self.config.eta)
        self.batches += 1
        self.smoothed = step.cost if self.smoothed is None else self.smoothed + SMOOTHING * (step.cost - self.smoothed)
        if message is not None:
            self.send(message)

    def report(self, *, score: bool = True) -> None:
        """Send a "progress" and a "snapshot", scored on the validation digits (and the learner's own).

        Without `score`, only the progress, whose validation and own figures are then null (not scored this time).
        """
        network = self.network
        validation_cost = validation_accuracy = own_accuracy = None
        if score:
            zs, activations = network.forward(self.validation_x)
            predicted = activations[-1].argmax(axis=1)
            validation_cost = network.cost(zs[-1], activations[-1], self.validation_y, cost=self.config.cost)
            validation_accuracy = float((predicted == self.validation_y).mean())
            if len(self.start.own_y):
                own_accuracy = float((network.feedforward(self.start.own_x).argmax(axis=1) == self.start.own_y).mean())
            self.scored_at = time.monotonic()
        self.send(
            {
                "type": "progress",
                "examples_seen": self.examples_seen,
                "epoch": self.batches // self.batches_per_epoch + 1,
                "batches": self.batches,
                "cost": self.smoothed,
                "validation_cost": validation_cost,
                "validation_accuracy": validation_accuracy,
                "own_accuracy": own_accuracy,
                "elapsed_s": round(time.monotonic() - self.started, 3),
                "paused": self.paused,
                "server_busy": self.stepped_aside,
            }
        )
        self.stepped_aside = False
        if not score:
            return
        self.send(
            snapshot(
                network=network,
                examples_seen=self.examples_seen,
                validation_y=self.validation_y,
                predicted=predicted,
                validation_bytes=self.validation_bytes,
            )
        )

    def handle(self, command: dict[str, Any]) -> None:
        """Carry out one command from the worker (already checked there; checked again against the network)."""
        kind = command.get("type")
        if kind == "pause" or kind == "resume":
            self.paused = kind == "pause"
            self.report()
        elif kind == "step":
            if not self.paused:
                self.send({"type": "error", "detail": "step works while paused: send pause first"})
                return
            self.train_one(explain=True)
            self.report()
        elif kind == "speed":
            speed = command.get("batches_per_second")
            self.speed = None if speed is None else float(speed)
        elif kind == "focus":
            self.set_focus(int(command["layer"]), int(command["neuron"]))
        elif kind == "ask":
            self.send(answer(network=self.network, pixels=np.asarray(command["pixels"], dtype=np.float32)))
        elif kind == "download":
            self.send(self.weights())

    def set_focus(self, layer: int, neuron: int) -> None:
        """Show this neuron in the step messages (layer 1 = first hidden); say so when the network has none."""
        sizes = self.network.sizes
        if not 1 <= layer < len(sizes) or not 0 <= neuron < sizes[layer]:
            self.send({"type": "error", "detail": f"no neuron {neuron} in layer {layer}: the layers are {sizes[1:]}"})
            return
        self.focus = (layer, neuron)

    def weights(self) -> dict[str, Any]:
        """Return the "weights" message of the network as it is now."""
        training = {"config": self.config.as_dict(), "examples_seen": self.examples_seen, "data": self.source}
        return weights_message(network=self.network, cost=self.config.cost, metadata={"training": training})

    def run(self, commands: queue.Queue[dict[str, Any]]) -> str:
        """Train until the time limit or the last epoch, obeying commands; return why it stopped."""
        config, start = self.config, self.start
        self.send(
            {
                "type": "started",
                "sizes": self.network.sizes,
                "config": config.as_dict(),
                "limits": start.limits,
                "data": {
                    "source": self.source,
                    "train_size": len(self.train_y),
                    "validation_size": len(self.validation_y),
                },
                "batches_per_epoch": self.batches_per_epoch,
                "paused": self.paused,
                "speed": self.speed,
                "focus": None if self.focus is None else {"layer": self.focus[0], "neuron": self.focus[1]},
            }
        )
        self.report()
        deadline = self.started + start.max_s
        tick = 1 / start.updates_per_second
        next_report = next_batch = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= deadline:
                return "time-limit"
            if config.epochs is not None and self.batches >= config.epochs * self.batches_per_epoch:
                return "finished"
            wait = deadline - now if self.paused else max(0.0, next_batch - now)
            try:  # every command is handled between two mini-batches; a paused job sleeps here
                command = commands.get(timeout=min(wait, tick)) if wait > 0 else commands.get_nowait()
                self.handle(command)
                continue
            except queue.Empty:
                pass
            if self.paused or time.monotonic() < next_batch:
                continue
            slow = self.speed is not None and self.speed <= start.updates_per_second
            self.train_one(explain=slow)
            if self.speed is not None:
                next_batch = max(next_batch + 1 / self.speed, time.monotonic() - 1)
            if self.worker is not None and self.worker.busy():  # the worker is serving: step aside, a trickle
                next_batch = max(next_batch, time.monotonic() + YIELD_S)
                self.stepped_aside = True
            if slow or time.monotonic() >= next_report:
                now = time.monotonic()
                self.report(score=not self.stepped_aside or now - self.scored_at >= BUSY_SCORING_S)
                next_report = time.monotonic() + tick


def writer(stream: BinaryIO) -> Any:
    """Return send(message): one JSON line on `stream`, flushed; the process ends if the worker has gone."""

    def send(message: dict[str, Any]) -> None:
        try:
            stream.write(orjson.dumps(message, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
            stream.flush()
        except (BrokenPipeError, ValueError):
            os._exit(0)

    return send


def main() -> int:
    """Run the job described by the first line of stdin; return the exit status."""
    parent = int(os.environ.get("DIGITS_LEARN_PARENT", os.getppid()))
    guard(
        parent,
        int(os.environ.get("DIGITS_LEARN_NICENESS", NICENESS)),
        idle=os.environ.get("DIGITS_LEARN_IDLE_POLICY", "1") == "1",
    )
    send = writer(sys.stdout.buffer)
    try:
        start = Start.parse(orjson.loads(sys.stdin.buffer.readline()))
        worker = WorkerLoad(serving(parent), share=float(os.environ.get("DIGITS_LEARN_YIELD_SHARE", 0)))
        job = Job(start, load(start.data_dir), send, worker)
    except Exception as error:  # a bad start line or unreadable data: said in one message
        send({"type": "stopped", "reason": "error", "detail": f"{type(error).__name__}: {error}"})
        return 1
    commands: queue.Queue[dict[str, Any]] = queue.Queue()
    threading.Thread(target=read_commands, args=(sys.stdin.buffer, commands), daemon=True).start()
    reason = job.run(commands)
    send(job.weights())  # the worker keeps it for a later download
    send({"type": "stopped", "reason": reason})
    return 0
