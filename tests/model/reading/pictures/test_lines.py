"""Printed lines of ruled and squared paper are paper, not ink."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageFilter

from model.reading.pictures.lines import (
    LINE_GROUP,
    LINE_TILT_STEPS,
    LINE_TILTS,
    NEAR_SPREAD,
    _darkness,
    _rough_spreads,
    _row_percentiles,
    _spreads,
    _tilt,
    group_means,
    with_lines,
)
from model.reading.pictures.paper import background
from model.reading.pictures.pipeline import digit_coverage
from tests.pictures import SEVEN, drawn, lit


def grey(image: Image.Image) -> NDArray[np.float32]:
    """Return the L picture as floats in [0, 1]."""
    return np.asarray(image, dtype=np.float32) / np.float32(255)


def squared(image: Image.Image, *, spacing: float = 22, degrees: float = 2.3, darkness: float = 0.35) -> Image.Image:
    """Return the picture on squared paper: lines 1.5 pixels wide, tilted, multiplied in, then blurred a little."""
    pixels = np.asarray(image, dtype=np.float32)
    y, x = np.indices(pixels.shape, dtype=np.float32)
    tilt = np.tan(np.radians(degrees))
    lines = np.zeros_like(pixels)
    for position in (y + x * tilt, x - y * tilt):
        distance = np.abs((position + spacing / 2) % spacing - spacing / 2)
        lines = np.maximum(lines, np.clip(1.25 - distance, 0, 1))
    laid = Image.fromarray(np.clip(pixels * (1 - darkness * lines), 0, 255).astype(np.uint8))
    return laid.filter(ImageFilter.GaussianBlur(0.6))


def around(mask: NDArray[np.bool_], size: int = 9) -> NDArray[np.bool_]:
    """Return the mask grown by size // 2 pixels: a stroke with its soft edge."""
    return np.asarray(Image.fromarray(mask).filter(ImageFilter.MaxFilter(size)), dtype=bool)


def test_squared_paper_leaves_only_the_digit() -> None:
    clean = digit_coverage(grey(drawn(SEVEN)))
    on_paper = digit_coverage(grey(lit(squared(drawn(SEVEN)), gradient=0.2, noise=2)))
    inked = clean > 0.5
    assert on_paper[inked].mean() > 0.8
    assert on_paper[~around(inked)].max() < 0.1  # beyond the digit's own soft edge, nothing of the lines


def test_lines_are_made_part_of_the_papers_level_and_strokes_are_not() -> None:
    picture = grey(squared(drawn(SEVEN)))
    level = background(picture)
    lined = with_lines(picture, level)
    strength = 1 - picture / lined
    stroke = grey(drawn(SEVEN)) < 0.5
    assert np.percentile(strength[~around(stroke)], 99.9) < 0.05
    assert strength[stroke].mean() > 0.7


def test_spreads_of_several_shifts_are_each_the_number_found_alone() -> None:
    rng = np.random.default_rng(1)
    grouped = rng.random((90, 12), dtype=np.float32)
    grouped[40] += 5  # a line: the spread is largest with no shift
    shifts = rng.integers(-6, 7, (9, 12))
    shifts[4] = 0
    together = _spreads(grouped, shifts)
    for tried, shift in enumerate(shifts):
        rows = np.clip(np.arange(90)[:, None] + shift, 0, 89)
        profile = np.bincount(rows.ravel(), weights=grouped.ravel(), minlength=90)
        assert together[tried] == np.square(profile - profile.mean()).sum()
    assert int(np.argmax(together)) == 4


