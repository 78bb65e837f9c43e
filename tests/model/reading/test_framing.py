"""The shared last steps: the scale that fits the box, and the centre of mass put at the centre."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from model.constants import BOX_SIDE, IMAGE_SIDE
from model.reading.framing import CANVAS, CENTRE, PAD, Draw, box_scale, frame


def square_drawer(side: float) -> tuple[Draw, tuple[float, float]]:
    """Return a Draw that paints a side x side square (top-left at the origin) and its true centre."""
    y, x = np.indices((CANVAS, CANVAS), dtype=np.float64) + 0.5 - PAD

    def draw(dx: float, dy: float) -> NDArray[np.float32]:
        inside: NDArray[np.bool_] = (x >= dx) & (x < dx + side) & (y >= dy) & (y < dy + side)
        return inside.astype(np.float32).reshape(-1)

    return draw, (side / 2, side / 2)


def test_box_scale_fits_the_longer_side() -> None:
    assert box_scale(100, 50) == pytest.approx(BOX_SIDE / 100)
    assert box_scale(10, 40, box=17.8) == pytest.approx(17.8 / 40)
    assert box_scale(0, 0) == 0


@pytest.mark.parametrize("guess_error", [0.0, 3.0])
def test_frame_puts_the_centre_of_mass_at_the_centre_even_from_a_poor_guess(guess_error: float) -> None:
    draw, (cx, cy) = square_drawer(10)
    image = frame(draw, centre=(cx + guess_error, cy - guess_error))
    assert image.shape == (IMAGE_SIDE, IMAGE_SIDE)
    positions = np.arange(IMAGE_SIDE) + 0.5
    assert image.sum(axis=1) @ positions / image.sum() == pytest.approx(CENTRE, abs=0.5)
    assert image.sum(axis=0) @ positions / image.sum() == pytest.approx(CENTRE, abs=0.5)
