"""The bounded wait for a child's next line (tests/pipes.py): lines in order, the end as readline says it, and a
process that stays silent fails the test within the wait instead of hanging it."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.pipes import Lines


@contextmanager
def child(code: str) -> Iterator[subprocess.Popen[bytes]]:
    """Yield a Python process running `code`, its stdout a pipe; kill it on the way out."""
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def test_a_silent_process_fails_the_test_within_the_wait() -> None:
    with child("import time; time.sleep(60)") as silent:
        lines = Lines(silent.stdout, "the sleeper")
        started = time.monotonic()
        with pytest.raises(pytest.fail.Exception) as failure:
            lines.next("its first line", seconds=0.5)
        waited = time.monotonic() - started
    assert str(failure.value) == "no line from the sleeper in 0.5 s: waiting for its first line"
    assert 0.5 <= waited < 5, f"the wait took {waited:.1f} s"


def test_lines_come_in_order_then_the_end_as_readline_gives_it() -> None:
    with child("print('one'); print('two', flush=True)") as talker:
        lines = Lines(talker.stdout, "the talker")
        assert [lines.next("a line", seconds=30) for _ in range(2)] == [b"one\n", b"two\n"]
        assert lines.next("the end", seconds=30) == b""
        assert lines.next("the end again", seconds=0) == b""  # the end stays: no wait, no failure


def test_text_pipes_give_text() -> None:
    process = subprocess.Popen([sys.executable, "-c", "print('word')"], stdout=subprocess.PIPE, text=True)
    try:
        lines = Lines(process.stdout, "the writer")
        assert lines.next("its word", seconds=30) == "word\n"
        assert lines.next("the end", seconds=30) == ""
    finally:
        process.kill()
        process.wait()


def test_a_line_that_comes_late_but_within_the_wait_is_returned() -> None:
    with child("import time; time.sleep(0.5); print('late', flush=True); time.sleep(60)") as slow:
        assert Lines(slow.stdout, "the slow one").next("its late line", seconds=30) == b"late\n"
