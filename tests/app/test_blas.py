"""The one-BLAS-thread setting holds even when the launcher imported NumPy before the app (app/blas.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.blas import blas_threads
from tests.conftest import REPO, skip_or_fail

# Imports NumPy first, as a launcher may, with no thread setting in the environment; then starts the
# app's lifespan. Prints the BLAS thread counts before and after.
LAUNCHER = """
import json, numpy
from threadpoolctl import threadpool_info

def blas():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

before = blas()
from fastapi.testclient import TestClient
from app.main import app
with TestClient(app) as client:
    assert client.get("/healthz").status_code == 200
    during = blas()
print(json.dumps({"before": before, "during": during}))
"""

VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def test_numpy_imported_first_still_gets_one_blas_thread() -> None:
    if (os.cpu_count() or 1) < 2:
        skip_or_fail("one CPU: BLAS starts one thread anyway, so this test could not fail")
    env = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    finished = subprocess.run(
        [sys.executable, "-c", LAUNCHER], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    threads = json.loads(finished.stdout.strip().splitlines()[-1])
    # The premise: NumPy loaded first really started BLAS with more than one thread.
    assert threads["before"] and max(threads["before"]) > 1, threads
    assert threads["during"] and set(threads["during"]) == {1}, threads


@pytest.mark.parametrize(("value", "expected"), [(None, 1), ("1", 1), ("2", 2), ("0", 1), ("many", 1)])
def test_blas_threads_reads_the_environment(monkeypatch: pytest.MonkeyPatch, value: str | None, expected: int) -> None:
    if value is None:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", value)
    assert blas_threads() == expected
