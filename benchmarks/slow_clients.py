"""Slow and silent clients against `python -m app` (app/protocol.py): what they cost, and what others see.

Measurements, each on a fresh server:
  (1) memory per idle connection: the server's RSS before and after opening N connections that
      send nothing (the head deadline raised for the run so that none is closed while counting),
      and N connections that send half a request head; this is what DIGITS_MAX_CONNECTIONS is sized from;
      then the server CPU a connection costs to open and close, against the plain uvicorn command;
  (2) another client while N slow connections are held open with the default settings: a third
      send nothing, a third trickle a request head a byte a second, a third send half a body and
      stop; each is opened again as soon as the server closes it, so N stay open. Meanwhile the
      measuring client asks GET /healthz and POST /predict (the typical drawing) on fresh
      connections; their p50/p99/max, the server's RSS and its open sockets are printed.

The target (p99 under 50 ms for both, from issue 16) is printed beside the figures, not asserted.

    python benchmarks/slow_clients.py [--slow 2000] [--duration 20] [--rate 20] [--burst] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import driver  # benchmarks/ is a folder of scripts, not a package
import proc
from drawings import drawing

from app.settings import Settings

TARGET_P99_MS = 50.0
KINDS = ("silent", "head", "body")
HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-client\r\nAccept: */*\r\n\r\n"
BODY_HEAD = (
    b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
)
DEADLINE_S = Settings().header_timeout_s
"""The default head deadline: the slow connections are first opened over this time, as a steady
population would be; --burst opens them within a second or two, so they are closed and reopened in waves."""
BURST_PER_SECOND = 1000


# --- the slow clients, in a process of their own ------------------------------------------------


async def _slow_connection(port: int, kind: str, stop: asyncio.Event, outcomes: Counter[str]) -> None:
    """Hold one slow connection of `kind` open until `stop`, opening it again whenever the server closes it."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(driver.HOST, port)
        except OSError as error:
            outcomes[f"connect failed: {type(error).__name__}"] += 1
            await asyncio.sleep(0.5)
            continue
        outcomes["opened"] += 1
        answer = asyncio.ensure_future(reader.read(64))
        if kind == "head":
            for byte in HEAD[:-2]:  # never the final blank line
                writer.write(bytes([byte]))
                done, _ = await asyncio.wait([answer], timeout=1.0)
                if done or stop.is_set():
                    break
        elif kind == "body":
            writer.write(BODY_HEAD + b'{"strokes": [[[1, 2], ')
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait([answer, stopped], return_when=asyncio.FIRST_COMPLETED)
        if answer.done():
            try:
                head = answer.result()
            except OSError:
                head = b""
            outcomes[f"{kind}: " + (head[9:12].decode() if head.startswith(b"HTTP/1.1 ") else "closed")] += 1
        answer.cancel()
        stopped.cancel()
        writer.close()


async def _hold_slow_connections(port: int, count: int, per_second: float, ready: Event, stop: Event) -> Counter[str]:
    """Open `count` slow connections (kinds in turn, `per_second`), set `ready` once all are open, hold them until `stop`."""
    stopping = asyncio.Event()
    outcomes: Counter[str] = Counter()
    tasks = []
    for index in range(count):
        tasks.append(asyncio.ensure_future(_slow_connection(port, KINDS[index % len(KINDS)], stopping, outcomes)))
        if index % 10 == 9:
            await asyncio.sleep(10 / per_second)
    while outcomes["opened"] < count:
        await asyncio.sleep(0.05)
    ready.set()
    while not stop.is_set():
        await asyncio.sleep(0.1)
    stopping.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return outcomes


def _slow_clients_process(port: int, count: int, per_second: float, ready: Event, stop: Event, results: Any) -> None:
    """Run the slow connections (in a child process, so their work does not delay the measuring client)."""
    results.put(dict(asyncio.run(_hold_slow_connections(port, count, per_second, ready, stop))))


# --- measurements ---------------------------------------------------------------------------------


