"""Training speed: the NumPy trainer against the same network in PyTorch on the CPU, in one run.

Both do the same work per step: forward pass, cross-entropy cost, backpropagation and a momentum-SGD
update with L2, in float32, with the same layer sizes and batch size, on the same data (random
images, so the benchmark needs no dataset). Augmentation is left out of both: it is the same NumPy
code whichever network trains. Prints samples per second for each and the ratio NumPy / PyTorch.
`--no-torch` times the NumPy trainer alone (no bench extra needed), for instance to price a bigger
network before training it.

    python benchmarks/train_speed.py [--hidden 1200 400] [--batch-size 64] [--seconds 8] [--no-torch]
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import time
from collections.abc import Callable

import numpy as np

from model.constants import NUM_CLASSES, NUM_PIXELS
from model.network import Network
from model.training.config import TrainConfig
from model.training.optimizer import MomentumSGD


def samples_per_second(step: Callable[[int], None], batch_size: int, batches: int, seconds: float) -> float:
    """Return the best throughput over repeated timed runs of `step` (after a warm-up)."""
    for b in range(10):
        step(b % batches)
    best = 0.0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        for b in range(batches):
            step(b)
        best = max(best, batches * batch_size / (time.perf_counter() - started))
    return best


def numpy_step(network: Network, config: TrainConfig, x: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """Return a function doing one NumPy training step of `network` on mini-batch number b."""
    optimizer = MomentumSGD(network, momentum=config.momentum, weight_decay=config.weight_decay)
    n = config.batch_size

    def step(b: int) -> None:
        _, gradients, _ = network.backprop(x[b * n : (b + 1) * n], y[b * n : (b + 1) * n])
        optimizer.step(network, gradients, learning_rate=config.learning_rate)

    return step


def torch_step(sizes: list[int], config: TrainConfig, x: np.ndarray, y: np.ndarray) -> Callable[[int], None]:
    """Return a function doing one PyTorch training step (same maths) on mini-batch number b."""
    import torch

    layers: list[torch.nn.Module] = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(torch.nn.Sigmoid())
    model = torch.nn.Sequential(*layers)
    # SGD's weight_decay adds lambda*w to the gradient, as MomentumSGD does (PyTorch also decays biases).
    optimizer = torch.optim.SGD(
        model.parameters(), lr=config.learning_rate, momentum=config.momentum, weight_decay=config.weight_decay
    )
    loss_fn = torch.nn.CrossEntropyLoss()  # softmax output + mean cross-entropy
    tx = torch.from_numpy(x)
    ty = torch.from_numpy(y)
    n = config.batch_size

    def step(b: int) -> None:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(tx[b * n : (b + 1) * n]), ty[b * n : (b + 1) * n])
        loss.backward()
        optimizer.step()

    return step


def main() -> None:
    """Time both trainers and print their throughput and ratio."""
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", type=int, nargs="+", default=list(defaults.hidden))
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--seconds", type=float, default=8.0, help="timing budget per trainer and round")
    parser.add_argument("--rounds", type=int, default=2, help="alternate the trainers this many times")
    parser.add_argument("--no-torch", action="store_true", help="time the NumPy trainer alone")
    args = parser.parse_args()
    config = TrainConfig(hidden=tuple(args.hidden), batch_size=args.batch_size)
    sizes = config.sizes
    batches = 50
    rng = np.random.default_rng(0)
    x = rng.random((batches * config.batch_size, NUM_PIXELS), dtype=np.float32)
    y = rng.integers(0, NUM_CLASSES, batches * config.batch_size)
    network = Network.initialise(sizes, np.random.default_rng(0))
    steps = {"numpy": numpy_step(network, config, x, y)}
    if not args.no_torch:
        steps["pytorch"] = torch_step(sizes, config, x, y)
    best = dict.fromkeys(steps, 0.0)
    # Alternate, so that a slow spell of the machine does not favour one trainer.
    for _ in range(args.rounds):
        for name, step in steps.items():
            best[name] = max(best[name], samples_per_second(step, config.batch_size, batches, args.seconds))

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs; numpy {np.__version__}")
    print(
        f"network {sizes} ({network.num_parameters:,} parameters), batch {config.batch_size}, float32, momentum SGD with L2"
    )
    print(f"  numpy   {best['numpy']:10,.0f} samples/s, {1000 * config.batch_size / best['numpy']:.1f} ms per batch")
    if "pytorch" in best:
        import torch

        print(
            f"  pytorch {best['pytorch']:10,.0f} samples/s (torch {torch.__version__}, {torch.get_num_threads()} threads)"
        )
        print(f"  ratio numpy/pytorch = {best['numpy'] / best['pytorch']:.2f}  (target >= 0.9)")


if __name__ == "__main__":
    main()
