"""Score a weights file: `python -m model.evaluate [--weights PATH] [--report-dir DIR] [--ship PATH]`.

Accuracy, per-digit accuracy and confusion matrix on the 10,000 MNIST test images and on the
held-out UNIPEN writers (rendered with model.preprocess), and how often the uncertainty rule fires
on each, and on random scribbles. `--report-dir` writes evaluation.json and the plots the /model
page shows; `--ship` writes a copy of the weights whose metadata carries the calibrated
uncertainty thresholds and these scores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from model import data, unipen
from model.constants import NUM_CLASSES
from model.network import Network
from model.preprocess import render
from model.uncertainty import METADATA_KEY, UncertaintyThresholds, assess
from model.weights import DEFAULT_WEIGHTS, WeightsError, load, save

SCRIBBLES = 500
Z_FLOOR_PERCENTILE = 0.5
"""min_top_z is set so that this percentage of MNIST training images would be called "not a digit"."""


def outputs(
    network: Network, x: NDArray[np.float32], batch: int = 2_000
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Return the output layer's (z^L, a^L) for every row of x."""
    zs, probs = [], []
    for start in range(0, len(x), batch):
        z, a = network.forward(x[start : start + batch])
        zs.append(z[-1])
        probs.append(a[-1])
    return np.concatenate(zs), np.concatenate(probs)


def confusion(labels: NDArray[np.integer], predicted: NDArray[np.integer]) -> NDArray[np.int64]:
    """Return the confusion matrix: row = true digit, column = answered digit."""
    matrix = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def scribbles(count: int, seed: int = 0) -> NDArray[np.float32]:
    """Return images of random pen scribbles (random walks with momentum): things that are not digits."""
    rng = np.random.default_rng(seed)
    images = []
    for _ in range(count):
        strokes = []
        for _ in range(rng.integers(1, 4)):
            steps = rng.integers(5, 60)
            heading = np.cumsum(rng.normal(0, 0.9, steps))
            points = np.cumsum(np.stack([np.cos(heading), np.sin(heading)], axis=1) * 10, axis=0)
            strokes.append((points + rng.uniform(-40, 40, 2)).tolist())
        images.append(render(strokes).reshape(-1))
    return np.stack(images)


def score(
    network: Network, x: NDArray[np.float32], y: NDArray[np.integer], thresholds: UncertaintyThresholds
) -> dict[str, Any]:
    """Return accuracy, per-class accuracy, confusion matrix and uncertainty rates on (x, y)."""
    z, p = outputs(network, x)
    predicted = p.argmax(axis=1)
    matrix = confusion(y, predicted)
    verdicts = [assess(probabilities=p[i], z_output=z[i], thresholds=thresholds) for i in range(len(y))]
    unsure = np.array([v.unsure for v in verdicts])
    refused = np.array([v.not_a_digit for v in verdicts])
    correct = predicted == y
    return {
        "count": len(y),
        "accuracy": float(correct.mean()),
        "per_class": [float(matrix[d, d] / max(1, matrix[d].sum())) for d in range(NUM_CLASSES)],
        "confusion": matrix.tolist(),
        "unsure_rate": float(unsure.mean()),
        "not_a_digit_rate": float(refused.mean()),
        "accuracy_when_sure": float(correct[~unsure].mean()) if (~unsure).any() else float("nan"),
        "predicted": predicted,
    }


def calibrate(network: Network, mnist_train: NDArray[np.float32]) -> UncertaintyThresholds:
    """Return thresholds whose z floor flags Z_FLOOR_PERCENTILE % of MNIST training images (never test ones)."""
    z, _ = outputs(network, mnist_train)
    floor = float(np.percentile(z.max(axis=1), Z_FLOOR_PERCENTILE))
    return UncertaintyThresholds(min_top_z=round(floor, 3))