def exact_tilt(grouped: NDArray[np.float32], centres: NDArray[np.float64]) -> float:
    """Return the tilt as the search defines it: every tilt's spread summed in `_spreads`' order, the first largest."""

    def best(tilts: list[float]) -> float:
        shifts = np.stack([np.rint(tilt * centres).astype(np.int64) for tilt in tilts])
        return tilts[int(np.argmax(_spreads(grouped, shifts)))]

    coarse = best([float(tilt) for tilt in LINE_TILTS])
    step = float(LINE_TILTS[1] - LINE_TILTS[0]) / LINE_TILT_STEPS
    return best([coarse + k * step for k in range(1 - LINE_TILT_STEPS, LINE_TILT_STEPS)])


def test_the_rough_spreads_are_within_their_bound_and_the_tilt_is_the_exact_searchs() -> None:
    rng = np.random.default_rng(2)
    for height, groups in ((120, 30), (300, 50), (400, 37)):
        centres = ((np.arange(groups) + 0.5) * 8 - groups * 4.0).astype(np.float64)
        shifts = np.stack([np.rint(tilt * centres).astype(np.int64) for tilt in LINE_TILTS])
        for trial in range(12):
            grouped = rng.random((height, groups), dtype=np.float32) * np.float32(rng.random())
            if trial % 3 == 1:  # a line, tilted
                rows = np.clip(height // 2 + np.rint(0.03 * centres).astype(np.int64), 0, height - 1)
                grouped[rows, np.arange(groups)] += 0.5
            if trial % 3 == 2:  # blank paper: every tilt ties, and the first is taken
                grouped[:] = 0
            sums = np.zeros((groups + 1, height))
            np.cumsum(grouped.T, axis=0, out=sums[1:])
            error = np.abs(_rough_spreads(sums, shifts) - _spreads(grouped, shifts))
            assert np.all(error <= NEAR_SPREAD * height * groups * float(grouped.sum(dtype=np.float64)) ** 2)
            assert _tilt(grouped, centres) == exact_tilt(grouped, centres)


def test_group_means_are_numpys_means_in_every_layout() -> None:
    rng = np.random.default_rng(4)
    for height, width in ((300, 400), (400, 300), (37, 203), (9, 64)):
        picture = rng.random((height, width), dtype=np.float32) * np.float32(rng.random())
        for darkness in (picture, picture.T, np.asfortranarray(picture), picture[:, 1:]):
            rows, columns = darkness.shape
            used = darkness[:, : columns // LINE_GROUP * LINE_GROUP]
            expected = used.reshape(rows, -1, LINE_GROUP).mean(axis=2)
            means = group_means(used)
            assert means.dtype == np.float32 and np.array_equal(means, expected), (darkness.shape, darkness.strides)


def test_darkness_is_the_shortfall_from_the_level_relative_to_it_and_never_below_zero() -> None:
    rng = np.random.default_rng(6)
    image = rng.random((90, 120), dtype=np.float32) * np.float32(1.2)
    level = rng.random((90, 120), dtype=np.float32)
    level[:10] = 0  # no paper there: relative to 0.05
    darkness = _darkness(image, level)
    expected = np.maximum(1 - image / np.maximum(level, np.float32(0.05)), 0)
    assert darkness.dtype == np.float32 and np.array_equal(darkness, expected)
    assert darkness.min() == 0 and darkness.max() > 0.5


def test_row_percentiles_are_each_rows_percentiles_of_its_values_and_each_the_same_alone() -> None:
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 13, 40)
    values = rng.random((40, 12)).astype(np.float32)
    values[np.arange(12) >= counts[:, None]] = np.nan  # each row's values first, then not-a-number
    ordered = np.sort(values, axis=1)
    shares = (0.25, 0.5, 0.75)
    together = _row_percentiles(ordered, counts, shares)
    assert together.shape == (3, 40) and together.dtype == np.float32
    for which, share in enumerate(shares):
        assert np.array_equal(together[which], _row_percentiles(ordered, counts, (share,))[0])
        for row, count in enumerate(counts):
            expected = np.percentile(ordered[row, :count].astype(np.float64), 100 * share) if count else 0.0
            assert together[which, row] == pytest.approx(expected, rel=1e-6, abs=1e-7)
