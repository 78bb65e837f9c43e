"""Raw pen strokes to the 28x28 greyscale image the network reads, the way MNIST was made.

MNIST's digits were scaled, keeping their aspect ratio, so that the longer side of the ink fits a
20x20 box, anti-aliased, and placed in a 28x28 image so that the ink's centre of mass is at the
centre. Strokes are drawn here with a round pen whose width is a fixed fraction of the box, so every
drawing gets MNIST's stroke width whatever size it was drawn at; the scaling and the centring are
model.reading.framing's, shared with pictures (model.reading.pictures.pipeline). The page sends raw points.

How a stroke is drawn: the pen is put down every STEP of an output pixel along the stroke (and at
both of its ends), and each pixel takes the greatest coverage any of those pen discs gives it. A
pixel's coverage by a disc of radius r whose centre is d away is clip(r + 1/2 - d, 0, 1): the share
of a unit pixel on the ink side of an edge that passes d - r from the pixel's centre. Coverage is
looked up in a table, computed once, of the pen at every 1/SUBPIXEL of a pixel; so a drawing costs a
few array operations over a few thousand numbers, whatever the number of points sent.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain

import numpy as np
from numpy.typing import NDArray

from model.constants import BOX_SIDE
from model.reading.errors import NoInkError
from model.reading.framing import CANVAS, PAD, frame_many

PEN_WIDTH = 2.2
"""Stroke width in output pixels, like MNIST's typical stroke when the digit spans BOX_SIDE pixels."""

STEP = 0.4
"""Output pixels between pen positions along a stroke: discs of radius 1.1 this close leave edges
straight to 0.02 pixel."""

MAX_PEN_DOWNS = 16_384
"""At most this many pen positions along the strokes: 6,500 pixels of path at STEP, hundreds of times
across the box, which no digit comes near. A longer scribble is sampled more sparsely, so that no
request can cost more than a few milliseconds (10,000 points zigzagging across the box would
otherwise need half a million discs)."""

SUBPIXEL = 16
"""Pen positions are looked up to 1/16 of a pixel in each direction."""

_SUBPIXEL_BITS = SUBPIXEL.bit_length() - 1
assert 1 << _SUBPIXEL_BITS == SUBPIXEL, "SUBPIXEL must be a power of two (model.reading.strokes._ink shifts by it)"


Strokes = Sequence[Sequence[Sequence[float]]]


