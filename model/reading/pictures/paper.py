"""The paper under a picture's ink: which way round the ink is, and the paper's level at every pixel.

Light varies across a photo (a gradient, a shadow, a tint), and ruled or squared paper carries
printed lines; both belong to the paper, not to the ink.

Light varies slowly, so the level is worked out on the picture shrunk by a whole factor to about
BACKGROUND_SIDE pixels (which also averages the noise away) and interpolated back to every pixel.

- `rough_background`, for either polarity: the median of each cell (1/ROUGH_CELLS of the longer side),
  each cell then the median of its 3x3 neighbourhood, so that a cell crowded with ink takes its
  neighbours' level. Good enough to tell dark ink from light.
- `dark_ink`: ink is whichever of darker-than-paper and lighter-than-paper strays further from the
  rough level.
- `flat_level`: a picture made by a machine rather than a camera (a thresholded scan, a drawing saved
  as PNG) has paper of one exact grey: where most of the picture is that grey, the level is that grey
  everywhere. The closing below would take a blob of ink wider than its square (a bold loop filled
  in by a coarse scan's threshold) for paper.
- `background`, for dark ink: a grey closing (the largest value within a square, then the smallest
  of those) fills in every dark feature narrower than the square, which strokes are and shadows and
  gradients are not, and it keeps a shadow's edge where it is.
- `with_lines` (model.reading.pictures.lines): the printed lines of ruled and squared paper are made
  part of the paper's level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from model.reading.pictures.lines import with_lines
from model.reading.pictures.padding import pad
from model.reading.pictures.quantiles import median, percentile

ROUGH_CELLS: Final = 6
"""The rough level is taken on cells of 1/ROUGH_CELLS of the picture's longer side (at least MIN_CELL pixels):
large enough that even thick strokes leave most of a cell to the paper."""

MIN_CELL: Final = 8
"""...and at least this many pixels: a cell must hold paper around even a thick stroke."""

CLOSING_SHARE: Final = 0.2
"""The closing fills in dark features narrower than this share of the picture's longer side..."""

SMALL_PICTURE: Final = 32
"""...or than the whole picture, up to this many pixels: in a small picture, strokes are a large share."""

BACKGROUND_SIDE: Final = 200
"""The paper's level is worked out on the picture shrunk by a whole factor to about this many pixels..."""

ROUGH_SIDE: Final = 100
"""...and its rough level, which only has to tell dark ink from light, on about this many."""


STATISTICS_PIXELS: Final = 40_000
"""Percentiles over the whole picture are taken on a regular sample of about this many pixels."""

TAIL: Final = 0.3
"""Polarity: the percentile at each end of the residual from the rough paper level that is compared..."""

TAIL_TIE: Final = 0.1
"""...and tails within this share of each other are a tie, decided by which level is more common."""


FLAT_SHARE: Final = 0.5
"""Paper is flat when at least this share of the picture is within FLAT_TOLERANCE of one grey..."""

FLAT_TOLERANCE: Final = 2
"""...this many steps of 8-bit grey: a JPEG's flat areas keep their grey, a camera's noise and light do not."""


@dataclass(frozen=True)
class Paper:
    """A picture's paper: the picture turned so that its ink is dark, and the paper's level under it."""

    image: NDArray[np.float32]
    """The greyscale picture, inverted where its ink was light."""
    level: NDArray[np.float32]
    """The paper's level at every pixel of `image`, printed lines included."""
    dark: bool
    """Whether the ink is dark in the picture as it came."""


