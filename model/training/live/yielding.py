"""How busy the job's web worker is, so that a /learn job steps aside while the worker serves.

SCHED_IDLE and nice 19 give a job only the CPU time nothing else wants, but not the rest of the machine: a
job streaming its training and validation digits through the cache it shares with the worker makes the
worker's own reads (3.8 MB of weights a drawing) come from memory more often. Measured with two jobs
beside a worker answering drawings at 8 connections (benchmarks/learn_load.py), the p99 rose by a third.
So a job also watches the worker's CPU time (Linux's /proc), and while the worker is busy it trains a
mini-batch only every so often (model.training.live.job): a trickle, never a stop.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

WINDOW_S = 0.1
"""How often the worker's CPU time is read: its share of a CPU is taken over this long."""


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time process `pid` has used so far, in seconds (Linux: /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name, in brackets, may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WorkerLoad:
    """Whether a process (the job's worker) has been busy: more than `share` of a CPU over the last window."""

    def __init__(
        self,
        pid: int,
        *,
        share: float,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        cpu: Callable[[int], float] = cpu_seconds,
    ) -> None:
        self.pid, self.share, self.window_s, self.clock, self.cpu = pid, share, window_s, clock, cpu
        self._busy = False
        self._since: tuple[float, float] | None = None
        """When the current window began, and the process's CPU seconds then."""
        if share > 0:
            self._since = self._read()

    def _read(self) -> tuple[float, float] | None:
        """Return (now, the process's CPU seconds), or None where they cannot be read (not Linux, or it is gone)."""
        try:
            return self.clock(), self.cpu(self.pid)
        except (OSError, ValueError, IndexError):
            return None

    def busy(self) -> bool:
        """Return whether the process used more than `share` of a CPU over the last whole window (False when off,
        or where its CPU time cannot be read)."""
        if self._since is None:
            return False
        began, spent = self._since
        if self.clock() - began >= self.window_s:
            now = self._read()
            if now is None:
                self._since = None
                return False
            self._busy = (now[1] - spent) / (now[0] - began) > self.share
            self._since = now
        return self._busy