@dataclass(frozen=True)
class Points:
    """A drawing's points laid out flat, as the rendering reads them: every point's x and y, stroke after stroke,
    and the index just past each non-empty stroke.

    A server that has just checked a request's strokes builds this once (app.parsing), so that the numbers
    are walked in Python once per request, not once to check them and again to draw them.
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    ends: NDArray[np.intp]

    @classmethod
    def of(cls, strokes: Strokes) -> Points:
        """Return the points of `strokes` (lists of [x, y]); raise NoInkError when there is none."""
        flat = np.fromiter(chain.from_iterable(chain.from_iterable(strokes)), dtype=np.float64)
        return cls.from_flat(flat, map(len, strokes))

    @classmethod
    def from_flat(cls, coordinates: NDArray[np.float64], lengths: Iterable[int]) -> Points:
        """Return the points whose x, y pairs follow one another in `coordinates`, strokes of `lengths` points.

        Raises NoInkError when there is no point.
        """
        if not coordinates.size:
            raise NoInkError("no ink: the drawing has no points")
        # Running totals of a few small counts: cheaper in Python than converting them to an array first.
        ends = np.fromiter(accumulate(n for n in lengths if n), dtype=np.intp)
        return cls(coordinates[0::2], coordinates[1::2], ends)

    @property
    def count(self) -> int:
        """Return the number of points."""
        return self.x.size


Drawing = Strokes | Points
"""A drawing as render takes it: raw strokes, or their Points."""


@functools.lru_cache(maxsize=8)
def _pen(pen_width: float) -> tuple[NDArray[np.float32], NDArray[np.intp]]:
    """Return the pen's coverage table and the canvas offsets it covers.

    Row qy * SUBPIXEL + qx holds the coverage of the pixels around a pen whose centre lies at
    ((qx + 1/2) / SUBPIXEL, (qy + 1/2) / SUBPIXEL) within its pixel; column k is the pixel at
    flat canvas offset offsets[k] from that pixel.
    """
    reach = pen_width / 2 + 0.5
    # Pixels more than `reach` from the pen get no ink: from the pen's pixel, `half` to either side.
    half = int(np.ceil(reach - 0.5))
    steps = np.arange(-half, half + 1)
    within = (np.arange(SUBPIXEL) + 0.5) / SUBPIXEL
    apart = steps[None, :] + 0.5 - within[:, None]  # (position in pixel, neighbour): centre minus pen
    distance = np.hypot(apart[:, None, :, None], apart[None, :, None, :])  # (qy, qx, dy, dx)
    coverage = np.clip(reach - distance, 0, 1).astype(np.float32)
    offsets = (steps[:, None] * CANVAS + steps[None, :]).ravel()
    return coverage.reshape(SUBPIXEL * SUBPIXEL, -1), offsets


def _points_many(
    drawings: Sequence[Drawing],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.intp], NDArray[np.intp]]:
    """Return the points of several drawings, one after the other: x, y, the index just past each non-empty
    stroke, and the index of each drawing's first point followed by the number of points.

    Raises NoInkError when a drawing has no point.
    """
    points = [drawing if isinstance(drawing, Points) else Points.of(drawing) for drawing in drawings]
    if len(points) == 1:
        (only,) = points
        return only.x, only.y, only.ends, np.array([0, only.count], dtype=np.intp)
    firsts = np.fromiter(accumulate((p.count for p in points), initial=0), dtype=np.intp)
    x = np.concatenate([p.x for p in points])
    y = np.concatenate([p.y for p in points])
    ends = np.concatenate([p.ends + first for p, first in zip(points, firsts[:-1].tolist(), strict=True)])
    return x, y, ends, firsts


def _pen_positions(
    x: NDArray[np.float64], y: NDArray[np.float64], ends: NDArray[np.intp]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return where the pen goes down: every STEP along each stroke, and both ends of every stroke."""
    xs, ys = _pen_positions_many(x, y, ends, np.array([0, x.size]))
    return xs[0], ys[0]


def _pen_positions_many(
    x: NDArray[np.float64], y: NDArray[np.float64], ends: NDArray[np.intp], firsts: NDArray[np.intp]
) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
    """Return each drawing's pen positions, as _pen_positions gives them, for points laid out by _points_many."""
    step = np.hypot(x[1:] - x[:-1], y[1:] - y[:-1])
    step[ends[:-1] - 1] = 0.0  # the pen is lifted between strokes (and drawings): no ink from one to the next
    starts = np.concatenate(([0], ends[:-1]))
    stroke_firsts = np.searchsorted(starts, firsts)  # each drawing's first stroke, and then their number
    xs, ys = [], []
    for d in range(firsts.size - 1):
        first, last = firsts[d], firsts[d + 1]
        along = np.concatenate(([0.0], np.cumsum(step[first : last - 1])))
        at = np.arange(0.0, along[-1], max(STEP, along[-1] / MAX_PEN_DOWNS))
        strokes = slice(stroke_firsts[d], stroke_firsts[d + 1])
        tips = np.concatenate((starts[strokes], ends[strokes] - 1))
        xs.append(np.concatenate((np.interp(at, along, x[first:last]), x[tips])))
        ys.append(np.concatenate((np.interp(at, along, y[first:last]), y[tips])))
    return xs, ys


