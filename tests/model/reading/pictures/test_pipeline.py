"""Pictures to 28x28: MNIST's own images come back as themselves, photos of a drawing read like the drawing."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from model.constants import BOX_SIDE, IMAGE_SIDE
from model.datasets import mnist as data
from model.reading.errors import NoInkError
from model.reading.framing import CENTRE
from model.reading.pictures.pipeline import place, read_picture
from model.reading.pictures.thickness import MNIST_RANGE, stroke_width
from model.reading.strokes import render
from tests.model.reading.test_strokes import centre_of_mass
from tests.pictures import SEVEN, drawn, encoded, lit


def test_place_fits_the_box_keeping_the_aspect_and_centres_the_mass() -> None:
    image = place(np.ones((60, 20), dtype=np.float32))
    rows = np.flatnonzero(image.max(axis=1) > 0)
    columns = np.flatnonzero(image.max(axis=0) > 0)
    assert len(rows) in (BOX_SIDE, BOX_SIDE + 1) and len(columns) in (7, 8)
    assert image.sum() == pytest.approx(BOX_SIDE * BOX_SIDE / 3, rel=0.02)
    assert centre_of_mass(image) == pytest.approx((CENTRE, CENTRE), abs=0.1)


def test_a_photo_of_a_drawing_reads_like_the_drawing() -> None:
    pen = render(SEVEN)
    for picture in (drawn(SEVEN), lit(drawn(SEVEN, width=6, paper=200), gradient=0.4, shadow=0.3, noise=5)):
        image = read_picture(encoded(picture.convert("RGB"), "JPEG", quality=60))
        assert image.shape == (IMAGE_SIDE, IMAGE_SIDE) and image.dtype == np.float32
        assert np.abs(image - pen).mean() < 0.06
        assert centre_of_mass(image) == pytest.approx((CENTRE, CENTRE), abs=0.15)


def test_a_blank_picture_has_no_ink() -> None:
    with pytest.raises(NoInkError, match="no ink"):
        read_picture(encoded(Image.new("RGB", (640, 480), (240, 230, 210)), "JPEG"))


@pytest.mark.mnist
@pytest.mark.parametrize("inverted", [False, True], ids=["white-on-black", "black-on-white"])
def test_mnist_images_come_back_nearly_unchanged(mnist_dir: Path, inverted: bool) -> None:
    # Only re-centred to a fraction of a pixel; strokes thicker than MNIST_RANGE are also thinned.
    images = data.load_mnist(mnist_dir).test_images[:50].reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    for original in images:
        grey = np.rint(original * 255).astype(np.uint8)
        out = io.BytesIO()
        Image.fromarray(255 - grey if inverted else grey).save(out, "PNG")
        image = read_picture(out.getvalue())
        if MNIST_RANGE[0] <= stroke_width(original) <= MNIST_RANGE[1]:
            assert np.abs(image - original).mean() < 0.05
        else:
            assert np.corrcoef(image.ravel(), original.ravel())[0, 1] > 0.75
