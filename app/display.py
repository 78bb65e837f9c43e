"""The answer for a display (`"display": true`): what a page draws, quantised and packed, in about 6 KB.

The full answer writes every layer's z and a as decimal floats: 40 KB, 35 of them the layers. A
page that draws the network needs less: colours for the activations and the image, and the exact
sums of a neuron only for the one a person points at, which it can compute from that neuron's
weights (GET /api/neurons) and the activations feeding it. So a display answer carries:

- every layer's a, and the input image, as 16-bit fixed point, q = round(65535 v) for v in [0, 1]:
  within 7.7e-6 of the float, finer than the three decimals a page shows, and a neuron's z summed
  from these values is within about 1e-4 of the server's (measured on the shipped network);
- the input only where it has ink: a bit mask of the inked pixels (pixel i is bit i % 8 of byte
  i // 8), then their values, in row-major order; a drawing inks a fifth of the image or less;
- with explain, the saliency map as 8-bit signed integers, s = q / 127 x saliency_scale: colours.

Arrays are base64 of little-endian bytes. A page decodes them with atob and typed arrays.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from numpy.typing import NDArray

LEVELS = 65535
"""Values v in [0, 1] are sent as round(LEVELS v), 16 bits."""
SALIENCY_LEVELS = 127
"""The saliency map is sent as round(SALIENCY_LEVELS s / max |s|), 8 bits with sign."""


def _base64(values: NDArray[Any]) -> str:
    """Return the array's bytes in base64."""
    return base64.b64encode(values.tobytes()).decode("ascii")


def unit_16(values: NDArray[np.floating]) -> str:
    """Return values in [0, 1] as base64 of little-endian uint16, round(65535 v)."""
    scaled = np.clip(values, 0, 1) * LEVELS
    return _base64(np.rint(scaled).astype("<u2"))


def inked_image(image: NDArray[np.floating]) -> dict[str, Any]:
    """Return the image as {"pixels": how many, "mask": its inked pixels as bits, "values": theirs as unit_16}."""
    flat = image.reshape(-1)
    inked = flat > 0
    mask = _base64(np.packbits(inked, bitorder="little"))
    return {"pixels": flat.size, "mask": mask, "values": unit_16(flat[inked])}


def signed_8(values: NDArray[np.floating]) -> tuple[str, float]:
    """Return (base64 of int8 round(127 v / max |v|), max |v|): a map scaled for colours, and its scale."""
    scale = float(np.abs(values).max())
    quantised = np.rint(values * (SALIENCY_LEVELS / scale)) if scale > 0 else np.zeros_like(values)
    return _base64(quantised.astype(np.int8)), scale


def display_arrays(
    *, image: NDArray[np.floating], activations: list[NDArray[np.floating]], saliency: NDArray[np.floating] | None
) -> dict[str, Any]:
    """Return the `display` object of an answer: the input, every layer's a and, if given, the saliency map."""
    arrays: dict[str, Any] = {"input": inked_image(image), "activations": [unit_16(a) for a in activations]}
    if saliency is not None:
        arrays["saliency"], arrays["saliency_scale"] = signed_8(saliency)
    return arrays
