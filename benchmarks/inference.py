"""The forward pass alone: microseconds per image at batch 1, images per second at batch 1,000.

Printed beside the work a forward pass implies (one multiply-add per weight; for one drawing read by
model.serving.inference.ReadingNetwork, only the inked pixels' weights) and the weight bytes it reads, so the
distance to the machine's limit is visible. Batch 1 is timed twice: warm (the same image over and
over, its weights left in cache) and cold (the caches flushed before each call, as in a server whose
other work evicts the weights between requests). Then the batches of a few drawings the server forms under
load (app.batching), read as predict_many reads them, against reading all their rows together.

    OPENBLAS_NUM_THREADS=1 python benchmarks/inference.py [--weights model/weights/default.npz]

(The server runs BLAS on one thread per process, app/__init__.py; `make bench` measures it so.)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drawings import drawing  # benchmarks/ is a folder of scripts, not a package

from model.constants import NUM_PIXELS
from model.network import Network
from model.reading.strokes import render
from model.serving.inference import ROWS_ONE_BY_ONE, ReadingNetwork, predict, predict_many
from model.serving.weights import DEFAULT_WEIGHTS, load

FLUSH_BYTES = 64 * 2**20
"""Bigger than every cache of the machines this runs on."""


def best_seconds(
    fn: Callable[[], object], repeats: int, rounds: int = 5, before: Callable[[], object] | None = None
) -> float:
    """Return the best per-call time of `fn` over `rounds` rounds of `repeats` calls, `before` untimed before each."""
    fn()
    best = float("inf")
    for _ in range(rounds):
        spent = 0.0
        for _ in range(repeats):
            if before is not None:
                before()
            started = time.perf_counter()
            fn()
            spent += time.perf_counter() - started
        best = min(best, spent / repeats)
    return best


def weight_bytes(network: Network, inked: int | None = None) -> int:
    """Return the bytes of weights one image reads: all of them, or only `inked` pixels' rows of w^1."""
    first = network.weights[0]
    rows = first.shape[1] if inked is None else inked
    return int(rows * first.shape[0] * first.itemsize + sum(w.nbytes for w in network.weights[1:]))


def main() -> None:
    """Time the forward pass and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    args = parser.parse_args()
    network = load(args.weights).network
    reader = ReadingNetwork(network)
    typical = render(drawing(4))  # the serving benchmark's typical drawing
    one = typical.reshape(1, NUM_PIXELS)
    inked = int(np.count_nonzero(one))
    many = np.random.default_rng(0).random((1_000, NUM_PIXELS), dtype=np.float32)
    junk = np.ones(FLUSH_BYTES // 4, dtype=np.float32)

    def flush() -> None:
        junk.sum()

    hidden = network.weights[0].shape[0]
    macs = sum(w.size for w in network.weights)
    sparse_macs = inked * hidden + macs - network.weights[0].size
    rows: list[tuple[str, float, int, int]] = [
        ("every pixel (Network), warm", best_seconds(lambda: network.forward(one), 2_000), macs, weight_bytes(network)),
        (
            "every pixel (Network), cold",
            best_seconds(lambda: network.forward(one), 200, before=flush),
            macs,
            weight_bytes(network),
        ),
        (
            "inked pixels (ReadingNetwork), warm",
            best_seconds(lambda: reader.forward(one), 2_000),
            sparse_macs,
            weight_bytes(network, inked),
        ),
        (
            "inked pixels (ReadingNetwork), cold",
            best_seconds(lambda: reader.forward(one), 200, before=flush),
            sparse_macs,
            weight_bytes(network, inked),
        ),
        (
            "predict() as the server calls it, cold",
            best_seconds(lambda: predict(network=reader, image=typical), 200, before=flush),
            sparse_macs,
            weight_bytes(network, inked),
        ),
    ]
    t1000 = best_seconds(lambda: network.forward(many), 20)
    drawings = [render(drawing(digit, seed=seed)) for seed in range(2) for digit in (4, 5, 7, 1)]
    together = ReadingNetwork(network, rows_one_by_one=0)
    batches = [
        (
            len(batch),
            best_seconds(partial(predict_many, network=reader, images=batch), 100),
            best_seconds(partial(predict_many, network=together, images=batch), 100),
        )
        for batch in (drawings[:size] for size in range(1, len(drawings) + 1))
    ]

    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset, so one per core")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs; numpy {np.__version__}; OPENBLAS_NUM_THREADS {threads}"
    )
    print(
        f"network {network.sizes}: {macs:,} multiply-adds per image; the typical drawing inks {inked} of {NUM_PIXELS} pixels"
    )
    print(f"  {'batch 1, every z and a':<42}{'us/image':>10}{'GFLOP/s':>9}{'GB/s of weights':>17}")
    for label, seconds, work, nbytes in rows:
        print(f"  {label:<42}{seconds * 1e6:>10.1f}{2 * work / seconds / 1e9:>9.2f}{nbytes / seconds / 1e9:>17.2f}")
    print(
        f"  batch 1000, every pixel: {1_000 / t1000:,.0f} images/s ({2 * macs * 1_000 / t1000 / 1e9:.2f} GFLOP/s, "
        "the weights read once per batch)"
    )
    print(f"  batches of drawings, warm (up to {ROWS_ONE_BY_ONE} are read row by row)")
    print(f"  {'drawings':>10}{'predict_many us':>17}{'rows together us':>18}")
    for size, chosen, joined in batches:
        print(f"  {size:>10}{chosen * 1e6:>17.0f}{joined * 1e6:>18.0f}")


if __name__ == "__main__":
    main()
