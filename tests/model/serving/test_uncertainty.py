"""The uncertainty rule: thresholds, top-2 order, and thresholds read from metadata."""

from __future__ import annotations

import numpy as np
import pytest

from model.constants import NUM_CLASSES
from model.serving.uncertainty import UncertaintyThresholds, assess

DEFAULTS = UncertaintyThresholds()


def probabilities(top: int, p_top: float, second: int, p_second: float) -> np.ndarray:
    """Return 10 probabilities with `p_top` on `top`, `p_second` on `second`, the rest shared equally."""
    p = np.full(NUM_CLASSES, (1 - p_top - p_second) / (NUM_CLASSES - 2), dtype=np.float32)
    p[top], p[second] = p_top, p_second
    return p


def test_confident_answer_is_neither_unsure_nor_refused() -> None:
    verdict = assess(
        probabilities=probabilities(7, 0.95, 1, 0.03),
        z_output=np.zeros(NUM_CLASSES),
        thresholds=UncertaintyThresholds(),
    )
    assert (verdict.unsure, verdict.not_a_digit, verdict.top2) == (False, False, (7, 1))


def test_split_evidence_is_unsure_but_still_a_digit() -> None:
    verdict = assess(probabilities=probabilities(3, 0.6, 5, 0.35), z_output=np.zeros(NUM_CLASSES), thresholds=DEFAULTS)
    assert (verdict.unsure, verdict.not_a_digit, verdict.top2) == (True, False, (3, 5))


def test_flat_probabilities_are_not_a_digit() -> None:
    verdict = assess(probabilities=probabilities(2, 0.3, 8, 0.25), z_output=np.zeros(NUM_CLASSES), thresholds=DEFAULTS)
    assert verdict.unsure and verdict.not_a_digit
    assert verdict.top2 == (2, 8)


def test_thresholds_are_strict_inequalities() -> None:
    thresholds = UncertaintyThresholds(unsure_below=0.5, not_a_digit_below=0.25)
    at_threshold = assess(probabilities=probabilities(4, 0.5, 9, 0.25), z_output=np.zeros(10), thresholds=thresholds)
    assert not at_threshold.unsure and not at_threshold.not_a_digit


def test_weak_output_evidence_is_not_a_digit_when_min_top_z_is_set() -> None:
    p = probabilities(6, 0.97, 0, 0.01)
    z = np.full(NUM_CLASSES, -3.0)
    z[6] = 0.5
    assert not assess(probabilities=p, z_output=z, thresholds=UncertaintyThresholds()).not_a_digit
    verdict = assess(probabilities=p, z_output=z, thresholds=UncertaintyThresholds(min_top_z=1.0))
    assert verdict.not_a_digit and not verdict.unsure


def test_ties_go_to_the_smaller_digit_like_argmax() -> None:
    p = np.full(NUM_CLASSES, 0.1, dtype=np.float32)
    assert assess(probabilities=p, z_output=np.zeros(10), thresholds=UncertaintyThresholds()).top2 == (0, 1)


def test_wrong_sizes_are_rejected() -> None:
    with pytest.raises(ValueError, match="expected 10"):
        assess(probabilities=np.ones(9) / 9, z_output=np.zeros(9), thresholds=UncertaintyThresholds())


def test_thresholds_come_from_metadata_or_default() -> None:
    assert UncertaintyThresholds.from_metadata({}) == UncertaintyThresholds()
    stored = {"uncertainty": {"unsure_below": 0.9, "not_a_digit_below": 0.4, "min_top_z": 2.5}}
    assert UncertaintyThresholds.from_metadata(stored) == UncertaintyThresholds(0.9, 0.4, 2.5)
    assert UncertaintyThresholds.from_metadata({"uncertainty": {"unsure_below": 0.7}}).not_a_digit_below == 0.5


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ([0.5], "must be an object"),
        ({"unsure": 0.5}, "unknown keys"),
        ({"unsure_below": 1.5}, "unsure_below"),
        ({"not_a_digit_below": "0.5"}, "not_a_digit_below"),
        ({"min_top_z": float("nan")}, "min_top_z"),
        ({"unsure_below": True}, "unsure_below"),
    ],
)
def test_malformed_metadata_thresholds_say_what_is_wrong(stored: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        UncertaintyThresholds.from_metadata({"uncertainty": stored})


def test_as_dict_round_trips_through_metadata() -> None:
    thresholds = UncertaintyThresholds(0.85, 0.45, 1.5)
    assert UncertaintyThresholds.from_metadata({"uncertainty": thresholds.as_dict()}) == thresholds


def test_ties_go_to_the_smaller_digit_as_argmax_does() -> None:
    p = np.full(NUM_CLASSES, 0.05)
    p[[6, 2]] = 0.3
    verdict = assess(probabilities=p, z_output=np.zeros(NUM_CLASSES), thresholds=DEFAULTS)
    assert verdict.top2 == (2, 6) and int(np.argmax(p)) == 2
