"""Compression: what gzip costs in throughput and saves in bytes, to choose DIGITS_GZIP_MIN_BYTES and DIGITS_GZIP_LEVEL.

One uvicorn worker per setting (off, then zlib levels 1, 6 and 9 above DIGITS_GZIP_MIN_BYTES), each driven by
wrk (benchmarks/driver.py) with `Accept-Encoding: gzip`, as browsers send it:
  healthz   GET /healthz, 15 bytes: under any threshold, so what the middleware costs an answer it leaves alone;
  model     GET /api/model, about 2 KB: a small answer above the threshold;
  strokes   POST /predict, the typical drawing, about 39 KB: the answer the live page asks for at every stroke;
  explain   the same with explain, about 48 KB.
Beside requests per second, each run gives the server's CPU time per request (from /proc), which a busy
machine disturbs less than the throughput. Then, in this process, the time zlib takes to gzip the first
N bytes of a /predict answer (and all of it) at each level, beside the server's CPU time per small answer
(healthz, compression off), and what it saves.

    python benchmarks/compression.py [--duration 3] [--connections 8] [--levels 1,6,9] [--min-bytes 1024]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import driver  # benchmarks/ is a folder of scripts, not a package
import proc
from drawings import drawing

SIZES = (256, 512, 1024, 2048, 4096, 8192)
"""Answer sizes, in bytes, at which the in-process cost of gzip is timed."""


def scenarios() -> dict[str, driver.Request]:
    """Return the measured requests, by name, each asking for gzip."""
    strokes = drawing(4)
    plain = {
        "healthz": driver.http_request("healthz", "GET", "/healthz"),
        "model": driver.http_request("model", "GET", "/api/model"),
        "strokes": driver.post_json("strokes", {"strokes": strokes}),
        "explain": driver.post_json("explain", {"strokes": strokes, "explain": True}),
    }
    return {
        name: dataclasses.replace(request, headers=(*request.headers, ("Accept-Encoding", "gzip")))
        for name, request in plain.items()
    }


def gzip_microseconds(data: bytes, level: int, repeats: int = 200) -> float:
    """Return the best time, in microseconds, that gzip.compress takes on `data` at `level`."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeats):
            gzip.compress(data, compresslevel=level)
        best = min(best, (time.perf_counter() - started) / repeats)
    return best * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3.0, help="measured seconds per run (default 3)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--levels", default="1,6,9", help="zlib levels to compare with no compression (default 1,6,9)")
    parser.add_argument("--min-bytes", type=int, default=1024, help="DIGITS_GZIP_MIN_BYTES for the runs (default 1024)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)
    levels = [0, *(int(level) for level in args.levels.split(","))]
    requests = scenarios()

    print(f"compression benchmark: {driver.machine_note()}")
    print(
        f"one uvicorn worker, wrk with {args.connections} connections, {args.duration:g} s per run, Accept-Encoding: gzip"
    )
    results: dict[int, dict[str, dict[str, Any]]] = {}
    plain_answer = b""
    for level in levels:
        env = {"DIGITS_GZIP_LEVEL": str(level), "DIGITS_GZIP_MIN_BYTES": str(args.min_bytes)}
        with driver.quiet_server(env) as server:
            driver.check_ok(server.port, requests.values())
            driver.run_wrk(server.port, list(requests.values()), connections=args.connections, duration_s=1)  # warm-up
            results[level] = {}
            for name, request in requests.items():
                _, body = request.fetch(server.port)
                if level == 0 and name == "strokes":
                    plain_answer = body
                cpu_before = proc.cpu_seconds(server.pid)
                run = driver.run_wrk(server.port, [request], connections=args.connections, duration_s=args.duration)
                cpu_us = 1e6 * (proc.cpu_seconds(server.pid) - cpu_before) / max(run.requests, 1)
                results[level][name] = {
                    "rps": round(run.rps, 1),
                    "cpu_us": round(cpu_us, 1),
                    "p50_ms": run.latency_ms["p50"],
                    "bytes": len(body),
                }
                if run.failed:
                    raise RuntimeError(f"{name} at level {level}: {run.failed} failed requests")

    header = "".join(f"{'off' if level == 0 else f'level {level}':>30}" for level in levels)
    print(f"\n{'request':<9}{header}")
    for name in requests:
        cells = []
        for level in levels:
            figures = results[level][name]
            ratio = figures["rps"] / results[0][name]["rps"]
            cells.append(f"{figures['rps']:>6.0f}/s {ratio:>4.0%} {figures['cpu_us']:>6.0f} us {figures['bytes']:>6} B")
        print(f"{name:<9}" + "".join(f"{cell:>30}" for cell in cells))
    print("  (requests per second and their share of no compression; server CPU per request; bytes of one answer)")

    small_us = results[0]["healthz"]["cpu_us"]
    print(
        f"\nzlib here on the first N bytes of a /predict answer; a small answer costs the server {small_us:.0f} us of CPU"
    )
    print(f"{'N':>7}" + "".join(f"{f'level {level}':>24}" for level in levels[1:]))
    timing: dict[int, dict[int, dict[str, float]]] = {}
    for size in (*SIZES, len(plain_answer)):
        sample = plain_answer[:size]
        timing[size] = {}
        cells = []
        for level in levels[1:]:
            micro = gzip_microseconds(sample, level)
            saved = 1 - len(gzip.compress(sample, compresslevel=level)) / len(sample)
            timing[size][level] = {"us": round(micro, 1), "saved": round(saved, 3)}
            cells.append(f"{micro:>6.1f} us ({micro / small_us:>4.0%}) {saved:>5.0%} saved")
        print(f"{size:>7}" + "".join(f"{cell:>24}" for cell in cells))
    driver.write_json(args.json, {"machine": driver.machine_note(), "servers": results, "zlib": timing})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
