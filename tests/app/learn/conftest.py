"""Helpers for the /learn tests: the job processes a server started, a wait for one to end, and a bounded wait for
the socket's next message."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from typing import Any

import pytest
from starlette.testclient import WebSocketTestSession

from model.training.live.yielding import children

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


REPLY_S = 60.0
"""How long a test waits for the socket's next message before it fails: a job's first message comes after its process
has started and loaded the data, seconds on a loaded machine; a message that does not come in a minute never will."""


def receive(ws: WebSocketTestSession, waiting_for: str, seconds: float = REPLY_S) -> Any:
    """Return the next message of `ws`, decoded from JSON; fail the test, saying it was `waiting_for` (what the test
    expected: "the started message"), when none comes within `seconds`. A close raises WebSocketDisconnect, as
    receive_json does.

    WebSocketTestSession.receive_json waits without end, so a reply the server never sends would hang the whole run.
    It runs here in a thread of its own, through the session's public API, and the test stops waiting for it. The
    thread is a daemon, and it ends when the session closes (its receive raises then), which the failing test's
    `with` block does. Until then it still waits, and would take the next message: a test does not go on with a
    session after a failed wait.
    """
    message: Future[Any] = Future()

    def wait() -> None:
        try:
            message.set_result(ws.receive_json())
        except BaseException as error:  # handed to the test, which raises it
            message.set_exception(error)

    threading.Thread(target=wait, name=f"receive: {waiting_for}", daemon=True).start()
    try:
        return message.result(timeout=seconds)
    except TimeoutError:
        pytest.fail(f"no message from the socket in {seconds:g} s: waiting for {waiting_for}", pytrace=False)
