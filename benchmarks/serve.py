"""Serving speed: one uvicorn worker on 127.0.0.1, driven by wrk (benchmarks/driver.py).

Measures, in one run, requests/s and p50/p99 latency of
  (a) GET /healthz              the framework's ceiling: routing, middleware, no model;
  (b) POST /predict with pixels a 28x28 image: parsing 784 numbers, the forward pass, the answer;
  (c) POST /predict with strokes a typical drawing: a "4" of 3 strokes and 150 canvas points,
                                 which the server also renders to 28x28 (model.reading.strokes),
                                 with the default answer (every layer's z and a, 40 KB);
  (d) strokes, "layers": false   the same drawing, answered without the layers (4 KB);
  (e) strokes, "display": true   the same drawing, answered as the drawing page asks (5 KB);
at 1 and at 32 concurrent connections, and the cold start (from starting the process to the first
200 from /healthz, best of 3). The scenarios run in turns, --rounds times, so that every figure
sits beside a /healthz taken moments before it on the same busy machine; the throughput ratios
c/a, d/a, ... at 32 connections are per round, and their range is printed. The targets are printed
beside the figures; they are not asserted (figures on a shared machine are noisy), but a request
that is not answered 200 makes the run fail, since its figures would mean nothing.

    python benchmarks/serve.py [--duration 5] [--rounds 3] [--connections 1,32] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import driver  # benchmarks/ is a folder of scripts, not a package
import proc
from drawings import drawing, pixels_of

TARGET_RATIOS = {"strokes": 0.30, "no layers": 0.45}
"""Throughput / (a) healthz's at the largest connection count, per scenario (issue 25)."""
TARGET_P50_MS = 0.87
"""(c) strokes median latency with one client: no worse than before dynamic batching (issue 25)."""
TARGET_P99_MS = 10.0
"""(c) strokes latency with one client."""
TARGET_COLD_START_S = 1.5


def scenarios() -> dict[str, driver.Request]:
    """Return the three measured requests, by name."""
    strokes = drawing(4)
    return {
        "healthz": driver.http_request("healthz", "GET", "/healthz"),
        "pixels": driver.post_json("pixels", {"pixels": pixels_of(strokes)}),
        "strokes": driver.post_json("strokes", {"strokes": strokes}),
        "no layers": driver.post_json("no layers", {"strokes": strokes, "layers": False}),
        "display": driver.post_json("display", {"strokes": strokes, "display": True}),
    }


def check(port: int, requests: dict[str, driver.Request]) -> str:
    """Return what the server reads in the typical drawing; raise if a measured request is not answered 200."""
    driver.check_ok(port, requests.values())
    answer = json.loads(requests["strokes"].fetch(port)[1])
    return f"digit {answer['digit']} (p = {max(answer['probabilities']):.3f})"


def cold_starts(runs: int, env: dict[str, str]) -> list[float]:
    """Return the seconds from starting a fresh server to its first 200 on /healthz, `runs` times."""
    times = []
    for _ in range(runs):
        server = driver.quiet_server(env)
        try:
            times.append(server.start().wait_ready())
        finally:
            server.__exit__()
    return times


