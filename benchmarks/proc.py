"""What a process uses, read from /proc: resident memory and CPU time."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from model.training.live.yielding import cpu_seconds

__all__ = ["cpu_seconds", "open_sockets", "peak_rss_kib", "rss_kib"]


def rss_kib(pid: int) -> int:
    """Return the resident set size (VmRSS) of process `pid` in KiB."""
    return _status_kib(pid, "VmRSS")


def peak_rss_kib(pid: int) -> int:
    """Return the peak resident set size (VmHWM) of process `pid` in KiB."""
    return _status_kib(pid, "VmHWM")


def _status_kib(pid: int, key: str) -> int:
    """Return the `key` line of /proc/<pid>/status (a "NNN kB" value) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise ValueError(f"no {key} in /proc/{pid}/status")


def open_sockets(pid: int) -> int:
    """Return how many sockets process `pid` has open (listening one included), from /proc."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(FileNotFoundError):  # closed since the listing
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    return count
