"""A picture's ink, given its paper (model.reading.pictures.paper): how strong each pixel's ink is, and its coverage.

1. Strength: how much darker than its local paper a pixel is, relative to that paper, since a
   shadow dims ink and paper alike; 0 on the paper, 1 for black ink.
2. Coverage: soft, from a floor above the paper's noise to the ink's typical strength.
3. Faint strokes are kept whole: from the pixels above that floor, the ink grows into connected
   pixels that are weaker but still clearly above the noise (a lower floor), so that the part of a
   stroke a blur or a light pen left faint stays joined to the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from model.reading.errors import NoInkError
from model.reading.pictures.paper import Paper, sample
from model.reading.pictures.quantiles import median, middle_values, percentile

NOISE_FLOOR: Final = 4.0
"""Ink starts this many standard deviations of the paper's noise above the paper."""

FAINT_FLOOR: Final = 2.5
"""...and where it joins such ink, this many: a faint part of a stroke grows from its stronger parts."""

GROWTH_STEPS: Final = 24
"""Faint ink grows at most this many pixels from the ink it joins."""

MIN_CONTRAST: Final = 0.08
"""Ink must be at least this much (relative) darker than its paper: below it the picture is blank."""

MIN_SIGNAL: Final = 8.0
"""...and this many standard deviations of the paper's noise: a page of noise alone has no ink."""

FULL_INK: Final = 90
"""The ink's typical strength is this percentile of the strengths clearly above the paper."""


@dataclass(frozen=True)
class Ink:
    """The ink found in a picture, before the digit is told from specks and shadows."""

    strength: NDArray[np.float32]
    """How much darker than its paper each pixel is, relative to it (0 on the paper, 1 for black ink)."""
    coverage: NDArray[np.float32]
    """Each pixel's ink coverage in [0, 1]."""
    floor: float
    """The strength below which a pixel is paper."""


def ink_strength(paper: Paper) -> tuple[NDArray[np.float32], np.float32]:
    """Return each pixel's ink strength (about 0 on the paper, up to 1 for black ink), and the median of
    its `sample` (the paper's)."""
    relative = paper.level - paper.image
    relative /= np.maximum(paper.level, np.float32(0.05))
    strength: NDArray[np.float32] = relative.astype(np.float32, copy=False)
    middle = middle_values(sample(strength))
    if middle is None:  # a value is not a number, and so is the median
        middle = np.array([np.nan], dtype=np.float32)
    # The closing sits on the top of the paper's noise: move the paper (the median pixel) back to 0.
    shift = np.float32(max(0.0, float(np.mean(middle))))
    strength -= shift
    # Every value moved by the same amount keeps its order: the middle values moved are the new median's.
    return strength, np.float32(np.mean(middle - shift))


def noise_level(strength: NDArray[np.float32], centre: np.float32) -> float:
    """Return the standard deviation of the paper's noise (from the median absolute deviation about
    `centre`, the median of the strength's `sample`)."""
    deviation = sample(strength) - centre
    return float(1.4826 * median(np.abs(deviation, out=deviation)))


def _typical(values: NDArray[np.float32], floor: float) -> float:
    """Return the ink's typical strength among `values` (FULL_INK of those clearly above the paper);
    NoInkError when it is too faint to be ink."""
    candidates = values[values > max(floor, MIN_CONTRAST)]
    full = float(percentile(candidates, FULL_INK)) if candidates.size else 0.0
    if full < MIN_CONTRAST or full <= floor:
        raise NoInkError("no ink: the picture is blank")
    return full


def _covered(strength: NDArray[np.float32], floor: float, full: float) -> NDArray[np.float32]:
    """Return coverage from strength: 0 up to `floor`, 1 from `full`, linear between."""
    inked: NDArray[np.float32] = strength - floor  # float32, as is every step below: in place, no copies
    inked /= full - floor
    return np.clip(inked, 0, 1, out=inked)


