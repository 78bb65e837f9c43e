"""Weights files: round trip, SHA-256 and shape checks, and the shipped model's accuracy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.constants import NUM_CLASSES, NUM_PIXELS
from model.datasets.mnist import load_mnist
from model.network import Network
from model.serving import weights
from model.serving.weights import DEFAULT_WEIGHTS, WeightsError


def tiny(seed: int = 0) -> Network:
    """Return a small random network with the product's input and output sizes."""
    return Network.initialise([NUM_PIXELS, 8, NUM_CLASSES], np.random.default_rng(seed))


def test_round_trip_keeps_arrays_and_metadata(tmp_path: Path) -> None:
    network = tiny()
    path = tmp_path / "w.npz"
    digest = weights.save(network, path, {"test_accuracy": 0.5})
    loaded = weights.load(path)
    assert loaded.sha256 == digest == (tmp_path / "w.npz.sha256").read_text().strip()
    assert loaded.metadata["sizes"] == [NUM_PIXELS, 8, NUM_CLASSES]
    assert loaded.metadata["activations"] == ["sigmoid", "softmax"]
    assert loaded.metadata["test_accuracy"] == 0.5
    for a, b in zip(loaded.network.weights + loaded.network.biases, network.weights + network.biases, strict=True):
        np.testing.assert_array_equal(a, b)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match=r"nope\.npz: weights file not found"):
        weights.load(tmp_path / "nope.npz")


def test_checksum_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    weights.save(tiny(), path, {})
    (tmp_path / "w.npz.sha256").write_text("0" * 64 + "\n")
    with pytest.raises(WeightsError, match=r"w\.npz: SHA-256 [0-9a-f]{64} does not match"):
        weights.load(path)


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    path.write_bytes(b"not a zip file at all")
    with pytest.raises(WeightsError, match=r"w\.npz: not a readable weights file"):
        weights.load(path)


def test_wrong_shapes(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    weights.save(Network.initialise([NUM_PIXELS - 1, 8, NUM_CLASSES], np.random.default_rng(0)), path, {})
    with pytest.raises(WeightsError, match=r"w\.npz: wrong shapes"):
        weights.load(path)


def test_shipped_weights_match_their_checksum() -> None:
    loaded = weights.load(DEFAULT_WEIGHTS)
    assert loaded.network.sizes[0] == NUM_PIXELS and loaded.network.sizes[-1] == NUM_CLASSES
    assert loaded.sha256 == (DEFAULT_WEIGHTS.parent / "default.npz.sha256").read_text().split()[0]


@pytest.mark.mnist
def test_shipped_weights_score_at_least_98_8_percent_on_mnist_test(mnist_dir: Path) -> None:
    network = weights.load(DEFAULT_WEIGHTS).network
    mnist = load_mnist(mnist_dir)
    predicted = network.feedforward(mnist.test_images).argmax(axis=1)
    accuracy = float((predicted == mnist.test_labels).mean())
    assert accuracy >= 0.988, f"MNIST test accuracy {accuracy:.4f}"


def test_a_sigmoid_output_network_is_saved_and_served_as_one(tmp_path: Path) -> None:
    """The /learn download: metadata records the output activation and the cost; loading honours the activation."""
    from model.serving.inference import ReadingNetwork, predict

    network = Network.initialise([784, 12, 10], np.random.default_rng(0), output="sigmoid")
    weights.save(network, tmp_path / "learned.npz", {"cost": "quadratic"})
    loaded = weights.load(tmp_path / "learned.npz")
    assert loaded.network.output == "sigmoid" and loaded.metadata["cost"] == "quadratic"
    image = np.random.default_rng(1).random((28, 28), dtype=np.float32)
    prediction = predict(network=ReadingNetwork(loaded.network), image=image)
    a = network.feedforward(image.reshape(1, -1))[0]
    np.testing.assert_allclose(prediction.activations[-1], a, rtol=1e-5)
    np.testing.assert_allclose(prediction.probabilities, a / a.sum(), rtol=1e-5)


def test_an_unknown_output_activation_is_refused(tmp_path: Path) -> None:
    network = Network.initialise([784, 12, 10], np.random.default_rng(0))
    weights.save(network, tmp_path / "odd.npz", {"activations": ["sigmoid", "relu"]})
    (tmp_path / "odd.npz.sha256").unlink()
    with pytest.raises(WeightsError, match="output activation 'relu'"):
        weights.load(tmp_path / "odd.npz")
