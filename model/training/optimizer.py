"""Gradient descent with momentum and L2 weight decay, updating a network in place."""

from __future__ import annotations

import numpy as np

from model.network import Array, Gradients, Network

BLOCK_BYTES = 256 * 1024
"""Rows of a weight matrix are updated in blocks of about this size, so that the block's weights,
velocity, gradient and scratch stay in the CPU cache through the five passes of the update: the
whole 1200x784 matrix at once streams 3.7 MB through memory each pass, about 1.7x slower."""


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
        for l, w in enumerate(network.weights):
            v_w, nabla_w, scratch = self.velocity_w[l], gradients.nabla_w[l], self._scratch[l]
            rows = max(1, BLOCK_BYTES // (w.shape[1] * w.itemsize))
            for start in range(0, w.shape[0], rows):
                block = slice(start, start + rows)
                w_, v_, g_, s_ = w[block], v_w[block], nabla_w[block], scratch[block]
                # In place, into preallocated scratch: a step allocates nothing as large as a weight matrix.
                g_ += np.multiply(w_, decay, out=s_)
                v_ *= mu
                v_ -= np.multiply(g_, eta, out=s_)
                w_ += v_
            v_b = self.velocity_b[l]
            v_b *= mu
            v_b -= eta * gradients.nabla_b[l]
            network.biases[l] += v_b


class SGD:
    """Plain gradient descent, as the article writes it: w -> w - (eta/m) sum_x dC_x/dw, and the same for b.

    Departure from the notation: the gradients are those of the mean cost C = (1/m) sum_x C_x, so the
    (1/m) sum is already in them and the step is w -> w - eta nabla_w.
    """

    def step(self, network: Network, gradients: Gradients, *, learning_rate: float) -> None:
        """Move every weight and bias one step down the gradient (in place)."""
        for l, w in enumerate(network.weights):
            w -= np.multiply(gradients.nabla_w[l], learning_rate, dtype=w.dtype)
            network.biases[l] -= np.multiply(gradients.nabla_b[l], learning_rate, dtype=w.dtype)
