"""pad: np.pad's "constant" (zeros) and "edge" modes, the same values, shape and dtype."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.reading.pictures.padding import pad

shapes = st.lists(st.integers(1, 6), min_size=1, max_size=3)
widths = st.integers(0, 4)


@given(shape=shapes, data=st.data(), edge=st.booleans(), dtype=st.sampled_from([np.float32, np.float64, np.bool_]))
def test_it_pads_as_np_pad_does(shape: list[int], data: st.DataObject, edge: bool, dtype: type) -> None:
    rng = np.random.default_rng(len(shape))
    array = (rng.random(shape) > 0.5) if dtype is np.bool_ else rng.random(shape).astype(dtype)
    if data.draw(st.booleans()):
        width: int | list[tuple[int, int]] = data.draw(widths)
    else:
        width = [(data.draw(widths), data.draw(widths)) for _ in shape]
    expected = np.pad(array, width, mode="edge" if edge else "constant")
    got = pad(array, width, edge=edge)
    assert got.dtype == expected.dtype and got.flags.c_contiguous
    np.testing.assert_array_equal(got, expected)


def test_a_strided_view_pads_as_its_values() -> None:
    image = np.arange(30.0).reshape(5, 6)
    view = np.moveaxis(image, 1, 0)[::2]
    np.testing.assert_array_equal(pad(view, [(3, 2), (0, 1)], edge=True), np.pad(view, [(3, 2), (0, 1)], mode="edge"))


def test_widths_that_do_not_fit_are_refused() -> None:
    with pytest.raises(ValueError, match="2 dimensions"):
        pad(np.zeros((2, 2)), [(1, 1)])
    with pytest.raises(ValueError):
        pad(np.zeros((2, 2)), -1)
    with pytest.raises(ValueError, match="empty"):
        pad(np.zeros((0, 2)), 1, edge=True)
