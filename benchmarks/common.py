"""Shared helpers for the server benchmarks: a uvicorn subprocess, a light load generator, statistics.

The load generator is a minimal HTTP/1.1 client on asyncio (uvloop when installed): every request is
encoded once, up front; each connection is kept alive and sends one request at a time, reading the
response by its Content-Length. It does far less per request than a general client such as httpx,
so on a small machine the server, not the client, is what gets measured; the client's own CPU use
is reported beside the figures so that a client-bound run shows itself.

Everything talks to 127.0.0.1 only, to a server this module started.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.server, the one server runner

from tests.server import HOST, Server, app_command, free_port, get_status, uvicorn_command  # noqa: E402

__all__ = ["HOST", "Server", "app_command", "free_port", "get_status", "uvicorn_command"]
GRACE_S = 15.0
"""How long after the deadline a connection may still be waiting for its last answer before it counts as a timeout."""


def rss_kib(pid: int) -> int:
    """Return the resident set size (VmRSS) of process `pid` in KiB, from /proc."""
    return _proc_status_kib(pid, "VmRSS")


def peak_rss_kib(pid: int) -> int:
    """Return the peak resident set size (VmHWM) of process `pid` in KiB, from /proc."""
    return _proc_status_kib(pid, "VmHWM")


def _proc_status_kib(pid: int, key: str) -> int:
    """Return the `key` line of /proc/<pid>/status (a "NNN kB" value) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise ValueError(f"no {key} in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time process `pid` has used so far, in seconds, from /proc."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name, in brackets, may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quiet_server(env: dict[str, str] | None = None, app: str = "app.main:app") -> Server:
    """Return a (not started) one-worker uvicorn serving `app` quietly, with `env` added to its environment."""
    return Server(uvicorn_command(app, quiet=True), env=env)


# --- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One pre-encoded HTTP/1.1 request, and the statuses it should get.

    With `expect_continue`, only the head is sent at first (with `Expect: 100-continue`); the body
    follows only if the server answers 100. A server that refuses the head (413 for a declared
    Content-Length over its limit) then answers and closes the connection without unread bytes in
    its socket, so its close is a clean FIN, not a reset that could destroy the answer in flight.
    """

    name: str
    head: bytes
    body: bytes = b""
    expected: frozenset[int] = frozenset({200})
    expect_continue: bool = False


def http_request(
    name: str,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    content_type: str | None = "application/json",
    expected: Sequence[int] = (200,),
    declared_length: int | None = None,
    expect_continue: bool = False,
) -> Request:
    """Return a Request; `declared_length` overrides the Content-Length header (for an oversize declaration)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    if method != "GET" or body:
        if content_type is not None:
            lines.append(f"Content-Type: {content_type}")
        lines.append(f"Content-Length: {len(body) if declared_length is None else declared_length}")
    if expect_continue:
        lines.append("Expect: 100-continue")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    if expect_continue:
        return Request(name, head, body, frozenset(expected), expect_continue=True)
    return Request(name, head + body, b"", frozenset(expected))


def post_json(name: str, payload: Any, expected: Sequence[int] = (200,)) -> Request:
    """Return a POST /predict request with `payload` encoded as compact JSON."""
    body = json.dumps(payload, separators=(",", ":"), allow_nan=True).encode()
    return http_request(name, "POST", "/predict", body, expected=expected)


def fetch(port: int, request: Request, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send `request` once on a fresh blocking connection; return (status, body). For checks, not for load."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(request.head + request.body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise ProtocolError("the connection closed before the response head")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ProtocolError("the connection closed before the end of the body")
            body += chunk
        return int(head[9:12]), body


# --- drawings ---------------------------------------------------------------------------------


def _line(start: tuple[float, float], end: tuple[float, float], count: int) -> list[tuple[float, float]]:
    """Return `count` points from `start` to `end`, evenly spaced."""
    (x0, y0), (x1, y1) = start, end
    return [(x0 + (x1 - x0) * i / (count - 1), y0 + (y1 - y0) * i / (count - 1)) for i in range(count)]


def _arc(
    centre: tuple[float, float], radius: tuple[float, float], degrees: tuple[float, float], count: int
) -> list[tuple[float, float]]:
    """Return `count` points along an elliptic arc (angles in degrees, y downward as on a canvas)."""
    (cx, cy), (rx, ry), (a0, a1) = centre, radius, degrees
    angles = [math.radians(a0 + (a1 - a0) * i / (count - 1)) for i in range(count)]
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def _hand(points: list[tuple[float, float]], rng: random.Random, wobble: float) -> list[list[float]]:
    """Return the points as a hand on a canvas gives them: slightly wobbly, rounded to 0.01 CSS pixel."""
    return [[round(x + rng.uniform(-wobble, wobble), 2), round(y + rng.uniform(-wobble, wobble), 2)] for x, y in points]


def drawing(digit: int = 4, *, seed: int = 0, scale: float = 1.0, shift: tuple[float, float] = (0.0, 0.0)) -> Any:
    """Return a hand-like drawing of `digit` (4, 5, 7 or 1) in canvas pixels of a ~300 px pad.

    The 4 is the benchmark's typical request: 3 strokes, 150 points in all (about 3.5 px apart, as
    pointer events give them for a brisk stroke).
    """
    rng = random.Random(seed)
    shapes = {
        4: [_line((160, 40), (62, 195), 50), _line((55, 196), (235, 190), 50), _line((182, 70), (176, 290), 50)],
        5: [
            _line((95, 50), (86, 140), 26) + _arc((140, 195), (70, 65), (-130, 150), 70),
            _line((98, 48), (215, 44), 34),
        ],
        7: [_line((60, 50), (230, 52), 48) + _line((230, 52), (120, 290), 70), _line((110, 170), (200, 166), 26)],
        1: [_line((130, 70), (160, 40), 12) + _line((160, 40), (152, 290), 72)],
    }
    dx, dy = shift
    return [_hand([(x * scale + dx, y * scale + dy) for x, y in stroke], rng, wobble=0.8) for stroke in shapes[digit]]


def pixels_of(strokes: Any) -> list[list[float]]:
    """Return the 28x28 image the server would make of `strokes` (via model.preprocess), rounded for JSON."""
    from model.preprocess import render  # the project is installed (editable) in the venv

    return [[round(float(v), 4) for v in row] for row in render(strokes)]


# --- the load generator -----------------------------------------------------------------------


class ProtocolError(Exception):
    """The server's answer was not HTTP/1.1 as this client understands it."""


_FAILURES = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ProtocolError, ValueError)
"""What a request can fail with on the connection (ValueError: a status or length that is not a number)."""


@dataclass
class LoadResult:
    """What one load run saw; latencies are in seconds, of requests started after the warm-up."""

    connections: int
    measured_s: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    by_request: Counter[tuple[str, int]] = field(default_factory=Counter)
    """(request name, status) counts; status 0 means the request failed on the connection."""
    latency_by_request: dict[str, list[float]] = field(default_factory=dict)
    """Measured latencies by request name."""
    unexpected: Counter[tuple[str, int]] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    """Connection errors by kind (refused, reset, timeout, protocol, ...), warm-up included."""
    client_cpu_s: float = 0.0
    sent: int = 0

    @property
    def count(self) -> int:
        """Return the number of measured requests that got an answer."""
        return len(self.latencies)

    @property
    def rps(self) -> float:
        """Return the answered requests per second over the measured window."""
        return self.count / self.measured_s if self.measured_s > 0 else 0.0

    @property
    def server_errors(self) -> int:
        """Return the number of 5xx answers."""
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def connection_errors(self) -> int:
        """Return the number of connection errors (timeouts included)."""
        return sum(self.errors.values())

    def summary(self) -> dict[str, Any]:
        """Return the figures as a JSON-ready dict (latencies in milliseconds)."""
        ordered = sorted(self.latencies)
        return {
            "connections": self.connections,
            "requests": self.count,
            "seconds": round(self.measured_s, 3),
            "rps": round(self.rps, 1),
            "latency_ms": {
                "p50": _ms(percentile(ordered, 50)),
                "p95": _ms(percentile(ordered, 95)),
                "p99": _ms(percentile(ordered, 99)),
                "max": _ms(ordered[-1] if ordered else math.nan),
            },
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "unexpected": {f"{name} -> {status}": n for (name, status), n in sorted(self.unexpected.items())},
            "connection_errors": dict(self.errors),
            "client_cpu_percent": round(100 * self.client_cpu_s / self.measured_s, 1) if self.measured_s else None,
        }


def _ms(seconds: float) -> float | None:
    """Return `seconds` in milliseconds rounded to the microsecond, or None for NaN."""
    return None if math.isnan(seconds) else round(seconds * 1000, 3)


def percentile(ordered: Sequence[float], q: float) -> float:
    """Return the q-th percentile of sorted `ordered` (linear interpolation between ranks); NaN if empty."""
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return (status, whether the connection stays open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 "):
        raise ProtocolError(f"not an HTTP/1.1 status line: {head[:40]!r}")
    status = int(head[9:12])
    lower = head.lower()
    start = lower.find(b"\r\ncontent-length:")
    if start >= 0:
        end = lower.index(b"\r\n", start + 2)
        await reader.readexactly(int(lower[start + 17 : end]))
    elif b"\r\ntransfer-encoding: chunked" in lower:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)  # the chunk and its CRLF
        while await reader.readuntil(b"\r\n") != b"\r\n":
            pass  # trailer fields, up to the empty line
    elif status >= 200 and status not in (204, 304):
        raise ProtocolError("a response with neither Content-Length nor chunked encoding")
    return status, b"\r\nconnection: close" not in lower


def _error_kind(error: BaseException) -> str:
    """Return a short name for a connection error."""
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, ConnectionResetError | BrokenPipeError):
        return "reset"
    if isinstance(error, asyncio.IncompleteReadError):
        return "closed mid-response"
    if isinstance(error, ProtocolError | ValueError | asyncio.LimitOverrunError):
        return "protocol"
    return type(error).__name__


