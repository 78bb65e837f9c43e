"""Read one 28x28 image with a Network: the prediction with every layer's values, and the saliency map.

Plain functions of arrays, with no web types, so the server stays a thin layer over them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from model.constants import IMAGE_SIDE, NUM_CLASSES, NUM_PIXELS
from model.network import Array, Network


@dataclass(frozen=True)
class Prediction:
    """One forward pass over one image.

    `probabilities` are a^L, or for a sigmoid output layer a^L divided by its sum (then a^L stays in activations).
    `zs[l]` is z^{l+1} and `activations[l]` is a^l, as Network.forward returns them for a single row:
    activations[0] is the flattened input, activations[-1] the output probabilities.
    """

    digit: int
    probabilities: NDArray[np.floating]
    zs: list[NDArray[np.floating]]
    activations: list[NDArray[np.floating]]


ROWS_ONE_BY_ONE = 3
"""Batches of up to this many inputs go through the network a row at a time, each exactly as it would alone.

A matrix-vector product reads the weights once; a product of a few rows by the weights costs several times more
(OpenBLAS packs the whole weight matrix first: about 0.2 ms for 400x1200, whatever the number of rows). On the
shipped 784-1200-400-10, predict_many read 2 drawings row by row in 0.6-0.8x the time it took together, 3 in
0.6-0.75x, and 4 in about the same (benchmarks/inference.py prints it); the server's batches at 8 connections are
mostly 2, 4 and 8 drawings.
"""


class ReadingNetwork(Network):
    """The same network, faster at reading drawings: z^1 sums the inked pixels only, and a few inputs are read one
    by one.

    A blank pixel, x_i = 0, adds nothing to z^1_j = sum_i w^1_ji x_i + b^1_j, and most of a drawing
    is blank. So w^1 is also kept transposed, one row per pixel, where the weights of the inked pixels
    are whole rows: a typical drawing reads a sixth of w^1 instead of all of it, and w^1 is what
    costs (3.7 MB for 784-1200, more than a core's cache). A batch of drawings reads the rows of the
    pixels inked in any of them, once for the whole batch. The terms are the same, summed in another
    order, so z agrees with Network's to float rounding. Mostly inked inputs take Network's path.
    Up to ROWS_ONE_BY_ONE inputs are read a row at a time, so each gets exactly the numbers it gets alone.
    The transposed copy is made once, when built: build it from finished weights (the server does, at
    startup), not from a network still being trained.
    """

    def __init__(self, network: Network, *, rows_one_by_one: int = ROWS_ONE_BY_ONE) -> None:
        super().__init__(network.weights, network.biases, output=network.output)
        self.weights_by_pixel = np.ascontiguousarray(network.weights[0].T)
        self.rows_one_by_one = rows_one_by_one

    def weighted_input(self, l: int, a: Array) -> Array:
        """Return z^{l+1} as Network does; for mostly blank inputs, summing only the inked pixels' terms."""
        if 1 < a.shape[0] <= self.rows_one_by_one:
            z = np.empty((a.shape[0], self.biases[l].size), dtype=np.result_type(a, self.weights[l]))
            for row in range(a.shape[0]):
                z[row] = self.weighted_input(l, a[row : row + 1])[0]
            return z
        if l == 0:
            inked = np.flatnonzero(a[0] if a.shape[0] == 1 else a.any(axis=0))
            # Past about half the pixels, copying the inked rows costs more than reading all of w^1.
            if inked.size <= a.shape[1] // 2:
                z = a[:, inked] @ self.weights_by_pixel[inked]
                z += self.biases[0]
                return z
        return super().weighted_input(l, a)


def as_input(image: NDArray[np.floating], network: Network) -> NDArray[np.floating]:
    """Return the image as the 1 x NUM_PIXELS row the network reads, in the network's float type.

    Raises ValueError when the image is not IMAGE_SIDE x IMAGE_SIDE.
    """
    if image.shape != (IMAGE_SIDE, IMAGE_SIDE):
        raise ValueError(f"image must be {IMAGE_SIDE}x{IMAGE_SIDE}, got shape {image.shape}")
    return np.ascontiguousarray(image, dtype=network.weights[0].dtype).reshape(1, NUM_PIXELS)


def predict(*, network: Network, image: NDArray[np.floating]) -> Prediction:
    """Return the network's Prediction for one IMAGE_SIDE x IMAGE_SIDE image."""
    return predict_many(network=network, images=[image])[0]


def predict_many(*, network: Network, images: Sequence[NDArray[np.floating]]) -> list[Prediction]:
    """Return the network's Prediction for each IMAGE_SIDE x IMAGE_SIDE image, from one forward pass.

    The images go through the network as the rows of one matrix, so each layer's weights are read
    once for all of them; each Prediction holds its own row. Raises ValueError when an image is not
    IMAGE_SIDE x IMAGE_SIDE, or when there is none.
    """
    if not images:
        raise ValueError("no image to read")
    rows = [as_input(image, network) for image in images]
    zs, activations = network.forward(rows[0] if len(rows) == 1 else np.concatenate(rows))
    predictions = []
    for row in range(len(rows)):
        probabilities = activations[-1][row]
        if network.output == "sigmoid":  # ten independent sigmoids: scaled to sum to 1, as a softmax's do
            probabilities = probabilities / probabilities.sum()
        predictions.append(
            Prediction(
                digit=int(np.argmax(probabilities)),
                probabilities=probabilities,
                zs=[z[row] for z in zs],
                activations=[a[row] for a in activations],
            )
        )
    return predictions


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
