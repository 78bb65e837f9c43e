"""The forward pass alone: microseconds per image at batch 1, images per second at batch 1,000.

Printed beside the floating-point work a forward pass implies (one multiply-add per weight), so the
distance to the machine's limit is visible.

    python benchmarks/inference.py [--weights model/weights/default.npz]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from model.inference import predict
from model.weights import DEFAULT_WEIGHTS, load


def best_seconds(fn: object, repeats: int, rounds: int = 5) -> float:
    """Return the best per-call time of `fn` over `rounds` rounds of `repeats` calls."""
    assert callable(fn)
    fn()
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(repeats):
            fn()
        best = min(best, (time.perf_counter() - started) / repeats)
    return best


def main() -> None:
    """Time the forward pass and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    args = parser.parse_args()
    network = load(args.weights).network
    rng = np.random.default_rng(0)
    one = rng.random((1, network.sizes[0]), dtype=np.float32)
    many = rng.random((1_000, network.sizes[0]), dtype=np.float32)
    image = one.reshape(28, 28)

    macs = sum(w.size for w in network.weights)
    t1 = best_seconds(lambda: network.feedforward(one), 2_000)
    t_all = best_seconds(lambda: network.forward(one), 2_000)
    t_predict = best_seconds(lambda: predict(network=network, image=image), 2_000)
    t1000 = best_seconds(lambda: network.feedforward(many), 20)

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; numpy {np.__version__}")
    print(f"network {network.sizes}: {macs:,} multiply-adds per image ({2 * macs / 1e6:.2f} MFLOP)")
    print(f"  batch 1, probabilities only         {t1 * 1e6:8.1f} us/image  ({2 * macs / t1 / 1e9:6.2f} GFLOP/s)")
    print(f"  batch 1, every z and a (forward)    {t_all * 1e6:8.1f} us/image")
    print(f"  batch 1, model.inference.predict    {t_predict * 1e6:8.1f} us/image")
    print(
        f"  batch 1000                          {1_000 / t1000:8,.0f} images/s ({2 * macs * 1_000 / t1000 / 1e9:6.2f} GFLOP/s)"
    )


if __name__ == "__main__":
    main()
