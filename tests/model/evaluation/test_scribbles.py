"""Scribbles: reproducible images of ink, the shape of the network's input."""

from __future__ import annotations

import numpy as np

from model.constants import NUM_PIXELS
from model.evaluation.scribbles import scribbles


def test_scribbles_are_inked_input_rows_and_reproducible() -> None:
    images = scribbles(6, seed=3)
    assert images.shape == (6, NUM_PIXELS)
    assert images.dtype == np.float32
    assert (images.max(axis=1) > 0.5).all()
    assert np.array_equal(images, scribbles(6, seed=3))
    assert not np.array_equal(images, scribbles(6, seed=4))
