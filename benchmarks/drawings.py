"""The benchmarks' drawings: hand-like pen strokes of a few digits, in canvas pixels of a ~300 px pad."""

from __future__ import annotations

import math
import random
from typing import Any


def _line(start: tuple[float, float], end: tuple[float, float], count: int) -> list[tuple[float, float]]:
    """Return `count` points from `start` to `end`, evenly spaced."""
    (x0, y0), (x1, y1) = start, end
    return [(x0 + (x1 - x0) * i / (count - 1), y0 + (y1 - y0) * i / (count - 1)) for i in range(count)]


def _arc(
    centre: tuple[float, float], radius: tuple[float, float], degrees: tuple[float, float], count: int
) -> list[tuple[float, float]]:
    """Return `count` points along an elliptic arc (angles in degrees, y downward as on a canvas)."""
    (cx, cy), (rx, ry), (a0, a1) = centre, radius, degrees
    angles = [math.radians(a0 + (a1 - a0) * i / (count - 1)) for i in range(count)]
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def _hand(points: list[tuple[float, float]], rng: random.Random, wobble: float) -> list[list[float]]:
    """Return the points as a hand on a canvas gives them: slightly wobbly, rounded to 0.01 CSS pixel."""
    return [[round(x + rng.uniform(-wobble, wobble), 2), round(y + rng.uniform(-wobble, wobble), 2)] for x, y in points]


def drawing(digit: int = 4, *, seed: int = 0, scale: float = 1.0, shift: tuple[float, float] = (0.0, 0.0)) -> Any:
    """Return a hand-like drawing of `digit` (4, 5, 7 or 1): a list of strokes of [x, y] points.

    The 4 is the benchmarks' typical request: 3 strokes, 150 points in all (about 3.5 px apart, as
    pointer events give them for a brisk stroke).
    """
    rng = random.Random(seed)
    shapes = {
        4: [_line((160, 40), (62, 195), 50), _line((55, 196), (235, 190), 50), _line((182, 70), (176, 290), 50)],
        5: [
            _line((95, 50), (86, 140), 26) + _arc((140, 195), (70, 65), (-130, 150), 70),
            _line((98, 48), (215, 44), 34),
        ],
        7: [_line((60, 50), (230, 52), 48) + _line((230, 52), (120, 290), 70), _line((110, 170), (200, 166), 26)],
        1: [_line((130, 70), (160, 40), 12) + _line((160, 40), (152, 290), 72)],
    }
    dx, dy = shift
    return [_hand([(x * scale + dx, y * scale + dy) for x, y in stroke], rng, wobble=0.8) for stroke in shapes[digit]]


def pixels_of(strokes: Any) -> list[list[float]]:
    """Return the 28x28 image the server would make of `strokes` (via model.reading.strokes), rounded for JSON."""
    from model.reading.strokes import render  # the project is installed (editable) in the venv

    return [[round(float(v), 4) for v in row] for row in render(strokes)]
