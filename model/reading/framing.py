"""The last steps of MNIST's recipe, shared by every kind of input (pen strokes and pictures).

MNIST's digits were scaled, keeping their aspect ratio, so that the longer side of the ink fits a
20x20 box, and placed in a 28x28 image so that the ink's centre of mass is at the centre. Strokes
(model.reading.strokes) and pictures (model.reading.pictures.pipeline) each know how to draw their ink at a given scale and
offset; `box_scale` says at what scale, and `frame` places the ink and returns the 28x28 image.

Ink is drawn on a working canvas a little larger than the 28x28 frame, so that ink beyond the frame
(a long tail pulls the centre of mass away from the middle of the box) is measured and then cut off
at the frame's edge, never wrapped round.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from model.constants import BOX_SIDE, IMAGE_SIDE

CENTRE = IMAGE_SIDE / 2 + 0.5
"""Where the centre of mass is put, in continuous pixel coordinates (pixel i spans [i, i+1)).

The middle of pixel 14, not the corner between pixels 13 and 14: measured on the 60,000 MNIST
training images, the mean centre of mass is 14.50 (sd 0.29) on both axes.
"""

CENTRING_TOLERANCE = 0.1
"""Pixels the centre of mass may miss the centre by before the ink is placed again."""

PAD = BOX_SIDE - IMAGE_SIDE // 2 + 2
"""Room around the 28x28 frame on the working canvas, so that all the ink lands on it.

The ink spans at most BOX_SIDE, and a point within it is put at the centre, so the ink stays within
BOX_SIDE - IMAGE_SIDE/2 pixels beyond the frame; a pen disc or a resampling filter reaches one pixel
further, and one more is spare.
"""

CANVAS = IMAGE_SIDE + 2 * PAD
"""Side of the working canvas, in output pixels."""

_CANVAS_Y, _CANVAS_X = np.indices((CANVAS, CANVAS), dtype=np.float32).reshape(2, -1) + np.float32(0.5 - PAD)
"""Each canvas pixel's centre in output coordinates, in the order of the flat canvas."""

Draw = Callable[[float, float], NDArray[np.float32]]
"""Draws the ink moved by (dx, dy) output pixels and returns the flat CANVAS x CANVAS canvas.

Output coordinates: the 28x28 frame spans [0, IMAGE_SIDE) on both axes and the canvas starts at -PAD.
"""


def box_scale(width: float, height: float, *, box: float = BOX_SIDE) -> float:
    """Return the scale that makes the longer of `width` and `height` span `box` output pixels (0 for a point)."""
    extent = max(width, height)
    return box / extent if extent > 0 else 0.0


def miss(canvas: NDArray[np.float32]) -> tuple[float, float]:
    """Return how far the flat canvas's centre of mass is from the centre, as (dx, dy) to move it by."""
    total = float(canvas.sum(dtype=np.float64))
    return CENTRE - float(canvas @ _CANVAS_X) / total, CENTRE - float(canvas @ _CANVAS_Y) / total


DrawMany = Callable[[NDArray[np.intp], NDArray[np.float64]], NDArray[np.float32]]
"""Draws the inks of the drawings `which`, each moved by its row (dx, dy) of the shifts, and returns
their flat CANVAS x CANVAS canvases, one per row."""


def frame(draw: Draw, *, centre: tuple[float, float]) -> NDArray[np.float32]:
    """Return the 28x28 float32 image of the ink with its centre of mass at CENTRE.

    `draw` draws the ink already scaled (by box_scale); `centre` is an estimate of where its centre of
    mass lies when drawn unmoved. The ink is drawn with that estimate at the centre, measured, and if
    the centre of mass missed by more than CENTRING_TOLERANCE, drawn again moved by the miss.
    """
    image: NDArray[np.float32] = frame_many(
        lambda _, shifts: draw(*shifts[0])[None], centres=np.array([centre], dtype=np.float64)
    )[0]
    return image


def frame_many(draw: DrawMany, *, centres: NDArray[np.float64]) -> NDArray[np.float32]:
    """Return the 28x28 float32 images of several inks, each as `frame` places it: (count, 28, 28).

    `draw` draws any of the inks (see DrawMany); `centres` holds each ink's estimated centre of mass,
    one (x, y) row per ink. The inks are drawn together, and those that missed drawn again together.
    """
    shifts = CENTRE - centres
    canvases = draw(np.arange(len(centres)), shifts)
    # A few inks at a time: plain Python over their misses costs less than array calls on a (count, 2) array.
    misses = [miss(canvas) for canvas in canvases]
    again = [i for i, (dx, dy) in enumerate(misses) if max(abs(dx), abs(dy)) > CENTRING_TOLERANCE]
    if again:
        which = np.array(again, dtype=np.intp)
        canvases[which] = draw(which, shifts[which] + np.array([misses[i] for i in again], dtype=np.float64))
    squares = canvases.reshape(-1, CANVAS, CANVAS)[:, PAD : PAD + IMAGE_SIDE, PAD : PAD + IMAGE_SIDE]
    return np.ascontiguousarray(squares)
