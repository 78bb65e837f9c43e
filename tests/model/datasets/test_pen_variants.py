"""Stroke variants: each adds the named stroke to the drawing, only to the digits it belongs to."""

from __future__ import annotations

import numpy as np

from model.datasets import pen_variants
from model.reading.strokes import render

ZERO = [[[np.cos(t) * 10 + 20, np.sin(t) * 15 + 30] for t in np.linspace(0, 2 * np.pi, 40)]]
ONE = [[[20.0, 10.0], [20.0, 50.0]]]
SEVEN = [[[10.0, 10.0], [40.0, 10.0], [25.0, 50.0]]]
NINE = [
    [[np.cos(t) * 8 + 20, np.sin(t) * 8 + 18] for t in np.linspace(0, 2 * np.pi, 30)],
    [[28.0, 18.0], [28.0, 50.0]],
]
FOUR = [[[20.0, 10.0], [10.0, 30.0], [35.0, 30.0]], [[28.0, 5.0], [28.0, 50.0]]]  # a leaning arm and bar, a stem


def test_each_variant_adds_strokes_to_a_copy_of_the_drawing() -> None:
    rng = np.random.default_rng(0)
    for strokes, label, count in ((ZERO, 0, 1), (ONE, 1, 2), (FOUR, 4, 1), (SEVEN, 7, 1), (NINE, 9, 1)):
        made = pen_variants.variants(strokes, label, rng)
        assert len(made) == count
        for variant in made:
            assert variant[: len(strokes)] == strokes and len(variant) > len(strokes)
            assert not np.array_equal(render(variant), render(strokes))


def test_a_slash_crosses_the_zero_and_a_flag_leaves_the_one_top_leftward() -> None:
    rng = np.random.default_rng(1)
    (start, end) = pen_variants.slashed_zero(ZERO, rng)
    assert start[1] > 45 and end[1] < 15 and start[0] <= 20 <= end[0]  # through the middle, past top and bottom
    tip, flag_end = pen_variants.flagged_one(ONE, rng)
    assert tip == [20.0, 10.0] and flag_end[0] < 20 and flag_end[1] > 10


def test_slashes_run_from_just_past_the_ring_to_a_long_stem() -> None:
    """ϕ is often a small ring on a long upright stroke: some slashes must reach far past the 0's ink."""
    rng = np.random.default_rng(2)
    height = 30.0  # ZERO spans rows 15 to 45
    slashes = [pen_variants.slashed_zero(ZERO, rng) for _ in range(200)]
    reaches = np.array([(start[1] - end[1]) / 2 for start, end in slashes])  # half the slash's height
    assert reaches.min() >= 0.55 * height and reaches.max() <= 1.2 * height
    assert (reaches > height).any() and (reaches < 0.7 * height).any()


def test_a_hook_leaves_the_nines_foot_to_the_left() -> None:
    rng = np.random.default_rng(5)
    for _ in range(50):
        hook = pen_variants.hooked_nine(NINE, rng)
        assert hook[0] == [28.0, 50.0]  # the stem's lowest point
        assert hook[-1][0] < 28.0 - 0.15 * 40 + 1e-9 and hook[1][1] > 50.0  # dips below the foot, ends to its left


def test_flags_are_short_and_steep_not_a_sevens_bar() -> None:
    rng = np.random.default_rng(4)
    height = 40.0  # ONE spans rows 10 to 50
    flags = [pen_variants.flagged_one(ONE, rng) for _ in range(200)]
    drops = np.array([np.degrees(np.arctan2(end[1] - tip[1], tip[0] - end[0])) for tip, end in flags])
    lengths = np.array([np.hypot(end[0] - tip[0], end[1] - tip[1]) for tip, end in flags])
    assert drops.min() >= 40 and drops.max() <= 65
    assert lengths.min() >= 0.2 * height and lengths.max() <= 0.35 * height


def test_a_four_is_closed_from_its_arm_to_its_stem_only_where_it_stays_a_four() -> None:
    rng = np.random.default_rng(3)
    start, meet = pen_variants.closed_four(FOUR, rng) or ([], [])
    assert start == [20.0, 10.0] and 27 <= meet[0] <= 33 and 5 <= meet[1] <= 12
    upright_arm = [[[10.0, 10.0], [10.0, 30.0], [35.0, 30.0]], FOUR[1]]  # closing it would draw a 9
    short_bar = [[[20.0, 10.0], [10.0, 30.0], [29.0, 30.0]], FOUR[1]]  # the bar stops at the stem: a 9 too
    assert pen_variants.closed_four(upright_arm, rng) is None
    assert pen_variants.closed_four(short_bar, rng) is None
    assert pen_variants.closed_four([FOUR[1]], rng) is None  # one stroke: nothing to close


def test_other_digits_and_ones_with_a_flag_already_get_none() -> None:
    rng = np.random.default_rng(0)
    assert pen_variants.variants(ZERO, 3, rng) == []
    assert pen_variants.variants([[[0.0, 0.0], [15.0, 5.0], [15.0, 40.0]]], 1, rng) == []
    assert pen_variants.variants([[]], 0, rng) == []
