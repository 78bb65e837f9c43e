"""Find a handwritten digit's ink in a greyscale picture: either polarity, uneven light, noise and specks.

1. Polarity: ink is whichever of darker-than-paper and lighter-than-paper strays further from the
   paper's level (model.paper's rough, either-way estimate); the picture is turned to dark ink.
2. Background: the paper's level (model.paper), first by closing over the strokes, then again as
   the median of what that first estimate did not call ink; so a shadow or a gradient of light
   across a photo is background.
3. Ink strength: how much darker than its local paper a pixel is, relative to that paper (a shadow
   dims ink and paper alike); soft between a floor above the paper's noise and the ink's typical level.
4. Specks: pieces of ink are grouped on a coarse grid; pieces much smaller than the largest, or far
   from it, are dropped, and so is a piece that touches the picture's edge when a sizeable one does not.
5. Crop to what is left and bring the pen thickness near MNIST's (model.thickness).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from model.paper import background, cell_grid, rough_background
from model.preprocess import NoInkError
from model.thickness import normalise_thickness

STATISTICS_PIXELS: Final = 40_000
"""Percentiles over the whole picture are taken on a regular sample of about this many pixels."""


NOISE_FLOOR: Final = 4.0
"""Ink starts this many standard deviations of the paper's noise above the paper."""

MIN_CONTRAST: Final = 0.08
"""Ink must be at least this much (relative) darker than its paper: below it the picture is blank."""

MIN_SIGNAL: Final = 8.0
"""...and this many standard deviations of the paper's noise: a page of noise alone has no ink."""

GROUP_CELLS: Final = 96
"""Pieces of ink are grouped on a grid of about this many cells along the longer side."""

PRESENT: Final = 0.25
"""A grid cell holds ink when a pixel in it is covered this much; cells next to such a cell join its piece."""

MIN_PIECE: Final = 0.08
"""A piece with less ink than this share of the largest piece is a speck."""

NEAR: Final = 0.35
"""A piece further than this share of the largest piece's size beyond its bounding box is not part of it."""


