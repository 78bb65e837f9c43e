"""Train the network on MNIST and real pen strokes: `python -m model.training [options]`.

Mini-batch SGD with momentum, a cosine learning-rate schedule and L2 weight decay; random affine,
elastic and stroke-thickness distortions of every batch; a validation split of the 60,000 MNIST
training images and half of the held-out UNIPEN writers. The 10,000 MNIST test images and the other
half of the held-out writers (model.datasets.unipen's pen test set) are never trained on and never used to
choose anything: they are scored once, at the end, for the record.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import platform
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from model.constants import NUM_PIXELS
from model.datasets import mnist as data
from model.datasets import unipen
from model.evaluation.scoring import confusion, outputs
from model.network import Network
from model.serving.weights import WeightsError, load, save
from model.training.augment import augment
from model.training.averaging import WeightAverage
from model.training.config import TrainConfig, load_init, parse_args
from model.training.optimizer import MomentumSGD
from model.training.trainer import Trainer


@dataclass(frozen=True)
class Split:
    """Images (n, 784) float32 and integer labels (n,)."""

    x: NDArray[np.float32]
    y: NDArray[np.int64]


def predictions(network: Network, x: NDArray[np.float32]) -> NDArray[np.int64]:
    """Return the predicted digit of every row of x."""
    _, probabilities = outputs(network, x)
    predicted: NDArray[np.int64] = probabilities.argmax(axis=1)
    return predicted


def accuracy(network: Network, split: Split) -> float:
    """Return the fraction of the split that the network classifies correctly (NaN for an empty split)."""
    if len(split.y) == 0:
        return float("nan")
    return float((predictions(network, split.x) == split.y).mean())


def learning_rate(config: TrainConfig, progress: float) -> float:
    """Return the learning rate at `progress` (0 to 1 through training): cosine from the first to the final,
    once per cycle (so it starts again from the first at each new cycle)."""
    within = 1.0 if progress >= 1 else progress * config.cycles % 1.0
    cosine = 0.5 * (1 + math.cos(math.pi * within))
    return config.final_learning_rate + (config.learning_rate - config.final_learning_rate) * cosine


@dataclass(frozen=True)
class Datasets:
    """Every split a run uses."""

    train: Split
    validation: Split
    pen_validation: Split
    test: Split
    pen_test: Split
    checksums: dict[str, str]


def prepare(config: TrainConfig, data_dir: str | None, unipen_path: str | None) -> Datasets:
    """Return the training, validation and test splits, seeded by the config."""
    mnist = data.load_mnist(data_dir)
    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(mnist.train_labels))
    val_idx, train_idx = order[: config.validation_size], order[config.validation_size :]
    if config.train_limit is not None:
        train_idx = train_idx[: config.train_limit]
    xs = [mnist.train_images[train_idx]]
    ys = [mnist.train_labels[train_idx].astype(np.int64)]
    no_pen = Split(np.zeros((0, NUM_PIXELS), np.float32), np.zeros(0, np.int64))
    pen_validation, pen_test = no_pen, no_pen
    if config.use_unipen:
        pen = unipen.split(unipen.load(unipen_path))
        for _ in range(config.unipen_repeat):
            xs.append(pen.training.images)
            ys.append(pen.training.labels.astype(np.int64))
        if config.pen_variants:
            extra = unipen.load_variants(unipen_path, seed=config.seed)
            xs.append(extra.images)
            ys.append(extra.labels.astype(np.int64))
        pen_validation = Split(pen.validation.images, pen.validation.labels.astype(np.int64))
        pen_test = Split(pen.test.images, pen.test.labels.astype(np.int64))

    return Datasets(
        train=Split(np.concatenate(xs), np.concatenate(ys)),
        validation=Split(mnist.train_images[val_idx], mnist.train_labels[val_idx].astype(np.int64)),
        pen_validation=Split(pen_validation.x, pen_validation.y),
        test=Split(mnist.test_images, mnist.test_labels.astype(np.int64)),
        pen_test=Split(pen_test.x, pen_test.y),
        checksums={spec.name: spec.sha256 for spec in data.FILES.values()},
    )


def train(
    config: TrainConfig,
    datasets: Datasets,
    *,
    progress: bool = True,
    on_epoch: Callable[[Network, list[dict[str, float]]], None] | None = None,
) -> tuple[Network, list[dict[str, float]]]:
    """Return the trained network (with several cycles, the mean of their ends) and one metrics row per epoch."""
    from tqdm import tqdm  # a training-only dependency, so the server does not need it

    rng = np.random.default_rng(config.seed)
    network = Network.initialise(config.sizes, rng)  # drawn even for --init, so the batches are the same either way
    if config.init is not None:
        network = load_init(config)
    trainer = Trainer(network, MomentumSGD(network, momentum=config.momentum, weight_decay=config.weight_decay))
    train_set = datasets.train
    n = len(train_set.y)
    batches_per_epoch = n // config.batch_size
    history: list[dict[str, float]] = []
    average, epochs_per_cycle = WeightAverage(), config.epochs // config.cycles
    for epoch in range(config.epochs):
        order = rng.permutation(n)
        started = time.perf_counter()
        cost_sum, correct, seen = 0.0, 0, 0
        bar = tqdm(
            range(batches_per_epoch),
            desc=f"epoch {epoch + 1}/{config.epochs}",
            disable=not progress,
            leave=False,
            mininterval=2,
        )
        for b in bar:
            idx = order[b * config.batch_size : (b + 1) * config.batch_size]
            x = augment(train_set.x[idx], rng, config.augment)
            y = train_set.y[idx]
            eta = learning_rate(config, (epoch * batches_per_epoch + b) / (config.epochs * batches_per_epoch))
            step = trainer.step(x, y, learning_rate=eta)
            cost_sum += step.cost * len(y)
            correct += int((step.output.argmax(axis=1) == y).sum())
            seen += len(y)
            if b % 20 == 0:
                bar.set_postfix(loss=f"{cost_sum / seen:.4f}", acc=f"{correct / seen:.4f}", lr=f"{eta:.4f}")
        row = {
            "epoch": epoch + 1,
            "learning_rate": eta,
            "train_loss": cost_sum / seen,
            "train_accuracy": correct / seen,
            "validation_accuracy": accuracy(network, datasets.validation),
            "pen_validation_accuracy": accuracy(network, datasets.pen_validation),
            "seconds": time.perf_counter() - started,
        }
        history.append(row)
        if progress:
            tqdm.write(
                f"epoch {row['epoch']:3d}  loss {row['train_loss']:.4f}  train {row['train_accuracy']:.4f}  "
                f"val {row['validation_accuracy']:.4f}  pen-val {row['pen_validation_accuracy']:.4f}  {row['seconds']:.0f}s"
            )
        if on_epoch is not None:
            on_epoch(network, history)
        if config.cycles > 1 and (epoch + 1) % epochs_per_cycle == 0:
            average.add(network)
            if progress:
                mean = average.network()
                tqdm.write(
                    f"mean of {average.count} cycle ends  val {accuracy(mean, datasets.validation):.4f}  "
                    f"pen-val {accuracy(mean, datasets.pen_validation):.4f}"
                )
    return (average.network() if config.cycles > 1 else network), history


def write_metrics(history: list[dict[str, float]], out: Path) -> None:
    """Write the per-epoch metrics as CSV and JSON into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(history, indent=1))
    with (out / "metrics.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(history[0]))
        writer.writeheader()
        writer.writerows(history)


def training_steps(init: str | None, command: str, wall_seconds: float) -> list[dict[str, Any]]:
    """Return the runs that made these weights, oldest first, each {"command", "wall_seconds"}: the --init
    file's own steps (or its one run), then this run. A fine-tune's weights so carry the whole recipe, and
    the /model page shows every command and the total time (`make train` makes two runs)."""
    steps: list[dict[str, Any]] = []
    if init is not None:
        earlier = load(Path(init)).metadata.get("training") or {}
        recorded = earlier.get("steps") or [
            {"command": earlier.get("command"), "wall_seconds": earlier.get("wall_seconds")}
        ]
        steps = [step for step in recorded if isinstance(step, dict)]
    return [*steps, {"command": command, "wall_seconds": round(wall_seconds, 1)}]


def main(argv: list[str] | None = None) -> int:
    """Train, write the run folder (weights, metrics, plots) and return the exit status."""
    from model.evaluation import plots  # matplotlib is a training-only dependency

    config, args = parse_args(argv, description=__doc__)
    out: Path = args.out or Path("runs") / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    started = time.perf_counter()
    try:
        datasets = prepare(config, args.data_dir, args.unipen)
    except (data.DatasetError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"training on {len(datasets.train.y)} images; validating on {len(datasets.validation.y)} MNIST and "
        f"{len(datasets.pen_validation.y)} pen digits of held-out writers; run folder {out}"
    )

    def checkpoint(network: Network, history: list[dict[str, float]]) -> None:
        write_metrics(history, out)
        plots.learning_curves(history, out / "learning_curves.png")
        save(
            network, out / "checkpoint.npz", {"epoch": len(history), "training": {"config": dataclasses.asdict(config)}}
        )

    try:
        network, _ = train(config, datasets, on_epoch=checkpoint)  # the metrics were written per epoch
    except WeightsError as error:  # a bad --init: a one-line message, as for missing data
        print(f"error: {error}", file=sys.stderr)
        return 1
    wall = time.perf_counter() - started
    command = "python -m model.training " + shlex.join(argv if argv is not None else sys.argv[1:])
    test_predicted = predictions(network, datasets.test.x)
    test_accuracy = float((test_predicted == datasets.test.y).mean())
    pen_accuracy = accuracy(network, datasets.pen_test)
    metadata = {
        "test_accuracy": test_accuracy,
        "unipen_accuracy": pen_accuracy,
        "validation_accuracy": accuracy(network, datasets.validation),  # not the last epoch's: it may be an average
        "pen_validation_accuracy": accuracy(network, datasets.pen_validation),
        "training": {
            "command": command,
            "config": dataclasses.asdict(config),
            "wall_seconds": round(wall, 1),
            "steps": training_steps(config.init, command, wall),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {platform.processor() or platform.system()}",
            "numpy": np.__version__,
            "dataset_sha256": datasets.checksums,
        },
    }
    digest = save(network, out / "weights.npz", metadata)
    # The metrics and learning curves were written by the last epoch's checkpoint.
    plots.confusion_matrix(
        confusion(datasets.test.y, test_predicted), out / "confusion_matrix.png", title="MNIST test set"
    )
    print(f"MNIST test accuracy {test_accuracy:.4f}, pen test writers {pen_accuracy:.4f}, {wall / 60:.1f} min")
    print(f"weights: {out / 'weights.npz'} (SHA-256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
