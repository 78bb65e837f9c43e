"""Picture uploads: what a photo costs the server, and whether big ones stall everything else.

Measures, with one uvicorn worker on 127.0.0.1:
  (a) POST /predict with a 1-megapixel JPEG (multipart, field `image`) at 1, 4 and 32 connections:
      requests/s and p50/p99 latency (decoding, finding the ink, the forward pass, the answer); the
      targets are a p50 of at most TARGET_P50_MS at 1 connection and TARGET_RPS pictures a second at 4;
      the 1- and 4-connection runs are repeated in --rounds turns (default 3) and each target is judged on
      the median of its rounds, as benchmarks/serve.py does: this machine's speed drifts by a tenth between
      runs minutes apart; then at 1 connection a 12-megapixel JPEG and the 1-megapixel picture saved as PNG;
  (b) GET /healthz alone at 1 connection, then again while 4 other connections upload 12-megapixel
      JPEGs back to back: its p99 must stay under TARGET_HEALTHZ_P99_MS, which it can only if the
      uploads are decoded and preprocessed off the event loop.
The photos are made by model.evaluation.photos (a pen digit on lit, noisy paper) and enlarged; wrk drives the
load (benchmarks/driver.py), two wrk processes at once for (b). The target is printed beside the
figures, never asserted; a request not answered 200 fails the run.

    python benchmarks/pictures.py [--duration 5] [--rounds 3] [--json results.json] [--env DIGITS_PICTURE_THREADS=2]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import driver  # benchmarks/ is a folder of scripts, not a package
import numpy as np
from PIL import Image

from model.evaluation.photos import photo

TARGET_HEALTHZ_P99_MS = 50.0
TARGET_P50_MS = 15.0
TARGET_RPS = 60.0
BOUNDARY = "benchmark-boundary"
SEVEN = [[[10, 10], [90, 10], [40, 120]], [[30, 65], [75, 65]]]


def jpeg(megapixels: float, seed: int = 0) -> bytes:
    """Return a phone-like photo of a 7, enlarged to about `megapixels` (4:3), as a JPEG of quality 85."""
    small = Image.open(io.BytesIO(photo(SEVEN, np.random.default_rng(seed))))
    width = round((megapixels * 1e6 * 4 / 3) ** 0.5)
    out = io.BytesIO()
    small.resize((width, width * 3 // 4), Image.Resampling.BICUBIC).save(out, "JPEG", quality=85)
    return out.getvalue()


def png(data: bytes) -> bytes:
    """Return the picture in `data` saved again as an RGB PNG."""
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(out, "PNG")
    return out.getvalue()


def upload(name: str, data: bytes) -> driver.Request:
    """Return a POST /predict request carrying `data` as the multipart file field `image`."""
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="digit.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return driver.http_request(name, "POST", "/predict", body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def healthz_under_uploads(port: int, big: driver.Request, duration: float) -> dict[str, Any]:
    """Return /healthz's summary at one connection while 4 connections upload `big` back to back.

    The uploads start first and run a second longer on each side, so every /healthz measured meets them.
    """
    uploads: dict[str, Any] = {}
    failures: list[BaseException] = []

    def upload_load() -> None:
        try:
            uploads.update(driver.run_wrk(port, [big], connections=4, duration_s=duration + 2).summary())
        except Exception as error:  # raised again below, in the caller's thread, not lost with this one
            failures.append(error)

    thread = threading.Thread(target=upload_load)
    thread.start()
    time.sleep(1)
    healthz = driver.http_request("healthz", "GET", "/healthz")
    summary = driver.run_wrk(port, [healthz], connections=1, duration_s=duration).summary()
    thread.join()
    if failures:
        raise failures[0]
    return {"healthz": summary, "uploads": uploads}


def row(label: str, summary: dict[str, Any]) -> str:
    """Return one printed line: requests/s and latency percentiles."""
    latency = summary["latency_ms"]
    return (
        f"  {label:<52}{summary['rps']:>8.1f}/s  p50 {latency['p50']:>8.2f} ms  p99 {latency['p99']:>8.2f} ms"
        f"  ({summary['requests']} requests)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="turns through the 1- and 4-connection runs (default 3)")
    args, env = driver.parse_server_arguments(parser, argv)

    one_mp, twelve_mp, one_mp_png = jpeg(1.0), jpeg(12.0, seed=1), png(jpeg(1.0))
    small, big = upload("1 MP JPEG", one_mp), upload("12 MP JPEG", twelve_mp)
    small_png = upload("1 MP PNG", one_mp_png)
    print(f"pictures benchmark: {driver.machine_note()}" + (f"; server environment {env}" if env else ""))
    print(
        f"1 MP JPEG: {len(one_mp) / 1024:.0f} KiB; 12 MP JPEG: {len(twelve_mp) / 1024:.0f} KiB; "
        f"1 MP PNG: {len(one_mp_png) / 1024:.0f} KiB"
    )
    results: dict[str, Any] = {}
    with driver.quiet_server(env) as server:
        driver.check_ok(server.port, [small, big, small_png])
        rounds: dict[int, list[dict[str, Any]]] = {1: [], 4: []}
        for _ in range(args.rounds):
            for connections, runs in rounds.items():
                driver.check_ok(server.port, [small])  # after the uploads the last run left in flight (below)
                runs.append(
                    driver.run_wrk(server.port, [small], connections=connections, duration_s=args.duration).summary()
                )
        for connections, runs in rounds.items():
            results[f"upload_1mp_{connections}_rounds"] = runs
            # The round of median requests a second stands for them all (for the JSON and the rows below).
            results[f"upload_1mp_{connections}"] = sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]
        result = driver.run_wrk(server.port, [small], connections=32, duration_s=args.duration)
        results["upload_1mp_32"] = result.summary()
        for name, request in (("upload_12mp_1", big), ("upload_1mp_png_1", small_png)):
            # wrk leaves the uploads it had sent when it stopped (32 of them after the last run: half a second
            # of work): one answered upload first, which waits its turn behind them, so that they are not
            # counted as this run's first latencies.
            driver.check_ok(server.port, [request])
            results[name] = driver.run_wrk(server.port, [request], connections=1, duration_s=args.duration).summary()
        healthz = driver.http_request("healthz", "GET", "/healthz")
        results["healthz_alone"] = driver.run_wrk(
            server.port, [healthz], connections=1, duration_s=args.duration
        ).summary()
        results["under_uploads"] = healthz_under_uploads(server.port, big, args.duration)

    for connections in (1, 4):
        for number, run in enumerate(results[f"upload_1mp_{connections}_rounds"], start=1):
            label = (
                f"POST /predict, 1 MP JPEG, {connections} connection{'s' if connections > 1 else ''}, round {number}"
            )
            print(row(label, run))
    print(row("POST /predict, 1 MP JPEG, 32 connections", results["upload_1mp_32"]))
    print(row("POST /predict, 12 MP JPEG, 1 connection", results["upload_12mp_1"]))
    print(row("POST /predict, 1 MP PNG, 1 connection", results["upload_1mp_png_1"]))
    p50s = [run["latency_ms"]["p50"] for run in results["upload_1mp_1_rounds"]]
    p50s = [p50 for p50 in p50s if p50 is not None]
    rates = [run["rps"] for run in results["upload_1mp_4_rounds"]]
    verdict = driver.verdict(statistics.median(p50s) if p50s else None, TARGET_P50_MS, at_least=False)
    shown = driver.spread(p50s, ".2f") if p50s else "n/a"
    print(
        f"  1 MP JPEG p50 at 1 connection {shown} ms, median of the rounds, target <= {TARGET_P50_MS:g} ms: {verdict}"
    )
    verdict = driver.verdict(statistics.median(rates), TARGET_RPS, at_least=True)
    print(
        f"  1 MP JPEG at 4 connections {driver.spread(rates, '.1f')}/s, median of the rounds, target >= {TARGET_RPS:g}/s: {verdict}"
    )
    print(row("GET /healthz alone, 1 connection", results["healthz_alone"]))
    under = results["under_uploads"]
    print(row("GET /healthz while 4 clients upload 12 MP", under["healthz"]))
    print(row("  ... the 12 MP uploads themselves", under["uploads"]))
    p99 = under["healthz"]["latency_ms"]["p99"]
    verdict = driver.verdict(p99, TARGET_HEALTHZ_P99_MS, at_least=False)
    print(f"  /healthz p99 under uploads {p99} ms, target <= {TARGET_HEALTHZ_P99_MS:g} ms: {verdict}")

    summaries = [
        *rounds[1],
        *rounds[4],
        results["upload_1mp_32"],
        results["upload_12mp_1"],
        results["upload_1mp_png_1"],
    ]
    summaries += [results["healthz_alone"], *under.values()]
    failed = sum(s["failed"] for s in summaries)
    return driver.finish(args.json, "pictures", env, results, failed=failed)


if __name__ == "__main__":
    sys.exit(main())