def _sample(values: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return every k-th pixel both ways, at most about STATISTICS_PIXELS of them, for percentiles."""
    step = max(1, int(np.sqrt(values.size / STATISTICS_PIXELS)))
    return values[::step, ::step]


def _strength(image: NDArray[np.float32], paper: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return how much darker than its paper each pixel is, relative to the paper (1 = black on any paper)."""
    strength: NDArray[np.float32] = ((paper - image) / np.maximum(paper, np.float32(0.05))).astype(np.float32)
    return strength


def ink_strength(grey: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return each pixel's ink strength (positive where inked, about 0 on paper), either polarity."""
    residual = _sample(grey - rough_background(grey))
    darker, lighter = -np.percentile(residual, 0.5), np.percentile(residual, 99.5)
    image = grey if darker >= lighter else 1 - grey
    strength = _strength(image, background(image))
    # Again, with the pixels clearly inked left out of the paper's level.
    inked = strength > max(NOISE_FLOOR * _noise(strength), MIN_CONTRAST)
    return _strength(image, background(image, inked))


def _noise(strength: NDArray[np.float32]) -> float:
    """Return the standard deviation of the paper's noise (from the median absolute deviation)."""
    values = _sample(strength)
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def _label(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Return connected components (8-neighbour) of the mask: each cell's label, -1 off the mask."""
    rows, columns = mask.shape
    labels = np.where(mask, np.arange(mask.size).reshape(mask.shape), mask.size).astype(np.int64)
    while True:
        padded = np.pad(labels, 1, constant_values=mask.size)
        lowest = labels.copy()
        for i in range(3):
            for j in range(3):
                np.minimum(lowest, padded[i : i + rows, j : j + columns], out=lowest)
        lowest = np.where(mask, lowest, mask.size)
        # Jump to the label's own label: pieces merge in about log(length) rounds, not length.
        flat = lowest.reshape(-1)
        jumped = np.where(mask, np.append(flat, mask.size)[flat].reshape(mask.shape), mask.size)
        if np.array_equal(jumped, labels):
            return np.where(mask, labels, -1)
        labels = jumped


def _grow(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Return the mask grown by one cell in each of the 8 directions."""
    padded = np.pad(mask, 1)
    grown = np.zeros_like(mask)
    for i in range(3):
        for j in range(3):
            grown |= padded[i : i + mask.shape[0], j : j + mask.shape[1]]
    return grown


def _pieces(coverage: NDArray[np.float32]) -> NDArray[np.bool_]:
    """Return the mask of the pixels that belong to the digit: specks and distant pieces left out."""
    step = max(1, -(-max(coverage.shape) // GROUP_CELLS))
    grid = cell_grid(coverage, step)
    mass = grid.sum(axis=(1, 3))
    present = _grow(grid.max(axis=(1, 3)) > PRESENT)
    labels = _label(present)
    names, index = np.unique(labels[present], return_inverse=True)
    if not names.size:
        raise NoInkError("no ink: the picture is blank")
    weights = np.bincount(index, weights=mass[present])
    rows, columns = np.nonzero(present)
    touches = np.zeros(names.size, dtype=bool)
    edge = (rows == 0) | (columns == 0) | (rows == present.shape[0] - 1) | (columns == present.shape[1] - 1)
    touches[index[edge]] = True
    inner = np.flatnonzero(~touches)
    main = int(np.argmax(weights))
    if touches[main] and inner.size and weights[inner].max() >= 0.25 * weights[main]:
        main = int(inner[np.argmax(weights[inner])])
    top, bottom = rows[index == main].min(), rows[index == main].max()
    left, right = columns[index == main].min(), columns[index == main].max()
    reach = NEAR * max(bottom - top + 1, right - left + 1)
    keep = np.zeros(names.size, dtype=bool)
    for piece in np.flatnonzero(weights >= MIN_PIECE * weights[main]):
        piece_rows, piece_columns = rows[index == piece], columns[index == piece]
        gap_y = max(0, top - piece_rows.max(), piece_rows.min() - bottom)
        gap_x = max(0, left - piece_columns.max(), piece_columns.min() - right)
        keep[piece] = max(gap_x, gap_y) <= reach and not (touches[piece] and piece != main)
    kept = np.zeros(present.shape, dtype=bool)
    kept[rows, columns] = keep[index]
    # Back to pixels, one cell of slack around each kept cell for the pieces' soft edges.
    pixels = np.repeat(np.repeat(_grow(kept), step, axis=0), step, axis=1)
    return pixels[: coverage.shape[0], : coverage.shape[1]]


def coverage(grey: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the ink coverage in [0, 1] of every pixel; raise NoInkError when the picture is blank."""
    strength = ink_strength(grey)
    noise = _noise(strength)
    sample = _sample(strength)
    candidates = sample[sample > max(NOISE_FLOOR * noise, MIN_CONTRAST)]
    if candidates.size == 0:
        raise NoInkError("no ink: the picture is blank")
    full = float(np.percentile(candidates, 90))
    floor = NOISE_FLOOR * noise
    if full < MIN_CONTRAST or full < MIN_SIGNAL * noise:
        raise NoInkError("no ink: the picture is blank")
    inked: NDArray[np.float32] = np.clip((strength - floor) / (full - floor), 0, 1).astype(np.float32)
    return inked


def find_ink(grey: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the digit's ink (0 background, 1 ink) cropped to it, pen thickness normalised.

    Raises NoInkError when the picture is blank.
    """
    inked = coverage(grey)
    inked = np.where(_pieces(inked), inked, np.float32(0))
    rows = np.flatnonzero(inked.max(axis=1) > 0)
    columns = np.flatnonzero(inked.max(axis=0) > 0)
    if not rows.size:
        raise NoInkError("no ink: the picture is blank")
    cropped = inked[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    return normalise_thickness(np.ascontiguousarray(cropped))
