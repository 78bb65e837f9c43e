"""The network's maths: forward pass, backpropagation against finite differences, input gradient."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from model.network import Array, Network, sigmoid, softmax

OUTPUT_AND_COST = [("softmax", "cross-entropy"), ("sigmoid", "quadratic"), ("sigmoid", "cross-entropy")]

EPS = 1e-6

Labels = NDArray[np.integer]
Small = tuple[Network, NDArray[np.float64], NDArray[np.int64]]
"""A float64 network and a mini-batch for it: inputs one per row, and their labels."""


def numerical_cost_gradient(network: Network, x: Array, y: Labels, array: Array, cost: str = "cross-entropy") -> Array:
    """Return dC/d(array) by central differences, perturbing `array` (a weight or bias) in place."""
    gradient = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + EPS
        plus, _, _ = network.backprop(x, y, cost=cost)
        array[index] = original - EPS
        minus, _, _ = network.backprop(x, y, cost=cost)
        array[index] = original
        gradient[index] = (plus - minus) / (2 * EPS)
    return gradient


def relative_error(a: Array, b: Array) -> float:
    """Return |a - b| / max(|a|, |b|) over the whole arrays."""
    return float(np.linalg.norm(a - b)) / max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1e-12)


@pytest.fixture
def small() -> Small:
    """Return a float64 network with two hidden layers and a mini-batch for it."""
    rng = np.random.default_rng(1)
    network = Network.initialise([7, 5, 4, 3], rng, dtype=np.float64)
    return network, rng.random((6, 7)), rng.integers(0, 3, 6)


def test_sigmoid_and_softmax_match_their_definitions() -> None:
    z = np.array([[-800.0, -3.0, 0.0, 2.5, 800.0]])
    assert np.allclose(sigmoid(z), 1 / (1 + np.exp(-np.clip(z, -700, 700))))
    p = softmax(z)
    assert p.sum() == pytest.approx(1.0)
    assert np.all(np.isfinite(p))
    small = np.array([[1.0, 2.0, 3.0]])
    assert np.allclose(softmax(small), np.exp(small) / np.exp(small).sum())


def test_forward_returns_every_z_and_a(small: Small) -> None:
    network, x, _ = small
    zs, activations = network.forward(x)
    assert [z.shape for z in zs] == [(6, 5), (6, 4), (6, 3)]
    assert activations[0] is x
    np.testing.assert_allclose(zs[0], x @ network.weights[0].T + network.biases[0])
    np.testing.assert_allclose(activations[1], 1 / (1 + np.exp(-zs[0])))
    np.testing.assert_allclose(activations[-1].sum(axis=1), 1.0)
    np.testing.assert_allclose(network.feedforward(x), activations[-1])


@pytest.mark.parametrize("layer", [0, 1, 2])
def test_backprop_matches_finite_differences(small: Small, layer: int) -> None:
    network, x, y = small
    _, gradients, _ = network.backprop(x, y)
    numeric_w = numerical_cost_gradient(network, x, y, network.weights[layer])
    numeric_b = numerical_cost_gradient(network, x, y, network.biases[layer])
    assert relative_error(gradients.nabla_w[layer], numeric_w) < 1e-6
    assert relative_error(gradients.nabla_b[layer], numeric_b) < 1e-6


@pytest.mark.parametrize(("output", "cost"), OUTPUT_AND_COST)
@pytest.mark.parametrize("layer", [0, 1, 2])
def test_every_cost_matches_finite_differences(output: str, cost: str, layer: int) -> None:
    rng = np.random.default_rng(2)
    network = Network.initialise([7, 5, 4, 3], rng, dtype=np.float64, output=output)
    x, y = rng.random((6, 7)), rng.integers(0, 3, 6)
    _, gradients, _ = network.backprop(x, y, cost=cost)
    numeric_w = numerical_cost_gradient(network, x, y, network.weights[layer], cost)
    numeric_b = numerical_cost_gradient(network, x, y, network.biases[layer], cost)
    assert relative_error(gradients.nabla_w[layer], numeric_w) < 1e-6
    assert relative_error(gradients.nabla_b[layer], numeric_b) < 1e-6


def test_sigmoid_costs_are_the_articles() -> None:
    rng = np.random.default_rng(3)
    network = Network.initialise([7, 5, 3], rng, dtype=np.float64, output="sigmoid")
    x, y = rng.random((4, 7)), np.array([0, 2, 1, 2])
    one_hot = np.eye(3)[y]
    zs, activations = network.forward(x)
    a = activations[-1]
    np.testing.assert_allclose(a, 1 / (1 + np.exp(-zs[-1])))
    quadratic, gq, _ = network.backprop(x, y, cost="quadratic")
    assert quadratic == pytest.approx(0.5 * np.square(one_hot - a).sum(axis=1).mean(), rel=1e-12)
    np.testing.assert_allclose(gq.delta[-1] * 4, (a - one_hot) * a * (1 - a), rtol=1e-12)
    entropy, ge, _ = network.backprop(x, y, cost="cross-entropy")
    expected = -(one_hot * np.log(a) + (1 - one_hot) * np.log(1 - a)).sum(axis=1).mean()
    assert entropy == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(ge.delta[-1] * 4, a - one_hot, rtol=1e-12)
    np.testing.assert_allclose(ge.nabla_b[0], ge.delta[0].sum(axis=0))


def test_cross_entropy_stays_finite_where_the_sigmoid_saturates() -> None:
    network = Network([np.array([[100.0], [-100.0]])], [np.zeros(2)], output="sigmoid")
    cost, gradients, _ = network.backprop(np.array([[1.0]]), np.array([1]), cost="cross-entropy")
    assert cost == pytest.approx(200.0)
    assert np.isfinite(gradients.nabla_w[0]).all()


def test_the_quadratic_cost_needs_a_sigmoid_output_and_names_are_checked() -> None:
    network = Network.initialise([4, 3], np.random.default_rng(0))
    with pytest.raises(ValueError, match="sigmoid output"):
        network.backprop(np.zeros((1, 4), np.float32), np.array([0]), cost="quadratic")
    with pytest.raises(ValueError, match="cost must be one of"):
        network.backprop(np.zeros((1, 4), np.float32), np.array([0]), cost="hinge")
    with pytest.raises(ValueError, match="output must be one of"):
        Network(network.weights, network.biases, output="relu")


def test_backprop_cost_is_the_mean_cross_entropy(small: Small) -> None:
    network, x, y = small
    cost, _, output = network.backprop(x, y)
    assert cost == pytest.approx(-np.log(output[np.arange(len(y)), y]).mean())


def test_input_gradient_matches_finite_differences(small: Small) -> None:
    network, x, _ = small
    x = x[:1].copy()
    for k in range(3):
        analytic = network.input_gradient(network.forward(x)[1], k)
        numeric = np.zeros_like(x)
        for i in range(x.shape[1]):
            x[0, i] += EPS
            plus = network.forward(x)[0][-1][0, k]
            x[0, i] -= 2 * EPS
            minus = network.forward(x)[0][-1][0, k]
            x[0, i] += EPS
            numeric[0, i] = (plus - minus) / (2 * EPS)
        assert relative_error(analytic, numeric) < 1e-6


def test_float32_stays_float32() -> None:
    network = Network.initialise([784, 30, 10], np.random.default_rng(0))
    x = np.random.default_rng(1).random((4, 784), dtype=np.float32)
    _, gradients, output = network.backprop(x, np.array([0, 1, 2, 3]))
    assert output.dtype == np.float32
    assert all(g.dtype == np.float32 for g in gradients.nabla_w + gradients.nabla_b)


def test_mismatched_shapes_are_rejected() -> None:
    with pytest.raises(ValueError, match="layer 2"):
        Network([np.zeros((5, 4)), np.zeros((3, 6))], [np.zeros(5), np.zeros(3)])
