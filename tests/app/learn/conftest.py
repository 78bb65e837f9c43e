"""Helpers for the /learn tests: the job processes a server started, and a wait for one to end."""

from __future__ import annotations

import time

from tests.server import children

JOB_MARKER = b"model.training.live"
"""In the command line of every /learn job process (`python -m model.training.live`)."""


def job_pids(parent: int) -> list[int]:
    """Return the ids of the live (not zombie) /learn job processes whose parent is `parent`."""
    return children(parent, marker=JOB_MARKER)


def wait_until(condition: object, seconds: float) -> float | None:
    """Return the seconds until condition() was true, or None if it was not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.02)
    return None