def main(argv: list[str] | None = None) -> int:
    """Evaluate, print the scores, optionally write the report and the shipped weights; return the exit status."""
    from model import plots  # matplotlib is a training-only dependency

    parser = argparse.ArgumentParser(prog="python -m model.evaluate", description=__doc__)
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--data-dir", default=None, help="MNIST folder (default: $MNIST_DIR, else data/mnist)")
    parser.add_argument(
        "--unipen", default=None, help="UNIPEN .jsonl.gz (default: $DIGITS_UNIPEN, else ../shared/datasets)"
    )
    parser.add_argument("--report-dir", type=Path, default=None, help="write evaluation.json and plots here")
    parser.add_argument("--run-dir", type=Path, default=None, help="training run folder whose learning curves to copy")
    parser.add_argument(
        "--calibrate", action="store_true", help="measure the uncertainty z floor on MNIST training images"
    )
    parser.add_argument("--ship", type=Path, default=None, help="write the weights with calibrated metadata here")
    args = parser.parse_args(argv)
    try:
        model = load(args.weights)
        mnist = data.load_mnist(args.data_dir)
        _, pen = unipen.split(unipen.load(args.unipen))
    except (WeightsError, data.DatasetError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    network = model.network
    thresholds = (
        calibrate(network, mnist.train_images)
        if args.calibrate
        else UncertaintyThresholds.from_metadata(model.metadata)
    )
    test = score(network, mnist.test_images, mnist.test_labels, thresholds)
    held = score(network, pen.images, pen.labels, thresholds)
    noise = score(network, scribbles(SCRIBBLES), np.zeros(SCRIBBLES, dtype=np.int64), thresholds)
    report = {
        "weights_sha256": model.sha256,
        "mnist_test": {k: v for k, v in test.items() if k != "predicted"},
        "unipen_heldout": {k: v for k, v in held.items() if k != "predicted"},
        "uncertainty": {
            "rule": "unsure when the top probability < unsure_below; not a digit when the top probability < "
            "not_a_digit_below or the largest output z < min_top_z",
            "thresholds": thresholds.as_dict(),
            "mnist_test_unsure_rate": test["unsure_rate"],
            "mnist_test_not_a_digit_rate": test["not_a_digit_rate"],
            "unipen_unsure_rate": held["unsure_rate"],
            "unipen_not_a_digit_rate": held["not_a_digit_rate"],
            "scribble_count": SCRIBBLES,
            "scribble_not_a_digit_rate": noise["not_a_digit_rate"],
            "scribble_unsure_rate": noise["unsure_rate"],
        },
    }
    for name, result in (("MNIST test", test), ("UNIPEN held-out writers", held)):
        per_class = " ".join(f"{d}:{100 * a:.1f}" for d, a in enumerate(result["per_class"]))
        print(f"{name}: {100 * result['accuracy']:.2f}% of {result['count']}  (per digit {per_class})")
        print(
            f"  unsure {100 * result['unsure_rate']:.2f}%, not a digit {100 * result['not_a_digit_rate']:.2f}%, "
            f"accuracy when sure {100 * result['accuracy_when_sure']:.2f}%"
        )
    print(
        f"random scribbles: not a digit {100 * noise['not_a_digit_rate']:.1f}%, unsure {100 * noise['unsure_rate']:.1f}%"
    )
    print(f"thresholds: {thresholds.as_dict()}")

    if args.report_dir is not None:
        out = args.report_dir
        out.mkdir(parents=True, exist_ok=True)
        plots.confusion_matrix(np.array(test["confusion"]), out / "confusion_matrix.png", title="MNIST test set")
        plots.confusion_matrix(
            np.array(held["confusion"]), out / "confusion_matrix_unipen.png", title="Held-out pen writers"
        )
        wrong = np.flatnonzero(test["predicted"] != mnist.test_labels)[:60]
        plots.error_gallery(
            mnist.test_images[wrong], mnist.test_labels[wrong], test["predicted"][wrong], out / "errors.png"
        )
        if args.run_dir is not None and (args.run_dir / "learning_curves.png").is_file():
            shutil.copyfile(args.run_dir / "learning_curves.png", out / "learning_curves.png")
            shutil.copyfile(args.run_dir / "metrics.csv", out / "metrics.csv")
    if args.ship is not None:
        metadata = {k: v for k, v in model.metadata.items() if k not in ("sizes", "activations")}
        metadata[METADATA_KEY] = thresholds.as_dict()
        metadata["test_accuracy"] = test["accuracy"]
        metadata["unipen_accuracy"] = held["accuracy"]
        metadata["per_class_test_accuracy"] = test["per_class"]
        digest = save(network, args.ship, metadata)
        report["weights_sha256"] = digest
        print(f"shipped {args.ship} (SHA-256 {digest})")
    if args.report_dir is not None:
        (args.report_dir / "evaluation.json").write_text(json.dumps(report, indent=1) + "\n")
        print(f"report written to {args.report_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
