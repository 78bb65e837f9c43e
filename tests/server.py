"""THE server runner: start a server process on a free port of 127.0.0.1, wait for GET /healthz, stop it.

Every test and benchmark that needs a real server uses this module (the e2e and docs browser tests,
the server and Dockerfile tests, benchmarks/*): there is no second copy of `free_port` or of the
start-and-poll loop. It needs only the standard library, so the benchmarks import it too.

    with Server(uvicorn_command(), env={"DIGITS_WEIGHTS_PATH": ...}) as server:
        ... server.url ...
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def uvicorn_command(app: str = "app.main:app", *, quiet: bool = False) -> list[str]:
    """Return `python -m uvicorn APP --no-server-header` on 127.0.0.1 (quiet: warnings only, no access log).

    The port is appended by Server.start; APP is module:attribute, imported from the working directory.
    """
    command = [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--no-server-header"]
    return command + (["--log-level", "warning", "--no-access-log"] if quiet else [])


def app_command() -> list[str]:
    """Return `python -m app`, which reads its port from DIGITS_PORT (set by Server.start)."""
    return [sys.executable, "-m", "app"]


def get_status(port: int, path: str = "/healthz", timeout: float = 1.0) -> int | None:
    """Return the status of GET `path` on a fresh connection, or None when nothing answers."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
            head = sock.recv(64)
    except OSError:
        return None
    if not head.startswith(b"HTTP/1.1 ") or len(head) < 12:
        return None
    return int(head[9:12])


class Server:
    """A server process on a free port of 127.0.0.1; use it as a context manager (start, wait ready, stop).

    `command` is run with `--port PORT` appended (uvicorn_command) unless it holds a "--port" already,
    is app_command or port_flag is False (`make run`); DIGITS_PORT is set either way. `env` adds to this process's environment, or
    is the whole of it with inherit_env=False (an image's environment, say). The process runs in a session of its own, so
    stop() reaches its worker processes too. Its output goes to a temporary file (a pipe could fill
    up and stall it): `log()`.
    """

    def __init__(
        self,
        command: Sequence[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path = REPO,
        port: int | None = None,
        inherit_env: bool = True,
        port_flag: bool = True,
    ) -> None:
        self.port = port or free_port()
        base = list(command) if command is not None else uvicorn_command()
        takes_port = port_flag and base[-2:] != ["-m", "app"] and "--port" not in base
        self.command = [*base, "--port", str(self.port)] if takes_port else base
        inherited = os.environ if inherit_env else {}
        self.env = {**inherited, **(env or {}), "DIGITS_PORT": str(self.port)}
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  # closed in __exit__

    @property
    def url(self) -> str:
        """Return the server's base URL, http://127.0.0.1:PORT."""
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        """Return the server's process id."""
        assert self.process is not None, "the server is not started"
        return self.process.pid

    def start(self) -> Server:
        """Start the process (and note when, for the cold-start time); return self."""
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_ready(self, timeout: float = READY_TIMEOUT_S, poll_s: float = 0.005) -> float:
        """Return the seconds from start to the first 200 from GET /healthz; raise RuntimeError if it exits or times out."""
        assert self.process is not None, "the server is not started"
        deadline = self.started_at + timeout
        while time.perf_counter() < deadline:
            if get_status(self.port) == 200:
                return time.perf_counter() - self.started_at
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            time.sleep(poll_s)
        raise RuntimeError(f"the server did not answer 200 on /healthz within {timeout:g} s:\n{self.log()[-4000:]}")

    def wait(self, timeout: float = READY_TIMEOUT_S) -> int:
        """Return the process's exit status once it exits by itself (subprocess.TimeoutExpired after `timeout`)."""
        assert self.process is not None, "the server is not started"
        return self.process.wait(timeout)

    def stop(self) -> int | None:
        """Stop the process and its workers (SIGTERM, then SIGKILL after STOP_TIMEOUT_S); return its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait()
        return self.process.returncode

    def _signal_group(self, signum: int) -> None:
        """Send `signum` to the server's session (it leads it), ignoring one that has already gone."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def log(self) -> str:
        """Return everything the server wrote to stdout and stderr so far."""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def __enter__(self) -> Server:
        if self.process is None:
            self.start()
            try:
                self.wait_ready()
            except BaseException:
                self.__exit__()
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._log.close()
