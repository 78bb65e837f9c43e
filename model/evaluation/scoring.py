"""Scoring a network on labelled images: its outputs in batches, the confusion matrix, accuracy and uncertainty.

The library half of evaluation, imported by training (model.training.train) and by the report
(`python -m model.evaluation`, model/evaluation/report.py). Nothing here reads files or prints.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from model.constants import NUM_CLASSES
from model.network import Network
from model.serving.uncertainty import UncertaintyThresholds, assess


def outputs(
    network: Network, x: NDArray[np.float32], batch: int = 2_000
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Return the output layer's (z^L, a^L) for every row of x, computed `batch` rows at a time."""
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


def top_confusions(matrix: NDArray[np.integer], count: int = 5) -> list[tuple[int, int, int]]:
    """Return the `count` most frequent misreads as (true digit, answered digit, times), most frequent first."""
    wrong = np.array(matrix, dtype=np.int64)
    np.fill_diagonal(wrong, 0)
    order = np.argsort(-wrong, axis=None, kind="stable")[:count]
    return [
        (int(t), int(a), int(wrong[t, a]))
        for t, a in zip(*np.unravel_index(order, wrong.shape), strict=True)
        if wrong[t, a]
    ]


def score(
    network: Network, x: NDArray[np.float32], y: NDArray[np.integer], thresholds: UncertaintyThresholds
) -> dict[str, Any]:
    """Return accuracy, per-class accuracy, confusion matrix and uncertainty rates on (x, y).

    The dict also holds "predicted", the answered digit of every row (an array, not JSON-ready).
    """
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
        "top_confusions": top_confusions(matrix),
        "unsure_rate": float(unsure.mean()),
        "not_a_digit_rate": float(refused.mean()),
        "accuracy_when_sure": float(correct[~unsure].mean()) if (~unsure).any() else float("nan"),
        "predicted": predicted,
    }