async def _connection(
    port: int,
    pick: Callable[[], Request],
    record_from: float,
    deadline: float,
    budget: list[int],
    result: LoadResult,
) -> None:
    """Send requests one after another on a keep-alive connection until the deadline or the budget is spent."""
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    clock = time.perf_counter
    latencies, statuses, by_request = result.latencies, result.statuses, result.by_request
    try:
        while clock() < deadline and budget[0] > 0:
            if writer is None:
                try:
                    reader, writer = await asyncio.open_connection(HOST, port)
                except OSError as error:
                    result.errors[_error_kind(error)] += 1
                    await asyncio.sleep(0.05)
                    continue
            assert reader is not None
            if budget[0] <= 0:  # spent by another connection while this one was connecting
                break
            request = pick()
            budget[0] -= 1
            result.sent += 1
            started = clock()
            try:
                writer.write(request.head)
                status, keep_alive = await _read_response(reader)
                if status == 100:
                    writer.write(request.body)
                    status, keep_alive = await _read_response(reader)
            except _FAILURES as error:
                result.errors[_error_kind(error)] += 1
                by_request[request.name, 0] += 1
                writer.close()
                writer = None
                continue
            if started >= record_from:
                latency = clock() - started
                latencies.append(latency)
                by_name = result.latency_by_request.get(request.name)
                if by_name is None:
                    by_name = result.latency_by_request[request.name] = []
                by_name.append(latency)
                statuses[status] += 1
                by_request[request.name, status] += 1
                if status not in request.expected:
                    result.unexpected[request.name, status] += 1
            if not keep_alive:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


