"""Tell a digit's ink from specks, shadows and stray marks: connected pieces, their darkness, size and place.

Ink is grouped into pieces on a coarse grid (about GROUP_CELLS cells along the longer side; cells
next to an inked cell join its piece, so a stroke broken by a pixel stays whole). Then:
1. Darkness: a piece much lighter than the darkest sizeable one is a shadow or a smudge, not ink; and
   within the digit's pieces, so is a cell much lighter than the digit (a shadow that touches it).
2. Size: a piece with much less ink than the largest dark one is a speck.
3. The digit: the largest dark piece, preferring one that does not touch the picture's edge (a
   shadow or the edge of the paper does; a digit in a photo seldom does).
4. Place: pieces further from the digit than NEAR of its size are stray marks.
Then the digit's coverage is measured again from the digit alone (a shadow may have crowded the first).
"""

from __future__ import annotations

from typing import Final, NamedTuple

import numpy as np
from numpy.typing import NDArray

from model.reading.errors import NoInkError
from model.reading.pictures.ink import Ink, soft_within
from model.reading.pictures.padding import pad
from model.reading.pictures.paper import cell_grid
from model.reading.pictures.quantiles import percentile

GROUP_CELLS: Final = 96
"""Pieces of ink are grouped on a grid of about this many cells along the longer side."""

PRESENT: Final = 0.25
"""A grid cell holds ink when a pixel in it is covered this much."""

MIN_CELLS: Final = 3
"""A piece of fewer cells is a speck, too small to say how dark it is."""

DARK_SHARE: Final = 0.6
"""A piece whose darkness is below this share of the darkest piece's is not ink, nor is a cell of the digit's
pieces whose darkest pixel is below this share of the digit's darkness."""

DARK_PERCENTILE: Final = 90
"""A piece's darkness is this percentile, over its cells, of each cell's darkest pixel."""

MIN_PIECE: Final = 0.08
"""A piece with less ink than this share of the digit's largest piece is a speck."""

NEAR: Final = 0.35
"""A piece further than this share of the largest piece's size beyond its bounding box is not part of it."""


