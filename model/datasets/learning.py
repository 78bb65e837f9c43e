"""The digits /learn trains on: a compact MNIST subset shipped in the repository, or all of MNIST where it is.

model/datasets/learning.npz holds 10,000 training and 2,000 validation digits of the MNIST training set
(uint8, 0-255, 255 = ink, compressed), and their indices in it. `python -m model.datasets.learning build`
makes it again from the official files (model/datasets/mnist_files.py verifies them), the same bytes every time.
With the MNIST folder (MNIST_DIR), the validation digits are the same 2,000 and the training set is the other
58,000, the subset's 10,000 first: a run with train_size <= 10,000 sees the same digits either way.

MNIST (Yann LeCun, Corinna Cortes and Christopher J.C. Burges) is licensed CC BY-SA 3.0.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from model.constants import NUM_PIXELS
from model.datasets.mnist_files import FILES, DatasetError, read_idx, read_labels, resolve_dir

SUBSET = Path(__file__).with_name("learning.npz")
TRAIN_SIZE = 10_000
VALIDATION_SIZE = 2_000
SEED = 21
"""The permutation of the 60,000 MNIST training digits that chooses the subset."""
CREDIT = "MNIST by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, CC BY-SA 3.0"


@dataclass(frozen=True)
class LearningData:
    """Training and validation digits as uint8 rows, 0-255 (255 = ink), as stored, and int64 labels; their source.

    Kept as bytes, a quarter of float32's memory (45 MB rather than 180 MB for all of MNIST): a job scales
    each mini-batch to [0, 1] with `unit` as it takes it.
    """

    train_x: NDArray[np.uint8]
    train_y: NDArray[np.int64]
    validation_x: NDArray[np.uint8]
    validation_y: NDArray[np.int64]
    source: str
    """"subset" (the shipped file) or "mnist" (the official files)."""


def unit(images: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Return uint8 images as float32 rows in [0, 1] (1 = ink), as model.datasets.mnist does."""
    return np.divide(images.reshape(len(images), NUM_PIXELS), 255, dtype=np.float32)


def has_mnist(data_dir: str | Path | None) -> bool:
    """Return True when `data_dir` is given and holds the MNIST training images (not yet verified)."""
    if data_dir is None:
        return False
    name = FILES["train_images"].name
    return any((Path(data_dir) / file).is_file() for file in (name, name + ".gz"))


def train_available(data_dir: str | Path | None) -> int:
    """Return how many training digits a job can use: the subset's, or all but the validation digits."""
    return FILES["train_images"].count - VALIDATION_SIZE if has_mnist(data_dir) else TRAIN_SIZE


def load(data_dir: str | Path | None = None) -> LearningData:
    """Return the digits: from MNIST in `data_dir` when it holds the files, else the shipped subset.

    Raises DatasetError when a file is missing or does not verify.
    """
    try:
        with np.load(SUBSET, allow_pickle=False) as stored:
            subset = {key: stored[key] for key in stored.files}
    except (OSError, ValueError) as error:
        raise DatasetError(
            f"{SUBSET}: cannot be read ({error}); rebuild it with `python -m model.datasets.learning build`"
        ) from None
    if not has_mnist(data_dir):
        return LearningData(
            train_x=subset["train_images"],
            train_y=subset["train_labels"].astype(np.int64),
            validation_x=subset["validation_images"],
            validation_y=subset["validation_labels"].astype(np.int64),
            source="subset",
        )
    folder = resolve_dir(data_dir)
    images = read_idx(folder, FILES["train_images"]).reshape(-1, NUM_PIXELS)
    labels = read_labels(folder, FILES["train_labels"]).astype(np.int64)
    indices = subset["indices"].astype(np.int64)
    chosen = np.zeros(len(labels), bool)
    chosen[indices] = True
    train = np.concatenate([indices[:TRAIN_SIZE], np.flatnonzero(~chosen)])
    validation = indices[TRAIN_SIZE:]
    return LearningData(images[train], labels[train], images[validation], labels[validation], "mnist")


def build(data_dir: str | Path | None) -> bytes:
    """Return the subset file's bytes, made from the official MNIST training files in `data_dir`."""
    folder = resolve_dir(data_dir)
    images = read_idx(folder, FILES["train_images"]).reshape(-1, NUM_PIXELS)
    labels = read_labels(folder, FILES["train_labels"])
    indices = np.random.default_rng(SEED).permutation(len(labels))[: TRAIN_SIZE + VALIDATION_SIZE]
    train, validation = indices[:TRAIN_SIZE], indices[TRAIN_SIZE:]
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        train_images=images[train],
        train_labels=labels[train],
        validation_images=images[validation],
        validation_labels=labels[validation],
        indices=indices.astype(np.uint16),
        credit=np.array(CREDIT),
    )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command line: `build` writes the subset file from the official files; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m model.datasets.learning", description=__doc__)
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--data-dir", default=None, help="MNIST folder (default: $MNIST_DIR, else data/mnist)")
    parser.add_argument("--out", type=Path, default=SUBSET, help=f"where to write it (default {SUBSET.name} here)")
    args = parser.parse_args(argv)
    try:
        content = build(args.data_dir)
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    args.out.write_bytes(content)
    print(f"{args.out}: {TRAIN_SIZE} training and {VALIDATION_SIZE} validation digits, {len(content):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