def sample(values: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return every k-th pixel both ways, at most about STATISTICS_PIXELS of them, for percentiles."""
    step = max(1, int(np.sqrt(values.size / STATISTICS_PIXELS)))
    return values[::step, ::step]


def cell_grid(image: NDArray[np.float32], cell: int) -> NDArray[np.float32]:
    """Return the image padded (edge values) to whole cells and viewed as (rows, cell, columns, cell): a view
    of the image itself (not a copy) where it is whole cells already."""
    height, width = image.shape
    if height % cell or width % cell:
        image = pad(image, ((0, -height % cell), (0, -width % cell)), edge=True)
    return image.reshape(image.shape[0] // cell, cell, image.shape[1] // cell, cell)


def _shrunk(image: NDArray[np.float32], side: int = BACKGROUND_SIDE) -> tuple[int, NDArray[np.float32]]:
    """Return the whole factor that brings the picture to about `side` pixels, and the shrunk picture.

    Each pixel of the shrunk picture is the mean of its block (a partial block at the edge too).
    """
    factor = max(1, max(image.shape) // side)
    if factor == 1:
        return 1, image
    return factor, np.asarray(Image.fromarray(image).reduce(factor), dtype=np.float32)


def _enlarged(small: NDArray[np.float32], factor: int, shape: tuple[int, ...]) -> NDArray[np.float32]:
    """Return the shrunk picture interpolated linearly back to `shape` (pixel centres aligned).

    Image.reduce rounds sizes up, so the enlarged picture always covers `shape`: it is only cut to it.
    """
    if factor == 1:
        return small
    full = Image.fromarray(small).resize((small.shape[1] * factor, small.shape[0] * factor), Image.Resampling.BILINEAR)
    return np.asarray(full, dtype=np.float32)[: shape[0], : shape[1]]


def rough_background(image: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the paper's level at every pixel, whichever way round the ink is (cell medians, smoothed)."""
    factor, small = _shrunk(image, ROUGH_SIDE)
    cell = max(MIN_CELL, -(-max(small.shape) // ROUGH_CELLS))
    grid = cell_grid(small, cell)
    rows, columns = grid.shape[0], grid.shape[2]
    # Each cell's values side by side, for a median along one axis (np.median's over two takes a copy anyway).
    levels = median(grid.transpose(0, 2, 1, 3).reshape(rows, columns, cell * cell), axis=-1)
    padded = pad(levels, 1, edge=True)
    around = np.stack([padded[i : i + rows, j : j + columns] for i in range(3) for j in range(3)])
    smoothed = median(around, axis=0)
    full = Image.fromarray(smoothed).resize((columns * cell, rows * cell), Image.Resampling.BILINEAR)
    return _enlarged(np.asarray(full, dtype=np.float32)[: small.shape[0], : small.shape[1]], factor, image.shape)


def running(image: NDArray[np.float32], size: int, axis: int, *, largest: bool) -> NDArray[np.float32]:
    """Return the largest (or smallest) value within `size` pixels along `axis`, centred, edges repeated.

    By doubling: the largest of two neighbours, then of two neighbouring pairs, and so on, gives the
    largest within spans of 1, 2, 4, ... pixels; a window of `size` is two such spans that overlap.
    About log2(size) array operations on contiguous slices, whatever the size.
    """
    values = np.moveaxis(image, axis, 0)
    count = values.shape[0]
    before = size // 2
    spans = pad(values, ((before, size - 1 - before), (0, 0)), edge=True)
    combine = np.maximum if largest else np.minimum
    span = 1
    while 2 * span <= size:
        spans = combine(spans[:-span], spans[span:])  # each now the largest of `2 * span` pixels from it
        span *= 2
    result: NDArray[np.float32] = combine(spans[:count], spans[size - span : size - span + count])
    return np.moveaxis(result, 0, axis)


def closing(image: NDArray[np.float32], size: int) -> NDArray[np.float32]:
    """Return the grey closing by a size x size square: dark features narrower than `size` filled in."""
    grown = running(running(image, size, 0, largest=True), size, 1, largest=True)
    return running(running(grown, size, 0, largest=False), size, 1, largest=False)


def background(image: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the paper's level at every pixel of a picture with dark ink (the closing described above)."""
    factor, small = _shrunk(image)
    longer = max(small.shape)
    size = max(round(CLOSING_SHARE * longer), min(longer, SMALL_PICTURE))
    # The light carried on past the picture's edges (each edge's slope continued, within the picture's
    # range): with the edge pixel repeated, a picture that darkens towards an edge closed to paper
    # lighter than it is along that edge, a band of false ink darker than a faint digit.
    margin = min(size, *small.shape) - 1
    if margin < 1:
        return _enlarged(closing(small, size), factor, image.shape)
    padded = np.pad(small, margin, mode="reflect", reflect_type="odd")
    padded = np.clip(padded, float(small.min()), float(small.max()))
    closed = closing(padded, size)[margin:-margin, margin:-margin]
    return _enlarged(np.ascontiguousarray(closed), factor, image.shape)


def flat_level(image: NDArray[np.float32]) -> NDArray[np.float32] | None:
    """Return the paper's level of a picture whose paper is one grey (that grey everywhere), or None.

    The paper is the most common grey, and must be at least as light as the median pixel (ink is dark here).
    """
    values = sample(image)
    grey = np.clip(values, 0, 1)  # in 8-bit steps, each operation in place
    grey *= 255
    steps = np.rint(grey, out=grey).astype(np.int64)
    counts = np.bincount(steps.ravel(), minlength=256)
    common = int(counts.argmax())
    around = counts[max(0, common - FLAT_TOLERANCE) : common + FLAT_TOLERANCE + 1].sum()
    if around < FLAT_SHARE * values.size or common < int(median(steps)):
        return None
    paper = values[np.abs(steps - common) <= FLAT_TOLERANCE]
    return np.full(image.shape, median(paper), dtype=np.float32)


def dark_ink(grey: NDArray[np.float32]) -> bool:
    """Return True when the ink is darker than the paper: its tail of the residual reaches further.

    Where both tails reach as far (a black-and-white scan, whose strokes crowd the cells the rough level
    is taken on), the paper is the more common of the two: the ink is dark when the median pixel is light.
    """
    residual = sample(grey - rough_background(grey))
    dark_tail, light_tail = -float(percentile(residual, TAIL)), float(percentile(residual, 100 - TAIL))
    if abs(dark_tail - light_tail) <= TAIL_TIE * max(dark_tail, light_tail):
        values = sample(grey)
        return bool(median(values) >= (float(values.min()) + float(values.max())) / 2)
    return dark_tail >= light_tail


def find_paper(grey: NDArray[np.float32], *, dark: bool | None = None) -> Paper:
    """Return the picture's paper, the ink taken as dark or light as `dark` says, or as dark_ink finds it."""
    if dark is None:
        dark = dark_ink(grey)
    image = grey if dark else 1 - grey
    level = flat_level(image)
    return Paper(image, with_lines(image, background(image) if level is None else level), dark)