def measure(port: int, pid: int, request: driver.Request, connections: int, duration: float) -> dict[str, Any]:
    """Return one run's summary, with the server's CPU use (% of one core) over the run."""
    cpu_before, started = proc.cpu_seconds(pid), time.perf_counter()
    result = driver.run_wrk(port, [request], connections=connections, duration_s=duration)
    cpu_used, elapsed = proc.cpu_seconds(pid) - cpu_before, time.perf_counter() - started
    summary = result.summary()
    summary["server_cpu_percent"] = round(100 * cpu_used / elapsed, 1)
    summary["server_cpu_us_per_request"] = round(1e6 * cpu_used / result.requests, 1) if result.requests else None
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="turns through every scenario, per count (default 3)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each count (default 1)")
    parser.add_argument("--connections", default="1,32", help="comma-separated connection counts (default 1,32)")
    parser.add_argument("--cold-starts", type=int, default=3, help="cold starts to time, the best counts (default 3)")
    args, env = driver.parse_server_arguments(parser, argv)
    counts = sorted({int(c) for c in args.connections.split(",")})
    requests = scenarios()

    print(f"serve benchmark: {driver.machine_note()}")
    print(
        f"one uvicorn worker on {driver.HOST}, wrk; {args.duration:g} s per run after {args.warmup:g} s of warm-up, "
        f"{args.rounds} rounds through the scenarios"
    )
    cold = cold_starts(args.cold_starts, env) if args.cold_starts > 0 else []
    rounds: dict[str, dict[int, list[dict[str, Any]]]] = {name: {c: [] for c in counts} for name in requests}
    with driver.quiet_server(env) as server:
        print(f"the typical drawing (3 strokes, 150 points) reads as {check(server.port, requests)}")
        for connections in counts:
            if args.warmup > 0:
                driver.run_wrk(server.port, list(requests.values()), connections=connections, duration_s=args.warmup)
            for _ in range(args.rounds):  # every scenario in turn, so each has a /healthz beside it
                for name, request in requests.items():
                    summary = measure(server.port, server.pid, request, connections, args.duration)
                    rounds[name][connections].append(summary)
        rss_mib = proc.rss_kib(server.pid) / 1024
    print(f"load average after the runs: {driver.machine_note()}")

    print(
        f"\n{'request':<11}{'conns':>6}{'req/s':>22}{'p50 ms':>20}{'p99 ms':>9}{'srv CPU':>9}{'CPU us/req':>12}"
        f"{'failed':>8}"
    )
    for name, by_count in rounds.items():
        for connections, runs in by_count.items():
            rps = driver.spread([r["rps"] for r in runs], ".0f")
            p50 = driver.spread([r["latency_ms"]["p50"] for r in runs], ".2f")
            p99 = statistics.median(r["latency_ms"]["p99"] for r in runs)
            cpu = statistics.median(r["server_cpu_percent"] for r in runs)
            per_request = statistics.median(r["server_cpu_us_per_request"] or 0.0 for r in runs)
            failed = sum(r["failed"] for r in runs)
            print(f"{name:<11}{connections:>6}{rps:>22}{p50:>20}{p99:>9.2f}{cpu:>8.0f}%{per_request:>12.0f}{failed:>8}")
    top = counts[-1]
    ceilings = [r["rps"] for r in rounds["healthz"][top]]
    ratios = {
        name: [r["rps"] / ceiling if ceiling else 0.0 for r, ceiling in zip(rounds[name][top], ceilings, strict=True)]
        for name in requests
        if name != "healthz"
    }
    # The same ratios from the server's CPU time per request: what the throughput ratio would be with a
    # core to itself. On a busy machine the server gets a varying share of a core, which moves req/s
    # far more than it moves the CPU a request costs.
    health_cpu = [r["server_cpu_us_per_request"] or 0.0 for r in rounds["healthz"][top]]
    cpu_ratios = {
        name: [
            h / (r["server_cpu_us_per_request"] or h or 1.0) for r, h in zip(rounds[name][top], health_cpu, strict=True)
        ]
        for name in ratios
    }
    one = [r["latency_ms"] for r in rounds["strokes"].get(1, [])]
    targets: list[tuple[str, list[float], float | None, bool, str]] = [
        (f"{name}/healthz throughput at {top} conns", ratios[name], TARGET_RATIOS.get(name), True, "")
        for name in ratios
    ]
    targets += [
        (f"{name}: healthz CPU/request over its, {top} conns", cpu_ratios[name], TARGET_RATIOS.get(name), True, "")
        for name in cpu_ratios
    ]
    targets += [
        ("strokes p50 with 1 client", [latency["p50"] for latency in one], TARGET_P50_MS, False, " ms"),
        ("strokes p99 with 1 client", [latency["p99"] for latency in one], TARGET_P99_MS, False, " ms"),
        (f"cold start, best of {len(cold)}", [min(cold)] if cold else [], TARGET_COLD_START_S, False, " s"),
    ]
    print("\nmedian of the rounds (their range); a target is met when the median meets it")
    rows = []
    for label, values, target, at_least, unit in targets:
        value = statistics.median(values) if values else None
        shown = "n/a" if value is None else driver.spread(values, ".2f" if unit == " ms" else ".3f") + unit
        judged = "" if target is None else f"   target {'>=' if at_least else '<='} {target:g}{unit}: "
        judged += "" if target is None else driver.verdict(value, target, at_least=at_least)
        print(f"  {label:<50}{shown:>26}{judged}")
        rows.append(
            {
                "name": label,
                "value": value,
                "rounds": values,
                "target": target,
                "at_least": at_least,
                "unit": unit.strip(),
            }
        )
    if cold:
        print(f"  cold starts: {', '.join(f'{t:.3f} s' for t in cold)}; server RSS after the runs {rss_mib:.1f} MiB")

    failed = sum(r["failed"] for by_count in rounds.values() for runs in by_count.values() for r in runs)
    results = {
        "duration_s": args.duration,
        "cold_start_s": cold,
        "results": {name: {str(c): runs for c, runs in by_count.items()} for name, by_count in rounds.items()},
        "ratios_at_connections": top,
        "ratios": ratios,
        "cpu_ratios": cpu_ratios,
        "targets": rows,
        "server_rss_mib": round(rss_mib, 1),
        "failed_requests": failed,
    }
    return driver.finish(args.json, "serve", env, results, failed=failed)


if __name__ == "__main__":
    sys.exit(main())