def app_server(env: dict[str, str] | None = None) -> driver.Server:
    """Return a (not started) `python -m app`, the server the protocol is part of, with `env` added."""
    return driver.Server(driver.app_command(), env=env)


def server_env(**settings: str) -> dict[str, str]:
    """Return the server environment that sets `settings` as DIGITS_ variables."""
    return {"DIGITS_" + name.upper(): value for name, value in settings.items()}


def cpu_per_connection(count: int) -> dict[str, float]:
    """Return the server CPU microseconds per connection opened, held a second and closed by the client,
    for `python -m app` and for the plain uvicorn command (uvicorn's own protocol)."""
    results = {}

    def plain_server(env: dict[str, str] | None) -> driver.Server:
        return driver.quiet_server(env, guarded=False)

    servers: dict[str, Callable[[dict[str, str] | None], driver.Server]] = {
        "python -m app": app_server,
        "uvicorn app.main:app": plain_server,
    }
    for name, make in servers.items():
        with make(server_env(max_connections=str(count + 100))) as server:
            time.sleep(0.5)
            before = proc.cpu_seconds(server.pid)

            async def open_and_close(port: int = server.port) -> None:
                writers = []
                for index in range(count):
                    writers.append((await asyncio.open_connection(driver.HOST, port))[1])
                    if index % 100 == 99:
                        await asyncio.sleep(100 / BURST_PER_SECOND)
                await asyncio.sleep(1.0)
                for writer in writers:
                    writer.close()
                await asyncio.sleep(1.0)

            asyncio.run(open_and_close())
            results[name] = 1e6 * (proc.cpu_seconds(server.pid) - before) / count
    return results


