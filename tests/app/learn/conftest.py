"""Helpers for the /learn tests: the job processes a server started, and a wait for one to end."""

from __future__ import annotations

import time
from pathlib import Path


def job_pids(parent: int) -> list[int]:
    """Return the ids of the live (not zombie) `python -m model.training.live` processes whose parent is `parent`."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] not in ("Z", "X") and b"model.training.live" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


def wait_until(condition: object, seconds: float) -> float | None:
    """Return the seconds until condition() was true, or None if it was not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.02)
    return None