def _ink(
    x: NDArray[np.float64], y: NDArray[np.float64], owner: NDArray[np.intp] | int, count: int, pen_width: float
) -> NDArray[np.float32]:
    """Return `count` flat canvases, a pen disc at every (x, y) (output coordinates) on canvas `owner` of it."""
    coverage, offsets = _pen(pen_width)
    # Each pen centre in 1/SUBPIXEL-pixel cells of the canvas (times SUBPIXEL is exact in binary), then
    # split into the pixel it lies in and its place within that pixel: divmod by SUBPIXEL, a power of two,
    # as a shift and a mask (floor division and modulo for negative cells too), 4x cheaper than integer divmod.
    cells = np.floor(np.stack((y + PAD, x + PAD)) * SUBPIXEL).astype(np.intp)
    cell, within = cells >> _SUBPIXEL_BITS, cells & (SUBPIXEL - 1)
    where = cell[0] * CANVAS + cell[1]
    within = within[0] * SUBPIXEL + within[1]
    if count > 1:
        where += owner * (CANVAS * CANVAS)
    where = where[:, None] + offsets
    canvas = np.zeros(count * CANVAS * CANVAS, dtype=np.float32)
    np.maximum.at(canvas, where.ravel(), coverage[within].ravel())
    return canvas.reshape(count, CANVAS * CANVAS)


def render(strokes: Drawing, *, pen_width: float = PEN_WIDTH) -> NDArray[np.float32]:
    """Return the 28x28 float32 image in [0, 1] (0 background, 1 ink) of a drawing.

    `strokes` is a list of strokes, each a list of [x, y] points (y grows downward, any scale and
    offset), or their Points; a one-point stroke is a dot. Raises NoInkError when there is no point at all.
    """
    image: NDArray[np.float32] = render_many([strokes], pen_width=pen_width)[0]
    return image


def render_many(drawings: Sequence[Drawing], *, pen_width: float = PEN_WIDTH) -> NDArray[np.float32]:
    """Return the images of several drawings, (count, 28, 28) float32, each exactly as `render` makes it.

    The drawings' pen discs are put down together, one array operation for all of them, which is what
    makes a batch cheaper than its drawings one by one (app.batching renders the waiting drawings so).
    Raises NoInkError when a drawing has no point at all.
    """
    x, y, ends, firsts = _points_many(drawings)
    # Which drawing each point belongs to; for one drawing, its index alone (numpy broadcasts it).
    owner = np.repeat(np.arange(len(drawings)), firsts[1:] - firsts[:-1]) if len(drawings) > 1 else 0
    left, top = np.minimum.reduceat(x, firsts[:-1]), np.minimum.reduceat(y, firsts[:-1])
    extent = np.maximum(np.maximum.reduceat(x, firsts[:-1]) - left, np.maximum.reduceat(y, firsts[:-1]) - top)
    # The ink, pen width included, spans BOX_SIDE output pixels along its longer side (box_scale, for each).
    scale = (BOX_SIDE - pen_width) / np.where(extent > 0, extent, np.inf)  # a single point: scale 0
    xs, ys = _pen_positions_many((x - left[owner]) * scale[owner], (y - top[owner]) * scale[owner], ends, firsts)
    # The pen positions' mean is near the ink's centre of mass, but not on it where strokes overlap or end.
    centres = np.array([(x.sum() / x.size, y.sum() / y.size) for x, y in zip(xs, ys, strict=True)], dtype=np.float64)

    def draw(which: NDArray[np.intp], shifts: NDArray[np.float64]) -> NDArray[np.float32]:
        if which.size == 1:
            return _ink(xs[which[0]] + shifts[0, 0], ys[which[0]] + shifts[0, 1], 0, 1, pen_width)
        owner = np.repeat(np.arange(which.size), [xs[i].size for i in which])
        x = np.concatenate([xs[i] for i in which]) + shifts[owner, 0]
        y = np.concatenate([ys[i] for i in which]) + shifts[owner, 1]
        return _ink(x, y, owner, which.size, pen_width)

    return frame_many(draw, centres=centres.reshape(-1, 2))
