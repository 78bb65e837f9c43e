"""Medians and percentiles: the same numbers, of the same type, as np.median and np.percentile."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from model.reading.pictures.quantiles import _tail, median, middle_values, percentile

QS = (0, 0.3, 10, 25.0, 50, 90, 99.7, 100)
"""The percentiles the picture pipeline takes, and the ends."""


def same(ours: Any, numpys: Any) -> bool:
    """Return True when two results are the same number (NaN too) of the same type."""
    return type(ours) is type(numpys) and (np.array_equal(ours, numpys, equal_nan=True))


def arrays() -> list[NDArray[Any]]:
    """Return arrays of floats of many sizes: smooth, with many equal values (8-bit levels), 2-D, strided."""
    rng = np.random.default_rng(23)
    found: list[NDArray[Any]] = []
    for size in (1, 2, 3, 4, 5, 10, 11, 100, 101, 1000, 4097, 120_000):
        for dtype in (np.float32, np.float64):
            found.append(rng.normal(size=size).astype(dtype))
            found.append((rng.integers(0, 256, size=size) / 255).astype(dtype))
    picture = rng.random((300, 400), dtype=np.float32)
    found += [picture, picture[::2, ::3], picture.T, np.zeros((7, 9), dtype=np.float32)]
    return found


def test_median_is_numpys() -> None:
    for values in arrays():
        assert same(median(values), np.median(values)), values.shape


def test_median_along_an_axis_is_numpys() -> None:
    rng = np.random.default_rng(9)
    # A picture's cells (17 x 17 and 16 x 16 values each, odd and even), a 3 x 3 neighbourhood stacked, others.
    for shape in ((5, 6, 289), (5, 6, 256), (9, 5, 6), (4, 7), (1, 1), (3, 2, 2)):
        for dtype in (np.float32, np.float64):
            levels: NDArray[np.floating[Any]] = (rng.integers(0, 64, size=shape) / 63).astype(dtype)
            noise: NDArray[np.floating[Any]] = (rng.normal(size=shape) * 1e-3).astype(dtype)
            for spread in (levels, noise):
                for axis in range(-1, len(shape)):
                    ours, numpys = median(spread, axis=axis), np.median(spread, axis=axis)
                    assert ours.dtype == numpys.dtype and np.array_equal(ours, numpys), (shape, dtype, axis)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with_nan = np.array([[0.5, np.nan], [0.25, 1.0]], dtype=np.float32)
        assert np.array_equal(median(with_nan, axis=1), np.median(with_nan, axis=1), equal_nan=True)


def test_middle_values_are_the_ones_the_median_is_the_mean_of() -> None:
    for values in arrays():
        if values.dtype != np.float32 or values.size < 2:
            continue
        middle = middle_values(values)
        assert middle is not None
        ordered = np.sort(values, axis=None)
        half = values.size // 2
        assert np.array_equal(middle, ordered[half : half + 1] if values.size % 2 else ordered[half - 1 : half + 1])
    assert middle_values(np.array([0.5, np.nan, 0.25], dtype=np.float32)) is None


def test_percentile_is_numpys() -> None:
    rng = np.random.default_rng(5)
    for values in arrays():
        for q in (*QS, float(rng.uniform(0, 100))):
            assert same(percentile(values, q), np.percentile(values, q)), (values.shape, values.dtype, q)


def test_percentile_along_an_axis_is_numpys() -> None:
    rng = np.random.default_rng(7)
    for shape in ((300, 50), (37, 400), (1, 9), (9, 1), (4, 5, 6)):
        for dtype in (np.float32, np.float64):
            values: NDArray[np.floating[Any]] = (rng.integers(0, 64, size=shape) / 63).astype(dtype)
            for axis in range(-1, len(shape)):
                for q in QS:
                    ours, numpys = percentile(values, q, axis=axis), np.percentile(values, q, axis=axis)
                    assert ours.dtype == numpys.dtype and np.array_equal(ours, numpys), (shape, dtype, axis, q)


def test_what_is_left_to_numpy_is_numpys() -> None:
    with_nan = np.array([0.5, np.nan, 0.25, 1.0], dtype=np.float32)
    integers = np.arange(10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for values in (with_nan, integers):
            assert same(median(values), np.median(values))
            assert same(percentile(values, 90), np.percentile(values, 90))
        assert same(percentile(np.arange(5.0), np.float64(30)), np.percentile(np.arange(5.0), np.float64(30)))
    with pytest.raises(ValueError, match="range"):
        percentile(np.arange(5.0), 101)


def test_a_percentile_in_either_tail_is_selected_among_the_values_past_a_threshold_and_is_numpys() -> None:
    rng = np.random.default_rng(11)
    residual = rng.normal(size=(300, 400)).astype(np.float32)
    assert _tail(residual, 358) is not None and _tail(residual, 119_600) is not None
    assert _tail(residual, 60_000) is None
    tied = np.full(120_000, 0.5, dtype=np.float32)  # a flat page: the threshold is the page, every value kept
    tied[rng.integers(0, tied.size, 300)] = rng.random(300, dtype=np.float32)
    sorted_tail = np.sort(rng.random(9000)).astype(np.float64)  # the tail in order, then the rest reversed
    for values in (residual, residual[::2, ::3], residual.T, tied, sorted_tail, sorted_tail[::-1].copy()):
        for q in (0, 0.01, 0.3, 1, 4.9, 95.1, 99, 99.7, 99.99, 100):
            assert same(percentile(values, q), np.percentile(values, q)), (values.shape, q)
