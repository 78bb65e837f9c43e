"""Stochastic weight averaging: one network whose weights are the mean of several points of a run.

After each cosine cycle of the learning rate the weights sit near the bottom of a valley of the cost;
the mean of those points lies nearer its centre, where the cost changes least when the input does, and
such a network reads unseen inputs better than any one point (Izmailov et al., 2018). The mean is taken
weight by weight, so the result is still one network of the same shape, which the page shows as it is.
"""

from __future__ import annotations

import numpy as np

from model.network import Array, Network


class WeightAverage:
    """The running mean of a network's weights and biases over the moments it was given."""

    def __init__(self) -> None:
        self.count = 0
        self._weights: list[Array] = []
        self._biases: list[Array] = []

    def add(self, network: Network) -> None:
        """Include the network's current weights and biases in the mean (copied: training goes on)."""
        self.count += 1
        if self.count == 1:
            self._weights = [w.astype(np.float64) for w in network.weights]
            self._biases = [b.astype(np.float64) for b in network.biases]
            return
        # Running mean: m_k = m_{k-1} + (x_k - m_{k-1}) / k, in float64 so the mean does not drift.
        for mean, current in zip(self._weights + self._biases, network.weights + network.biases, strict=True):
            mean += (current - mean) / self.count

    def network(self) -> Network:
        """Return a new float32 network holding the mean; raises ValueError before anything was added."""
        if not self.count:
            raise ValueError("no weights have been added to the average")
        return Network([w.astype(np.float32) for w in self._weights], [b.astype(np.float32) for b in self._biases])
