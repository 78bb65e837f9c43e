"""Score a weights file: `python -m model.evaluation [--weights PATH] [--report-dir DIR] [--ship PATH]`.

Accuracy, per-digit accuracy and confusion matrix on the 10,000 MNIST test images and on the
UNIPEN pen test writers (held-out writers that never choose a run; rendered with model.reading.strokes),
and how often the uncertainty rule fires on each, and on random scribbles (model.evaluation.scribbles). Then the
same for pictures read through model.reading.pictures.pipeline (model.evaluation.picture_sets): MNIST's test images as PNG files,
both ways round, and phone-like photos of the pen test writers' digits; `--no-pictures` skips them
(they take minutes). `--report-dir` writes evaluation.json and the
plots the /model page shows; `--ship` writes a copy of the weights whose metadata carries the
uncertainty thresholds (calibrated with `--calibrate`, model.evaluation.calibration) and these scores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

from model.datasets import mnist as data
from model.datasets import unipen
from model.evaluation import picture_sets
from model.evaluation.calibration import calibrate
from model.evaluation.scoring import score
from model.evaluation.scribbles import scribbles
from model.serving.uncertainty import METADATA_KEY, UncertaintyThresholds
from model.serving.weights import DEFAULT_WEIGHTS, LoadedModel, WeightsError, load, save

SCRIBBLES = 500

_RULE = (
    "unsure when the top probability < unsure_below; not a digit when the top probability < "
    "not_a_digit_below or the largest output z < min_top_z"
)


def _parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(prog="python -m model.evaluation", description=__doc__)
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
    parser.add_argument("--no-pictures", action="store_true", help="skip the picture sets (minutes of work)")
    return parser


def _without_predictions(result: dict[str, Any]) -> dict[str, Any]:
    """Return a score without its per-image predictions (the JSON-ready part)."""
    return {k: v for k, v in result.items() if k != "predicted"}


def build_report(
    model: LoadedModel,
    thresholds: UncertaintyThresholds,
    test: dict[str, Any],
    held: dict[str, Any],
    noise: dict[str, Any],
    pictures: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return evaluation.json's content from the three scores and those of the picture sets, if any."""
    return {
        "weights_sha256": model.sha256,
        "mnist_test": _without_predictions(test),
        "unipen_test": _without_predictions(held),
        **{name: _without_predictions(result) for name, result in (pictures or {}).items()},
        "uncertainty": {
            "rule": _RULE,
            "thresholds": thresholds.as_dict(),
            "mnist_test_unsure_rate": test["unsure_rate"],
            "mnist_test_not_a_digit_rate": test["not_a_digit_rate"],
            "unipen_unsure_rate": held["unsure_rate"],
            "unipen_not_a_digit_rate": held["not_a_digit_rate"],
            "scribble_count": noise["count"],
            "scribble_not_a_digit_rate": noise["not_a_digit_rate"],
            "scribble_unsure_rate": noise["unsure_rate"],
        },
    }


def print_scores(
    test: dict[str, Any],
    held: dict[str, Any],
    noise: dict[str, Any],
    thresholds: UncertaintyThresholds,
    pictures: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Print the accuracies and uncertainty rates, one block per data set."""
    named = [("MNIST test", test), ("UNIPEN pen test writers", held)]
    named += [(picture_sets.TITLES[name], result) for name, result in (pictures or {}).items()]
    for name, result in named:
        per_class = " ".join(f"{d}:{100 * a:.1f}" for d, a in enumerate(result["per_class"]))
        print(f"{name}: {100 * result['accuracy']:.2f}% of {result['count']}  (per digit {per_class})")
        print(
            f"  unsure {100 * result['unsure_rate']:.2f}%, not a digit {100 * result['not_a_digit_rate']:.2f}%, "
            f"accuracy when sure {100 * result['accuracy_when_sure']:.2f}%"
        )
        if result.get("refused"):
            print(f"  no ink found in {result['refused']} pictures (counted as read wrong)")
        if result.get("top_confusions"):
            print("  most frequent misreads: " + ", ".join(f"{t} as {a} ({n})" for t, a, n in result["top_confusions"]))
    print(
        f"random scribbles: not a digit {100 * noise['not_a_digit_rate']:.1f}%, unsure {100 * noise['unsure_rate']:.1f}%"
    )
    print(f"thresholds: {thresholds.as_dict()}")


def write_plots(
    out: Path,
    mnist: data.Mnist,
    test: dict[str, Any],
    held: dict[str, Any],
    run_dir: Path | None,
    photos: dict[str, Any] | None = None,
) -> None:
    """Write the /model page's pictures to `out`, and copy the run's learning curves when `run_dir` has them."""
    from model.evaluation import plots  # matplotlib is a training-only dependency

    out.mkdir(parents=True, exist_ok=True)
    plots.confusion_matrix(np.array(test["confusion"]), out / "confusion_matrix.png", title="MNIST test set")
    plots.confusion_matrix(np.array(held["confusion"]), out / "confusion_matrix_unipen.png", title="Pen test writers")
    if photos is not None:
        plots.confusion_matrix(
            np.array(photos["confusion"]), out / "confusion_matrix_photos.png", title="Phone-like photos"
        )
    wrong = np.flatnonzero(test["predicted"] != mnist.test_labels)[:60]
    plots.error_gallery(
        mnist.test_images[wrong], mnist.test_labels[wrong], test["predicted"][wrong], out / "errors.png"
    )
    if run_dir is not None and (run_dir / "learning_curves.png").is_file():
        shutil.copyfile(run_dir / "learning_curves.png", out / "learning_curves.png")
        shutil.copyfile(run_dir / "metrics.csv", out / "metrics.csv")


def ship(
    model: LoadedModel, path: Path, thresholds: UncertaintyThresholds, test: dict[str, Any], held: dict[str, Any]
) -> str:
    """Write the weights to `path` with the thresholds and scores in their metadata; return the file's SHA-256."""
    metadata = {k: v for k, v in model.metadata.items() if k not in ("sizes", "activations")}
    metadata[METADATA_KEY] = thresholds.as_dict()
    metadata["test_accuracy"] = test["accuracy"]
    metadata["unipen_accuracy"] = held["accuracy"]
    metadata["per_class_test_accuracy"] = test["per_class"]
    return save(model.network, path, metadata)


def main(argv: list[str] | None = None) -> int:
    """Evaluate, print the scores, optionally write the report and the shipped weights; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        model = load(args.weights)
        mnist = data.load_mnist(args.data_dir)
        pen = unipen.split(unipen.load(args.unipen)).test
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
    pictures = {} if args.no_pictures else picture_sets.score_pictures(network, mnist, args.unipen, thresholds)
    report = build_report(model, thresholds, test, held, noise, pictures)
    print_scores(test, held, noise, thresholds, pictures)

    if args.report_dir is not None:
        write_plots(args.report_dir, mnist, test, held, args.run_dir, pictures.get("phone_photos"))
    if args.ship is not None:
        report["weights_sha256"] = digest = ship(model, args.ship, thresholds, test, held)
        print(f"shipped {args.ship} (SHA-256 {digest})")
    if args.report_dir is not None:
        (args.report_dir / "evaluation.json").write_text(json.dumps(report, indent=1) + "\n")
        print(f"report written to {args.report_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
