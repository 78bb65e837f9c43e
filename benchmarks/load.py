"""Load test: 64 connections for 60 s at POST /predict, valid and invalid requests mixed, driven by wrk.

Starts one uvicorn worker on a free port of 127.0.0.1, warms it up, then drives it with a seeded
mix of drawings (strokes of several digits, sizes and places; pixels; with and without saliency;
one long drawing that goes to the thread pool) and of requests it must refuse (malformed JSON, no
ink, too many strokes or points, out-of-range pixels or coordinates, NaN, the wrong content type,
a body over the size limit), each with the status it must get (benchmarks/requests.lua counts them
per request). Reports requests/s, p50/p90/p99 latency, each request's statuses, connection errors,
and the server's RSS (VmRSS from /proc) at startup, after the warm-up and after the load.

Targets: no 5xx, no connection errors, no unexpected status (the exit status is 1 otherwise), RSS
growth after the warm-up < 10 MB (reported).

    python benchmarks/load.py [--duration 60] [--connections 64] [--json results.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import driver  # benchmarks/ is a folder of scripts, not a package
import proc
from drawings import drawing, pixels_of

TARGET_RSS_GROWTH_MB = 10.0


def mix() -> list[driver.Request]:
    """Return the request mix, each with its weight and expected status. Valid requests are about 70% of it."""
    post = driver.post_json
    valid: list[driver.Request] = []
    for i, digit in enumerate((4, 5, 7, 1) * 3):
        strokes = drawing(digit, seed=i, scale=0.6 + 0.1 * i, shift=(7.0 * i, -3.0 * i))
        valid.append(post(f"strokes {digit} (variant {i // 4 + 1})", {"strokes": strokes}, weight=4.0))
        if i < 4:
            valid.append(post(f"pixels {digit}", {"pixels": pixels_of(strokes)}, weight=3.0))
    four = drawing(4)
    valid.append(post("strokes explain", {"strokes": four, "explain": True}, weight=2.0))
    explain_nine = {"pixels": pixels_of(four), "explain": True, "target": 9}
    valid.append(post("pixels explain target", explain_nine, weight=2.0))
    long_stroke = [[[round(100 + 80 * (i % 50) / 50, 2), round(40 + i * 0.1, 2)] for i in range(2500)]]
    valid.append(post("strokes 2500 points (thread pool)", {"strokes": long_stroke}, weight=0.5))

    blank = [[0.0] * 28 for _ in range(28)]
    too_bright = [row[:] for row in blank]
    too_bright[14][14] = 1.5
    raw = driver.http_request
    invalid = [
        raw("malformed JSON", "POST", "/predict", b'{"strokes": [[[1, 2]', expected=422, weight=3.0),
        raw("not JSON at all", "POST", "/predict", b"\xff\xfe garbage", expected=422),
        post("no ink", {"strokes": [[]]}, expected=422, weight=3.0),
        post("no ink (no strokes)", {"strokes": []}, expected=422),
        post("too many strokes", {"strokes": [[[i, i]] for i in range(101)]}, expected=413, weight=2.0),
        post("too many points", {"strokes": [[[i % 300, i // 300] for i in range(10_001)]]}, expected=413, weight=0.5),
        post("pixels out of range", {"pixels": too_bright}, expected=422, weight=2.0),
        post("pixels wrong shape", {"pixels": blank[:27]}, expected=422),
        post("coordinates too large", {"strokes": [[[0, 0], [2e6, 1]]]}, expected=422),
        post("NaN coordinate", {"strokes": [[[0, 0], [float("nan"), 1]]]}, expected=422),
        post("both strokes and pixels", {"strokes": four, "pixels": blank}, expected=422),
        post("unknown field", {"strokes": four, "colour": "red"}, expected=422),
        raw(
            "wrong content type",
            "POST",
            "/predict",
            b'{"strokes": [[[1, 2]]]}',
            content_type="text/plain",
            expected=415,
            weight=2.0,
        ),
        raw("body over 256 KiB (declared)", "POST", "/predict", declared_length=300 * 1024, expected=413),
        raw("GET /predict", "GET", "/predict", expected=405, weight=0.5),
    ]
    return valid + invalid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds (default 60)")
    parser.add_argument(
        "--warmup", type=float, default=15.0, help="seconds of the same mix before the RSS baseline (default 15)"
    )
    parser.add_argument("--connections", type=int, default=64, help="concurrent keep-alive connections (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the request order (default 0)")
    args, env = driver.parse_server_arguments(parser, argv)
    requests = mix()

    print(f"load test: {driver.machine_note()}")
    print(
        f"{args.connections} connections, {args.duration:g} s after {args.warmup:g} s of warm-up, "
        f"{len(requests)} kinds of request, one uvicorn worker on {driver.HOST}, wrk"
    )
    with driver.quiet_server(env) as server:
        rss_start = proc.rss_kib(server.pid)
        warm = driver.run_wrk(
            server.port, requests, connections=args.connections, duration_s=args.warmup, seed=args.seed + 1
        )
        rss_warm = proc.rss_kib(server.pid)
        cpu_before, started = proc.cpu_seconds(server.pid), time.perf_counter()
        result = driver.run_wrk(
            server.port, requests, connections=args.connections, duration_s=args.duration, seed=args.seed
        )
        server_cpu = 100 * (proc.cpu_seconds(server.pid) - cpu_before) / (time.perf_counter() - started)
        time.sleep(0.2)
        rss_end, rss_peak = proc.rss_kib(server.pid), proc.peak_rss_kib(server.pid)
        alive = server.process is not None and server.process.poll() is None
        log = server.log()[-4000:]

    s = result.summary()
    latency = s["latency_ms"]
    growth_mb = (rss_end - rss_warm) * 1024 / 1e6
    print(f"\nrequests      {s['requests']} in {s['seconds']:.1f} s: {s['rps']:.0f} req/s")
    print(
        f"latency       p50 {latency['p50']:.2f} ms, p90 {latency['p90']:.2f} ms, p99 {latency['p99']:.2f} ms,"
        f" max {latency['max']:.2f} ms"
    )
    print(f"conn errors   {sum(n for k, n in result.errors.items() if k != 'status')} {result.errors}")
    print(f"CPU           server {server_cpu:.0f}%, wrk {s['client_cpu_percent']:.0f}% of one core")
    print(
        f"server RSS    {rss_start / 1024:.1f} MiB at start, {rss_warm / 1024:.1f} after the warm-up, "
        f"{rss_end / 1024:.1f} after the load (peak {rss_peak / 1024:.1f})"
    )
    print(f"\n{'request':<36}{'sent':>7}  statuses")
    for request in requests:
        counts = result.statuses.get(request.name, Counter[int]())
        shown = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
        flag = f"   (expected {request.expected})" if request.name in result.unexpected else ""
        print(f"{request.name:<36}{result.sent[request.name]:>7}  {shown}{flag}")

    server_errors = sum(n for r in (warm, result) for c in r.statuses.values() for st, n in c.items() if st >= 500)
    connection_errors = sum(n for r in (warm, result) for k, n in r.errors.items() if k != "status")
    unexpected = sum(sum(c.values()) for c in result.unexpected.values())
    print(f"\n  5xx answers          {server_errors:>10}   target 0: {'met' if not server_errors else 'MISSED'}")
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
        "machine": driver.machine_note(),
        "warmup_s": args.warmup,
        "server_env": env,
        **s,
        "sent": dict(result.sent),
        "server_cpu_percent": round(server_cpu, 1),
        "rss_kib": {"start": rss_start, "after_warmup": rss_warm, "end": rss_end, "peak": rss_peak},
        "rss_growth_mb": round(growth_mb, 3),
        "server_errors": server_errors,
        "connection_errors_total": connection_errors,
        "unexpected_statuses": unexpected,
    }
    driver.write_json(args.json, report)
    if server_errors or connection_errors or unexpected or not alive:
        print(
            f"FAILED: 5xx, connection errors or unexpected statuses; the server's log ends with:\n{log}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