def memory_per_connection(count: int) -> dict[str, Any]:
    """Return the server's RSS growth per connection for `count` silent and `count` half-head connections."""
    results: dict[str, Any] = {}
    for kind, sent in (("silent", b""), ("half head", HEAD[: len(HEAD) // 2])):
        env = server_env(header_timeout_s="600", max_connections=str(count + 100))
        with app_server(env) as server:
            time.sleep(0.5)
            before = proc.rss_kib(server.pid)

            async def hold(port: int = server.port, sent: bytes = sent) -> int:
                writers = []
                for index in range(count):
                    _, writer = await asyncio.open_connection(driver.HOST, port)
                    writer.write(sent)
                    writers.append(writer)
                    if index % 100 == 99:
                        await asyncio.sleep(100 / BURST_PER_SECOND)
                await asyncio.sleep(1.0)
                rss = proc.rss_kib(server.pid)
                for writer in writers:
                    writer.close()
                return rss

            after = asyncio.run(hold())
        results[kind] = {
            "rss_before_kib": before,
            "rss_after_kib": after,
            "kib_per_connection": (after - before) / count,
        }
    return results


def measure_while_slow(count: int, per_second: float, duration: float, rate: float) -> dict[str, Any]:
    """Return the other client's latencies, and the server's memory and sockets, while `count` slow
    connections (opened `per_second`) are held open; with `count` 0, the same client alone."""
    requests = {
        "healthz": driver.http_request("healthz", "GET", "/healthz"),
        "predict": driver.post_json("predict", {"strokes": drawing(4)}),
    }
    context = multiprocessing.get_context("spawn")
    ready, stop, results = context.Event(), context.Event(), context.Queue()
    outcomes: dict[str, int] = {}
    with app_server() as server:
        idle_rss = proc.rss_kib(server.pid)
        args = (server.port, count, per_second, ready, stop, results)
        slow = context.Process(target=_slow_clients_process, args=args)
        if count:
            slow.start()
        try:
            if count and not ready.wait(timeout=60 + count / per_second):
                raise RuntimeError("the slow connections did not all open in time")
            latencies: dict[str, list[float]] = {name: [] for name in requests}
            statuses: Counter[str] = Counter()
            rss, sockets = [], []
            started = time.perf_counter()
            next_sample = started
            while (now := time.perf_counter()) < started + duration:
                for name, request in requests.items():
                    sent = time.perf_counter()
                    status, _ = request.fetch(server.port)
                    latencies[name].append(time.perf_counter() - sent)
                    statuses[f"{name} {status}"] += 1
                if now >= next_sample:
                    rss.append(proc.rss_kib(server.pid))
                    sockets.append(proc.open_sockets(server.pid))
                    next_sample += 1.0
                time.sleep(max(0.0, 1 / rate - (time.perf_counter() - now)))
        finally:
            if count:
                stop.set()
                outcomes = results.get(timeout=60)
                slow.join(timeout=30)
    summary: dict[str, Any] = {"idle_rss_kib": idle_rss, "statuses": dict(statuses), "slow_outcomes": outcomes}
    for name, values in latencies.items():
        cuts = statistics.quantiles(values, n=100, method="inclusive")  # cuts[q - 1] is the q-th percentile
        summary[name] = {
            "count": len(values),
            "p50_ms": 1000 * cuts[49],
            "p99_ms": 1000 * cuts[98],
            "max_ms": 1000 * max(values),
        }
    summary["rss_kib"] = {"min": min(rss), "max": max(rss)}
    summary["server_sockets"] = {"min": min(sockets), "max": max(sockets)}
    return summary


def report(title: str, figures: dict[str, Any], *, target: bool) -> None:
    """Print one measurement: sockets, memory and the two requests' latencies."""
    print(title)
    print(
        f"  server sockets open (listening one included): {figures['server_sockets']['min']} - {figures['server_sockets']['max']}"
    )
    rss = figures["rss_kib"]
    print(
        f"  server RSS: {figures['idle_rss_kib'] / 1024:.1f} MiB at the start, {rss['min'] / 1024:.1f} - {rss['max'] / 1024:.1f} MiB during"
    )
    for name in ("healthz", "predict"):
        latency = figures[name]
        verdict = (
            f" (target < {TARGET_P99_MS:g}: {'met' if latency['p99_ms'] < TARGET_P99_MS else 'MISSED'})"
            if target
            else ""
        )
        print(
            f"  {name:8s} {latency['count']:5d} requests: p50 {latency['p50_ms']:.1f} ms, "
            f"p99 {latency['p99_ms']:.1f} ms{verdict}, max {latency['max_ms']:.1f} ms"
        )
    print(f"  answers: {figures['statuses']}")
    if figures["slow_outcomes"]:
        print(f"  slow connections: {figures['slow_outcomes']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=2000, help="slow connections held open (default 2000)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of measuring (default 20: two deadlines)")
    parser.add_argument("--rate", type=float, default=20.0, help="measuring rounds per second, one of each request")
    parser.add_argument("--burst", action="store_true", help=f"open the slow connections at {BURST_PER_SECOND}/s")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)
    print(f"slow clients benchmark: {driver.machine_note()}")

    memory = memory_per_connection(args.slow)
    for kind, figures in memory.items():
        print(
            f"{args.slow} {kind} connections: server RSS {figures['rss_before_kib'] / 1024:.1f} -> "
            f"{figures['rss_after_kib'] / 1024:.1f} MiB, {figures['kib_per_connection']:.1f} KiB per connection"
        )
    for name, microseconds in cpu_per_connection(args.slow).items():
        print(f"{args.slow} connections opened and closed: {microseconds:.0f} us of server CPU each with {name}")
    alone = measure_while_slow(0, 1.0, args.duration / 2, args.rate)
    report("the measuring client alone:", alone, target=False)
    per_second = BURST_PER_SECOND if args.burst else args.slow / DEADLINE_S
    during = measure_while_slow(args.slow, per_second, args.duration, args.rate)
    how = f"opened at {per_second:g}/s, each reopened when the server closes it"
    report(f"while {args.slow} slow connections are held open ({', '.join(KINDS)}; {how}):", during, target=True)
    driver.write_json(args.json, {"memory": memory, "alone": alone, "while_slow": during, "slow": args.slow})
    failed = sum(n for key, n in during["statuses"].items() if not key.endswith(" 200"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
