"""The picture sets of the evaluation: MNIST as PNG files both ways round, photos of pen test writers only."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from model.constants import IMAGE_SIDE, NUM_PIXELS
from model.datasets import unipen
from model.evaluation.photos import ORIENTATION_TAG, SIDEWAYS_EVERY
from model.evaluation.picture_sets import mnist_pngs, phone_photos, read_all
from tests.pictures import SEVEN, encoded


def test_mnist_pngs_hold_the_images_either_way_round() -> None:
    images = np.random.default_rng(0).integers(0, 256, (3, NUM_PIXELS)).astype(np.float32) / np.float32(255)
    for inverted in (False, True):
        for row, data in zip(images, mnist_pngs(images, inverted=inverted), strict=True):
            grey = np.asarray(Image.open(io.BytesIO(data)), dtype=np.float32).reshape(-1) / 255
            np.testing.assert_allclose(1 - grey if inverted else grey, row, atol=1e-6)


def test_phone_photos_are_of_pen_test_writers_only_one_in_five_sideways(tmp_path: Path) -> None:
    writers = [f"set/w{i}" for i in range(120)]
    path = tmp_path / "digits.jsonl.gz"
    with gzip.open(path, "wt") as out:
        for i, writer in enumerate(writers):
            out.write(json.dumps({"label": i % 10, "writer": writer, "strokes": SEVEN}) + "\n")
    expected = [i % 10 for i, w in enumerate(writers) if unipen.is_test(unipen.writer_group(w))]
    photos = list(phone_photos(path))
    assert [label for _, label in photos] == expected and len(expected) >= SIDEWAYS_EVERY
    tags = [Image.open(io.BytesIO(data)).getexif().get(ORIENTATION_TAG) for data, _ in photos]
    assert [tag is not None for tag in tags] == [i % SIDEWAYS_EVERY == SIDEWAYS_EVERY - 1 for i in range(len(tags))]
    images, refused = read_all([*(data for data, _ in photos), encoded(Image.new("L", (300, 200), 230), "PNG")])
    assert images.shape == (len(photos) + 1, IMAGE_SIDE * IMAGE_SIDE)
    assert refused.tolist() == [False] * len(photos) + [True] and not images[-1].any()