def soft(strength: NDArray[np.float32], floor: float, within: NDArray[np.bool_] | None = None) -> NDArray[np.float32]:
    """Return coverage: 0 up to `floor`, 1 from the ink's typical strength (measured `within`, if given)."""
    values = strength[within] if within is not None else sample(strength)
    return _covered(strength, floor, _typical(values, floor))


def soft_within(strength: NDArray[np.float32], floor: float, within: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Return soft(strength, floor, within) within `within` and 0 elsewhere, worked out on those pixels alone."""
    values = strength[within]
    coverage = np.zeros_like(strength)
    coverage[within] = _covered(values, floor, _typical(values, floor))
    return coverage


ONE: Final = np.uint64(1)
TOP: Final = np.uint64(63)
"""A packed row's shifts: by one column, and from a word's last column to the next word's first."""


def packed(mask: NDArray[np.bool_]) -> NDArray[np.uint64]:
    """Return the mask's rows as bits, 64 columns to a word: column c is bit c % 64 of word c // 64, with
    at least one column beyond the mask's (0) at the end of every row."""
    height, width = mask.shape
    words = np.zeros((height, (width // 64 + 1) * 8), dtype=np.uint8)
    words[:, : -(-width // 8)] = np.packbits(mask, axis=1, bitorder="little")
    return words.view("<u8").astype(np.uint64, copy=False)


def unpacked(words: NDArray[np.uint64], width: int) -> NDArray[np.bool_]:
    """Return the mask whose rows `packed` made into `words`, `width` columns wide."""
    octets = words.astype("<u8", copy=False).view(np.uint8)
    return np.unpackbits(octets, axis=1, count=width, bitorder="little").view(np.bool_)


def grown(seed: NDArray[np.bool_], allowed: NDArray[np.bool_], steps: int) -> NDArray[np.bool_]:
    """Return `seed` grown pixel by pixel (8 neighbours) within `allowed`, at most `steps` times or until it stops.

    On the rows' bits (`packed`), 64 pixels to a number, all the rows one after another: a step is a
    dozen operations on a few thousand numbers where on the pixels it was as many on a hundred thousand.
    """
    rows = packed(seed & allowed)
    across = rows.shape[1]
    region, inside = rows.reshape(-1), packed(allowed).reshape(-1)
    count = int(np.bitwise_count(region).sum())
    for _ in range(steps):
        # The 3x3 square around each pixel: the rows above and below, then the columns either side, a
        # bit carried from word to word. Between rows only a column beyond the mask's is carried: its
        # bit is 0 into the next row, and cleared by `inside` when carried into it.
        column = region.copy()
        column[across:] |= region[:-across]
        column[:-across] |= region[across:]
        larger = column << ONE
        larger |= column
        larger |= column >> ONE
        larger[1:] |= column[:-1] >> TOP
        larger[:-1] |= column[1:] << TOP
        larger &= inside
        larger |= region
        grown_count = int(np.bitwise_count(larger).sum())  # it only grows: the same count, the same region
        if grown_count == count:
            break
        region, count = larger, grown_count
    return unpacked(region.reshape(-1, across), seed.shape[1])


def find_ink(paper: Paper) -> Ink:
    """Return the picture's ink: strength and coverage; NoInkError when there is none to tell from noise."""
    strength, centre = ink_strength(paper)
    noise = noise_level(strength, centre)
    floor = NOISE_FLOOR * noise
    coverage = soft(strength, floor)
    inked = coverage > 0
    if float(percentile(strength[inked], FULL_INK)) < MIN_SIGNAL * noise:
        raise NoInkError("no ink: the picture is blank")
    faint = FAINT_FLOOR * noise
    joined = grown(inked, strength > faint, GROWTH_STEPS)
    if faint < floor and joined.any():
        # Within the grown ink, coverage counts from the lower floor (never less than it was).
        low = soft(strength, faint, inked)
        np.maximum(coverage, low, out=coverage, where=joined)
        return Ink(strength, coverage, faint)
    return Ink(strength, coverage, floor)
