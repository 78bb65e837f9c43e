"""The printed lines of ruled and squared paper, found and made part of the paper's level
(model.reading.pictures.paper, whose last step this is).

Printed lines are long (across LINE_SPAN of the picture), thin (at most LINE_WIDTH of it) and
straight, nearly level or upright, whatever their colour. For rows, and then columns:

1. the tilt: under which the rows' darkness is most uneven (to a fraction of a pixel across the picture);
2. the lines: rows dark along most of their length, evenly, and more than the rows around them;
3. the level: on a line, the paper is taken to be as dark as the line (or as the pixel, where that is
   lighter), so that no part of the line is left as ink, and a stroke that crosses it keeps what it
   adds to the line's darkness.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from model.reading.pictures.padding import pad
from model.reading.pictures.quantiles import median

LINE_SPAN: Final = 0.75
"""A printed line crosses at least this share of the picture..."""

LINE_WIDTH: Final = 0.02
"""...and is at most this share of the picture's longer side wide; a digit's stroke that long is wider."""

LINE_TILTS: Final = np.linspace(-0.07, 0.07, 15)
"""Tilts tried for the lines (the tangent of their angle, up to 4 degrees either way)."""

LINE_TILT_STEPS: Final = 4
"""The tilt is then refined to this fraction of LINE_TILTS' step (0.0025, a pixel over 400)."""

LINE_GROUP: Final = 8
"""Pixels averaged along a line before its tilt is found, for speed; 4 degrees moves half a pixel over them."""

LINE_SIGNAL: Final = 4.0
"""A row is on a line when its darkness along most of it exceeds the rows' around it by this many standard
deviations of the rows' spread..."""

LINE_CONTRAST: Final = 0.015
"""...and by at least this much of the paper's level..."""

LINE_EVEN: Final = 0.5
"""...and its darkness along most of it at least this share of its median: a printed line is about as dark
all along, a row across the strokes of a digit that fills the picture is dark in places."""

LINE_DARKER: Final = 1.5
"""A line is taken to be as dark as the darker parts of it (LINE_SPAN), up to this many times its median:
a stroke that runs along a line for a stretch stays ink."""

MIN_LINE_GROUPS: Final = 2
"""A tilted row that crosses only a corner of the picture must cross this many groups to be a line."""

MIN_LINED_SIDE: Final = 100
"""Smaller pictures (MNIST's own, icons) are not looked at for lines."""


def _spread(profiles: NDArray[Any]) -> NDArray[np.float64]:
    """Return how uneven each row of `profiles` is: the sum of its squared differences from its mean."""
    spreads: NDArray[np.float64] = np.square(profiles - profiles.mean(axis=1, keepdims=True)).sum(axis=1)
    return spreads


def _spreads(grouped: NDArray[np.float32], shifts: NDArray[np.int64]) -> NDArray[np.float64]:
    """Return how uneven the rows' total darkness is with each group's rows shifted by each row of `shifts`.

    All the shifts are summed in one np.bincount, each in its own run of bins: a bin's values are
    added in the same order as they would be alone, so each spread is the same number as it would be alone.
    """
    height = grouped.shape[0]
    tried = shifts.shape[0]
    index = np.arange(height)[:, None] + shifts[:, None, :]
    np.clip(index, 0, height - 1, out=index)
    index += (np.arange(tried) * height)[:, None, None]
    weights = np.broadcast_to(grouped, index.shape).ravel()
    return _spread(np.bincount(index.ravel(), weights=weights, minlength=tried * height).reshape(tried, height))


def _rough_spreads(sums: NDArray[np.float64], shifts: NDArray[np.int64]) -> NDArray[np.float64]:
    """Return `_spreads`, summed in another order, each within NEAR_SPREAD of it (see `_tilt`).

    `sums` holds the groups' running sums (row g + 1: the sum of groups 0 to g, each row of pixels
    across). A tilt's shifts rise or fall with the group, so groups of one shift lie side by side:
    each such run of groups is summed at once from the running sums, a few runs a tilt instead of every group.
    """
    height = sums.shape[1]
    tried, groups = shifts.shape
    changes = np.diff(shifts, axis=1) != 0
    starts = np.flatnonzero(np.concatenate((np.ones((tried, 1), dtype=bool), changes), axis=1))
    ends = np.flatnonzero(np.concatenate((changes, np.ones((tried, 1), dtype=bool)), axis=1)) + 1
    which, first = np.divmod(starts, groups)
    # Each run's rows, shifted, into bins that reach `reach` rows beyond the picture either way (one
    # number a run: where its rows begin); what lands beyond is then added to the first or last row.
    run = shifts.ravel()[starts]
    reach = int(np.abs(run).max())
    span = height + 2 * reach
    index = (run + reach + which * span)[:, None] + np.arange(height)
    weights = sums[ends - which * groups] - sums[first]
    bins = np.bincount(index.ravel(), weights=weights.ravel(), minlength=tried * span).reshape(tried, span)
    profiles = bins[:, reach : reach + height].copy()
    profiles[:, 0] += bins[:, :reach].sum(axis=1)
    profiles[:, -1] += bins[:, reach + height :].sum(axis=1)
    return _spread(profiles)


