"""Pictures of a training run: learning curves, a confusion matrix, a gallery of mistakes (PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE, NUM_CLASSES


def learning_curves(history: list[dict[str, float]], path: Path) -> None:
    """Write the per-epoch loss and accuracies as a PNG."""
    epochs = [row["epoch"] for row in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.plot(epochs, [row["train_loss"] for row in history], label="training cost (augmented)")
    left.set_xlabel("epoch")
    left.set_ylabel("cross-entropy")
    left.legend()
    for key, label in (
        ("train_accuracy", "training (augmented)"),
        ("validation_accuracy", "MNIST validation"),
        ("pen_validation_accuracy", "pen validation writers"),
    ):
        values = [100 * row[key] for row in history]
        if not all(np.isnan(values)):
            right.plot(epochs, values, label=label)
    right.set_xlabel("epoch")
    right.set_ylabel("accuracy (%)")
    right.set_ylim(94, 100)
    right.grid(alpha=0.3)
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def confusion_matrix(matrix: NDArray[np.integer], path: Path, *, title: str) -> None:
    """Write a confusion matrix (model.evaluation.scoring.confusion) as a PNG, counts in every non-empty cell."""
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    shown = np.log1p(matrix)
    ax.imshow(shown, cmap="Blues")
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if shown[i, j] > shown.max() / 2 else "black",
            )
    ax.set_xticks(range(NUM_CLASSES))
    ax.set_yticks(range(NUM_CLASSES))
    ax.set_xlabel("answered")
    ax.set_ylabel("true digit")
    accuracy = np.trace(matrix) / matrix.sum()
    ax.set_title(f"{title}: {100 * accuracy:.2f}% correct")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def error_gallery(
    images: NDArray[np.float32],
    labels: NDArray[np.integer],
    predicted: NDArray[np.integer],
    path: Path,
    *,
    columns: int = 12,
) -> None:
    """Write a grid of misread images, each captioned 'true -> answered', as a PNG."""
    count = len(labels)
    rows = max(1, -(-count // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 0.9, rows * 1.05))
    for k, ax in enumerate(np.atleast_1d(axes).ravel()):
        ax.axis("off")
        if k < count:
            ax.imshow(images[k].reshape(IMAGE_SIDE, IMAGE_SIDE), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"{labels[k]}→{predicted[k]}", fontsize=8)
    fig.tight_layout(pad=0.3)
    fig.savefig(path, dpi=110)
    plt.close(fig)
