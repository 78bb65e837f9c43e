"""Raw pen strokes to the 28x28 greyscale image the network reads, the way MNIST was made.

MNIST's digits were scaled, keeping their aspect ratio, so that the longer side of the ink fits a
20x20 box, anti-aliased, and placed in a 28x28 image so that the ink's centre of mass is at the
centre. Strokes are drawn here the same way: lines with round caps and joins whose width is a fixed
fraction of the box, so every drawing gets MNIST's stroke width whatever size it was drawn at.
This is the only preprocessing in the product; the page sends raw points.
"""

from __future__ import annotations

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


def _as_arrays(strokes: Strokes) -> list[NDArray[np.float64]]:
    """Return each non-empty stroke as an (n, 2) float array of [x, y] points."""
    arrays = []
    for stroke in strokes:
        if len(stroke) == 0:
            continue
        points = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
        arrays.append(points)
    return arrays


def render(strokes: Strokes, *, pen_width: float = PEN_WIDTH) -> NDArray[np.float32]:
    """Return the 28x28 float32 image in [0, 1] (0 background, 1 ink) of a drawing.

    `strokes` is a list of strokes, each a list of [x, y] points (y grows downward, any scale and
    offset); a one-point stroke is a dot. Raises NoInkError when there is no point at all.
    """
    arrays = _as_arrays(strokes)
    if not arrays:
        raise NoInkError("no ink: the drawing has no points")
    every = np.concatenate(arrays)
    low = every.min(axis=0)
    extent = float((every.max(axis=0) - low).max())

    # Scale so that the ink, line width included, spans BOX_SIDE output pixels along its longer side.
    pen = pen_width * SUPERSAMPLE
    box = BOX_SIDE * SUPERSAMPLE
    scale = (box - pen) / extent if extent > 0 else 0.0
    margin = pen / 2 + 1
    size = (every.max(axis=0) - low) * scale + 2 * margin
    canvas = Image.new("L", (int(np.ceil(size[0])), int(np.ceil(size[1]))), 0)
    draw = ImageDraw.Draw(canvas)
    radius = pen / 2
    width = max(1, round(pen))
    for points in arrays:
        xy = (points - low) * scale + margin
        flat = xy.ravel().tolist()
        if len(points) > 1:
            draw.line(flat, fill=255, width=width)
        # Round caps and joins: a disc of the pen's diameter at every point.
        for x, y in zip(flat[::2], flat[1::2], strict=True):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)

    ink = np.asarray(canvas, dtype=np.float32)
    total = float(ink.sum())
    rows = ink.sum(axis=1)
    cols = ink.sum(axis=0)
    com_y = float(rows @ (np.arange(rows.size) + 0.5)) / total
    com_x = float(cols @ (np.arange(cols.size) + 0.5)) / total

    # Paste so that the centre of mass lands on the centre (to 1/SUPERSAMPLE of a pixel), then average.
    full = Image.new("L", (IMAGE_SIDE * SUPERSAMPLE, IMAGE_SIDE * SUPERSAMPLE), 0)
    centre = CENTRE * SUPERSAMPLE
    full.paste(canvas, (round(centre - com_x), round(centre - com_y)))
    small = full.reduce(SUPERSAMPLE)
    image = np.asarray(small, dtype=np.float32)
    image *= 1 / 255
    return image
