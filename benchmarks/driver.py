"""Drive a server with wrk: the requests (encoded once), a run of wrk with benchmarks/requests.lua, its figures.

wrk (Debian's package) does the load; this module only writes the requests for the Lua script,
runs wrk and reads the one JSON line the script prints. The server itself is started with
tests/server.py, the one server runner, re-exported here for the benchmark scripts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.server

from app.protocol import GuardedProtocol  # noqa: E402
from model.training.live.yielding import SPAWNED, children  # noqa: E402
from tests.server import HOST, Server, app_command, uvicorn_command  # noqa: E402

GUARDED_PROTOCOL = f"{GuardedProtocol.__module__}:{GuardedProtocol.__qualname__}"
"""The http protocol `python -m app` gives uvicorn, as uvicorn's --http option names it."""

SCRIPT = Path(__file__).resolve().parent / "requests.lua"
TIMEOUT_S = 10
"""wrk's per-request timeout: an answer slower than this counts as a timeout error."""

__all__ = [
    "HOST",
    "Request",
    "Server",
    "WrkResult",
    "app_command",
    "check_ok",
    "http_request",
    "parse_server_arguments",
    "post_json",
    "quiet_server",
    "run_wrk",
    "server_env",
    "worker_pids",
]


def parse_server_arguments(
    parser: argparse.ArgumentParser, argv: list[str] | None
) -> tuple[argparse.Namespace, dict[str, str]]:
    """Return the arguments in `argv`, with --json (where to write the results) and --env added to `parser`, and
    the server's environment that --env's NAME=VALUE pairs name."""
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="server environment")
    args = parser.parse_args(argv)
    return args, server_env(args.env)


def server_env(pairs: Iterable[str]) -> dict[str, str]:
    """Return the environment named by --env's NAME=VALUE pairs."""
    return dict(item.split("=", 1) for item in pairs)


def quiet_server(
    env: dict[str, str] | None = None, app: str = "app.main:app", *, guarded: bool = True, workers: int = 1
) -> Server:
    """Return a (not started) uvicorn serving `app` quietly, with `env` added to its environment.

    Guarded, it speaks HTTP through the protocol `python -m app` serves with (the slow-client deadlines of
    app/protocol.py), so the figures include its cost; only the access log is left out. Unguarded, it runs
    uvicorn's own protocol, for comparison. One worker, the server's own process, unless `workers` says more:
    then uvicorn's supervisor starts them (worker_pids) and they share its listening socket.
    """
    command = uvicorn_command(app, quiet=True)
    command = [*command, "--http", GUARDED_PROTOCOL] if guarded else command
    return Server([*command, "--workers", str(workers)] if workers > 1 else command, env=env)


def worker_pids(server: Server, workers: int) -> list[int]:
    """Return the processes that answer requests: the server itself for one worker, else the supervisor's workers."""
    if workers == 1:
        return [server.pid]
    deadline = time.monotonic() + 30
    while len(found := children(server.pid, marker=SPAWNED)) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(found)} of {workers} workers started")
        time.sleep(0.1)
    return found


@dataclass(frozen=True)
class Request:
    """One HTTP/1.1 request and the status it must get; `weight` is its share of a mix."""

    name: str
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    expected: int = 200
    weight: float = 1.0
    send_body: bool = True
    """False: send only the head (with Expect: 100-continue), for a body the server refuses unread."""

    def raw(self) -> bytes:
        """Return the request as bytes on the wire."""
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {HOST}", *(f"{k}: {v}" for k, v in self.headers)]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        return head + self.body if self.send_body else head

    def fetch(self, port: int) -> tuple[int, bytes]:
        """Send the request once (http.client, a fresh connection); return (status, body). For checks, not load."""
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            connection.putrequest(self.method, self.path, skip_accept_encoding=True)
            for name, value in self.headers:
                connection.putheader(name, value)
            connection.endheaders(self.body if self.send_body else None)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


def http_request(
    name: str,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    content_type: str | None = "application/json",
    expected: int = 200,
    weight: float = 1.0,
    declared_length: int | None = None,
) -> Request:
    """Return a Request; with `declared_length`, only the head is sent, declaring that length (an oversize body)."""
    headers: list[tuple[str, str]] = []
    if method != "GET" or body or declared_length is not None:
        if content_type is not None:
            headers.append(("Content-Type", content_type))
        headers.append(("Content-Length", str(len(body) if declared_length is None else declared_length)))
    if declared_length is not None:
        # Only the head goes out: the server refuses it (413) without reading a body, and closes
        # with nothing unread in its socket, so the answer is not lost to a connection reset.
        headers.append(("Expect", "100-continue"))
    return Request(name, method, path, body, tuple(headers), expected, weight, send_body=declared_length is None)


def post_json(name: str, payload: Any, *, expected: int = 200, weight: float = 1.0) -> Request:
    """Return a POST /predict of `payload` as compact JSON (NaN written as NaN, as a careless client would)."""
    body = json.dumps(payload, separators=(",", ":"), allow_nan=True).encode()
    return http_request(name, "POST", "/predict", body, expected=expected, weight=weight)


def check_ok(port: int, requests: Iterable[Request]) -> None:
    """Return None once every request has been answered 200 (fetched once each); raise otherwise."""
    for request in requests:
        status, body = request.fetch(port)
        if status != 200:
            raise RuntimeError(f"{request.name}: expected 200, got {status}: {body[:200]!r}")


