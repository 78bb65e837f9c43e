"""The report: what it scores (MNIST test, the pen test writers), what it writes and what it ships."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from model.datasets import unipen
from model.evaluation import report
from model.network import Network
from model.serving.uncertainty import UncertaintyThresholds
from model.serving.weights import load, save
from tests.conftest import skip_or_fail

SIZES = [784, 8, 10]


def _score(accuracy: float, count: int) -> dict[str, object]:
    """Return a score shaped as model.evaluation.scoring.score's, predictions included."""
    return {"count": count, "accuracy": accuracy, "unsure_rate": 0.5, "not_a_digit_rate": 0.25, "predicted": [1, 2]}


def test_the_report_names_the_pen_test_writers_and_drops_predictions(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    save(Network.initialise(SIZES, np.random.default_rng(0)), path, {})
    thresholds = UncertaintyThresholds()
    built = report.build_report(
        load(path), thresholds, _score(0.9, 10), _score(0.8, 20), {"count": 5, "not_a_digit_rate": 1, "unsure_rate": 0}
    )
    assert built["unipen_test"] == {"count": 20, "accuracy": 0.8, "unsure_rate": 0.5, "not_a_digit_rate": 0.25}
    assert built["mnist_test"]["accuracy"] == 0.9 and "unipen_heldout" not in built
    assert built["uncertainty"]["unipen_unsure_rate"] == 0.5 and built["uncertainty"]["scribble_count"] == 5


@pytest.mark.mnist
@pytest.mark.slow
def test_the_pen_figure_is_of_the_test_writers_only(mnist_dir: Path, tmp_path: Path) -> None:
    path = unipen.resolve_path()
    if not path.is_file():
        skip_or_fail(f"UNIPEN digits not found at {path}: set DIGITS_UNIPEN")
    weights = tmp_path / "random.npz"
    save(Network.initialise(SIZES, np.random.default_rng(0)), weights, {})
    out, shipped = tmp_path / "report", tmp_path / "shipped.npz"
    argv = ["--weights", str(weights), "--data-dir", str(mnist_dir), "--unipen", str(path), "--no-pictures"]
    assert report.main([*argv, "--report-dir", str(out), "--ship", str(shipped)]) == 0
    evaluation = json.loads((out / "evaluation.json").read_text())
    test_writers = sum(1 for _, _, group in unipen.samples(path) if unipen.is_test(group))
    heldout = sum(1 for _, _, group in unipen.samples(path) if unipen.is_heldout(group))
    assert evaluation["unipen_test"]["count"] == test_writers < heldout
    assert load(shipped).metadata["unipen_accuracy"] == evaluation["unipen_test"]["accuracy"]
    assert (out / "confusion_matrix_unipen.png").is_file()
