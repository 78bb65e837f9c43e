"""The step panel's numbers are the trainer's: every one read from Trainer.step's arrays and the network."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from model.network import Network
from model.serving.weights import load
from model.training.live.messages import answer, explained_step, snapshot, weights_message
from model.training.optimizer import SGD
from model.training.trainer import Trainer


def trained_step(
    cost: str, layer: int, neuron: int
) -> tuple[dict[str, Any], Network, Network, object, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    network = Network.initialise([784, 12, 10], rng, output="sigmoid")
    before = Network([w.copy() for w in network.weights], [b.copy() for b in network.biases], output="sigmoid")
    x, y = rng.random((4, 784), dtype=np.float32), np.array([3, 1, 4, 1])
    trainer = Trainer(network, SGD(), cost=cost)
    step, message = explained_step(trainer=trainer, x=x, y=y, layer=layer, neuron=neuron, eta=0.5, examples_seen=4)
    return message, network, before, step, x, y


@pytest.mark.parametrize("cost", ["quadratic", "cross-entropy"])
@pytest.mark.parametrize(("layer", "neuron"), [(2, 3), (1, 7)])
def test_step_message_numbers_equal_the_trainers(cost: str, layer: int, neuron: int) -> None:
    message, network, before, step, _x, y = trained_step(cost, layer, neuron)
    l, m = layer - 1, len(y)
    gradients = step.gradients  # type: ignore[attr-defined]
    assert message["delta"] == (gradients.delta[l][:, neuron] * m).tolist()
    assert message["nabla_b_sum"] == float(gradients.nabla_b[l][neuron]) * m
    assert message["nabla_w_sum"] == (gradients.nabla_w[l][neuron] * m).tolist()
    assert message["b_before"] == float(before.biases[l][neuron])
    assert message["b_after"] == float(network.biases[l][neuron])
    # The update as the panel writes it: b -> b - (eta/m) sum_x dC_x/db, w likewise (float32 rounding apart).
    assert message["b_after"] == pytest.approx(message["b_before"] - 0.5 / m * message["nabla_b_sum"], abs=1e-6)
    assert message["batch"]["labels"] == y.tolist()
    assert len(message["batch"]["pixels"]) == m
    for sample in message["w_sample"]:
        i = sample["from"]
        assert sample["before"] == float(before.weights[l][neuron, i])
        assert sample["after"] == float(network.weights[l][neuron, i])
        assert sample["after"] == pytest.approx(sample["before"] - 0.5 / m * sample["nabla_sum"], abs=1e-6)
    assert message["neuron"] == {"layer": layer, "index": neuron, "inputs": network.sizes[l]}


def test_the_output_delta_is_the_articles() -> None:
    """For the output layer: (a - y) sigma'(z) with the quadratic cost, a - y with cross-entropy."""
    for cost in ("quadratic", "cross-entropy"):
        message, _, before, _, x, y = trained_step(cost, 2, 3)
        a = before.feedforward(x)[:, 3].astype(np.float64)
        target = (y == 3).astype(np.float64)
        expected = (a - target) * a * (1 - a) if cost == "quadratic" else a - target
        np.testing.assert_allclose(message["delta"], expected, rtol=1e-4, atol=1e-7)


def test_snapshot_counts_and_images() -> None:
    rng = np.random.default_rng(0)
    network = Network.initialise([784, 12, 10], rng, output="sigmoid")
    labels = np.array([0, 1, 2, 3, 4])
    predicted = np.array([0, 1, 3, 3, 9])
    pixels = rng.integers(0, 256, (5, 784), dtype=np.uint8)
    shot = snapshot(network=network, examples_seen=7, validation_y=labels, predicted=predicted, validation_bytes=pixels)
    confusion = np.array(shot["confusion"])
    assert confusion.sum() == 5 and confusion[2, 3] == 1 and confusion[4, 9] == 1 and confusion[3, 3] == 1
    assert [w["label"] for w in shot["wrong"]] == [2, 4]
    assert base64.b64decode(shot["wrong"][0]["pixels"]) == pixels[2].tobytes()
    image = np.frombuffer(base64.b64decode(shot["first_layer"]["data"]), np.uint8).reshape(12, 784)
    assert image.min() == 0 and image.max() == 255
    assert shot["first_layer"]["min"] == float(network.weights[0].min())


def test_weights_message_is_a_servable_weights_file(tmp_path: Path) -> None:
    network = Network.initialise([784, 12, 10], np.random.default_rng(0), output="sigmoid")
    message = weights_message(network=network, cost="quadratic", metadata={"training": {"examples_seen": 10}})
    path = tmp_path / message["filename"]
    path.write_bytes(base64.b64decode(message["data"]))
    loaded = load(path)
    assert loaded.network.output == "sigmoid" and loaded.metadata["cost"] == "quadratic"
    assert loaded.metadata["activations"] == ["sigmoid", "sigmoid"]
    assert message["filename"] in message["serve"] and "DIGITS_WEIGHTS_PATH" in message["serve"]
    with np.load(io.BytesIO(base64.b64decode(message["data"]))) as data:
        np.testing.assert_array_equal(data["w1"], network.weights[0])


def test_answer_scales_the_sigmoids_to_sum_to_one() -> None:
    network = Network.initialise([784, 12, 10], np.random.default_rng(0), output="sigmoid")
    pixels = np.random.default_rng(1).random(784, dtype=np.float32)
    reply = answer(network=network, pixels=pixels)
    outputs = network.feedforward(pixels.reshape(1, -1))[0]
    assert reply["outputs"] == outputs.tolist()
    assert sum(reply["probabilities"]) == pytest.approx(1.0, abs=1e-6)
    assert reply["digit"] == int(outputs.argmax())
