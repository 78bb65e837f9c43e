"""Straighten slanted digits by their second moments (the classic deskewing step for MNIST).

For an image with ink a(r, c), centre of mass (r̄, c̄) and second moments

    var_r = Σ a (r - r̄)² / Σ a,      cov = Σ a (r - r̄)(c - c̄) / Σ a,

the slant is α = cov / var_r: how far the ink moves to the right per row downward. The deskewed image
reads each row from α (r - r̄) further along, J(r, c) = I(r, c + α (r - r̄)), so its ink has no
covariance between rows and columns left. Shifting a row keeps it the same row, and shifting about r̄
keeps the centre of mass where it was, so the 20x20 fit and the centring done before are kept up to the
shear's widening. People's slant varies far more than MNIST's; after this step the network sees every
digit upright, whether it came as strokes, pixels or a picture, in training and in use.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE, NUM_PIXELS

MAX_SLANT = 1.0
"""The largest |α| applied (45°): a digit that is nearly one horizontal line has a tiny var_r, and its
α says nothing about slant."""

MIN_ROW_SPREAD = 1.0
"""Below this var_r (pixels²) the ink is nearly one row, and the image is left as it is."""


_R, _C = np.indices((IMAGE_SIDE, IMAGE_SIDE), dtype=np.float64).reshape(2, -1)
_MOMENTS = np.stack([np.ones_like(_R), _R, _C, _R**2, _R * _C], axis=1)
"""Each pixel's 1, r, c, r² and rc: a flat image times this gives its raw moments up to the second."""


def _moments(flat: NDArray[np.float32]) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Return the ink mass, row centre r̄ and slant α = cov / var_r of each flat image (n, NUM_PIXELS)."""
    raw = flat.astype(np.float64) @ _MOMENTS
    mass = raw[:, 0]
    safe = np.where(mass > 0, mass, 1.0)
    r_mean, c_mean = raw[:, 1] / safe, raw[:, 2] / safe
    var_r = raw[:, 3] / safe - r_mean**2
    cov = raw[:, 4] / safe - r_mean * c_mean
    defined = (mass > 0) & (var_r >= MIN_ROW_SPREAD)
    alpha = np.where(defined, cov / np.where(defined, var_r, 1.0), 0.0)
    return mass, r_mean, np.clip(alpha, -MAX_SLANT, MAX_SLANT)


def slant(images: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return α = cov / var_r of each image of a batch (..., IMAGE_SIDE, IMAGE_SIDE), 0 where it is undefined."""
    _, _, alpha = _moments(images.reshape(-1, NUM_PIXELS))
    return alpha.astype(np.float32).reshape(images.shape[:-2])


def deskew(images: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the images (..., IMAGE_SIDE, IMAGE_SIDE) in [0, 1], each sheared upright; the same shape and dtype.

    Rows are resampled with linear interpolation and zero outside the frame.
    """
    batch = images.reshape(-1, IMAGE_SIDE, IMAGE_SIDE).astype(np.float32, copy=False)
    _, r_mean, alpha = _moments(batch.reshape(-1, NUM_PIXELS))
    positions = np.arange(IMAGE_SIDE, dtype=np.float32)
    # Row r of the output reads the source from shift[r] columns to the right.
    shift = (alpha[:, None] * (positions[None, :] - r_mean[:, None])).astype(np.float32)  # (n, rows)
    # +1 for a zero column on either side; clipping into the border makes every outside sample read zero.
    source = np.clip(positions[None, None, :] + shift[:, :, None] + 1, 0, IMAGE_SIDE + 1 - 1e-4)
    left = np.floor(source).astype(np.intp)
    fraction = (source - left).astype(np.float32)
    width = IMAGE_SIDE + 2
    flat = np.pad(batch, ((0, 0), (0, 0), (1, 1))).ravel()
    at = np.arange(len(batch) * IMAGE_SIDE, dtype=np.intp).reshape(-1, IMAGE_SIDE, 1) * width + left
    before = flat[at]
    after = flat[at + 1]
    straight: NDArray[np.float32] = before + fraction * (after - before)
    return straight.reshape(images.shape)
