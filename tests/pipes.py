"""A bounded wait for the next line a child process writes to a pipe: a test that waits for output which never comes
fails, saying what it waited for, instead of hanging the run.

    lines = Lines(process.stdout, "the job")
    line = lines.next("the started message", seconds=30)
"""

from __future__ import annotations

import queue
import threading
from typing import IO, AnyStr, Generic

import pytest

LINE_S = 60.0
"""How long a test waits for a process's next line before it fails: a child's first line comes after Python has
started and imported NumPy (and the job has loaded its data), seconds on a loaded machine; a line that does not come in
a minute never will."""


class Lines(Generic[AnyStr]):
    """The lines of a pipe (a child process's stdout, bytes or text), read by a thread of their own.

    A plain readline() on a pipe waits without end. Here a daemon thread reads the lines into a queue, and `next` waits
    on the queue for a bounded time. The thread ends when the pipe does: when the process (and any child that shares
    the pipe) has exited or been killed. select() on the pipe would spare the thread, but not with a buffered reader,
    which may hold the next line already while the pipe is empty.
    """

    def __init__(self, stream: IO[AnyStr] | None, name: str) -> None:
        assert stream is not None, f"{name} has no pipe to read (stdout=subprocess.PIPE)"
        self.name = name
        self._stream: IO[AnyStr] = stream
        self._queue: queue.Queue[AnyStr] = queue.Queue()
        threading.Thread(target=self._read, name=f"lines of {name}", daemon=True).start()

    def _read(self) -> None:
        """Put each line of the stream on the queue, then the empty line that readline returns at its end."""
        while True:
            try:
                line = self._stream.readline()
            except (OSError, ValueError):  # the pipe was closed under the thread, by the test's cleanup
                return
            self._queue.put(line)
            if not line:
                return

    def next(self, waiting_for: str, seconds: float = LINE_S) -> AnyStr:
        """Return the next line with its newline, or an empty one once the pipe has ended (as readline does); fail
        the test, saying it was `waiting_for` (what the test expected: "the started message"), when no line comes
        within `seconds`."""
        try:
            line: AnyStr | None = self._queue.get(timeout=max(seconds, 0.0))
        except queue.Empty:
            line = None  # failed below, outside this block: the failure is not shown as raised in handling Empty
        if line is None:
            pytest.fail(f"no line from {self.name} in {seconds:.3g} s: waiting for {waiting_for}", pytrace=False)
        if not line:  # the end stays on the queue for the next call
            self._queue.put(line)
        return line
