"""One trainer for every run: `make train` (model.training.train) and the live /learn job (model.training.live).

A step is one mini-batch: backpropagation (Network.backprop, with the run's cost), then the optimiser's
update. Whoever loops over the data calls step() and reads what it returns; nothing else changes the weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from model.network import Array, Gradients, Network


class Optimizer(Protocol):
    """Moves a network's weights and biases, in place, given the gradients of one mini-batch."""

    def step(self, network: Network, gradients: Gradients, *, learning_rate: float) -> None: ...


@dataclass(frozen=True)
class Step:
    """What one step computed: the mini-batch's mean cost, its gradients and the output a^L (one row per input)."""

    cost: float
    gradients: Gradients
    output: Array


class Trainer:
    """A network, its cost and its optimiser; step() trains it on one mini-batch."""

    def __init__(self, network: Network, optimizer: Optimizer, *, cost: str = "cross-entropy") -> None:
        self.network = network
        self.optimizer = optimizer
        self.cost = cost

    def step(self, x: Array, y: NDArray[np.integer], *, learning_rate: float) -> Step:
        """Return the Step for the mini-batch (x, y), after moving the weights down its gradient.

        The gradients returned are those the update used (MomentumSGD adds its weight decay to nabla_w in place).
        """
        cost, gradients, output = self.network.backprop(x, y, cost=self.cost)
        self.optimizer.step(self.network, gradients, learning_rate=learning_rate)
        return Step(cost=cost, gradients=gradients, output=output)
