"""Stochastic weight averaging: the mean is taken weight by weight, of copies, and gives one network."""

from __future__ import annotations

import numpy as np
import pytest

from model.network import Network
from model.training.averaging import WeightAverage


def test_the_mean_of_three_networks_is_taken_weight_by_weight() -> None:
    rng = np.random.default_rng(0)
    networks = [Network.initialise([6, 4, 3], rng) for _ in range(3)]
    average = WeightAverage()
    for network in networks:
        average.add(network)
    mean = average.network()
    assert mean.sizes == [6, 4, 3] and average.count == 3
    for l in range(2):
        expected_w = np.mean([n.weights[l] for n in networks], axis=0)
        expected_b = np.mean([n.biases[l] for n in networks], axis=0)
        np.testing.assert_allclose(mean.weights[l], expected_w, rtol=1e-6)
        np.testing.assert_allclose(mean.biases[l], expected_b, rtol=1e-6)
        assert mean.weights[l].dtype == np.float32


def test_training_on_after_adding_does_not_move_the_mean() -> None:
    rng = np.random.default_rng(1)
    network = Network.initialise([5, 3, 2], rng)
    average = WeightAverage()
    average.add(network)
    before = [w.copy() for w in network.weights]
    network.weights[0] += 1.0  # what the optimizer does in place
    np.testing.assert_array_equal(average.network().weights[0], before[0])


def test_an_empty_average_has_no_network() -> None:
    with pytest.raises(ValueError, match="no weights"):
        WeightAverage().network()
