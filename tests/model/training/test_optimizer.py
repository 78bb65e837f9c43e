"""Momentum SGD with L2: the blocked in-place update equals the textbook formula."""

from __future__ import annotations

import numpy as np

from model.network import Network
from model.training.optimizer import MomentumSGD


def test_two_steps_follow_the_formula() -> None:
    rng = np.random.default_rng(3)
    network = Network.initialise([784, 200, 10], rng)  # 200 rows: several blocks of the update
    x = rng.random((16, 784), dtype=np.float32)
    y = rng.integers(0, 10, 16)
    eta, mu, lam = 0.05, 0.9, 1e-3
    optimizer = MomentumSGD(network, momentum=mu, weight_decay=lam)
    expected_w = [w.astype(np.float64) for w in network.weights]
    expected_b = [b.astype(np.float64) for b in network.biases]
    v_w = [np.zeros_like(w) for w in expected_w]
    v_b = [np.zeros_like(b) for b in expected_b]
    for _ in range(2):
        _, gradients, _ = network.backprop(x, y)
        for l in range(2):
            v_w[l] = mu * v_w[l] - eta * (gradients.nabla_w[l] + lam * expected_w[l])
            v_b[l] = mu * v_b[l] - eta * gradients.nabla_b[l]
            expected_w[l] = expected_w[l] + v_w[l]
            expected_b[l] = expected_b[l] + v_b[l]
        optimizer.step(network, gradients, learning_rate=eta)
        for l in range(2):
            np.testing.assert_allclose(network.weights[l], expected_w[l], rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(network.biases[l], expected_b[l], rtol=1e-5, atol=1e-6)
