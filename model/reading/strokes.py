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
    and where each non-empty stroke begins and ends.

    A server that has just checked a request's strokes builds this once (app.parsing), so that the numbers
    are walked in Python once per request, not once to check them and again to draw them.
    """

    xy: NDArray[np.float64]
    """The points as two rows, x then y: (2, count)."""
    tips: NDArray[np.intp]
    """The index of each stroke's first point, then of each stroke's last point (where the pen goes down and up)."""

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
        ends = list(accumulate(n for n in lengths if n))
        tips = [0, *ends[:-1], *(end - 1 for end in ends)]
        # Rows, not columns, so that each coordinate's reductions run over contiguous memory (3x faster).
        return cls(np.ascontiguousarray(coordinates.reshape(-1, 2).T), np.array(tips, dtype=np.intp))

    @property
    def lasts(self) -> NDArray[np.intp]:
        """Return the index of each stroke's last point."""
        lasts: NDArray[np.intp] = self.tips[self.tips.size // 2 :]
        return lasts

    @property
    def count(self) -> int:
        """Return the number of points."""
        return int(self.xy.shape[1])


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


def _pen_positions(points: Points, pen_width: float) -> NDArray[np.float64]:
    """Return where the pen goes down, in output pixels, as two rows (x, y): every STEP along each stroke, and
    both ends of every stroke.

    The drawing is scaled so that its ink, pen width included, spans BOX_SIDE output pixels along its longer
    side, and moved so that its top left point is at the origin.
    """
    xy, tips = points.xy, points.tips
    low, high = np.minimum.reduce(xy, axis=1), np.maximum.reduce(xy, axis=1)
    extent = max(high[0] - low[0], high[1] - low[1])
    scaled = xy - low[:, None]
    scaled *= (BOX_SIDE - pen_width) / extent if extent > 0 else 0.0  # a single point: 0
    apart = scaled[:, 1:] - scaled[:, :-1]
    step = np.hypot(apart[0], apart[1])
    step[points.lasts[:-1]] = 0.0  # the pen is lifted between strokes: no ink from one to the next
    along = np.empty(xy.shape[1])
    along[0] = 0.0
    np.add.accumulate(step, out=along[1:])
    at = np.arange(0.0, along[-1], max(STEP, along[-1] / MAX_PEN_DOWNS))
    positions = np.empty((2, at.size + tips.size))
    positions[0, : at.size] = np.interp(at, along, scaled[0])
    positions[1, : at.size] = np.interp(at, along, scaled[1])
    positions[:, at.size :] = scaled[:, tips]
    return positions


def _ink(
    positions: NDArray[np.float64], owner: NDArray[np.intp] | None, count: int, pen_width: float
) -> NDArray[np.float32]:
    """Return `count` flat canvases, a pen disc at every (x, y) column of `positions`, on canvas `owner` of it (all
    on the one canvas when `owner` is None).

    `positions` are in canvas coordinates, output pixels from the canvas's top left corner (output coordinates
    plus PAD); they are overwritten.
    """
    coverage, offsets = _pen(pen_width)
    # Each pen centre in 1/SUBPIXEL-pixel cells of the canvas (times SUBPIXEL is exact in binary), then
    # split into the pixel it lies in and its place within that pixel: divmod by SUBPIXEL, a power of two,
    # as a shift and a mask, 4x cheaper than integer divmod.
    positions *= SUBPIXEL
    # Truncation is the floor here: every pen centre lies well inside the canvas, at positive coordinates.
    cells = positions.astype(np.intp)
    cell, within = cells >> _SUBPIXEL_BITS, cells & (SUBPIXEL - 1)
    where = cell[1] * CANVAS + cell[0]
    if owner is not None:
        where += owner * (CANVAS * CANVAS)
    canvas = np.zeros(count * CANVAS * CANVAS, dtype=np.float32)
    np.maximum.at(canvas, (where[:, None] + offsets).ravel(), coverage[within[1] * SUBPIXEL + within[0]].ravel())
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
    positions = [
        _pen_positions(drawing if isinstance(drawing, Points) else Points.of(drawing), pen_width)
        for drawing in drawings
    ]
    # The pen positions' mean is near the ink's centre of mass, but not on it where strokes overlap or end.
    centres = np.array([np.add.reduce(p, axis=1) / p.shape[1] for p in positions], dtype=np.float64)

    def draw(which: NDArray[np.intp], shifts: NDArray[np.float64]) -> NDArray[np.float32]:
        # Into canvas coordinates: the shift and PAD added as one number, which rounds differently from adding
        # them in turn only a few times in 1e16, and never changed an image of the 5,300 drawings checked.
        if which.size == 1:
            return _ink(positions[which[0]] + (shifts[0] + PAD)[:, None], None, 1, pen_width)
        sizes = [positions[i].shape[1] for i in which]
        owner = np.repeat(np.arange(which.size), sizes)
        moved = np.concatenate([positions[i] for i in which], axis=1) + (shifts + PAD)[owner].T
        return _ink(moved, owner, which.size, pen_width)

    return frame_many(draw, centres=centres)
