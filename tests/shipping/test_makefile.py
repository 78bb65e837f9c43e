"""The Makefile: what `make run` installs (read with `make -n`), and where it serves (run for real)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.server import Server

REPO = Path(__file__).resolve().parents[2]


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), *args], capture_output=True, text=True, timeout=30
    )


def dry_run(*args: str) -> list[str]:
    result = make("-n", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_run_installs_the_runtime_lock_only_and_leaves_the_port_to_the_settings() -> None:
    lines = dry_run("-B", "run")  # -B: as if nothing were installed yet
    installs = [line for line in lines if " install " in line]
    assert installs and all("--require-hashes -r requirements.lock" in line for line in installs), installs
    assert not any("requirements-dev.lock" in line or " -e ." in line for line in lines), lines
    assert lines[-1].strip() == ".venv/bin/python -m app", lines  # no DIGITS_HOST / DIGITS_PORT of its own


def test_test_and_lint_install_the_dev_lock_and_the_project() -> None:
    for target in ("test", "lint"):
        lines = dry_run("-B", target)
        assert any("--require-hashes -r requirements-dev.lock" in line for line in lines), (target, lines)
        assert any("--no-deps -e ." in line for line in lines), (target, lines)


@pytest.mark.parametrize("variable", ["PORT=9001", "HOST=0.0.0.0"])
def test_host_and_port_are_refused_with_the_setting_to_use(variable: str) -> None:
    result = make("-n", "run", variable)
    assert result.returncode != 0
    assert "DIGITS_PORT=" in result.stderr and "DIGITS_HOST=" in result.stderr, result.stderr


@pytest.mark.slow
def test_make_run_listens_on_digits_port_whatever_port_says() -> None:
    """`DIGITS_PORT=N make run` serves on N, with a PORT in the environment too (a common variable elsewhere)."""
    command = ["make", "-s", "-C", str(REPO), "-o", ".venv/.installed-run", "run"]  # -o: install nothing
    with Server(command, env={"PORT": "8000", "HOST": "0.0.0.0"}, port_flag=False) as server:
        assert server.port != 8000
        assert "Uvicorn running on http://127.0.0.1:" + str(server.port) in server.log()
