"""The messages a /learn job sends, built from the trainer's own arrays (docs/learn.md has their fields).

Plain functions of arrays returning JSON-ready dicts: the unit tests compare their numbers with the trainer's.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from numpy.typing import NDArray

from model.constants import NUM_CLASSES
from model.network import Array, Network
from model.serving.weights import encode
from model.training.trainer import Step, Trainer

WRONG_SHOWN = 8
"""Validation digits the network gets wrong, shown in each snapshot."""
W_SAMPLE = 5
"""Incoming weights of the focused neuron written out in a step message (those with the largest gradient)."""


def b64(data: NDArray[np.uint8] | bytes) -> str:
    """Return the bytes (or a uint8 array's bytes) as base64 text."""
    return base64.b64encode(data if isinstance(data, bytes) else data.tobytes()).decode("ascii")


def as_bytes(pixels: Array) -> NDArray[np.uint8]:
    """Return pixels in [0, 1] as uint8 0-255 (255 = ink), as MNIST stores them."""
    return np.rint(np.clip(pixels, 0, 1) * 255).astype(np.uint8)


def snapshot(
    *,
    network: Network,
    examples_seen: int,
    validation_y: NDArray[np.int64],
    predicted: NDArray[np.int64],
    validation_bytes: NDArray[np.uint8],
) -> dict[str, Any]:
    """Return a "snapshot": the first layer's weights as an image, the confusion matrix and some wrong digits."""
    w = network.weights[0]
    low, high = float(w.min()), float(w.max())
    scaled = as_bytes((w - low) / (high - low)) if high > low else np.zeros(w.shape, np.uint8)
    confusion = np.bincount(validation_y * NUM_CLASSES + predicted, minlength=NUM_CLASSES * NUM_CLASSES)
    wrong = np.flatnonzero(predicted != validation_y)[:WRONG_SHOWN]
    return {
        "type": "snapshot",
        "examples_seen": examples_seen,
        "first_layer": {"shape": list(w.shape), "min": low, "max": high, "data": b64(scaled)},
        "confusion": confusion.reshape(NUM_CLASSES, NUM_CLASSES).tolist(),
        "wrong": [
            {"pixels": b64(validation_bytes[i]), "label": int(validation_y[i]), "predicted": int(predicted[i])}
            for i in wrong
        ],
    }


def step_message(
    *,
    step: Step,
    layer: int,
    neuron: int,
    x: Array,
    y: NDArray[np.int64],
    w_before: Array,
    b_before: float,
    network: Network,
    eta: float,
    cost: str,
    examples_seen: int,
) -> dict[str, Any]:
    """Return a "step" message for neuron `neuron` of layer `layer` (1 = first hidden), after Trainer.step.

    The trainer's gradients are those of the mean cost C = (1/m) sum_x C_x; the article writes the step with
    each input's own delta^x = dC_x/dz and sums, so each is the trainer's number times m (docs/learn.md).
    w_before and b_before are the neuron's incoming weights and bias copied just before the step.
    """
    m = len(y)
    l = layer - 1
    delta = step.gradients.delta[l][:, neuron] * m
    nabla_w_sum = step.gradients.nabla_w[l][neuron] * m
    nabla_b_sum = float(step.gradients.nabla_b[l][neuron]) * m
    w_after = network.weights[l][neuron]
    largest = np.argsort(-np.abs(nabla_w_sum), kind="stable")[:W_SAMPLE]
    return {
        "type": "step",
        "examples_seen": examples_seen,
        "eta": eta,
        "m": m,
        "cost": cost,
        "batch": {"pixels": [b64(row) for row in as_bytes(x)], "labels": y.tolist()},
        "neuron": {"layer": layer, "index": neuron, "inputs": int(w_after.size)},
        "delta": delta.tolist(),
        "nabla_b": delta.tolist(),
        "nabla_b_sum": nabla_b_sum,
        "nabla_w_sum": nabla_w_sum.tolist(),
        "b_before": b_before,
        "b_after": float(network.biases[l][neuron]),
        "w_sample": [
            {
                "from": int(i),
                "before": float(w_before[i]),
                "after": float(w_after[i]),
                "nabla_sum": float(nabla_w_sum[i]),
            }
            for i in largest
        ],
    }


def explained_step(
    *, trainer: Trainer, x: Array, y: NDArray[np.int64], layer: int, neuron: int, eta: float, examples_seen: int
) -> tuple[Step, dict[str, Any]]:
    """Return the trainer's Step on (x, y) and its "step" message for the neuron, whose weights are copied first.

    `examples_seen` counts this mini-batch too. The copy is made only here, so a step nobody watches pays nothing.
    """
    l = layer - 1
    network = trainer.network
    w_before = network.weights[l][neuron].copy()
    b_before = float(network.biases[l][neuron])
    step = trainer.step(x, y, learning_rate=eta)
    message = step_message(
        step=step,
        layer=layer,
        neuron=neuron,
        x=x,
        y=y,
        w_before=w_before,
        b_before=b_before,
        network=network,
        eta=eta,
        cost=trainer.cost,
        examples_seen=examples_seen,
    )
    return step, message


def weights_message(*, network: Network, cost: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """Return a "weights" message: the network as a weights file in the shipped format, base64."""
    name = "learned-" + "-".join(str(size) for size in network.sizes) + ".npz"
    content = encode(network, {"cost": cost, **metadata})
    return {
        "type": "weights",
        "filename": name,
        "data": b64(content),
        "serve": f"DIGITS_WEIGHTS_PATH={name} make run",
    }


def answer(*, network: Network, pixels: Array) -> dict[str, Any]:
    """Return an "answer": the network's outputs for one image, and the same scaled to sum to 1."""
    outputs = network.feedforward(pixels.reshape(1, -1))[0]
    probabilities = outputs / outputs.sum() if network.output == "sigmoid" else outputs
    return {
        "type": "answer",
        "digit": int(np.argmax(outputs)),
        "probabilities": probabilities.tolist(),
        "outputs": outputs.tolist(),
    }
