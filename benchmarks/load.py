"""Load test: 64 connections for 60 s at POST /predict, valid and invalid requests mixed, on a real uvicorn.

Starts `python -m uvicorn app.main:app` (one worker) on a free port of 127.0.0.1, warms it up, then
drives it with a seeded mix of drawings (strokes of several digits, sizes and places; pixels; with and
without saliency; one long drawing that goes to the thread pool) and of requests it must refuse
(malformed JSON, no ink, too many strokes or points, out-of-range pixels or coordinates, NaN, the
wrong content type, a body over the size limit). Reports requests/s, p50/p95/p99 latency, the count
of each status (and per request kind), connection errors, and the server's RSS (VmRSS from /proc)
at startup, after the warm-up and after the load.

Targets: no 5xx, no connection errors (the exit status is 1 otherwise), RSS growth after the
warm-up < 10 MB (reported). Bounded: --duration seconds and at most --max-requests requests.

    python benchmarks/load.py [--duration 60] [--connections 64] [--json results.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # benchmarks/ is a folder of scripts, not a package

TARGET_RSS_GROWTH_MB = 10.0


def mix() -> list[tuple[common.Request, float]]:
    """Return the request mix: (request, weight). Valid requests are about 70% of the traffic."""
    post = common.post_json
    valid: list[tuple[common.Request, float]] = []
    for i, digit in enumerate((4, 5, 7, 1) * 3):
        strokes = common.drawing(digit, seed=i, scale=0.6 + 0.1 * i, shift=(7.0 * i, -3.0 * i))
        valid.append((post(f"strokes {digit} (variant {i // 4 + 1})", {"strokes": strokes}), 4.0))
        if i < 4:
            valid.append((post(f"pixels {digit}", {"pixels": common.pixels_of(strokes)}), 3.0))
    four = common.drawing(4)
    valid.append((post("strokes explain", {"strokes": four, "explain": True}), 2.0))
    valid.append((post("pixels explain target", {"pixels": common.pixels_of(four), "explain": True, "target": 9}), 2.0))
    long_stroke = [[[round(100 + 80 * (i % 50) / 50, 2), round(40 + i * 0.1, 2)] for i in range(2500)]]
    valid.append((post("strokes 2500 points (thread pool)", {"strokes": long_stroke}), 0.5))

    blank = [[0.0] * 28 for _ in range(28)]
    too_bright = [row[:] for row in blank]
    too_bright[14][14] = 1.5
    invalid: list[tuple[common.Request, float]] = [
        (common.http_request("malformed JSON", "POST", "/predict", b'{"strokes": [[[1, 2]', expected=(422,)), 3.0),
        (common.http_request("not JSON at all", "POST", "/predict", b"\xff\xfe garbage", expected=(422,)), 1.0),
        (post("no ink", {"strokes": [[]]}, expected=(422,)), 3.0),
        (post("no ink (no strokes)", {"strokes": []}, expected=(422,)), 1.0),
        (post("too many strokes", {"strokes": [[[i, i]] for i in range(101)]}, expected=(413,)), 2.0),
        (post("too many points", {"strokes": [[[i % 300, i // 300] for i in range(10_001)]]}, expected=(413,)), 0.5),
        (post("pixels out of range", {"pixels": too_bright}, expected=(422,)), 2.0),
        (post("pixels wrong shape", {"pixels": blank[:27]}, expected=(422,)), 1.0),
        (post("coordinates too large", {"strokes": [[[0, 0], [2e6, 1]]]}, expected=(422,)), 1.0),
        (post("NaN coordinate", {"strokes": [[[0, 0], [float("nan"), 1]]]}, expected=(422,)), 1.0),
        (post("both strokes and pixels", {"strokes": four, "pixels": blank}, expected=(422,)), 1.0),
        (post("unknown field", {"strokes": four, "colour": "red"}, expected=(422,)), 1.0),
        (
            common.http_request(
                "wrong content type",
                "POST",
                "/predict",
                b'{"strokes": [[[1, 2]]]}',
                content_type="text/plain",
                expected=(415,),
            ),
            2.0,
        ),
        (
            common.http_request(
                "body over 256 KiB (declared)",
                "POST",
                "/predict",
                b" " * (300 * 1024),
                expected=(413,),
                expect_continue=True,
            ),
            1.0,
        ),
        (common.http_request("GET /predict", "GET", "/predict", expected=(405,)), 0.5),
    ]
    return valid + invalid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds (default 60)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of the same mix before the RSS baseline")
    parser.add_argument("--connections", type=int, default=64, help="concurrent keep-alive connections (default 64)")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="most requests to send (default 2e6)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the request order (default 0)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="environment variable for the server"
    )
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    requests, weights = zip(*mix(), strict=True)

    print(f"load test: {common.machine_note()}")
    print(
        f"{args.connections} connections, {args.duration:g} s after {args.warmup:g} s of warm-up, "
        f"{len(requests)} kinds of request, one uvicorn worker on {common.HOST}"
    )
    with common.quiet_server(env) as server:
        rss_start = common.rss_kib(server.pid)
        warm = common.run_load(
            server.port, requests, connections=args.connections, duration_s=args.warmup, warmup_s=0.0,
            weights=weights, seed=args.seed + 1, max_requests=args.max_requests,
        )  # fmt: skip
        rss_warm = common.rss_kib(server.pid)
        cpu_before, started = common.cpu_seconds(server.pid), time.perf_counter()
        result = common.run_load(
            server.port, requests, connections=args.connections, duration_s=args.duration, warmup_s=0.0,
            weights=weights, seed=args.seed, max_requests=max(0, args.max_requests - warm.sent),
        )  # fmt: skip
        server_cpu = 100 * (common.cpu_seconds(server.pid) - cpu_before) / (time.perf_counter() - started)
        time.sleep(0.2)
        rss_end, rss_peak = common.rss_kib(server.pid), common.peak_rss_kib(server.pid)
        alive = server.process is not None and server.process.poll() is None
        log = server.log()[-4000:]

    s = result.summary()
    latency = s["latency_ms"]
    growth_mb = (rss_end - rss_warm) * 1024 / 1e6
    print()
    print(f"requests      {s['requests']} in {s['seconds']:.1f} s: {s['rps']:.0f} req/s")
    print(f"latency       p50 {latency['p50']:.2f} ms, p95 {latency['p95']:.2f} ms, p99 {latency['p99']:.2f} ms")
    print(f"              max {latency['max']:.2f} ms")
    print(f"statuses      {', '.join(f'{k}: {v}' for k, v in s['statuses'].items())}")
    print(f"conn errors   {sum(result.errors.values())} {dict(result.errors) or ''}".rstrip())
    print(f"CPU           server {server_cpu:.0f}%, client {s['client_cpu_percent']:.0f}% of one core")
    print(
        f"server RSS    {rss_start / 1024:.1f} MiB at start, {rss_warm / 1024:.1f} after the warm-up, "
        f"{rss_end / 1024:.1f} after the load (peak {rss_peak / 1024:.1f})"
    )
    print()
    print(f"{'request':<36}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    kinds: dict[str, dict[int, int]] = {}
    for (name, status), n in result.by_request.items():
        kinds.setdefault(name, {})[status] = n
    for request in requests:
        counts = kinds.get(request.name, {})
        shown = ", ".join(f"{status or 'conn error'}: {n}" for status, n in sorted(counts.items()))
        flag = (
            "" if set(counts) <= request.expected else f"   (expected {'/'.join(map(str, sorted(request.expected)))})"
        )
        ordered = sorted(result.latency_by_request.get(request.name, []))
        p50, p99 = (1000 * common.percentile(ordered, q) for q in (50, 99))
        print(f"{request.name:<36}{sum(counts.values()):>7}{p50:>9.2f}{p99:>9.2f}  {shown}{flag}")

    server_errors, connection_errors = (
        result.server_errors + warm.server_errors,
        sum(result.errors.values()) + sum(warm.errors.values()),
    )
    unexpected = sum(result.unexpected.values())
    print()
    print(f"  5xx answers          {server_errors:>10}   target 0: {'met' if not server_errors else 'MISSED'}")
    print(f"  connection errors    {connection_errors:>10}   target 0: {'met' if not connection_errors else 'MISSED'}")
    print(
        f"  RSS growth           {growth_mb:>7.2f} MB   target < {TARGET_RSS_GROWTH_MB:g} MB (after the warm-up): "
        f"{'met' if growth_mb < TARGET_RSS_GROWTH_MB else 'MISSED'}"
    )
    if unexpected:
        print(f"  {unexpected} answers had another status than expected (see the table above)")
    if not alive:
        print("  the server exited during the load test", file=sys.stderr)

    report: dict[str, Any] = {
        "benchmark": "load",
        "machine": common.machine_note(),
        "warmup_s": args.warmup,
        "server_env": env,
        **s,
        "server_cpu_percent": round(server_cpu, 1),
        "by_request": {name: {str(k): v for k, v in sorted(c.items())} for name, c in kinds.items()},
        "rss_kib": {"start": rss_start, "after_warmup": rss_warm, "end": rss_end, "peak": rss_peak},
        "rss_growth_mb": round(growth_mb, 3),
        "server_errors": server_errors,
        "connection_errors_total": connection_errors,
        "unexpected_statuses": unexpected,
    }
    common.write_json(args.json, report)
    if server_errors or connection_errors or not alive:
        print(f"FAILED: 5xx or connection errors; the server's log ends with:\n{log}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
