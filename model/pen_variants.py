"""Stroke-level variants of real pen digits, for the ways of writing that the pen data rarely shows.

People write a 0 with a slash through it (upright or leaning), a 7 with a bar across its stem, and a 1 with a flag and a base;
UNIPEN's writers seldom do, and those are among the digits the network misreads most. Each variant adds
the stroke a person would add to a real drawing of the training writers, so every other feature of it
(the writer's slant, wobble and proportions) stays real. The added stroke's size and angle vary a little,
from a generator seeded by the caller, so a run stays reproducible.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model.preprocess import Strokes

Stroke = list[list[float]]


def _box(strokes: Strokes) -> tuple[float, float, float, float]:
    """Return the ink's (left, top, width, height) in the drawing's own units."""
    points = np.array([point for stroke in strokes for point in stroke], dtype=np.float64)
    left, top = points.min(axis=0)
    right, bottom = points.max(axis=0)
    return float(left), float(top), float(right - left), float(bottom - top)


def slashed_zero(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a slash through the 0's centre, from upright (ϕ) to leaning right (ø), reaching past its ink."""
    left, top, width, height = _box(strokes)
    lean = np.tan(np.radians(rng.uniform(0, 45)))  # columns rightward per row upward
    reach = height * (0.5 + rng.uniform(0.0, 0.3))  # half the slash's height
    x, y = left + width / 2, top + height / 2
    return [[x - lean * reach, y + reach], [x + lean * reach, y - reach]]


def barred_seven(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a short bar across the 7's stem, a little below half its height."""
    _, top, width, height = _box(strokes)
    points = np.array([point for stroke in strokes for point in stroke], dtype=np.float64)
    level = top + rng.uniform(0.45, 0.65) * height
    # The stem is the ink nearest that level that is not the top bar: the points closest to it in height.
    near = points[np.argsort(np.abs(points[:, 1] - level))[:3]]
    x = float(near[:, 0].mean())
    half = rng.uniform(0.15, 0.25) * max(width, 0.6 * height)
    tilt = rng.uniform(-0.05, 0.05) * height
    return [[x - half, level + tilt], [x + half, level - tilt]]


def flagged_one(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a flag from the top of the 1 down to its left, as Europeans write it."""
    points = np.array([point for stroke in strokes for point in stroke], dtype=np.float64)
    _, _, _, height = _box(strokes)
    tip = points[points[:, 1].argmin()]
    length = rng.uniform(0.25, 0.45) * height
    angle = np.radians(rng.uniform(25, 55))  # below the horizontal, to the left
    return [
        [float(tip[0]), float(tip[1])],
        [float(tip[0] - length * np.cos(angle)), float(tip[1] + length * np.sin(angle))],
    ]


def based_one(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a base under the 1: a short horizontal line centred on its foot."""
    points = np.array([point for stroke in strokes for point in stroke], dtype=np.float64)
    _, _, _, height = _box(strokes)
    foot = points[points[:, 1].argmax()]
    half = rng.uniform(0.15, 0.25) * height
    return [[float(foot[0] - half), float(foot[1])], [float(foot[0] + half), float(foot[1])]]


VARIANTS: dict[int, list[tuple[Callable[[Strokes, np.random.Generator], Stroke], ...]]] = {
    0: [(slashed_zero,)],
    1: [(flagged_one,), (flagged_one, based_one)],
    7: [(barred_seven,)],
}
"""For each digit, the variants made of each drawing: each a tuple of the strokes to add."""

PLAIN_ONE_ASPECT = 0.25
"""A 1 whose ink is wider than this share of its height has a flag or a base already: no variant."""


def variants(strokes: Strokes, label: int, rng: np.random.Generator) -> list[list[Stroke]]:
    """Return the variants of one drawing of `label` (none for most digits), each a new list of strokes."""
    if label not in VARIANTS or not any(len(stroke) for stroke in strokes):
        return []
    _, _, width, height = _box(strokes)
    if height <= 0 or (label == 1 and width > PLAIN_ONE_ASPECT * height):
        return []
    original = [[list(map(float, point)) for point in stroke] for stroke in strokes if len(stroke)]
    return [original + [add(strokes, rng) for add in additions] for additions in VARIANTS[label]]
