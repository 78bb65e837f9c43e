"""Start the real server in a subprocess, as the Makefile, the Dockerfile or `python -m app` do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 30.0


def free_port() -> int:
    """Return a TCP port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


LAUNCHERS = ["uvicorn", "python -m app"]


def start_server(weights: Path, port: int, launcher: str = "uvicorn") -> subprocess.Popen[str]:
    """Start the server on `port` serving `weights`: with the uvicorn command, or with `python -m app`."""
    env = {
        **os.environ,
        "DIGITS_WEIGHTS_PATH": str(weights),
        "DIGITS_HOST": "127.0.0.1",
        "DIGITS_PORT": str(port),
        "OPENBLAS_NUM_THREADS": "1",
    }
    if launcher == "uvicorn":
        command = [sys.executable, "-m", "uvicorn", "app.main:app", "--no-server-header"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
    else:
        command = [sys.executable, "-m", "app"]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_ready(process: subprocess.Popen[str], port: int) -> None:
    """Return once GET /healthz answers 200; fail if the process exits first or takes too long."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}: {process.stderr.read() if process.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail("server did not become ready")
