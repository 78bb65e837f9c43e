"""Find a handwritten digit's ink in a greyscale picture: either polarity, uneven light, noise and specks.

1. Polarity: ink is whichever of darker-than-paper and lighter-than-paper strays further from the
   paper's rough level (model.reading.pictures.paper), or the other where that finds no ink; the picture is then
   turned so that the ink is dark.
2. Strength: how much darker than its local paper (model.reading.pictures.paper.background) a pixel is, relative to
   that paper, since a shadow dims ink and paper alike; 0 on the paper, 1 for black ink.
3. Coverage: soft, from a floor above the paper's noise to the ink's typical strength.
4. Pieces (model.reading.pictures.pieces): specks, shadows and stray marks are told from the digit and dropped.
5. Crop to the digit and bring its pen thickness near MNIST's (model.reading.pictures.thickness).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from model.reading.errors import NoInkError
from model.reading.pictures.paper import background, rough_background
from model.reading.pictures.pieces import digit_mask
from model.reading.pictures.thickness import crop, normalise_thickness

STATISTICS_PIXELS: Final = 40_000
"""Percentiles over the whole picture are taken on a regular sample of about this many pixels."""

NOISE_FLOOR: Final = 4.0
"""Ink starts this many standard deviations of the paper's noise above the paper."""

MIN_CONTRAST: Final = 0.08
"""Ink must be at least this much (relative) darker than its paper: below it the picture is blank."""

MIN_SIGNAL: Final = 8.0
"""...and this many standard deviations of the paper's noise: a page of noise alone has no ink."""

TAIL: Final = 0.3
"""Polarity: the percentile at each end of the residual from the rough paper level that is compared."""

FULL_INK: Final = 90
"""The ink's typical strength is this percentile of the strengths clearly above the paper."""


def _sample(values: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return every k-th pixel both ways, at most about STATISTICS_PIXELS of them, for percentiles."""
    step = max(1, int(np.sqrt(values.size / STATISTICS_PIXELS)))
    return values[::step, ::step]


def dark_ink(grey: NDArray[np.float32]) -> bool:
    """Return True when the ink is darker than the paper: its tail of the residual reaches further."""
    residual = _sample(grey - rough_background(grey))
    return bool(-np.percentile(residual, TAIL) >= np.percentile(residual, 100 - TAIL))


def ink_strength(grey: NDArray[np.float32], *, dark: bool) -> NDArray[np.float32]:
    """Return each pixel's ink strength: about 0 on the paper, up to 1 for black ink (or white, not `dark`)."""
    image = grey if dark else 1 - grey
    paper = background(image)
    strength = ((paper - image) / np.maximum(paper, np.float32(0.05))).astype(np.float32)
    # The closing sits on the top of the paper's noise: move the paper (the median pixel) back to 0.
    strength -= np.float32(max(0.0, float(np.median(_sample(strength)))))
    return strength


def noise_level(strength: NDArray[np.float32]) -> float:
    """Return the standard deviation of the paper's noise (from the median absolute deviation)."""
    values = _sample(strength)
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def _soft(strength: NDArray[np.float32], floor: float, within: NDArray[np.bool_] | None = None) -> NDArray[np.float32]:
    """Return coverage: 0 up to `floor`, 1 from the ink's typical strength (measured `within`, if given)."""
    values = strength[within] if within is not None else _sample(strength)
    candidates = values[values > max(floor, MIN_CONTRAST)]
    full = float(np.percentile(candidates, FULL_INK)) if candidates.size else 0.0
    if full < MIN_CONTRAST or full <= floor:
        raise NoInkError("no ink: the picture is blank")
    inked: NDArray[np.float32] = np.clip((strength - floor) / (full - floor), 0, 1).astype(np.float32)
    return inked


def coverage(grey: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the digit's ink coverage in [0, 1] at every pixel (anything else 0); NoInkError when blank.

    The ink is looked for the way round dark_ink says, and if none is found, the other way round.
    """
    dark = dark_ink(grey)
    try:
        return _coverage(ink_strength(grey, dark=dark))
    except NoInkError:
        return _coverage(ink_strength(grey, dark=not dark))


def _coverage(strength: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the digit's coverage from the ink strength; NoInkError when there is none to tell from noise."""
    noise = noise_level(strength)
    floor = NOISE_FLOOR * noise
    first = _soft(strength, floor)
    if float(np.percentile(strength[first > 0], FULL_INK)) < MIN_SIGNAL * noise:
        raise NoInkError("no ink: the picture is blank")
    digit = digit_mask(first, strength)
    # The ink's typical strength again, from the digit alone (a shadow may have crowded the first).
    return np.where(digit, _soft(strength, floor, digit), np.float32(0))


def find_ink(grey: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the digit's ink (0 background, 1 ink) cropped to it, pen thickness normalised.

    Raises NoInkError when the picture is blank.
    """
    inked = coverage(grey)
    if not (inked > 0).any():
        raise NoInkError("no ink: the picture is blank")
    return normalise_thickness(crop(inked))
