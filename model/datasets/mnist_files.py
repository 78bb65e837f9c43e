"""The official MNIST files: their names, sizes and SHA-256, and a reader that checks each one before use.

The server reads the test set from here (the figures' ?mnist=INDEX); model/datasets/mnist.py, which training uses,
builds on it to load everything and to download the files.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE, NUM_CLASSES

DEFAULT_DIR = Path("data/mnist")
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801


@dataclass(frozen=True)
class IdxFile:
    """One official MNIST file: its name, item count and SHA-256 of the decompressed content."""

    name: str
    count: int
    sha256: str


FILES = {
    "train_images": IdxFile(
        "train-images-idx3-ubyte", 60_000, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
    ),
    "train_labels": IdxFile(
        "train-labels-idx1-ubyte", 60_000, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
    ),
    "test_images": IdxFile(
        "t10k-images-idx3-ubyte", 10_000, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
    ),
    "test_labels": IdxFile(
        "t10k-labels-idx1-ubyte", 10_000, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
    ),
}

HOW_TO_GET = (
    "get the official files with `python -m model.datasets.mnist fetch` or point MNIST_DIR / --data-dir at them"
)


class DatasetError(Exception):
    """An MNIST file is missing, truncated or altered; the message names the file and the fix."""


def resolve_dir(data_dir: str | Path | None = None) -> Path:
    """Return the MNIST folder: the argument, else $MNIST_DIR, else data/mnist."""
    if data_dir is not None:
        return Path(data_dir)
    return Path(os.environ.get("MNIST_DIR") or DEFAULT_DIR)


def _read_bytes(folder: Path, spec: IdxFile) -> tuple[Path, bytes]:
    """Return the path and decompressed bytes of a file, whether stored as .gz or raw."""
    for path in (folder / f"{spec.name}.gz", folder / spec.name):
        if path.is_file():
            try:
                raw = path.read_bytes()
                return path, gzip.decompress(raw) if path.suffix == ".gz" else raw
            except (OSError, EOFError, gzip.BadGzipFile) as error:
                raise DatasetError(f"{path}: cannot be read ({error}); {HOW_TO_GET}") from None
    raise DatasetError(f"{folder / spec.name}.gz: missing; {HOW_TO_GET}")


def read_idx(folder: Path, spec: IdxFile) -> NDArray[np.uint8]:
    """Return the array in one IDX file after checking its magic number, size and SHA-256."""
    path, content = _read_bytes(folder, spec)
    is_images = spec.name.endswith("idx3-ubyte")
    header = 16 if is_images else 8
    if len(content) < header:
        raise DatasetError(f"{path}: truncated ({len(content)} bytes, no complete header); {HOW_TO_GET}")
    magic, count = int.from_bytes(content[0:4], "big"), int.from_bytes(content[4:8], "big")
    expected_magic = IMAGES_MAGIC if is_images else LABELS_MAGIC
    if magic != expected_magic:
        raise DatasetError(f"{path}: wrong magic number 0x{magic:08x} (expected 0x{expected_magic:08x}); {HOW_TO_GET}")
    shape: tuple[int, ...] = (count,)
    if is_images:
        rows, cols = int.from_bytes(content[8:12], "big"), int.from_bytes(content[12:16], "big")
        if (rows, cols) != (IMAGE_SIDE, IMAGE_SIDE):
            raise DatasetError(f"{path}: images are {rows}x{cols}, expected {IMAGE_SIDE}x{IMAGE_SIDE}; {HOW_TO_GET}")
        shape = (count, rows, cols)
    if count != spec.count:
        raise DatasetError(f"{path}: holds {count} items, expected {spec.count}; {HOW_TO_GET}")
    expected_size = header + int(np.prod(shape))
    if len(content) != expected_size:
        raise DatasetError(
            f"{path}: truncated or padded ({len(content)} bytes, expected {expected_size}); {HOW_TO_GET}"
        )
    digest = hashlib.sha256(content).hexdigest()
    if digest != spec.sha256:
        raise DatasetError(f"{path}: SHA-256 {digest} differs from the official {spec.sha256}; {HOW_TO_GET}")
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape)


@dataclass(frozen=True)
class MnistTestSet:
    """The MNIST test set as stored: images uint8 (n, 28, 28) with 0-255 intensities (255 = ink), labels uint8 (n,)."""

    images: NDArray[np.uint8]
    labels: NDArray[np.uint8]


def read_labels(folder: Path, spec: IdxFile) -> NDArray[np.uint8]:
    """Return a verified label file's labels; raises DatasetError if any is not a digit 0-9."""
    labels = read_idx(folder, spec)
    if labels.size and labels.max() >= NUM_CLASSES:
        raise DatasetError(f"{folder / spec.name}: labels outside 0-{NUM_CLASSES - 1}; {HOW_TO_GET}")
    return labels


def load_test_set(data_dir: str | Path | None = None) -> MnistTestSet:
    """Return the MNIST test images and labels from the folder, both files verified (not the training set)."""
    folder = resolve_dir(data_dir)
    return MnistTestSet(images=read_idx(folder, FILES["test_images"]), labels=read_labels(folder, FILES["test_labels"]))
