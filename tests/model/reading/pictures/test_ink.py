"""Finding a digit's ink: either polarity, uneven light, noise and specks, blank pictures."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from model.reading.errors import NoInkError
from model.reading.pictures.ink import grown, ink_strength, packed, soft, soft_within, unpacked
from model.reading.pictures.paper import Paper, find_paper, sample
from model.reading.pictures.pipeline import digit_coverage as coverage
from model.reading.pictures.quantiles import median
from model.reading.pictures.thickness import crop, normalise_thickness
from tests.pictures import SEVEN, drawn, lit


def find_ink(picture: np.ndarray) -> np.ndarray:
    """Return the digit's ink cropped to it, pen thickness normalised (the pipeline up to framing)."""
    return normalise_thickness(crop(coverage(picture)))


def grey(image: Image.Image) -> np.ndarray:
    """Return the L picture as floats in [0, 1]."""
    return np.asarray(image, dtype=np.float32) / 255


def test_dark_ink_on_light_paper_and_light_ink_on_dark_find_the_same_strokes() -> None:
    dark = coverage(grey(drawn(SEVEN)))
    light = coverage(1 - grey(drawn(SEVEN)))
    assert dark.max() == pytest.approx(1) and np.abs(dark - light).max() < 0.05
    inked = grey(drawn(SEVEN)) < 0.5
    assert dark[inked].mean() > 0.9 and dark[~inked].mean() < 0.01


def test_a_gradient_a_shadow_and_noise_are_not_ink() -> None:
    clean = coverage(grey(drawn(SEVEN)))
    photo = coverage(grey(lit(drawn(SEVEN), gradient=0.45, shadow=0.35, noise=4)))
    inked = clean > 0.5
    assert photo[inked].mean() > 0.8
    assert photo[~inked].mean() < 0.01  # the dark right quarter and the dim side count as paper


def test_specks_do_not_change_the_crop() -> None:
    clean = drawn(SEVEN)
    specked = clean.copy()
    draw = ImageDraw.Draw(specked)
    for x, y in ((10, 10), (380, 280), (390, 20), (15, 270)):
        draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=30)
    assert find_ink(grey(specked)).shape == find_ink(grey(clean)).shape


def test_a_tinted_jpeg_photo_of_the_digit_crops_to_it() -> None:
    ink = find_ink(grey(lit(drawn(SEVEN, paper=200, ink=60), gradient=0.3, noise=6)))
    reference = find_ink(grey(drawn(SEVEN)))
    assert abs(ink.shape[0] / ink.shape[1] - reference.shape[0] / reference.shape[1]) < 0.05


@pytest.mark.parametrize("level", [0.0, 0.5, 1.0])
def test_a_blank_picture_has_no_ink(level: float) -> None:
    with pytest.raises(NoInkError, match="no ink"):
        find_ink(np.full((300, 400), level, dtype=np.float32))


def test_a_blank_noisy_unevenly_lit_page_has_no_ink() -> None:
    page = lit(Image.new("L", (400, 300), 220), gradient=0.4, shadow=0.3, noise=5)
    with pytest.raises(NoInkError):
        find_ink(grey(page))


def reached(seed: NDArray[np.bool_], allowed: NDArray[np.bool_], steps: int) -> NDArray[np.bool_]:
    """Return the allowed pixels at most `steps` 8-neighbour moves through allowed pixels from an allowed seed (BFS)."""
    height, width = allowed.shape
    distance = np.full(allowed.shape, -1)
    frontier = [(int(y), int(x)) for y, x in zip(*np.nonzero(seed & allowed), strict=True)]
    for y, x in frontier:
        distance[y, x] = 0
    for step in range(1, steps + 1):
        following = []
        for y, x in frontier:
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < height and 0 <= nx < width and allowed[ny, nx] and distance[ny, nx] < 0:
                        distance[ny, nx] = step
                        following.append((ny, nx))
        frontier = following
    return distance >= 0


def test_ink_grows_into_connected_allowed_pixels_step_by_step() -> None:
    rng = np.random.default_rng(3)
    for shape in ((1, 9), (8, 1), (25, 31), (3, 64), (5, 65), (40, 130)):  # rows of one word, of two, of three
        for _ in range(5):
            allowed = rng.random(shape) < 0.6
            seed = rng.random(shape) < 0.05
            for steps in (0, 1, 2, 5, 40):
                assert np.array_equal(grown(seed, allowed, steps), reached(seed, allowed, steps))


def test_the_strengths_median_is_the_median_of_the_strength_moved_to_the_paper() -> None:
    rng = np.random.default_rng(8)
    photo = grey(lit(drawn(SEVEN), gradient=0.3, shadow=0.2, noise=4))
    level = np.full((301, 399), 0.8, dtype=np.float32)  # an odd number of pixels: one middle value
    papers = [
        find_paper(photo),  # the closing's level on the top of the noise: the strengths move down
        Paper(photo, np.clip(find_paper(photo).level - 0.05, 0, 1), dark=True),  # below it: they stay
        Paper((level - rng.random(level.shape, dtype=np.float32) * np.float32(0.1)), level, dark=True),
    ]
    for paper in papers:
        strength, centre = ink_strength(paper)
        assert type(centre) is np.float32 and centre == median(sample(strength))
    moved = ink_strength(papers[0])[0]
    assert float(median(sample(moved))) == pytest.approx(0, abs=1e-6)


def test_a_mask_packed_64_columns_to_a_word_unpacks_to_itself() -> None:
    rng = np.random.default_rng(12)
    for width in (1, 63, 64, 65, 400):
        mask = rng.random((7, width)) < 0.5
        words = packed(mask)
        assert words.shape == (7, width // 64 + 1) and words.dtype == np.uint64
        assert not (words[:, -1] >> np.uint64(63)).any()  # a column beyond the mask's ends every row
        assert np.array_equal(unpacked(words, width), mask)
        column = int(rng.integers(width))
        assert bool(words[3, column // 64] >> np.uint64(column % 64) & np.uint64(1)) == mask[3, column]


def test_coverage_worked_out_within_a_mask_is_the_whole_pictures_there_and_0_elsewhere() -> None:
    rng = np.random.default_rng(14)
    strength = rng.random((60, 80), dtype=np.float32) * np.float32(0.6)
    within = rng.random((60, 80)) < 0.3
    for floor in (0.0, 0.05, 0.2):
        expected = np.where(within, soft(strength, floor, within), np.float32(0))
        found = soft_within(strength, floor, within)
        assert found.dtype == np.float32 and np.array_equal(found, expected)
    with pytest.raises(NoInkError):
        soft_within(np.zeros((5, 5), dtype=np.float32), 0.01, np.ones((5, 5), dtype=bool))
