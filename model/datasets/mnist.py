"""MNIST from its four official IDX files (gzipped or raw), checked before use (model/datasets/mnist_files.py).

Folder: `--data-dir`, else the MNIST_DIR environment variable, else data/mnist.
`python -m model.datasets.mnist fetch` downloads the files from a public mirror and verifies them.
"""

from __future__ import annotations

import argparse
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE
from model.datasets.mnist_files import FILES, DatasetError, read_idx, read_labels, resolve_dir

__all__ = ["FILES", "MIRRORS", "DatasetError", "Mnist", "fetch", "load_mnist", "main", "read_idx", "resolve_dir"]
"""The file list, the error and the reader come from model.datasets.mnist_files; training code reaches them here too."""

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


@dataclass(frozen=True)
class Mnist:
    """Images as float32 (n, 784) in [0, 1] (1 = ink) and labels as uint8 (n,)."""

    train_images: NDArray[np.float32]
    train_labels: NDArray[np.uint8]
    test_images: NDArray[np.float32]
    test_labels: NDArray[np.uint8]


def _unit_range(images: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Return the images flattened to rows of float32 in [0, 1] (MNIST's 0-255 divided by 255)."""
    rows = images.reshape(len(images), IMAGE_SIDE * IMAGE_SIDE)
    return np.divide(rows, 255, dtype=np.float32)


def load_mnist(data_dir: str | Path | None = None) -> Mnist:
    """Return the MNIST training and test sets from the folder, every file verified."""
    folder = resolve_dir(data_dir)
    arrays = {key: (read_labels if key.endswith("labels") else read_idx)(folder, spec) for key, spec in FILES.items()}
    return Mnist(
        train_images=_unit_range(arrays["train_images"]),
        train_labels=arrays["train_labels"],
        test_images=_unit_range(arrays["test_images"]),
        test_labels=arrays["test_labels"],
    )


def fetch(data_dir: str | Path | None = None) -> Path:
    """Download the four files into the folder, verify them, and return the folder."""
    folder = resolve_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for spec in FILES.values():
        target = folder / f"{spec.name}.gz"
        if target.is_file():
            try:
                read_idx(folder, spec)
                continue
            except DatasetError:
                target.unlink()
        errors = []
        for mirror in MIRRORS:
            try:
                with urllib.request.urlopen(mirror + target.name, timeout=30) as response:
                    target.write_bytes(response.read())
                break
            except OSError as error:
                errors.append(f"{mirror}: {error}")
        else:
            raise DatasetError(
                f"{target}: download failed from every mirror ({'; '.join(errors)}); copy the official files there by hand"
            )
        read_idx(folder, spec)
    return folder


def main(argv: list[str] | None = None) -> int:
    """Command line: `fetch` downloads, `check` verifies; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m model.datasets.mnist", description=__doc__)
    parser.add_argument("command", choices=["fetch", "check"])
    parser.add_argument("--data-dir", default=None, help="MNIST folder (default: $MNIST_DIR, else data/mnist)")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            print(f"MNIST verified in {fetch(args.data_dir)}")
        else:
            mnist = load_mnist(args.data_dir)
            print(
                f"MNIST verified in {resolve_dir(args.data_dir)}: {len(mnist.train_labels)} training and {len(mnist.test_labels)} test images"
            )
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
