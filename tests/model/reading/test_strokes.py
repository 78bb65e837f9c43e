"""Strokes to a 28x28 MNIST-style image: invariance to position and scale, centring, aspect, dots, no ink."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from model.constants import BOX_SIDE, IMAGE_SIDE
from model.reading.errors import NoInkError
from model.reading.framing import CENTRE
from model.reading.strokes import MAX_PEN_DOWNS, PEN_WIDTH, Points, Strokes, _pen_positions, render, render_many

SEVEN: Strokes = [[[10, 10], [90, 10], [40, 120]], [[30, 65], [75, 65]]]


def centre_of_mass(image: NDArray[np.float32]) -> tuple[float, float]:
    """Return the (row, col) centre of mass in continuous pixel coordinates."""
    positions = np.arange(IMAGE_SIDE) + 0.5
    total = image.sum()
    return float(image.sum(axis=1) @ positions / total), float(image.sum(axis=0) @ positions / total)


def ink_box(image: NDArray[np.float32], level: float = 0.05) -> tuple[int, int]:
    """Return the (height, width) in pixels of the inked area."""
    rows = np.flatnonzero(image.max(axis=1) > level)
    cols = np.flatnonzero(image.max(axis=0) > level)
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def transform(strokes: Strokes, scale: float, dx: float, dy: float) -> list[list[list[float]]]:
    """Return the drawing scaled and shifted."""
    return [[[x * scale + dx, y * scale + dy] for x, y in stroke] for stroke in strokes]


def test_output_is_float32_28x28_in_unit_range() -> None:
    image = render(SEVEN)
    assert image.shape == (IMAGE_SIDE, IMAGE_SIDE) and image.dtype == np.float32
    assert image.min() >= 0 and image.max() <= 1 and image.max() > 0.9


@pytest.mark.parametrize(("scale", "dx", "dy"), [(1, 300, -50), (0.25, 0, 0), (7.5, -1000, 2000), (3.1, 12.5, 0.7)])
def test_shifted_or_scaled_drawing_gives_nearly_the_same_image(scale: float, dx: float, dy: float) -> None:
    reference = render(SEVEN)
    moved = render(transform(SEVEN, scale, dx, dy))
    assert np.abs(moved - reference).mean() < 0.01
    assert np.abs(moved - reference).max() < 0.35


def test_centre_of_mass_lands_at_the_centre() -> None:
    for drawing in (SEVEN, [[[0, 0], [0, 100], [60, 100]]], [[[5, 5], [6, 80]], [[50, 0], [52, 3]]]):
        row, col = centre_of_mass(render(drawing))
        assert row == pytest.approx(CENTRE, abs=0.2) and col == pytest.approx(CENTRE, abs=0.2)


def test_longer_side_fits_the_box_and_aspect_ratio_is_kept() -> None:
    tall = render([[[0, 0], [0, 100]]])
    height, width = ink_box(tall)
    assert height in (BOX_SIDE, BOX_SIDE + 1)
    assert width <= 4  # a thin vertical "1" stays thin
    wide = render([[[0, 0], [100, 50]]])
    height, width = ink_box(wide)
    assert width in (BOX_SIDE, BOX_SIDE + 1) and 9 <= height <= 13


def test_stroke_width_does_not_depend_on_drawing_size() -> None:
    small = render([[[0, 0], [0, 10], [10, 10]]])
    large = render([[[0, 0], [0, 1000], [1000, 1000]]])
    assert small.sum() == pytest.approx(large.sum(), rel=0.03)


def test_a_dot_is_visible() -> None:
    lone = render([[[42, 42]]])
    assert lone.max() > 0.5
    with_dot = render([[[0, 0], [0, 100]], [[30, 50]]])
    without = render([[[0, 0], [0, 100]]])
    assert with_dot.sum() > without.sum() + 1


@pytest.mark.parametrize("strokes", [[], [[]], [[], []]])
def test_no_ink_is_rejected(strokes: list[list[list[float]]]) -> None:
    with pytest.raises(NoInkError, match="no ink"):
        render(strokes)


def test_ink_across_a_straight_stroke_is_the_pen_width() -> None:
    # Anti-aliasing keeps the amount of ink: each column a horizontal stroke crosses holds PEN_WIDTH of it.
    image = render([[[0, 0], [100, 0.3]]])
    middle = image[:, 8:20].sum(axis=0)
    np.testing.assert_allclose(middle, PEN_WIDTH, atol=0.05)


def test_point_density_does_not_change_the_image() -> None:
    # A stroke sent as its two ends or as 500 points along it is the same stroke.
    sparse = render([[[0, 0], [60, 100]], [[0, 100], [60, 100]]])
    dense = render([[[6 * t / 50, 10 * t / 50] for t in range(501)], [[0, 100], [60, 100]]])
    assert np.abs(sparse - dense).max() < 0.05


def test_ink_far_from_the_centre_of_mass_is_clipped_not_wrapped() -> None:
    # A filled band at the top drags the centre of mass up, so the tail below it runs off the bottom
    # of the frame: it must be cut there, not reappear at the top.
    band = [[[0, y], [100, y]] for y in range(0, 21, 2)]
    image = render([*band, [[50, 20], [50, 100]]])
    assert image[-1].max() > 0.5  # the tail reaches the bottom edge
    assert image[:5].max() == 0  # and nothing wrapped round to the top
    row, _ = centre_of_mass(image[:, :])
    assert row < CENTRE  # the tail's clipped end leaves the frame's centre of mass above the centre


def test_a_huge_scribble_is_sampled_within_the_pen_budget() -> None:
    # 10,000 points zigzagging across the box: 180,000 output pixels of path, far past any digit.
    zigzag = [[[float(i % 2) * 1e6, float(i)] for i in range(100)] for _ in range(100)]
    points = Points.of(zigzag)
    positions = _pen_positions(points, PEN_WIDTH)
    assert positions.shape[0] == 2 and positions.shape[1] <= MAX_PEN_DOWNS + len(points.tips)
    image = render(zigzag)
    assert 0 < image.mean() < 1


def test_render_many_makes_each_image_exactly_as_render_does() -> None:
    rng = np.random.default_rng(5)
    drawings: list[Strokes] = [SEVEN, [[[42, 42]]], [[[0, 0], [0, 100]], [[30, 50]]], [[[0, 0], [100, 0.3]]]]
    drawings += [[rng.uniform(0, 300, (int(n), 2)).tolist() for n in rng.integers(1, 40, 3)] for _ in range(12)]
    images = render_many(drawings)
    assert images.shape == (len(drawings), IMAGE_SIDE, IMAGE_SIDE) and images.dtype == np.float32
    for image, drawing in zip(images, drawings, strict=True):
        np.testing.assert_array_equal(image, render(drawing))


def test_render_many_refuses_a_drawing_without_ink() -> None:
    with pytest.raises(NoInkError):
        render_many([SEVEN, [[]]])


def test_points_are_drawn_exactly_as_their_strokes() -> None:
    drawings: list[Strokes] = [SEVEN, [[[42, 42]]], [[], [[0, 0], [0, 100]], [], [[30, 50]]]]
    points = [Points.of(drawing) for drawing in drawings]
    assert points[2].count == 3 and points[2].lasts.tolist() == [1, 2]  # empty strokes leave no mark
    for drawing, drawn in zip(drawings, points, strict=True):
        np.testing.assert_array_equal(render(drawn), render(drawing))
    np.testing.assert_array_equal(render_many(points), render_many(drawings))
    mixed = render_many([points[0], drawings[1], points[2]])
    np.testing.assert_array_equal(mixed, render_many(drawings))


def test_points_without_a_point_are_no_ink() -> None:
    with pytest.raises(NoInkError):
        Points.of([[], []])
    with pytest.raises(NoInkError):
        Points.from_flat(np.zeros(0), [])