async def _drive(
    port: int, picks: Sequence[Callable[[], Request]], warmup_s: float, duration_s: float, max_requests: int
) -> LoadResult:
    """Run len(picks) connections for warmup_s + duration_s; return what they saw after the warm-up."""
    result = LoadResult(connections=len(picks))
    budget = [max_requests]
    cpu_started = time.process_time()
    record_from = time.perf_counter() + warmup_s
    deadline = record_from + duration_s
    tasks = [asyncio.ensure_future(_connection(port, pick, record_from, deadline, budget, result)) for pick in picks]
    _, pending = await asyncio.wait(tasks, timeout=warmup_s + duration_s + GRACE_S)
    for task in pending:
        task.cancel()
        result.errors["timeout"] += 1
    if pending:
        await asyncio.wait(pending)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]  # a bug in this client, not a server fault
    # From the end of the warm-up to the last answer: connections finish the request in flight at the deadline.
    result.measured_s = max(0.0, time.perf_counter() - record_from)
    result.client_cpu_s = time.process_time() - cpu_started
    return result


def run_load(
    port: int,
    requests: Sequence[Request],
    *,
    connections: int,
    duration_s: float,
    warmup_s: float = 0.5,
    weights: Sequence[float] | None = None,
    seed: int = 0,
    max_requests: int = 10_000_000,
) -> LoadResult:
    """Drive `connections` keep-alive connections at 127.0.0.1:`port` with `requests`; return the LoadResult.

    With one request every connection sends it over and over; with several, each connection draws
    them at random (by `weights`, from its own seeded generator, so a run is reproducible). Requests
    started during the first `warmup_s` seconds are sent but not counted; at most `max_requests` are sent.
    """
    if not requests or connections < 1:
        raise ValueError("run_load needs at least one request and one connection")
    picks: list[Callable[[], Request]] = []
    for c in range(connections):
        if len(requests) == 1:
            only = requests[0]
            picks.append(lambda only=only: only)  # type: ignore[misc]
            continue
        rng = random.Random(seed * 1_000_003 + c)
        schedule = rng.choices(requests, weights=weights, k=4096)
        picks.append(_cycler(schedule))
    return _run(_drive(port, picks, warmup_s, duration_s, max_requests))


def _cycler(schedule: list[Request]) -> Callable[[], Request]:
    """Return a function giving the items of `schedule` in turn, endlessly."""
    position = -1
    size = len(schedule)

    def pick() -> Request:
        nonlocal position
        position = (position + 1) % size
        return schedule[position]

    return pick


def _run(coroutine: Any) -> Any:
    """Run `coroutine` on uvloop when installed, else on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# --- reporting --------------------------------------------------------------------------------


def machine_note() -> str:
    """Return one line on the machine: CPUs and the load average when the figures were taken."""
    load = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, Python {sys.version.split()[0]}"


def write_json(path: str | None, data: dict[str, Any]) -> None:
    """Write `data` as indented JSON to `path` (nothing when path is None)."""
    if path:
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")
