"""Bring the pen thickness of a picture's ink near MNIST's, by growing or thinning the strokes.

A felt pen photographed close up fills a fifth of the box with each stroke; a fine pen scanned at a
distance, a twentieth. MNIST's strokes, once the digit spans the 20-pixel box, are about
TARGET_WIDTH pixels wide, and that is what the network learned.

Stroke width is measured as 2 x area / perimeter: a stroke of width w and length L has area wL and
a perimeter of about 2L. The perimeter is the total variation of the ink (the sum of its gradient's
length), which counts an anti-aliased or blurred edge as much as a sharp one.

The shape is kept: thinning never goes so far that a stroke breaks or a loop opens, and growing
stops before (GROW_MARGIN) a loop's hole fills in. Growing may join strokes that nearly touch: a
thin pen's stroke broken by the blur is joined that way, and refusing it cost more (measured on the
faint-pen set, 87.8% against 95.6%) than it saved. Both are checked by
counting the pieces of ink and of paper (model.reading.pictures.pieces.piece_sizes) before and after; where
they change, the change is halved, and given up after HALVINGS tries.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from model.constants import BOX_SIDE
from model.reading.pictures.padding import pad
from model.reading.pictures.pieces import piece_sizes
from model.reading.pictures.quantiles import percentile

TARGET_WIDTH: Final = 2.45
"""MNIST's median stroke width in pixels, measured as above on the test images (quartiles 2.2 and 2.8)."""

MNIST_RANGE: Final = (1.9, 3.9)
"""Strokes this wide are left as they are: MNIST's own, from its 2nd to its 95th percentile.
Strokes outside it are brought to TARGET_WIDTH."""

WORK_SIDE: Final = 4 * BOX_SIDE
"""The ink's longer side, in pixels, while strokes are grown or thinned: a quarter of an output pixel each."""


GROW_MARGIN: Final = 1.0
"""Growing by r is allowed only where growing by GROW_MARGIN x r + 1 pixels keeps the shape."""

HALVINGS: Final = 3
"""Times a change of thickness that alters the shape is halved before it is given up."""

MIN_PIECE_PIXELS: Final = 4
"""Pieces of ink or paper smaller than this (at WORK_SIDE) are not counted: specks at the 50% threshold."""


def stroke_width(ink: NDArray[np.float32]) -> float:
    """Return the mean stroke width of the ink in its own pixels (0 for no ink)."""
    rows, columns = np.gradient(pad(ink, 2))  # blank around, so that edges on the rim count in full
    perimeter = float(np.hypot(rows, columns).sum())
    return 2 * float(ink.sum()) / perimeter if perimeter > 0 else 0.0


def crop(ink: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the ink cropped to its bounding box."""
    rows = np.flatnonzero(ink.max(axis=1) > 0)
    columns = np.flatnonzero(ink.max(axis=0) > 0)
    return np.ascontiguousarray(ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1])


def _resize(ink: NDArray[np.float32], longer: int) -> NDArray[np.float32]:
    """Return the ink resampled so that its longer side is `longer` pixels (area average when shrinking)."""
    height, width = ink.shape
    factor = longer / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    resample = Image.Resampling.BOX if factor < 1 else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(ink).resize(size, resample), dtype=np.float32)


def _step(ink: NDArray[np.float32], grow: bool, square: bool) -> NDArray[np.float32]:
    """Return the ink grown (max) or thinned (min) by one pixel, over a 3x3 square or a cross."""
    padded = pad(ink, 1)
    height, width = ink.shape
    offsets = [(i, j) for i in range(3) for j in range(3) if square or i == 1 or j == 1]
    combine = np.maximum if grow else np.minimum
    result = ink.copy()
    for i, j in offsets:
        combine(result, padded[i : i + height, j : j + width], out=result)
    return result


def morph(ink: NDArray[np.float32], radius: float) -> NDArray[np.float32]:
    """Return the ink with every edge moved out by `radius` pixels (in when negative), fractions blended.

    Whole pixels alternate a square and a cross, an octagon close to a disc; the fraction left blends
    the last two steps.
    """
    grow = radius > 0
    whole, fraction = divmod(abs(radius), 1.0)
    if grow:
        ink = pad(ink, int(whole) + 1)
    before = ink
    for n in range(int(whole)):
        before = _step(before, grow, square=n % 2 == 1)
    after = _step(before, grow, square=int(whole) % 2 == 1)
    blended: NDArray[np.float32] = ((1 - fraction) * before + fraction * after).astype(np.float32)
    return blended


def shape(ink: NDArray[np.float32]) -> tuple[int, int]:
    """Return the number of pieces of ink and of paper around and within it (holes + 1).

    Ink is what is covered over half as much as the ink's solid parts: a thin stroke averaged to grey counts.
    """
    inked = ink[ink > 0]
    solid = pad(ink > 0.5 * float(percentile(inked, 90)) if inked.size else ink > 0, 1)
    counts = []
    for mask in (solid, ~solid):
        sizes = piece_sizes(mask)
        counts.append(int((sizes >= MIN_PIECE_PIXELS).sum()))
    return counts[0], counts[1]


def _reshaped(work: NDArray[np.float32], radius: float) -> NDArray[np.float32] | None:
    """Return the ink moved out by `radius` (in when negative), halved until the shape stays; None if it never does."""
    pieces, paper = shape(work)
    for _ in range(HALVINGS + 1):
        probe = radius if radius < 0 else GROW_MARGIN * radius + 1
        probed = morph(work, probe)
        # Growing may join the pieces of a broken stroke, never fill a loop's hole; thinning may
        # lose a speck, never break a stroke or open a loop.
        after_pieces, after_paper = shape(probed)
        if after_paper >= paper if radius > 0 else (after_paper == paper and after_pieces <= pieces):
            return probed if radius < 0 else morph(work, radius)
        radius /= 2
    return None


def normalise_thickness(ink: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the cropped ink with its strokes grown or thinned to about TARGET_WIDTH once in the box.

    Ink whose strokes are within MNIST_RANGE is returned as it is (an MNIST image stays itself);
    otherwise it is resampled to WORK_SIDE, changed, and cropped again.
    """
    longer = max(ink.shape)
    width = stroke_width(ink) * BOX_SIDE / longer
    low, high = MNIST_RANGE
    if low <= width <= high and longer <= WORK_SIDE:
        return ink
    work = _resize(ink, WORK_SIDE)
    width = stroke_width(work)
    if low <= width * BOX_SIDE / WORK_SIDE <= high:
        return work
    # Growing each edge by r adds 2r to both the strokes and the box; solve (w + 2r) / (L + 2r) = T / BOX_SIDE.
    share = TARGET_WIDTH / BOX_SIDE
    radius = (share * WORK_SIDE - width) / (1 - share) / 2
    changed = _reshaped(work, radius)
    if changed is None or not changed.any():  # no change keeps the shape: keep the strokes as they were
        return work
    if radius > 0:
        # A stroke thinner than a pixel at WORK_SIDE was averaged to grey; grown, it is inked in full again.
        solid = float(percentile(changed[changed > 0], 90))
        changed = np.minimum(changed / solid, 1, dtype=np.float32) if solid < 1 else changed
    return crop(changed)
