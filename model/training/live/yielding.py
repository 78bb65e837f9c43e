"""How busy the job's web worker is, so that a /learn job steps aside while the worker serves.

SCHED_IDLE and nice 19 give a job only the CPU time nothing else wants, but not the rest of the machine: a
job streaming its training and validation digits through the cache it shares with the worker makes the
worker's own reads (3.8 MB of weights a drawing) come from memory more often. Measured with two jobs
beside a worker answering drawings at 8 connections (benchmarks/learn_load.py), the p99 rose by a third.
So a job also watches the CPU time of its worker and of the worker's siblings, when uvicorn runs several (Linux's
/proc): a job beside an idle worker still shares the cache with a busy sibling on the other core, and it made that
sibling's one client wait 0.1 to 0.7 ms more at the p50. While one of them is busy, the job trains a mini-batch
only every so often (model.training.live.job): a trickle, never a stop.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

WINDOW_S = 0.1
"""How often the workers' CPU time is read: each one's share of a CPU is taken over this long."""

ENDED = ("Z", "X")
"""The states in /proc/<pid>/stat of a process that has ended: a zombie waiting for its reaper, or dead."""

SPAWNED = b"spawn_main"
"""In the command line of a process multiprocessing spawned: each of uvicorn's workers when it runs several."""


def stat_fields(pid: int) -> list[str]:
    """Return the fields of /proc/<pid>/stat after the command name: state first, then the parent's pid, ... (the
    nice value at 16). Raises OSError when there is no such process."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2 :].split()  # the name, in brackets, may hold spaces


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time process `pid` has used so far, in seconds (Linux: /proc/<pid>/stat)."""
    fields = stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def running(pid: int) -> bool:
    """Return whether process `pid` runs: it exists and is not a zombie waiting for its reaper."""
    try:
        return stat_fields(pid)[0] not in ENDED
    except FileNotFoundError:
        return False


def children(pid: int, *, marker: bytes = b"") -> list[int]:
    """Return the running (not ended, not zombie) child processes of `pid` whose command line holds `marker`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat_fields(int(stat.parent.name))[:2]
            if state not in ENDED and int(parent) == pid and marker in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
        except (OSError, ValueError):  # ended since the listing
            continue
    return found


def serving(worker: int) -> list[int]:
    """Return the processes that answer requests beside the job: its worker, and the worker's siblings when uvicorn
    runs several (the other processes it spawned); the worker alone where /proc cannot tell."""
    try:
        if SPAWNED not in Path(f"/proc/{worker}/cmdline").read_bytes():
            return [worker]  # the only worker: it is the server's own process
        supervisor = int(stat_fields(worker)[1])
    except (OSError, ValueError, IndexError):
        return [worker]
    return [worker, *(pid for pid in children(supervisor, marker=SPAWNED) if pid != worker)]


class WorkerLoad:
    """Whether any of some processes (the job's worker and its siblings) has been busy: more than `share` of a CPU
    over the last window."""

    def __init__(
        self,
        pids: Sequence[int],
        *,
        share: float,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        cpu: Callable[[int], float] = cpu_seconds,
    ) -> None:
        self.pids = list(pids)
        self.share, self.window_s, self.clock, self.cpu = share, window_s, clock, cpu
        self._busy = False
        self._since: tuple[float, list[float]] | None = None
        """When the current window began, and each process's CPU seconds then."""
        if share > 0:
            self._since = self._read()

    def _read(self) -> tuple[float, list[float]] | None:
        """Return (now, each process's CPU seconds), or None where they cannot be read (not Linux, or one is gone)."""
        try:
            return self.clock(), [self.cpu(pid) for pid in self.pids]
        except (OSError, ValueError, IndexError):
            return None

    def busy(self) -> bool:
        """Return whether one of the processes used more than `share` of a CPU over the last whole window (False when
        off, or where their CPU time cannot be read)."""
        if self._since is None:
            return False
        began, spent = self._since
        if self.clock() - began >= self.window_s:
            now = self._read()
            if now is None:
                self._since = None
                return False
            elapsed = now[0] - began
            self._busy = any(
                (after - before) / elapsed > self.share for before, after in zip(spent, now[1], strict=True)
            )
            self._since = now
        return self._busy