NEAR_SPREAD: Final = 1e-13
"""Two orders of summing a tilt's spread differ by less than NEAR_SPREAD x height x groups x (total darkness)^2:
to first order by at most about 3 x 2^-53 x that, so with a hundredfold to spare."""


def _tilt(grouped: NDArray[np.float32], centres: NDArray[np.float64]) -> float:
    """Return the lines' tilt: the one under which the rows' darkness is most uneven (the first, on a tie).

    First among LINE_TILTS, then to a LINE_TILT_STEPS-th of their step: a line one or two pixels wide
    that drifts by a pixel across the picture is otherwise left half in the ink.

    Each spread is first summed roughly (`_rough_spreads`); only the tilts within twice its error of
    the largest can be the largest, and only those are summed in `_spreads`' order, which decides
    ties and near ties as summing every tilt in that order would.
    """
    height, groups = grouped.shape
    near = 2 * NEAR_SPREAD * height * groups * float(np.abs(grouped).sum(dtype=np.float64)) ** 2
    sums = np.zeros((groups + 1, height))
    np.cumsum(grouped.T, axis=0, out=sums[1:])

    def best(tilts: list[float]) -> float:
        shifts = np.rint(np.array(tilts)[:, None] * centres).astype(np.int64)
        rough = _rough_spreads(sums, shifts)
        contenders = np.flatnonzero(rough >= rough.max() - near)
        if contenders.size == 1:
            return tilts[int(contenders[0])]
        return tilts[int(contenders[np.argmax(_spreads(grouped, shifts[contenders]))])]

    coarse = best([float(tilt) for tilt in LINE_TILTS])
    step = float(LINE_TILTS[1] - LINE_TILTS[0]) / LINE_TILT_STEPS
    return best([coarse + k * step for k in range(1 - LINE_TILT_STEPS, LINE_TILT_STEPS)])


