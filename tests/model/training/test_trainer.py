"""The one Trainer: a step is backprop with the run's cost plus the optimiser's update, nothing more."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from model.network import Network
from model.training.optimizer import SGD, MomentumSGD
from model.training.trainer import Trainer


def batch(rng: np.random.Generator, m: int = 6) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    return rng.random((m, 7)), rng.integers(0, 3, m)


@pytest.mark.parametrize(("output", "cost"), [("sigmoid", "quadratic"), ("sigmoid", "cross-entropy")])
def test_sgd_step_is_the_articles_update(output: str, cost: str) -> None:
    rng = np.random.default_rng(0)
    network = Network.initialise([7, 5, 3], rng, dtype=np.float64, output=output)
    before_w = [w.copy() for w in network.weights]
    before_b = [b.copy() for b in network.biases]
    x, y = batch(rng)
    before = Network(before_w, before_b, output=output)
    _, expected, _ = before.backprop(x, y, cost=cost)
    step = Trainer(network, SGD(), cost=cost).step(x, y, learning_rate=0.5)
    m = len(y)
    for l in range(2):
        # w -> w - (eta/m) sum_x dC_x/dw, with sum_x dC_x/dw = m * (the mean cost's gradient)
        sum_w = m * expected.nabla_w[l]
        np.testing.assert_allclose(network.weights[l], before_w[l] - 0.5 / m * sum_w, rtol=1e-12)
        np.testing.assert_allclose(network.biases[l], before_b[l] - 0.5 / m * m * expected.nabla_b[l], rtol=1e-12)
        np.testing.assert_array_equal(step.gradients.nabla_w[l], expected.nabla_w[l])
    # The step's cost is C of the network before the update: C(z^L, a^L, y) with the run's cost.
    zs, activations = before.forward(x)
    assert step.cost == pytest.approx(before.cost(zs[-1], activations[-1], y, cost=cost))


def test_momentum_trainer_is_the_loop_make_train_ran_before() -> None:
    """Trainer.step with MomentumSGD gives bit-identical weights to backprop then MomentumSGD.step by hand."""
    rng = np.random.default_rng(1)
    a = Network.initialise([7, 5, 3], rng)
    b = Network([w.copy() for w in a.weights], [v.copy() for v in a.biases])
    trainer = Trainer(a, MomentumSGD(a, momentum=0.9, weight_decay=1e-4))
    by_hand = MomentumSGD(b, momentum=0.9, weight_decay=1e-4)
    for _ in range(5):
        x, y = batch(rng)
        x = x.astype(np.float32)
        trainer.step(x, y, learning_rate=0.1)
        _, gradients, _ = b.backprop(x, y)
        by_hand.step(b, gradients, learning_rate=0.1)
    for got, expected in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_the_trainer_learns() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((60, 7))
    y = (x[:, 0] > x[:, 1]).astype(np.int64)
    trainer = Trainer(
        Network.initialise([7, 8, 2], rng, dtype=np.float64, output="sigmoid"), SGD(), cost="cross-entropy"
    )
    first = trainer.step(x, y, learning_rate=1.0).cost
    for _ in range(300):
        last = trainer.step(x, y, learning_rate=1.0).cost
    assert last < first / 2
