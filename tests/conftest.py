"""Shared fixtures. Tests that need MNIST, Chromium, wrk or an optional module skip without them, except when REQUIRE_ALL=1 (CI).

Every skip goes through `skip_or_fail` (or `import_or_skip`), never through pytest.skip or importorskip directly.
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


def require_all() -> bool:
    """Return True where a missing dataset or browser must fail the run instead of skipping (CI)."""
    return os.environ.get("REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip the test with `reason`, or fail it where REQUIRE_ALL=1."""
    if require_all():
        pytest.fail(f"{reason} (REQUIRE_ALL=1 turns this skip into a failure)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)  # also from a module's top level (import_or_skip)


def import_or_skip(module: str) -> ModuleType:
    """Return the imported `module`; skip the test without it, or fail it where REQUIRE_ALL=1."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        skip_or_fail(f"{module} is not installed ({error}): `make install`")
        raise  # skip_or_fail raised already; this line only tells the type checker


def mnist_folder() -> Path:
    """Return where the tests look for MNIST: $MNIST_DIR, else data/mnist (the files may be absent)."""
    return Path(os.environ.get("MNIST_DIR") or REPO / "data" / "mnist")


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """Return the MNIST folder ($MNIST_DIR, else data/mnist), or skip when the files are absent."""
    folder = mnist_folder()
    if not any((folder / name).exists() for name in ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte")):
        skip_or_fail(f"MNIST not found in {folder}: set MNIST_DIR or run `python -m model.datasets.mnist fetch`")
    return folder


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Return the path of Debian's Chromium, or skip when it is not installed."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        skip_or_fail("Chromium not found at /usr/bin/chromium: `apt-get install chromium`")
    return CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "")


@pytest.fixture(scope="session")
def wrk() -> str:
    """Return the path of wrk, the load generator of the serving benchmarks, or skip when it is not installed."""
    found = shutil.which("wrk")
    if found is None:
        skip_or_fail("wrk not found: `apt-get install wrk`")
    return found or ""
