"""Raw pen strokes to the 28x28 greyscale image the network reads, the way MNIST was made.

MNIST's digits were scaled, keeping their aspect ratio, so that the longer side of the ink fits a
20x20 box, anti-aliased, and placed in a 28x28 image so that the ink's centre of mass is at the
centre. Strokes are drawn here the same way: lines with round caps and joins whose width is a fixed
fraction of the box, so every drawing gets MNIST's stroke width whatever size it was drawn at.
This is the only preprocessing in the product; the page sends raw points.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from model.constants import BOX_SIDE, IMAGE_SIDE

SUPERSAMPLE = 4
"""Strokes are drawn at 4x the output resolution, then each 4x4 block is averaged (anti-aliasing)."""

PEN_WIDTH = 2.2
"""Stroke width in output pixels, like MNIST's typical stroke when the digit spans BOX_SIDE pixels."""

CENTRE = IMAGE_SIDE / 2 + 0.5
"""Where the centre of mass is put, in continuous pixel coordinates (pixel i spans [i, i+1)).

The middle of pixel 14, not the corner between pixels 13 and 14: measured on the 60,000 MNIST
training images, the mean centre of mass is 14.50 (sd 0.29) on both axes.
"""

Strokes = Sequence[Sequence[Sequence[float]]]


class NoInkError(ValueError):
    """The drawing has no points, so there is nothing to read."""


JOIN_ANGLE = np.radians(12)
"""Turns sharper than this get a round join; gentler ones leave a gap under 1/10 of an output pixel."""


def _points(strokes: Strokes) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Return every point as one (n, 2) array, and the index where each non-empty stroke starts."""
    lengths = [len(stroke) for stroke in strokes]
    flat = [point for stroke in strokes for point in stroke]
    if not flat:
        raise NoInkError("no ink: the drawing has no points")
    points = np.array(flat, dtype=np.float64).reshape(-1, 2)
    ends = np.cumsum([n for n in lengths if n])
    return points, np.concatenate(([0], ends[:-1])).astype(np.intp)


def _thin_out(xy: NDArray[np.float64], starts: NDArray[np.intp], spacing: float) -> NDArray[np.bool_]:
    """Return which points to keep: the ends of every stroke, and one point per `spacing` along it.

    Pointing devices send points far denser than 28x28 pixels can show; fewer points, less drawing.
    """
    keep = np.zeros(len(xy), dtype=bool)
    step = np.hypot(*np.diff(xy, axis=0).T)
    bucket = np.floor(np.concatenate(([0.0], np.cumsum(step))) / spacing)
    keep[1:] = bucket[1:] != bucket[:-1]
    keep[starts] = True
    keep[starts[1:] - 1] = True
    keep[-1] = True
    return keep


def _needs_disc(xy: NDArray[np.float64], first: NDArray[np.bool_], last: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Return which points need a disc: both ends of every stroke, and joints turning more than JOIN_ANGLE."""
    needs = first | last
    if len(xy) > 2:
        before = xy[1:-1] - xy[:-2]
        after = xy[2:] - xy[1:-1]
        cross = before[:, 0] * after[:, 1] - before[:, 1] * after[:, 0]
        turn = np.abs(np.arctan2(cross, (before * after).sum(axis=1)))
        needs[1:-1] |= turn > JOIN_ANGLE
    return needs


def render(strokes: Strokes, *, pen_width: float = PEN_WIDTH) -> NDArray[np.float32]:
    """Return the 28x28 float32 image in [0, 1] (0 background, 1 ink) of a drawing.

    `strokes` is a list of strokes, each a list of [x, y] points (y grows downward, any scale and
    offset); a one-point stroke is a dot. Raises NoInkError when there is no point at all.
    """
    points, starts = _points(strokes)
    low = points.min(axis=0)
    span = points.max(axis=0) - low
    extent = float(span.max())

    # Scale so that the ink, line width included, spans BOX_SIDE output pixels along its longer side.
    pen = pen_width * SUPERSAMPLE
    radius = pen / 2
    scale = (BOX_SIDE * SUPERSAMPLE - pen) / extent if extent > 0 else 0.0
    margin = radius + 1
    xy = (points - low) * scale + margin
    keep = _thin_out(xy, starts, spacing=radius / 2)
    first = np.zeros(len(xy), dtype=bool)
    first[starts] = True
    last = np.empty_like(first)
    last[:-1] = first[1:]
    last[-1] = True
    xy, first, last = xy[keep], first[keep], last[keep]
    discs = _needs_disc(xy, first, last)

    width, height = (np.ceil(span * scale + 2 * margin)).astype(int).tolist()
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    line_width = max(1, round(pen))
    bounds = [*np.flatnonzero(first).tolist(), len(xy)]
    for begin, end in itertools.pairwise(bounds):
        if end - begin > 1:
            draw.line(xy[begin:end].ravel().tolist(), fill=255, width=line_width)
    # Round caps, and round joins where the line turns: a disc of the pen's diameter there.
    # Where it runs nearly straight, the segments already overlap and a disc adds no ink.
    for x, y in xy[discs].tolist():
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)

    ink = np.frombuffer(canvas.tobytes(), dtype=np.uint8).reshape(height, width)
    row_mass = ink.sum(axis=1, dtype=np.float64)
    col_mass = ink.sum(axis=0, dtype=np.float64)
    total = float(row_mass.sum())
    com_y = float(row_mass @ (np.arange(height) + 0.5)) / total
    com_x = float(col_mass @ (np.arange(width) + 0.5)) / total

    # Paste so that the centre of mass lands on the centre (to 1/SUPERSAMPLE of a pixel; ink falling
    # outside is clipped), then average each SUPERSAMPLE x SUPERSAMPLE block into one output pixel.
    full = Image.new("L", (IMAGE_SIDE * SUPERSAMPLE, IMAGE_SIDE * SUPERSAMPLE), 0)
    full.paste(canvas, (round(CENTRE * SUPERSAMPLE - com_x), round(CENTRE * SUPERSAMPLE - com_y)))
    small = np.frombuffer(full.reduce(SUPERSAMPLE).tobytes(), dtype=np.uint8)
    image = small.reshape(IMAGE_SIDE, IMAGE_SIDE) * np.float32(1 / 255)
    return image
