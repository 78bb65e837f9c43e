"""Stroke-level variants of real pen digits, for the ways of writing that the pen data rarely shows.

People write a 0 with a slash through it (upright or leaning), a 4 closed at the top, a 7 with a bar across its stem,
a 9 with a hook at its foot, and a 1 with a flag and a base;
UNIPEN's writers seldom do, and those are among the digits the network misreads most. Each variant adds
the stroke a person would add to a real drawing of the training writers, so every other feature of it
(the writer's slant, wobble and proportions) stays real. The added stroke's size and angle vary a little,
from a generator seeded by the caller, so a run stays reproducible.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from model.reading.strokes import Strokes

Stroke = list[list[float]]


def _points(strokes: Strokes) -> NDArray[np.float64]:
    """Return every point of the drawing, stroke after stroke, as an (n, 2) array of (x, y)."""
    return np.array([point for stroke in strokes for point in stroke], dtype=np.float64)


def _box(strokes: Strokes) -> tuple[float, float, float, float]:
    """Return the ink's (left, top, width, height) in the drawing's own units."""
    points = _points(strokes)
    left, top = points.min(axis=0)
    right, bottom = points.max(axis=0)
    return float(left), float(top), float(right - left), float(bottom - top)


def slashed_zero(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a slash through the 0's centre, from upright (ϕ) to leaning right (ø), reaching past its ink."""
    left, top, width, height = _box(strokes)
    lean = np.tan(np.radians(rng.uniform(0, 45)))  # columns rightward per row upward
    # Half the slash's height: from just past the 0's ink to a long stem through a small ring (ϕ).
    reach = height * rng.uniform(0.55, 1.2)
    x, y = left + width / 2, top + height / 2
    return [[x - lean * reach, y + reach], [x + lean * reach, y - reach]]


def barred_seven(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a short bar across the 7's stem, a little below half its height."""
    _, top, width, height = _box(strokes)
    points = _points(strokes)
    level = top + rng.uniform(0.45, 0.65) * height
    # The stem is the ink nearest that level that is not the top bar: the points closest to it in height.
    near = points[np.argsort(np.abs(points[:, 1] - level))[:3]]
    x = float(near[:, 0].mean())
    half = rng.uniform(0.15, 0.25) * max(width, 0.6 * height)
    tilt = rng.uniform(-0.05, 0.05) * height
    return [[x - half, level + tilt], [x + half, level - tilt]]


def flagged_one(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a flag from the top of the 1 down to its left, as Europeans write it."""
    points = _points(strokes)
    _, _, _, height = _box(strokes)
    tip = points[points[:, 1].argmin()]
    # Short and steep: a long, nearly level flag is a 7's bar (MNIST's short-barred 7s were read as 1s).
    length = rng.uniform(0.2, 0.35) * height
    angle = np.radians(rng.uniform(40, 65))  # below the horizontal, to the left
    return [
        [float(tip[0]), float(tip[1])],
        [float(tip[0] - length * np.cos(angle)), float(tip[1] + length * np.sin(angle))],
    ]


def based_one(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a base under the 1: a short horizontal line centred on its foot."""
    points = _points(strokes)
    _, _, _, height = _box(strokes)
    foot = points[points[:, 1].argmax()]
    half = rng.uniform(0.15, 0.25) * height
    return [[float(foot[0] - half), float(foot[1])], [float(foot[0] + half), float(foot[1])]]


STEM_ASPECT = 3.0
"""A stroke at least this many times taller than wide is a 4's stem."""

MIN_ARM_LEAN = 0.35
"""The least lean (columns per row) of an open 4's arm that closing turns into a triangle, not a 9."""

MIN_BAR_OVERHANG = 0.2
"""The least share of a 4's bar that must reach past its stem for the closed shape to stay a 4."""


def closed_four(strokes: Strokes, rng: np.random.Generator) -> Stroke | None:
    """Return a stroke closing an open 4's top, from the top of its L to its stem; None if it has no such two parts.

    Many people write 4 closed, as a triangle on the stem; UNIPEN's writers mostly leave it open.
    """
    parts = [np.array(stroke, dtype=np.float64) for stroke in strokes if len(stroke) > 1]
    if len(parts) != 2:
        return None
    sizes = [part.max(axis=0) - part.min(axis=0) for part in parts]
    stems = [i for i, (width, height) in enumerate(sizes) if height >= STEM_ASPECT * max(width, 1e-9)]
    if len(stems) != 1:
        return None
    stem, bent = parts[stems[0]], parts[1 - stems[0]]
    start = bent[bent[:, 1].argmin()]  # the L's top
    corner = bent[bent[:, 0].argmin()]  # where its arm meets the bar
    top = stem[stem[:, 1].argmin()]
    # Only an arm that leans toward the stem closes into a triangle: closing an upright arm makes a 9.
    if not corner[0] < start[0] < top[0] or start[0] - corner[0] < MIN_ARM_LEAN * (corner[1] - start[1]):
        return None
    # The bar must cross the stem: a closed top over a bar that stops at the stem reads as a 9.
    bar_end = float(bent[:, 0].max())
    if bar_end - float(stem[:, 0].mean()) < MIN_BAR_OVERHANG * (bar_end - float(corner[0])):
        return None
    # Meet the stem a little below its top, as a hand closing the shape does, and sometimes overshoot it.
    height = float(stem[:, 1].max() - top[1])
    meet = [float(top[0] + rng.uniform(-0.02, 0.1) * height), float(top[1] + rng.uniform(0.0, 0.15) * height)]
    return [[float(start[0]), float(start[1])], meet]


def hooked_nine(strokes: Strokes, rng: np.random.Generator) -> Stroke:
    """Return a hook at the foot of a 9's stem, curling to the left and a little up, as many people end it."""
    points = _points(strokes)
    _, _, _, height = _box(strokes)
    foot = points[points[:, 1].argmax()]
    width = rng.uniform(0.15, 0.3) * height
    rise = rng.uniform(0.0, 0.12) * height
    # Down a little, round to the left, then up: three legs of a shallow curve.
    return [
        [float(foot[0]), float(foot[1])],
        [float(foot[0] - 0.4 * width), float(foot[1] + 0.06 * height)],
        [float(foot[0] - width), float(foot[1] - rise)],
    ]


Addition = Callable[[Strokes, np.random.Generator], Stroke | None]
"""Makes the stroke a variant adds, or None where the drawing has nothing for it to attach to."""

VARIANTS: dict[int, list[tuple[Addition, ...]]] = {
    0: [(slashed_zero,)],
    1: [(flagged_one,), (flagged_one, based_one)],
    4: [(closed_four,)],
    7: [(barred_seven,)],
    9: [(hooked_nine,)],
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
    made = []
    for additions in VARIANTS[label]:
        added = [add(strokes, rng) for add in additions]
        if all(stroke is not None for stroke in added):
            made.append(original + [stroke for stroke in added if stroke is not None])
    return made
