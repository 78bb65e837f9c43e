"""The picture sets `python -m model.evaluation.scoring` scores: MNIST as PNG files, and phone-like photos of pen digits.

- MNIST's 10,000 test images written to PNG files, white on black as published and black on white
  as on paper, read back through model.reading.pictures.pipeline.
- The UNIPEN pen test writers' digits made into phone-like photos (model.evaluation.photos, seed PHOTO_SEED)
  and read back through model.reading.pictures.pipeline: the writers and the photos are both unseen in training, and
  the writers never choose a run.
- The same digits in each of the harder cases of model.evaluation.picture_cases (bold marker, faint pen,
  lined paper, coarse scans, show-through, coloured ink), each its own set with its own seed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from model.constants import IMAGE_SIDE, NUM_CLASSES, NUM_PIXELS
from model.datasets import mnist as data
from model.datasets import unipen
from model.evaluation.photos import SIDEWAYS_EVERY, photo
from model.evaluation.picture_cases import CASES, MAKERS
from model.evaluation.scoring import score
from model.network import Network
from model.reading.errors import NoInkError
from model.reading.pictures.pipeline import read_picture
from model.serving.uncertainty import UncertaintyThresholds

PHOTO_SEED = 2024
"""Seed of the photo generator: the same photos at every evaluation."""

TITLES = {
    "mnist_png_white_on_black": "MNIST test as PNG, white on black",
    "mnist_png_black_on_white": "MNIST test as PNG, black on white",
    "phone_photos": "Phone-like photos of pen test writers",
    "bold_marker": "Bold marker and felt-tip (photos)",
    "faint_pen": "Thin, faint ballpoint and pencil (photos)",
    "lined_paper": "Lined and squared paper, blue, grey, red (photos)",
    "coarse_scan": "Coarse binary scans, 16x16 or 20x20 enlarged (PNG)",
    "show_through": "Show-through from the back of the page (photos)",
    "coloured_ink": "Coloured ink (photos)",
}
"""Each picture set's name in evaluation.json, and its title in print."""


def mnist_pngs(images: NDArray[np.float32], *, inverted: bool) -> Iterator[bytes]:
    """Yield each (n, 784) MNIST image as PNG bytes: 8-bit grey, black on white when `inverted`."""
    for row in images:
        grey = np.rint(row.reshape(IMAGE_SIDE, IMAGE_SIDE) * 255).astype(np.uint8)
        out = io.BytesIO()
        Image.fromarray(255 - grey if inverted else grey).save(out, "PNG")
        yield out.getvalue()


def phone_photos(path: str | Path | None = None, *, seed: int = PHOTO_SEED) -> Iterator[tuple[bytes, int]]:
    """Yield (JPEG bytes, label) of a phone-like photo of every digit of the UNIPEN pen test writers."""
    rng = np.random.default_rng(seed)
    test = ((strokes, label) for strokes, label, group in unipen.samples(path) if unipen.is_test(group))
    for index, (strokes, label) in enumerate(test):
        yield photo(strokes, rng, sideways=index % SIDEWAYS_EVERY == SIDEWAYS_EVERY - 1), label


def case_pictures(
    case: str, path: str | Path | None = None, *, seed: int = PHOTO_SEED, every: int = 1
) -> Iterator[tuple[bytes, int]]:
    """Yield (file bytes, label) of every `every`-th digit of the UNIPEN pen test writers as a picture of `case`.

    Each case has its own generator (seeded from `seed` and the case's place in CASES); the digit
    showing through the page, where the case has one, is the writer's previous test digit.
    """
    rng = np.random.default_rng([seed, CASES.index(case) + 1])
    test = [(strokes, label) for strokes, label, group in unipen.samples(path) if unipen.is_test(group)]
    for index in range(0, len(test), every):
        strokes, label = test[index]
        yield MAKERS[case](strokes, rng, test[index - 1][0]), label


def _read(data: bytes) -> NDArray[np.float32] | None:
    """Return the flat image model.reading.pictures.pipeline makes of the file, or None where it finds no ink."""
    try:
        return read_picture(data).reshape(NUM_PIXELS)
    except NoInkError:
        return None


def read_all(
    files: Iterable[bytes], *, total: int | None = None, desc: str = "pictures"
) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """Return the (n, 784) images model.reading.pictures.pipeline makes of the files, and which it found no ink in (blank there)."""
    from tqdm import tqdm  # a training and evaluation dependency, not the server's

    read = [_read(data) for data in tqdm(files, total=total, desc=desc, leave=False)]
    refused = np.array([image is None for image in read], dtype=bool)
    blank = np.zeros(NUM_PIXELS, dtype=np.float32)
    return np.stack([blank if image is None else image for image in read]), refused


PictureSet = tuple[tuple[NDArray[np.float32], NDArray[np.bool_]], NDArray[np.int64] | None]
"""((images, refused), labels or None where they are MNIST's own)."""


def _labelled(pictures: Iterable[tuple[bytes, int]], desc: str) -> PictureSet:
    """Return what model.reading.pictures.pipeline made of the labelled files, and their labels."""
    labels: list[int] = []

    def files() -> Iterator[bytes]:
        for file, label in pictures:
            labels.append(label)
            yield file

    read = read_all(files(), desc=desc)
    return read, np.array(labels, dtype=np.int64)


def picture_sets(mnist_images: NDArray[np.float32], unipen_path: str | Path | None = None) -> dict[str, PictureSet]:
    """Return every picture set by name (as in TITLES): what the picture reader made of each file, and the labels."""
    count = len(mnist_images)
    sets = {
        "mnist_png_white_on_black": (read_all(mnist_pngs(mnist_images, inverted=False), total=count), None),
        "mnist_png_black_on_white": (read_all(mnist_pngs(mnist_images, inverted=True), total=count), None),
        "phone_photos": _labelled(phone_photos(unipen_path), "phone photos"),
    }
    for case in CASES:
        sets[case] = _labelled(case_pictures(case, unipen_path), case.replace("_", " "))
    return sets


def score_pictures(
    network: Network, mnist: data.Mnist, unipen_path: str | Path | None, thresholds: UncertaintyThresholds
) -> dict[str, dict[str, Any]]:
    """Return model.evaluation.scoring's score of the network on each picture set, by name (as in TITLES).

    A picture the reader found no ink in counts as read wrong (`refused` says how many there were).
    """
    scores = {}
    for name, ((images, refused), labels) in picture_sets(mnist.test_images, unipen_path).items():
        truth = mnist.test_labels if labels is None else labels
        result = score(network, images, truth, thresholds)
        correct = (result["predicted"] == truth) & ~refused
        result["accuracy"] = float(correct.mean())
        result["per_class"] = [float(correct[truth == d].mean()) for d in range(NUM_CLASSES)]
        result["refused"] = int(refused.sum())
        scores[name] = result
    return scores
