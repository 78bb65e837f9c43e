"""Pen thickness brought near MNIST's: thick and thin strokes change, MNIST-like ones stay as they are."""

from __future__ import annotations

import numpy as np
import pytest

from model.constants import BOX_SIDE
from model.reading.pictures.thickness import (
    MNIST_RANGE,
    TARGET_WIDTH,
    morph,
    normalise_thickness,
    shape,
    stroke_width,
)


def bar(length: int, width: int) -> np.ndarray:
    """Return a vertical bar of ink `width` pixels wide and `length` tall, cropped to itself (ends included)."""
    return np.ones((length, width), dtype=np.float32)


def ring(side: int, width: int) -> np.ndarray:
    """Return a square ring `side` pixels across with strokes `width` wide: no ends, so 2 x area / perimeter = width."""
    image = np.ones((side, side), dtype=np.float32)
    image[width:-width, width:-width] = 0
    return image


def boxed_width(ink: np.ndarray) -> float:
    """Return the stroke width once the ink's longer side is scaled to the box."""
    return float(stroke_width(ink) * BOX_SIDE / max(ink.shape))


def test_stroke_width_measures_a_ring_exactly_and_a_bar_with_its_ends() -> None:
    assert stroke_width(ring(100, 7)) == pytest.approx(7, rel=0.02)
    assert stroke_width(bar(200, 10)) == pytest.approx(2 * 200 * 10 / (2 * 200 + 2 * 10), rel=0.02)


@pytest.mark.parametrize("width", [2, 90])
def test_thin_and_thick_strokes_are_brought_to_the_target(width: int) -> None:
    normalised = normalise_thickness(ring(400, width))
    assert boxed_width(normalised) == pytest.approx(TARGET_WIDTH, rel=0.15)


def test_strokes_within_mnists_range_are_left_alone() -> None:
    ink = ring(20, 3)
    assert MNIST_RANGE[0] <= boxed_width(ink) <= MNIST_RANGE[1]
    assert normalise_thickness(ink) is ink


def test_morph_grows_and_thins_by_the_radius() -> None:
    ink = np.pad(ring(60, 10), 20)
    assert stroke_width(morph(ink, 3)) == pytest.approx(16, rel=0.05)
    assert stroke_width(morph(ink, -2.5)) == pytest.approx(5, rel=0.05)


def test_growing_a_thin_loop_stops_before_its_hole_fills() -> None:
    # A thin pen's loop with a small hole: grown all the way to MNIST's width, the hole would close.
    loop = ring(200, 3)
    loop[8:192, 8:192] = ring(184, 3)  # a second loop 5 pixels inside the first: a narrow channel between them
    out = normalise_thickness(loop)
    assert shape(out)[1] == shape(loop)[1]  # the same pieces of paper: outside, the channel, the hole
    assert boxed_width(out) > boxed_width(loop)


def test_thinning_a_bold_digit_never_breaks_a_stroke() -> None:
    # A blocky bold 1 with a narrow waist, as an enlarged coarse scan has: thinned to MNIST's width at
    # its thick parts, the waist would break.
    one = np.zeros((160, 80), dtype=np.float32)
    one[:, 10:70] = 1
    one[75:85, 10:62] = 0  # the waist: 8 pixels of ink left
    out = normalise_thickness(one)
    assert shape(out)[0] == 1
