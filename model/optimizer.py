"""Gradient descent with momentum and L2 weight decay, updating a network in place."""

from __future__ import annotations

import numpy as np

from model.network import Array, Gradients, Network


class MomentumSGD:
    """v <- mu v - eta (nabla_w + lambda w);  w <- w + v.  Biases get the same rule without the L2 term."""

    def __init__(self, network: Network, *, momentum: float, weight_decay: float) -> None:
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.velocity_w: list[Array] = [np.zeros_like(w) for w in network.weights]
        self.velocity_b: list[Array] = [np.zeros_like(b) for b in network.biases]
        self._scratch: list[Array] = [np.empty_like(w) for w in network.weights]

    def step(self, network: Network, gradients: Gradients, *, learning_rate: float) -> None:
        """Move every weight and bias one step down the gradient (in place)."""
        eta = np.float32(learning_rate)
        mu = np.float32(self.momentum)
        decay = np.float32(self.weight_decay)
        for w, b, v_w, v_b, nabla_w, nabla_b, scratch in zip(
            network.weights,
            network.biases,
            self.velocity_w,
            self.velocity_b,
            gradients.nabla_w,
            gradients.nabla_b,
            self._scratch,
            strict=True,
        ):
            # In place, so that a step allocates nothing as large as a weight matrix.
            nabla_w += np.multiply(w, decay, out=scratch)
            v_w *= mu
            v_w -= np.multiply(nabla_w, eta, out=scratch)
            w += v_w
            v_b *= mu
            v_b -= eta * nabla_b
            b += v_b
