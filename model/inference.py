"""Read one 28x28 image with a Network: the prediction with every layer's values, and the saliency map.

Plain functions of arrays, with no web types, so the server stays a thin layer over them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE, NUM_CLASSES, NUM_PIXELS
from model.network import Network


@dataclass(frozen=True)
class Prediction:
    """One forward pass over one image.

    `zs[l]` is z^{l+1} and `activations[l]` is a^l, as Network.forward returns them for a single row:
    activations[0] is the flattened input, activations[-1] the output probabilities.
    """

    digit: int
    probabilities: NDArray[np.floating]
    zs: list[NDArray[np.floating]]
    activations: list[NDArray[np.floating]]


def as_input(image: NDArray[np.floating], network: Network) -> NDArray[np.floating]:
    """Return the image as the 1 x NUM_PIXELS row the network reads, in the network's float type.

    Raises ValueError when the image is not IMAGE_SIDE x IMAGE_SIDE.
    """
    if image.shape != (IMAGE_SIDE, IMAGE_SIDE):
        raise ValueError(f"image must be {IMAGE_SIDE}x{IMAGE_SIDE}, got shape {image.shape}")
    return np.ascontiguousarray(image, dtype=network.weights[0].dtype).reshape(1, NUM_PIXELS)


def predict(*, network: Network, image: NDArray[np.floating]) -> Prediction:
    """Return the network's Prediction for one IMAGE_SIDE x IMAGE_SIDE image."""
    zs, activations = network.forward(as_input(image, network))
    probabilities = activations[-1][0]
    return Prediction(
        digit=int(np.argmax(probabilities)),
        probabilities=probabilities,
        zs=[z[0] for z in zs],
        activations=[a[0] for a in activations],
    )


def saliency(*, network: Network, prediction: Prediction, target: int) -> NDArray[np.floating]:
    """Return d z^L_target / d pixel as an IMAGE_SIDE x IMAGE_SIDE map, in the network's float type.

    Positive where more ink would raise the evidence for `target`; computed by the same
    backpropagation that trains the network (Network.input_gradient), from the forward pass
    that `prediction` already holds.
    """
    if isinstance(target, bool) or not 0 <= target < NUM_CLASSES:
        raise ValueError(f"target must be a digit 0-{NUM_CLASSES - 1}, got {target!r}")
    activations = [a.reshape(1, -1) for a in prediction.activations]
    gradient = network.input_gradient(activations, int(target))
    return gradient.reshape(IMAGE_SIDE, IMAGE_SIDE)
