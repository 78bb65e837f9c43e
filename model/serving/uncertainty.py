"""When to say "not sure" and "this is not a digit", from the output layer alone.

The rule, with p = the output probabilities a^L and z = the output weighted inputs z^L:

    unsure       = max(p) < unsure_below
    not_a_digit  = max(p) < not_a_digit_below  or  (min_top_z is set and max(z) < min_top_z)
    top2         = the two digits with the largest probabilities, most probable first

A softmax always sums to 1, so even a scribble gets a "most likely digit"; a low top probability
means the evidence is split between digits. max(z) is the unnormalised evidence for the winner: a
drawing that excites no output neuron strongly can still win a softmax by a margin, and a floor on
max(z) catches that. The thresholds travel with the weights (metadata key "uncertainty") because
they are measured on the model they belong to; the defaults apply when the metadata has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from model.constants import NUM_CLASSES

METADATA_KEY = "uncertainty"
"""The weights-metadata key that holds the thresholds (a dict with UncertaintyThresholds' fields)."""


@dataclass(frozen=True)
class UncertaintyThresholds:
    """The thresholds of the rule in this module's docstring."""

    unsure_below: float = 0.8
    not_a_digit_below: float = 0.5
    min_top_z: float | None = None

    def __post_init__(self) -> None:
        for name in ("unsure_below", "not_a_digit_below"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"uncertainty threshold {name} must be a probability in [0, 1], got {value!r}")
        z = self.min_top_z
        if z is not None and (isinstance(z, bool) or not isinstance(z, int | float) or not np.isfinite(z)):
            raise ValueError(f"uncertainty threshold min_top_z must be a finite number or null, got {z!r}")

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> UncertaintyThresholds:
        """Return the thresholds stored in weights metadata under "uncertainty", else the defaults.

        Raises ValueError naming the problem when the stored thresholds are malformed.
        """
        stored = metadata.get(METADATA_KEY)
        if stored is None:
            return cls()
        if not isinstance(stored, Mapping):
            raise ValueError(f"metadata {METADATA_KEY!r} must be an object, got {type(stored).__name__}")
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(stored) - known)
        if unknown:
            raise ValueError(f"metadata {METADATA_KEY!r} has unknown keys {unknown}; expected some of {sorted(known)}")
        return cls(**stored)

    def as_dict(self) -> dict[str, float | None]:
        """Return the thresholds as a JSON-ready dict."""
        return {
            "unsure_below": self.unsure_below,
            "not_a_digit_below": self.not_a_digit_below,
            "min_top_z": self.min_top_z,
        }


@dataclass(frozen=True)
class Assessment:
    """The verdict of the rule: whether to hedge, whether to refuse, and the two leading digits."""

    unsure: bool
    not_a_digit: bool
    top2: tuple[int, int]


def assess(
    *,
    probabilities: NDArray[np.floating],
    z_output: NDArray[np.floating],
    thresholds: UncertaintyThresholds,
) -> Assessment:
    """Return the Assessment of one output layer (probabilities a^L and weighted inputs z^L)."""
    p = np.asarray(probabilities).reshape(-1)
    z = np.asarray(z_output).reshape(-1)
    if p.shape != (NUM_CLASSES,) or z.shape != (NUM_CLASSES,):
        raise ValueError(f"expected {NUM_CLASSES} probabilities and z values, got {p.shape} and {z.shape}")
    # Ten numbers: plain Python is quicker here than a NumPy call per step.
    # sorted is stable, so ties resolve to the smaller digit, as argmax does.
    chances = p.tolist()
    first, second = sorted(range(NUM_CLASSES), key=lambda digit: -chances[digit])[:2]
    top = chances[first]
    weak_evidence = thresholds.min_top_z is not None and max(z.tolist()) < thresholds.min_top_z
    return Assessment(
        unsure=top < thresholds.unsure_below,
        not_a_digit=top < thresholds.not_a_digit_below or weak_evidence,
        top2=(first, second),
    )