def cell_maxima(grid: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return each cell's largest value of a (rows, cell, columns, cell) grid.

    One axis at a time: numpy reduces two non-adjacent axes at once about 7 times slower, and the last
    axis, a few values long, one cell at a time; across it, one slice after another, a whole grid at a time.
    """
    across = grid.max(axis=1)
    maxima: NDArray[np.float32] = across[..., 0].copy()
    for column in range(1, across.shape[-1]):
        np.maximum(maxima, across[..., column], out=maxima)
    return maxima


def cell_sums(grid: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return each cell's sum of a (rows, cell, columns, cell) grid: the same numbers as grid.sum(axis=(1, 3)).

    numpy adds each cell's rows of fewer than 8 values in turn, one cell at a time, and then the rows:
    here in the same order, each step a whole grid at a time (0.1 ms instead of 0.5 on a 400 by 300
    picture). From 8 on it adds them in another order, and with one column of cells it takes each
    cell's values as one run: those are left to it.
    """
    cell = grid.shape[-1]
    if cell >= 8 or grid.shape[2] == 1:
        whole: NDArray[np.float32] = grid.sum(axis=(1, 3))
        return whole
    rows = grid[..., 0].copy()
    for column in range(1, cell):
        rows += grid[..., column]
    sums: NDArray[np.float32] = rows.sum(axis=1)
    return sums


def _grow(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Return the mask grown by one cell in each of the 8 directions."""
    padded = pad(mask, 1)
    grown = np.zeros_like(mask)
    for i in range(3):
        for j in range(3):
            grown |= padded[i : i + mask.shape[0], j : j + mask.shape[1]]
    return grown


def _merged(parent: NDArray[np.int64], first: NDArray[np.int64], second: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return each node's root, the smallest node joined to it by the edges (first[k], second[k]).

    Union-find a whole array at a time: every edge whose ends have different roots hooks the larger
    root onto the smaller (so a root is always its tree's smallest node), then every node is pointed
    straight at its root by jumping parent to parent's parent; repeated until no edge joins two trees.
    """
    while True:
        one, other = parent[first], parent[second]
        apart = one != other
        if not apart.any():
            return parent
        one, other = one[apart], other[apart]
        np.minimum.at(parent, np.maximum(one, other), np.minimum(one, other))
        while ((jumped := parent[parent]) != parent).any():  # not np.array_equal: its checks cost more here
            parent = jumped


class _Runs(NamedTuple):
    """A mask cut into runs (cells side by side in a row), each run's piece found (`_runs`)."""

    flat: NDArray[np.bool_]
    """The mask with a blank row on top and a blank column on the left, flattened."""
    width: int
    """The columns of `flat`'s rows (the mask's and the blank one)."""
    starts: NDArray[np.int64]
    """Each run's first cell in `flat`."""
    ends: NDArray[np.int64]
    """Each run's last cell in `flat`."""
    root: NDArray[np.int64]
    """Each run's piece: the piece's first run."""


def _runs(mask: NDArray[np.bool_]) -> _Runs:
    """Return the mask's runs and pieces (8 neighbours): a run joins a run in the row above where they
    share a column or touch at a corner; runs are joined into pieces by `_merged`."""
    rows, columns = mask.shape
    # A blank row on top and a blank column on the left: no run goes on from one row into the next,
    # and every cell has a row above it, so the neighbours above are whole-array shifts of the flat mask.
    width = columns + 1
    padded = np.zeros((rows + 1, width), dtype=bool)
    padded[1:, 1:] = mask
    flat = padded.reshape(-1)
    begins = flat.copy()
    begins[1:] &= ~flat[:-1]
    ends = flat.copy()
    ends[:-1] &= ~flat[1:]
    starts = np.flatnonzero(begins)
    # One cell per place where two runs meet: the first of each stretch of cells that have a cell right
    # above them, and each run's first (last) cell when the cell above and before (after) it is inked.
    stacked = flat[width:] & flat[:-width]
    stacked[1:] &= ~stacked[:-1]
    straight = np.flatnonzero(stacked) + width
    before = np.flatnonzero(begins[width + 1 :] & flat[: -width - 1]) + width + 1
    after = np.flatnonzero(ends[width:-1] & flat[1:-width]) + width
    root = _merged(
        np.arange(starts.size),
        _run_of(starts, np.concatenate((straight, before, after))),
        _run_of(starts, np.concatenate((straight - width, before - width - 1, after - width + 1))),
    )
    return _Runs(flat, width, starts, np.flatnonzero(ends), root)


def _run_of(starts: NDArray[np.int64], cells: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return the run of each of `cells` (cells of the mask), given where the runs start, in reading order."""
    runs: NDArray[np.int64] = np.searchsorted(starts, cells, side="right") - 1
    return runs


def label(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Return the connected pieces (8 neighbours) of the mask: each cell's label, -1 off the mask.

    A piece's label is the flat index (row x columns + column) of its first cell in reading order.
    """
    rows, columns = mask.shape
    runs = _runs(mask)
    # A piece's smallest run is its first in reading order, and that run's first cell the piece's first.
    first_cell = (runs.starts // runs.width - 1) * columns + runs.starts % runs.width - 1
    labels = np.full(runs.flat.size, -1, dtype=np.int64)
    labels[runs.flat] = first_cell[runs.root[_run_of(runs.starts, np.flatnonzero(runs.flat))]]
    return labels.reshape(rows + 1, runs.width)[1:, 1:]


def piece_sizes(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Return how many cells each connected piece (8 neighbours) of the mask holds, in the order of the
    pieces' first cells: what np.bincount(label(mask)[mask]) holds where it is not 0, without labelling
    every cell (each run's length added to its piece)."""
    runs = _runs(mask)
    sizes = np.bincount(runs.root, weights=runs.ends - runs.starts + 1, minlength=runs.starts.size)
    return sizes[sizes > 0].astype(np.int64)


def _choose(
    mass: NDArray[np.float64], darkness: NDArray[np.float64], size: NDArray[np.int64], touches: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], int]:
    """Return which pieces are dark, sizeable ink, and the index of the digit's main piece."""
    measurable = size >= MIN_CELLS
    darkest = float(darkness[measurable].max()) if measurable.any() else float(darkness.max())
    dark = darkness >= DARK_SHARE * darkest
    sizeable = dark & (mass >= MIN_PIECE * float(mass[dark].max()))
    inner = np.flatnonzero(sizeable & ~touches)
    candidates = inner if inner.size else np.flatnonzero(sizeable)
    return sizeable, int(candidates[np.argmax(mass[candidates])])


def digit_mask(coverage: NDArray[np.float32], strength: NDArray[np.float32]) -> NDArray[np.bool_]:
    """Return the mask of the pixels that belong to the digit (with a cell of margin around its pieces)."""
    step = max(1, -(-max(coverage.shape) // GROUP_CELLS))
    grid = cell_grid(coverage, step)
    core = cell_maxima(grid) > PRESENT
    present = _grow(core)
    labels = label(present)
    names, index = np.unique(labels[present], return_inverse=True)
    if not names.size:
        raise NoInkError("no ink: the picture is blank")
    rows, columns = np.nonzero(present)
    mass = np.bincount(index, weights=cell_sums(grid)[present]).astype(np.float64)
    size = np.bincount(index)
    # A piece's darkness: over its inked cells (not those it grew by), a high percentile of each one's
    # darkest pixel; a digit joined to a shadow is as dark as the digit, a shadow alone as the shadow.
    peaks = cell_maxima(cell_grid(strength, step))[present]
    inked = core[present]
    darkness = np.array([percentile(peaks[(index == piece) & inked], DARK_PERCENTILE) for piece in range(names.size)])
    edge = (rows == 0) | (columns == 0) | (rows == present.shape[0] - 1) | (columns == present.shape[1] - 1)
    touches = np.zeros(names.size, dtype=bool)
    touches[index[edge]] = True
    sizeable, main = _choose(mass, darkness, size, touches)

    # Within the pieces, only cells about as dark as the digit are ink: a shadow that touches it is not.
    ink = inked & (peaks >= DARK_SHARE * darkness[main])
    top, bottom = rows[(index == main) & ink].min(), rows[(index == main) & ink].max()
    left, right = columns[(index == main) & ink].min(), columns[(index == main) & ink].max()
    reach = NEAR * max(bottom - top + 1, right - left + 1)
    keep = np.zeros(names.size, dtype=bool)
    for piece in np.flatnonzero(sizeable):
        piece_rows, piece_columns = rows[index == piece], columns[index == piece]
        gap_y = max(0, top - piece_rows.max(), piece_rows.min() - bottom)
        gap_x = max(0, left - piece_columns.max(), piece_columns.min() - right)
        keep[piece] = max(gap_x, gap_y) <= reach and (piece == main or not touches[piece] or touches[main])
    kept = np.zeros(present.shape, dtype=bool)
    kept[rows, columns] = keep[index] & ink
    # Back to pixels, one cell of slack around each kept cell for the pieces' soft edges. The columns
    # first: then each row repeated whole (0.02 ms, against 0.07 the rows first).
    pixels = np.repeat(np.repeat(_grow(kept), step, axis=1), step, axis=0)
    return pixels[: coverage.shape[0], : coverage.shape[1]]


def keep_digit(ink: Ink) -> NDArray[np.float32]:
    """Return the coverage of the digit's pieces alone (anything else 0), relative to the digit's own ink."""
    digit = digit_mask(ink.coverage, ink.strength)
    if not digit.any():
        raise NoInkError("no ink: the picture is blank")
    inked = digit & (ink.coverage > 0)
    kept = soft_within(ink.strength, ink.floor, inked)
    if not (kept > 0).any():
        raise NoInkError("no ink: the picture is blank")
    return kept