def group_means(darkness: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the mean of each LINE_GROUP pixels side by side along the rows: (rows, columns // LINE_GROUP).

    The same numbers as `.reshape(rows, groups, LINE_GROUP).mean(axis=2)`. Along contiguous rows numpy
    adds each group of 8 in pairs, then pairs of pairs, one group at a time: here each level is one
    operation on strided slices (0.07 ms instead of 0.3 for a 400 by 300 picture). Along a strided axis
    (the columns, which with_lines passes transposed) numpy adds the 8 in turn, a whole row at a time,
    which is already fast, and is left to it.
    """
    rows, width = darkness.shape
    grouped = darkness.reshape(rows, width // LINE_GROUP, LINE_GROUP)
    if darkness.strides[1] != darkness.itemsize or LINE_GROUP != 8:
        means: NDArray[np.float32] = grouped.mean(axis=2)
        return means
    pairs = grouped[:, :, 0::2] + grouped[:, :, 1::2]
    fours = pairs[:, :, 0::2] + pairs[:, :, 1::2]
    summed = fours[:, :, 0] + fours[:, :, 1]
    summed /= np.float32(LINE_GROUP)
    return summed


def _bands(rows: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Return the runs of True as (start, end) pairs."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], rows.astype(np.int8), [0]))))
    return [(int(start), int(end)) for start, end in zip(edges[::2], edges[1::2], strict=True)]


def _row_percentiles(
    ordered: NDArray[np.float32], counts: NDArray[np.int64], shares: tuple[float, ...]
) -> NDArray[np.float32]:
    """Return each row's percentile at each of `shares` (linear between ranks) of its first `counts` values,
    sorted: one row of results a share. All the shares at once, each number as it would be alone."""
    last = np.maximum(counts - 1, 0)
    position = np.array(shares)[:, None] * last
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, last)
    rows = np.arange(ordered.shape[0])
    below, above = ordered[rows, low], ordered[rows, high]
    value = below + (position - low) * (above - below)
    return np.where(counts > 0, value, 0).astype(np.float32)


def _line_rows(darkness: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.int64]] | None:
    """Return how dark each (tilted) row's line is, and each column's shift to it; None where no row is a line.

    Lines run along the rows, tilted (`_tilt`). A row is on a line where most of it (LINE_SPAN) is
    darker than the rows around it, about evenly (LINE_EVEN), and the band of such rows is thin (LINE_WIDTH).
    """
    height, width = darkness.shape
    groups = width // LINE_GROUP
    if groups < 4:
        return None
    grouped = group_means(darkness[:, : groups * LINE_GROUP])
    centres = (np.arange(groups) + 0.5) * LINE_GROUP - width / 2
    tilt = _tilt(grouped, centres)
    shift = np.rint(tilt * centres).astype(np.int64)
    # The tilted rows, from those that enter the picture through its side to those that leave it: row r
    # of `straight` holds, in each group, the pixel row r - shift - beyond (not a number outside the picture).
    beyond = int(np.abs(shift).max())
    source = np.arange(-beyond, height + beyond)[:, None] - shift
    inside = (source >= 0) & (source < height)
    # Taken from the groups with 2 x beyond rows of not-a-number above and below (one gather, no clip or where).
    padded = np.full((height + 4 * beyond, groups), np.nan, dtype=grouped.dtype)
    padded[2 * beyond : 2 * beyond + height] = grouped
    straight = padded.reshape(-1)[(source + 2 * beyond) * groups + np.arange(groups)]
    ordered = np.sort(straight, axis=1)  # not-a-number last
    counts = inside.sum(axis=1)
    across, typical, darkest = _row_percentiles(ordered, counts, (1 - LINE_SPAN, 0.5, LINE_SPAN))
    darkest = np.minimum(darkest, LINE_DARKER * typical)
    # Each row against its neighbours' (a running median), as the closing leaves the paper a little dark
    # or light in places (near an edge); and the noise from the rows' spread, not the pixels': on
    # squared paper the lines cover so many pixels that the pixels' spread is mostly lines.
    reach = int(np.ceil(LINE_WIDTH * max(darkness.shape)))
    # np.median of an odd number of values is the middle one: np.partition's, without np.median's NaN search.
    windows = np.partition(sliding_window_view(pad(across, reach, edge=True), 2 * reach + 1), reach, axis=1)
    above = across - windows[:, reach]
    noise = 1.4826 * float(median(np.abs(above - median(above))))
    on_line = (above > max(LINE_SIGNAL * noise, LINE_CONTRAST)) & (across >= LINE_EVEN * typical)
    on_line &= counts >= MIN_LINE_GROUPS
    for start, end in _bands(on_line):
        if end - start > LINE_WIDTH * max(darkness.shape):  # a long stroke of the digit
            on_line[start:end] = False
    if not on_line.any():
        return None
    # A line's edge rows, partly covered (a line straddles rows, a blur widens it), are the line's too;
    # and the whole band is as dark as the darker parts of its darkest row (LINE_SPAN of it), so that
    # where the line is locally darker (JPEG, blur, the light, a drift to the next row) none is left as ink.
    on_line[1:] |= on_line[:-1].copy()
    on_line[:-1] |= on_line[1:].copy()
    for start, end in _bands(on_line):
        darkest[start:end] = darkest[start:end].max()
    columns = np.arange(width) + 0.5 - width / 2
    line = np.where(on_line, np.clip(darkest, 0, 1), 0).astype(np.float32)
    return line, np.rint(tilt * columns).astype(np.int64) + beyond


def _darkness(image: NDArray[np.float32], level: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return how much darker than the paper's level each pixel is, relative to it (0 where lighter).

    Each step in place, in float32 as the picture: one array made instead of five.
    """
    darkness = np.maximum(level, np.float32(0.05))
    np.divide(image, darkness, out=darkness)
    np.subtract(np.float32(1), darkness, out=darkness)
    return np.maximum(darkness, np.float32(0), out=darkness)


def with_lines(image: NDArray[np.float32], level: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return the paper's level with the printed lines of ruled or squared paper made part of it."""
    if min(image.shape) < MIN_LINED_SIDE:
        return level
    darkness: NDArray[np.float32] | None = None
    for axis in (0, 1):
        if darkness is None:  # as it was when no lines were found along the rows
            darkness = _darkness(image, level)
        found = _line_rows(darkness if axis == 0 else darkness.T)
        if found is None:
            continue
        line, shift = found
        rows = np.arange(darkness.shape[axis])[:, None]
        line_here = line[np.clip(rows + shift, 0, line.size - 1)]
        # On a line, the paper is as dark as the line, or as the pixel where that is lighter: the
        # line is gone, and ink that crosses it keeps what it adds to the line's darkness.
        shade = 1 - np.minimum(darkness, line_here if axis == 0 else line_here.T)
        level = level * shade
        darkness = None
    return level