@dataclass
class WrkResult:
    """What one wrk run saw (latencies in milliseconds)."""

    connections: int
    seconds: float
    requests: int
    latency_ms: dict[str, float]
    errors: dict[str, int]
    sent: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    """Per request name, the statuses it got (only for a mix of several requests)."""
    unexpected: dict[str, dict[int, int]] = field(default_factory=dict)
    client_cpu_s: float = 0.0

    @property
    def rps(self) -> float:
        """Return the answered requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        """Return connection errors, timeouts, answers > 399 that were not expected, and unexpected statuses."""
        connection = sum(n for kind, n in self.errors.items() if kind != "status")
        if self.statuses:
            return connection + sum(sum(by_status.values()) for by_status in self.unexpected.values())
        return connection + self.errors.get("status", 0)

    def summary(self) -> dict[str, Any]:
        """Return the figures as a JSON-ready dict."""
        return {
            "connections": self.connections,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "latency_ms": self.latency_ms,
            "errors": self.errors,
            "statuses": {name: dict(sorted(c.items())) for name, c in sorted(self.statuses.items())},
            "unexpected": self.unexpected,
            "failed": self.failed,
            "client_cpu_percent": round(100 * self.client_cpu_s / self.seconds, 1) if self.seconds else None,
        }


def wrk_path() -> str:
    """Return the wrk executable; raise FileNotFoundError saying how to install it."""
    found = shutil.which("wrk")
    if found is None:
        raise FileNotFoundError("wrk is not installed: `apt-get install wrk`")
    return found


def run_wrk(port: int, requests: Sequence[Request], *, connections: int, duration_s: float, seed: int = 0) -> WrkResult:
    """Return what wrk saw driving 127.0.0.1:`port` with `requests` (a mix by weight) for `duration_s`.

    A mix of several requests runs one connection per wrk thread, so that each answer's status is
    counted against the request that got it; a single request runs on one thread.
    """
    threads = connections if len(requests) > 1 else 1
    with tempfile.TemporaryDirectory(prefix="wrk-plan-") as folder:
        lines = []
        for number, request in enumerate(requests):
            path = Path(folder) / f"{number}.http"
            path.write_bytes(request.raw())
            lines.append(f"{request.name}\t{request.weight}\t{request.expected}\t{path}\n")
        plan = Path(folder) / "plan.tsv"
        plan.write_text("".join(lines))
        # wrk reads whole seconds only: "-d 2.5s" is a usage error.
        seconds = max(1, math.ceil(duration_s))
        command = [wrk_path(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
        command += [
            "--timeout",
            f"{TIMEOUT_S}s",
            "-s",
            str(SCRIPT),
            f"http://{HOST}:{port}/",
            "--",
            str(plan),
            str(seed),
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        finished = subprocess.run(command, capture_output=True, text=True, timeout=duration_s + 60, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in finished.stdout.splitlines() if line.startswith("wrk-json: ")]
    if finished.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({finished.returncode}):\n{finished.stdout[-2000:]}\n{finished.stderr[-2000:]}")
    return _result(json.loads(lines[-1].removeprefix("wrk-json: ")), requests, connections, after, before)


def _result(data: dict[str, Any], requests: Sequence[Request], connections: int, after: Any, before: Any) -> WrkResult:
    """Return the WrkResult of the script's JSON line."""
    expected = {request.name: request.expected for request in requests}
    statuses: dict[str, Counter[int]] = {}
    for key, count in data["statuses"].items():
        name, status = key.rsplit("\t", 1)
        statuses.setdefault(name, Counter())[int(status)] += count
    unexpected = {
        name: {status: n for status, n in by_status.items() if status != expected[name]}
        for name, by_status in statuses.items()
        if set(by_status) != {expected[name]}
    }
    latency = data["latency_us"]
    return WrkResult(
        connections=connections,
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        latency_ms={key: round(value / 1000, 3) for key, value in latency.items()},
        errors=data["errors"],
        sent=Counter(data["sent"]),
        statuses=statuses,
        unexpected=unexpected,
        client_cpu_s=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
    )


def machine_note() -> str:
    """Return one line on the machine: CPUs and the load average when the figures were taken."""
    load = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, Python {sys.version.split()[0]}"


def verdict(value: float | None, target: float, *, at_least: bool) -> str:
    """Return "met" or "MISSED" for `value` against `target` (at least it, or at most it); "n/a" for no value."""
    if value is None:
        return "n/a"
    return "met" if (value >= target if at_least else value <= target) else "MISSED"


def spread(values: Sequence[float], fmt: str) -> str:
    """Return the median of `values`, and their range when there are several, formatted with `fmt`."""
    middle = format(statistics.median(values), fmt)
    return middle if len(values) == 1 else f"{middle} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def finish(path: str | None, benchmark: str, env: dict[str, str], results: dict[str, Any], *, failed: int) -> int:
    """Write `results` as JSON to `path` (see write_json), with the benchmark's name, the machine and the server's
    environment; return the exit status: 1, saying so, when `failed` requests were not answered as expected."""
    write_json(path, {"benchmark": benchmark, "machine": machine_note(), "server_env": env, **results})
    if failed:
        print(f"FAILED: {failed} requests were not answered as expected (see above)", file=sys.stderr)
        return 1
    return 0


def write_json(path: str | None, data: dict[str, Any]) -> None:
    """Write `data` as indented JSON to `path` (nothing when path is None)."""
    if path:
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")
