"""The paper's level under a picture's ink: light that varies across a photo, a shadow, a tint.

Light varies slowly, so the level is worked out on the picture shrunk by a whole factor to about
BACKGROUND_SIDE pixels, cell by cell (a cell is 1/CELLS of the longer side), and interpolated back
to every pixel.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image

CELLS: Final = 12
"""The background is estimated on cells of 1/CELLS of the picture's longer side (at least MIN_CELL pixels)."""

MIN_CELL: Final = 8
"""...and at least this many pixels: a cell must hold paper around even a thick stroke."""

CLOSING_SHARE: Final = 0.2
"""The first estimate of the paper fills in dark features narrower than this share of the picture..."""

SMALL_PICTURE: Final = 32
"""...or than the whole picture, up to this many pixels: in a small picture, strokes are a large share."""

BACKGROUND_SIDE: Final = 96
"""The paper's level is worked out on the picture shrunk by a whole factor to about this many pixels."""


def cell_grid(image: NDArray[np.float32], cell: int) -> NDArray[np.float32]:
    """Return the image padded (edge values) to whole cells and viewed as (rows, cell, columns, cell)."""
    height, width = image.shape
    padded = np.pad(image, ((0, -height % cell), (0, -width % cell)), mode="edge")
    return padded.reshape(padded.shape[0] // cell, cell, padded.shape[1] // cell, cell)


def _median_cells(levels: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return each cell's level replaced by the median of its 3x3 neighbourhood (edges repeated)."""
    padded = np.pad(levels, 1, mode="edge")
    rows, columns = levels.shape
    around = np.stack([padded[i : i + rows, j : j + columns] for i in range(3) for j in range(3)])
    smoothed: NDArray[np.float32] = np.median(around, axis=0).astype(np.float32)
    return smoothed


def _upsample(levels: NDArray[np.float32], cell: int, shape: tuple[int, ...]) -> NDArray[np.float32]:
    """Return the cell levels interpolated (linearly, between cell centres) to every pixel of `shape`."""
    rows, columns = levels.shape
    full = Image.fromarray(levels).resize((columns * cell, rows * cell), Image.Resampling.BILINEAR)
    return np.asarray(full, dtype=np.float32)[: shape[0], : shape[1]]


def _reduced(image: NDArray[np.float32], factor: int) -> NDArray[np.float32]:
    """Return the image shrunk by a whole factor, each pixel the mean of its block (a partial edge block too)."""
    if factor == 1:
        return image
    return np.asarray(Image.fromarray(image).reduce(factor), dtype=np.float32)


def _slide(image: NDArray[np.float32], size: int, axis: int, grow: bool) -> NDArray[np.float32]:
    """Return the largest (grow) or smallest value within `size` pixels along one axis, edges repeated."""
    before = size // 2
    widths = [(0, 0), (0, 0)]
    widths[axis] = (before, size - 1 - before)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(image, widths, mode="edge"), size, axis=axis)
    result: NDArray[np.float32] = windows.max(axis=-1) if grow else windows.min(axis=-1)
    return result


def _closing(image: NDArray[np.float32], size: int) -> NDArray[np.float32]:
    """Return the grey closing by a size x size square: dark features narrower than `size` filled in."""
    grown = _slide(_slide(image, size, 0, grow=True), size, 1, grow=True)
    return _slide(_slide(grown, size, 0, grow=False), size, 1, grow=False)


def _shrunk(image: NDArray[np.float32]) -> tuple[int, NDArray[np.float32], int]:
    """Return the whole factor the picture is shrunk by, the shrunk picture, and its cells' side."""
    factor = max(1, max(image.shape) // BACKGROUND_SIDE)
    small = _reduced(image, factor)
    return factor, small, max(MIN_CELL, -(-max(small.shape) // CELLS))


def _by_cell(image: NDArray[np.float32], cell: int) -> NDArray[np.float32]:
    """Return the pixels of each cell: (rows of cells, columns of cells, cell * cell)."""
    grid = cell_grid(image, cell)
    rows, _, columns, _ = grid.shape
    return grid.transpose(0, 2, 1, 3).reshape(rows, columns, cell * cell)


def rough_background(image: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the paper's level at every pixel, either polarity: cell medians, each the median of its 3x3."""
    factor, small, cell = _shrunk(image)
    levels = np.median(_by_cell(small, cell), axis=2).astype(np.float32)
    return _upsample(_median_cells(levels), cell * factor, image.shape)


def background(image: NDArray[np.float32], ink: NDArray[np.bool_] | None = None) -> NDArray[np.float32]:
    """Return the paper's level at every pixel of a picture with dark ink.

    Without `ink`: the picture shrunk to about BACKGROUND_SIDE and closed (dark strokes narrower than
    a square of CLOSING_SHARE of the picture, or of the whole of a small one, filled from the paper
    around them), since light varies slowly. With `ink`: each cell's median of the pixels that are not
    ink, closer to the paper's true level; a cell with too little paper keeps the closing's level.
    """
    factor, small, cell = _shrunk(image)
    longer = max(small.shape)
    closed = _closing(small, max(round(CLOSING_SHARE * longer), min(longer, SMALL_PICTURE)))
    if ink is None:
        full = Image.fromarray(closed).resize((image.shape[1], image.shape[0]), Image.Resampling.BILINEAR)
        return np.asarray(full, dtype=np.float32)
    values = _by_cell(small, cell)
    inked = _by_cell(_reduced(ink.astype(np.float32), factor), cell) > 0  # any pixel of the block inked
    fallback = _by_cell(closed, cell).mean(axis=2)
    # Ink pixels become NaN, which sorts last: the median of what is left is at half its count.
    ordered = np.sort(np.where(inked, np.nan, values), axis=2)
    counts = np.isfinite(ordered).sum(axis=2)
    middle = np.take_along_axis(ordered, (np.maximum(counts, 1)[..., None] - 1) // 2, axis=2)[..., 0]
    levels = np.where(counts >= cell, middle, fallback).astype(np.float32)
    return _upsample(levels, cell * factor, image.shape)
