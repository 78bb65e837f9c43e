"""The phone-photo generator: JPEGs of several hundred pixels, reproducible, one in five sideways with a tag."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps

from model.evaluation.photos import ORIENTATION_TAG, photo
from model.reading.pictures.pipeline import read_picture
from model.reading.strokes import render
from tests.pictures import SEVEN


def test_photos_are_reproducible_jpegs_of_several_hundred_pixels() -> None:
    first = [photo(SEVEN, np.random.default_rng(1)) for _ in range(2)]
    assert first[0] == first[1]
    image = Image.open(io.BytesIO(first[0]))
    assert image.format == "JPEG" and min(image.size) >= 360 and max(image.size) < 800


def test_a_sideways_photo_carries_the_tag_that_turns_it_upright() -> None:
    upright_file = photo(SEVEN, np.random.default_rng(5))
    stored_file = photo(SEVEN, np.random.default_rng(5), sideways=True)
    upright, stored = Image.open(io.BytesIO(upright_file)), Image.open(io.BytesIO(stored_file))
    assert upright.getexif().get(ORIENTATION_TAG) is None
    assert stored.getexif().get(ORIENTATION_TAG) in (3, 6, 8)
    assert ImageOps.exif_transpose(stored).size == upright.size
    assert np.abs(read_picture(stored_file) - read_picture(upright_file)).mean() < 0.05


def test_the_picture_path_reads_a_photo_like_the_drawing() -> None:
    rng = np.random.default_rng(3)
    pen = render(SEVEN)
    for _ in range(3):
        assert np.abs(read_picture(photo(SEVEN, rng)) - pen).mean() < 0.08
