"""Real pen-drawn digits (UNIPEN 1a) rendered with the product's own preprocessing, split by writer.

The writer groups follow the dataset README's caveats: a `writer` is a file, so `ibm` files that end
in the same two digits are one person, and all of `gmd` and all of `val` (few people, many files)
each stay on one side of the split.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from model.constants import NUM_PIXELS
from model.datasets import pen_variants
from model.reading.strokes import render

DEFAULT_PATH = Path("../shared/datasets/unipen-1a-digits.jsonl.gz")
HELDOUT_PERCENT = 20
"""About this share of the writer groups is held out, never trained on."""

VALIDATION_PERCENT = 10
"""The held-out groups that hash below this choose runs (validation); the rest, about the other half, are
the pen test set: scored for the record only, like the MNIST test set, so the pen figure is one the choice
never saw."""

ALWAYS_TRAIN = ("gmd", "val")
"""Sets from a handful of people spread over many files: kept whole, on the training side."""


@dataclass(frozen=True)
class PenDigits:
    """Rendered images (n, 784) float32, labels (n,) uint8 and each sample's writer group."""

    images: NDArray[np.float32]
    labels: NDArray[np.uint8]
    groups: list[str]


def resolve_path(path: str | Path | None = None) -> Path:
    """Return the UNIPEN file: the argument, else $DIGITS_UNIPEN, else ../shared/datasets/."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get("DIGITS_UNIPEN") or DEFAULT_PATH)


def writer_group(writer: str) -> str:
    """Return the group of files that (as far as the README can tell) come from the same people."""
    parts = writer.split("/")
    if parts[0] in ALWAYS_TRAIN:
        return parts[0]
    if parts[0] == "ibm":
        return f"ibm/{parts[-1][-2:]}"
    return writer


def _bucket(group: str) -> int:
    """Return the group's stable bucket, 0 to 99 (a hash, not a random draw); ALWAYS_TRAIN gets 100."""
    if group in ALWAYS_TRAIN:
        return 100
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % 100


def is_heldout(group: str) -> bool:
    """Return True for the writer groups never trained on: the pen validation and test writers."""
    return _bucket(group) < HELDOUT_PERCENT


def is_test(group: str) -> bool:
    """Return True for the held-out groups that only report (the pen test set), never choose."""
    return VALIDATION_PERCENT <= _bucket(group) < HELDOUT_PERCENT


def _samples(path: str | Path | None) -> list[dict[str, Any]]:
    """Return every sample of the file as its JSON object (strokes, label, writer)."""
    source = resolve_path(path)
    if not source.is_file():
        raise FileNotFoundError(f"{source}: UNIPEN digits not found; set DIGITS_UNIPEN or --unipen")
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def samples(path: str | Path | None = None) -> Iterator[tuple[list[list[list[float]]], int, str]]:
    """Yield every sample of the file as (strokes, label, writer group), unrendered."""
    for sample in _samples(path):
        yield sample["strokes"], int(sample["label"]), writer_group(sample["writer"])


def load(path: str | Path | None = None) -> PenDigits:
    """Return every sample of the file, rendered to 28x28 by model.reading.strokes."""
    samples = _samples(path)
    return PenDigits(
        np.stack([render(sample["strokes"]).reshape(NUM_PIXELS) for sample in samples]),
        np.asarray([sample["label"] for sample in samples], dtype=np.uint8),
        [writer_group(sample["writer"]) for sample in samples],
    )


def load_variants(path: str | Path | None = None, seed: int = 0) -> PenDigits:
    """Return the stroke variants (model.datasets.pen_variants) of the training writers' samples, rendered.

    Held-out writers get none, so validation stays real drawings of people never trained on.
    """
    rng = np.random.default_rng(seed)
    images, labels, groups = [], [], []
    for sample in _samples(path):
        group = writer_group(sample["writer"])
        if is_heldout(group):
            continue
        for strokes in pen_variants.variants(sample["strokes"], sample["label"], rng):
            images.append(render(strokes).reshape(NUM_PIXELS))
            labels.append(sample["label"])
            groups.append(group)
    return PenDigits(
        np.stack(images) if images else np.zeros((0, NUM_PIXELS), np.float32), np.asarray(labels, np.uint8), groups
    )


@dataclass(frozen=True)
class PenSplits:
    """The three parts of the pen digits, disjoint by writer group."""

    training: PenDigits
    validation: PenDigits
    """Held-out writers that choose between runs."""
    test: PenDigits
    """Held-out writers that only give the reported figure."""


def split(digits: PenDigits) -> PenSplits:
    """Return the training, validation and test parts, disjoint by writer group."""
    heldout = np.array([is_heldout(g) for g in digits.groups], dtype=bool)
    test = np.array([is_test(g) for g in digits.groups], dtype=bool)

    def take(mask: NDArray[np.bool_]) -> PenDigits:
        return PenDigits(
            digits.images[mask], digits.labels[mask], [g for g, m in zip(digits.groups, mask, strict=True) if m]
        )

    return PenSplits(training=take(~heldout), validation=take(heldout & ~test), test=take(test))
