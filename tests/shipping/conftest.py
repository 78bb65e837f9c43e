"""The real image, built once per test session from the working tree (podman; see engine.py), and the
figures the container tests measure, printed at the end of the run."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.shipping.engine import Podman, podman

REPO = Path(__file__).resolve().parents[2]

FIGURES = pytest.StashKey[list[str]]()

BUILT_IN_SETUP = pytest.mark.timeout(func_only=True)
"""For the tests whose fixtures build the image or the smoke venv: pytest-timeout's limit (pyproject.toml) times the
test function alone. The build comes in the setup of whichever test asks for it first; cold, on a fresh machine
(debootstrap, then pip inside the build), it takes minutes, and its commands have limits of their own (900 s each)."""


@pytest.fixture(scope="session")
def figure(pytestconfig: pytest.Config) -> Callable[[str], None]:
    """Return a function that keeps one line of measurements for the summary at the end of the run."""
    lines = pytestconfig.stash.setdefault(FIGURES, [])
    return lines.append


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Print the container figures (size, start, memory, stop) whatever the capture mode."""
    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("container figures")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Podman:
    """Return podman set up for this machine; skip (fail under REQUIRE_ALL=1) without it."""
    return podman(tmp_path_factory.mktemp("podman"))


@pytest.fixture(scope="session")
def image(engine: Podman, figure: Callable[[str], None]) -> Iterator[str]:
    """Return the tag of the image built from the working tree on the stand-in base; untag it at the end.

    The tag is this session's own, so that neither a user's digit-reader:latest nor a test session running
    beside this one (from another checkout) is touched; the layers stay cached for the next build.
    """
    tag = f"localhost/digit-reader:test-{os.getpid()}"
    start = time.monotonic()
    engine.ensure_standin_base()
    based = time.monotonic()
    engine("build", *engine.build_options(), "--tag", tag, str(REPO), timeout=900)
    figure(f"stand-in base ready in {based - start:.1f} s; image built in {time.monotonic() - based:.1f} s")
    yield tag
    engine("rmi", tag, check=False)
