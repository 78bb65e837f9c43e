"""Compare two /predict answers number by number: equal but for float rounding."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson

TOLERANCE = 1e-6
"""The largest difference allowed between two readings of one drawing (batched or one at a time)."""


def assert_answers_agree(got: bytes | dict[str, Any], expected: bytes | dict[str, Any]) -> None:
    """Assert that two answers hold the same fields and the same numbers, each within TOLERANCE.

    Probabilities, activations, the input and the saliency map must agree within TOLERANCE. A z is
    a sum of hundreds of float32 terms, and read in a batch they are summed in another order: its
    rounding (up to 4e-6 measured on the shipped network, float32's resolution near |z| = 16 is 2e-6)
    is allowed 10 x TOLERANCE x max(1, |z|).
    """
    a = orjson.loads(got) if isinstance(got, bytes) else got
    b = orjson.loads(expected) if isinstance(expected, bytes) else expected
    assert a.keys() == b.keys()
    for key in ("digit", "unsure", "not_a_digit", "top2", "target", "display"):
        assert a.get(key) == b.get(key), key
    for key in ("probabilities", "input", "saliency"):
        if key in b:
            np.testing.assert_allclose(a[key], b[key], rtol=0, atol=TOLERANCE, err_msg=key)
    for mine, theirs in zip(a.get("layers", []), b.get("layers", []), strict=True):
        assert mine["name"] == theirs["name"]
        np.testing.assert_allclose(mine["a"], theirs["a"], rtol=0, atol=TOLERANCE)
        z = np.asarray(theirs["z"])
        assert np.all(np.abs(np.asarray(mine["z"]) - z) <= TOLERANCE * 10 * np.maximum(1, np.abs(z)))
