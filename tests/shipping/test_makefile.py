"""The Makefile, read with `make -n` (nothing runs): where `make run` serves."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def dry_run(*args: str) -> list[str]:
    result = subprocess.run(["make", "-n", "-C", str(REPO), *args], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_run_serves_on_host_and_port_without_server_header() -> None:
    assert any("DIGITS_HOST=127.0.0.1 DIGITS_PORT=8000 .venv/bin/python -m app" in line for line in dry_run("run"))
    lines = dry_run("run", "HOST=0.0.0.0", "PORT=9001")
    assert any("DIGITS_HOST=0.0.0.0 DIGITS_PORT=9001 .venv/bin/python -m app" in line for line in lines)
