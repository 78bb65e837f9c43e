"""The paper under the ink: its level on flat (machine-made) pictures and on photos."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from model.reading.pictures.paper import cell_grid, closing, find_paper, flat_level, running
from model.reading.pictures.pipeline import digit_coverage
from tests.pictures import SEVEN, drawn, lit


def grey(image: Image.Image) -> NDArray[np.float32]:
    """Return the L picture as floats in [0, 1]."""
    return np.asarray(image, dtype=np.float32) / np.float32(255)


def blob_scan() -> Image.Image:
    """Return a black-and-white picture of a stroke ending in a blob wider than the paper's closing."""
    image = Image.new("L", (160, 160), 255)
    draw = ImageDraw.Draw(image)
    draw.line((30, 20, 30, 100), fill=0, width=10)
    draw.rectangle((20, 90, 90, 150), fill=0)
    return image


def test_a_flat_picture_has_its_papers_grey_everywhere() -> None:
    level = flat_level(grey(drawn(SEVEN, paper=225)))
    assert level is not None and np.allclose(level, 225 / 255)


def test_a_photo_lit_unevenly_is_not_flat() -> None:
    assert flat_level(grey(lit(drawn(SEVEN), gradient=0.3, noise=4))) is None


def test_a_blob_of_ink_in_a_black_and_white_scan_is_ink_not_paper() -> None:
    picture = grey(blob_scan())
    paper = find_paper(picture)
    assert paper.dark and np.allclose(paper.level, 1)
    coverage = digit_coverage(picture)
    assert coverage[95:145, 25:85].min() > 0.9 and coverage[:15].max() == 0


def test_a_page_that_darkens_towards_its_edge_has_no_false_ink_along_it() -> None:
    # A faint pen (ink 10% darker than the paper) on a page lit from the left and shaded on the right.
    picture = grey(lit(drawn(SEVEN, ink=200), gradient=0.45, shadow=0.3, noise=2))
    coverage = digit_coverage(picture)
    stroke = grey(drawn(SEVEN, ink=200)) < 0.83
    assert coverage[:, -20:].max() == 0
    assert coverage[stroke].mean() > 0.7


def test_running_takes_the_largest_and_smallest_within_the_window_edges_repeated() -> None:
    rng = np.random.default_rng(0)
    image = rng.random((23, 17), dtype=np.float32)
    for size in (1, 2, 3, 4, 7, 8, 16, 19, 40):
        for axis in (0, 1):
            along = np.moveaxis(image, axis, 0)
            count, before = along.shape[0], size // 2
            windows = [along[np.clip(np.arange(i - before, i - before + size), 0, count - 1)] for i in range(count)]
            for largest, pick in ((True, np.max), (False, np.min)):
                expected = np.moveaxis(np.stack([pick(window, axis=0) for window in windows]), 0, axis)
                assert np.array_equal(running(image, size, axis, largest=largest), expected)


def test_closing_fills_dark_features_narrower_than_its_square_and_keeps_wider_ones() -> None:
    image = np.ones((60, 60), dtype=np.float32)
    image[10:14, 5:55] = 0.2  # a stroke 4 pixels wide
    image[30:55, 30:55] = 0.4  # a patch 25 pixels wide
    closed = closing(image, 9)
    assert np.all(closed[10:14, 5:55] == 1)
    assert np.all(closed[30:55, 30:55] == np.float32(0.4))


def test_cell_grid_pads_with_the_edge_to_whole_cells_and_views_a_picture_that_is_whole_cells() -> None:
    picture = np.random.default_rng(2).random((30, 40), dtype=np.float32)
    whole = cell_grid(picture, 5)
    assert whole.shape == (6, 5, 8, 5) and np.shares_memory(whole, picture)
    assert np.array_equal(whole[1, 2, 3, 4], picture[7, 19])
    padded = cell_grid(picture, 7)
    assert padded.shape == (5, 7, 6, 7) and not np.shares_memory(padded, picture)
    assert np.array_equal(padded.reshape(35, 42), np.pad(picture, ((0, 5), (0, 2)), mode="edge"))
