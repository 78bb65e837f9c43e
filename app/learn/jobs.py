"""The jobs of one worker: a fixed number of slots with a queue that knows each visitor's place, and the
job process itself (`python -m model.training.live`, run by name: the web layer never imports the trainer).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from app.learn.limits import LearnLimits

JOB_MODULE = "model.training.live"
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""A job computes on one core: BLAS must not start a thread per core and take the worker's."""
LINE_LIMIT = 16 * 1024 * 1024
"""Longest line a job may write (the largest network's weights, base64, are under 1 MB)."""
KILL_WAIT_S = 1.0


class QueueFullError(Exception):
    """Every slot is taken and the queue is at its limit."""


class Lease:
    """A slot held by one job; release() gives it to the next in the queue (once, however often it is called)."""

    def __init__(self, slots: JobSlots) -> None:
        self._slots = slots
        self.released = False

    def release(self) -> None:
        """Give the slot back (idempotent)."""
        if not self.released:
            self.released = True
            self._slots._release()


class _Waiter:
    def __init__(self) -> None:
        self.changed = asyncio.Event()
        self.granted = False


class JobSlots:
    """`capacity` jobs train at once; up to `queue_length` more wait, first come first served."""

    def __init__(self, *, capacity: int, queue_length: int) -> None:
        self.capacity = capacity
        self.queue_length = queue_length
        self.running = 0
        self._waiting: list[_Waiter] = []

    @property
    def waiting(self) -> int:
        """Return how many wait in the queue."""
        return len(self._waiting)

    async def acquire(self, *, on_position: Callable[[int], Awaitable[None]]) -> Lease:
        """Return a Lease once a slot is free; call on_position(place) (1 = next) on arrival and at each move.

        Raises QueueFullError when the queue is at its limit. Cancelled while waiting, it leaves the queue.
        """
        if self.running < self.capacity and not self._waiting:
            self.running += 1
            return Lease(self)
        if len(self._waiting) >= self.queue_length or self.capacity == 0:
            raise QueueFullError
        waiter = _Waiter()
        self._waiting.append(waiter)
        try:
            while not waiter.granted:
                await on_position(self._waiting.index(waiter) + 1)
                await waiter.changed.wait()
                waiter.changed.clear()
        except BaseException:
            if waiter.granted:
                self._release()
            else:
                self._waiting.remove(waiter)
                self._moved()
            raise
        return Lease(self)

    def _release(self) -> None:
        self.running -= 1
        if self._waiting and self.running < self.capacity:
            first = self._waiting.pop(0)
            first.granted = True
            self.running += 1
            first.changed.set()
        self._moved()

    def _moved(self) -> None:
        for waiter in self._waiting:
            waiter.changed.set()


class JobProcess:
    """A running job: its process and pipes (JSON lines both ways)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def spawn(cls, *, cwd: Path, limits: LearnLimits) -> JobProcess:
        """Return a new job process: one BLAS thread; it lowers its priority to `limits.learn_niceness` (and, with
        `learn_idle_policy`, takes the SCHED_IDLE policy), trains only a trickle while this process uses more than
        `learn_yield_share` of a CPU, and dies with this process."""
        env = {
            **os.environ,
            **ONE_THREAD,
            "DIGITS_LEARN_PARENT": str(os.getpid()),
            "DIGITS_LEARN_NICENESS": str(limits.learn_niceness),
            "DIGITS_LEARN_IDLE_POLICY": "1" if limits.learn_idle_policy else "0",
            "DIGITS_LEARN_YIELD_SHARE": str(limits.learn_yield_share),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            JOB_MODULE,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=cwd,
            env=env,
            limit=LINE_LIMIT,
        )
        return cls(process)

    @property
    def pid(self) -> int:
        """Return the job's process id."""
        return self.process.pid

    async def send(self, line: bytes) -> bool:
        """Write one line to the job; return False when it has gone."""
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(line + b"\n")
            await stdin.drain()
        except (ConnectionError, RuntimeError):
            return False
        return True

    async def lines(self) -> AsyncIterator[bytes]:
        """Yield the job's lines (without the newline) until it exits."""
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            try:
                line = await stdout.readline()
            except (ValueError, asyncio.LimitOverrunError):  # a line beyond LINE_LIMIT: the job is broken
                return
            if not line:
                return
            yield line.rstrip(b"\n")

    async def stop(self) -> None:
        """End the job now: kill it, close its pipes, and reap it.

        The first two are synchronous, so a stop cancelled at its first await (a closing test client) still ends
        the job. asyncio's Process has no close(): its transport is closed here, not by the garbage collector,
        which might run after the event loop has closed.
        """
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        transport = getattr(self.process, "_transport", None)
        if transport is not None:
            transport.close()
        with contextlib.suppress(asyncio.TimeoutError, ProcessLookupError):
            await asyncio.wait_for(self.process.wait(), KILL_WAIT_S)
