"""Deskewing: a slanted stroke comes out upright, ink and centre of mass stay, upright digits are left alone."""

from __future__ import annotations

import numpy as np
import pytest

from model.constants import IMAGE_SIDE
from model.deskew import deskew, slant


def slanted_bar(alpha: float) -> np.ndarray:
    """Return a 28x28 image of a 2-pixel-wide bar leaning by `alpha` columns per row."""
    rows, cols = np.indices((IMAGE_SIDE, IMAGE_SIDE))
    centre = (IMAGE_SIDE - 1) / 2
    on = (np.abs(cols - centre - alpha * (rows - centre)) <= 1) & (np.abs(rows - centre) <= 9)
    return on.astype(np.float32)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    return float((image * rows).sum() / image.sum()), float((image * cols).sum() / image.sum())


@pytest.mark.parametrize("alpha", [-0.5, -0.2, 0.3, 0.6])
def test_a_slanted_bar_comes_out_upright_with_its_ink_and_centre(alpha: float) -> None:
    image = slanted_bar(alpha)
    assert slant(image) == pytest.approx(alpha, abs=0.05)
    straight = deskew(image)
    assert abs(float(slant(straight))) < 0.02
    # Upright: the ink's columns span about the bar's width, not its lean.
    inked = np.flatnonzero(straight.max(axis=0) > 0.5)
    assert inked.max() - inked.min() <= 3
    assert straight.sum() == pytest.approx(image.sum(), rel=0.01)
    np.testing.assert_allclose(centre_of_mass(straight), centre_of_mass(image), atol=0.05)


def test_batches_keep_shape_and_upright_or_empty_images_are_unchanged() -> None:
    upright = slanted_bar(0.0)
    flat_line = np.zeros((IMAGE_SIDE, IMAGE_SIDE), np.float32)
    flat_line[14, 4:24] = 1  # one row: no slant can be measured
    batch = np.stack([upright, flat_line, np.zeros_like(upright), slanted_bar(0.4)]).reshape(4, -1)
    out = deskew(batch)
    assert out.shape == batch.shape and out.dtype == np.float32
    np.testing.assert_allclose(out[:3], batch[:3], atol=1e-6)
    assert not np.allclose(out[3], batch[3])
    assert out.min() >= 0 and out.max() <= 1 + 1e-6


def test_the_slant_applied_is_bounded() -> None:
    assert abs(float(slant(slanted_bar(3.0)))) <= 1.0
