"""A feedforward network of sigmoid neurons: the maths, and nothing else.

Notation (as in the text this app accompanies):
    layer l has weights w^l (rows: neurons of layer l, columns: neurons of layer l-1) and biases b^l;
    weighted input  z^l = w^l a^{l-1} + b^l,
    activation      a^l = sigma(z^l)        for hidden layers,
                    a^L = softmax(z^L)      for the output layer of the served network ("softmax"), or
                    a^L = sigma(z^L)        as in the article ("sigmoid"),
    cost            C = (1/m) sum_x C_x over a mini-batch of m inputs, y = y(x) the one-hot label, with
                    C_x = -ln a^L_y                                  softmax output, cross-entropy;
                    C_x = (1/2) ||y - a^L||^2                        sigmoid output, "quadratic";
                    C_x = -sum_j [y_j ln a^L_j + (1-y_j) ln(1-a^L_j)]  sigmoid output, "cross-entropy".

Departure from the notation: the maths writes one input as a column vector. Here a mini-batch of m
inputs is a matrix with one input per *row*, so z^l = w^l a^{l-1} + b^l becomes z = a @ w.T + b.
The result is the same numbers for every input, computed in one matrix product.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]
"""float32 for training and inference; float64 in the gradient checks."""


def sigmoid(z: Array) -> Array:
    """Return sigma(z) = 1 / (1 + e^-z), element-wise.

    Computed as 0.5 + 0.5 tanh(z/2), the same function, because e^-z overflows for z << 0.
    """
    a = np.multiply(z, 0.5)
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


OUTPUTS = ("softmax", "sigmoid")
"""The output layer's activation function: softmax (the served network) or sigmoid (the article's, /learn's)."""

COSTS = ("cross-entropy", "quadratic")
"""The cost functions; "quadratic" needs a sigmoid output."""


def softplus(z: Array) -> Array:
    """Return ln(1 + e^z), element-wise, without overflow: -ln sigma(-z), so ln sigma(z) = -softplus(-z)."""
    return np.logaddexp(0, z)


def softmax(z: Array) -> Array:
    """Return e^{z_j} / sum_k e^{z_k} for each row of z.

    The row's largest z is subtracted first: the result is unchanged and e^z cannot overflow.
    """
    e: Array = z - z.max(axis=-1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


@dataclass(frozen=True)
class Gradients:
    """Partial derivatives of the cost: nabla_w[l] = dC/dw^l, nabla_b[l] = dC/db^l, nabla_x = dC/da^0.

    nabla_x is None unless asked for: training never needs it, and it costs as much as nabla_w^1.
    """

    nabla_w: list[Array]
    nabla_b: list[Array]
    nabla_x: Array | None
    delta: list[Array]
    """delta[l] = dC/dz^{l+1}, one row per input: row x is delta^x / m, the input's own delta^x = dC_x/dz
    divided by m because C is the mean over the mini-batch. nabla_b[l] is its column sum."""


class Network:
    """Layers of sigmoid neurons ending in a softmax or sigmoid layer (`output`); `weights[l]` has shape (n_out, n_in)."""

    def __init__(self, weights: list[Array], biases: list[Array], *, output: str = "softmax") -> None:
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, got {output!r}")
        if not weights or len(weights) != len(biases):
            raise ValueError("need one bias vector per weight matrix, and at least one layer")
        for l, (w, b) in enumerate(zip(weights, biases, strict=True)):
            if w.ndim != 2 or b.shape != (w.shape[0],):
                raise ValueError(f"layer {l + 1}: weights {w.shape} and biases {b.shape} do not match")
            if l and w.shape[1] != weights[l - 1].shape[0]:
                raise ValueError(f"layer {l + 1} expects {w.shape[1]} inputs, layer {l} has {weights[l - 1].shape[0]}")
        self.weights = weights
        self.biases = biases
        self.output = output

    @classmethod
    def initialise(
        cls, sizes: list[int], rng: np.random.Generator, dtype: type = np.float32, *, output: str = "softmax"
    ) -> Network:
        """Return a network with w ~ N(0, 1/n_in) and b ~ N(0, 1), so that z starts near the sigmoid's slope."""
        weights = [
            (rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)).astype(dtype)
            for n_in, n_out in itertools.pairwise(sizes)
        ]
        biases: list[Array] = [rng.standard_normal(n_out).astype(dtype) for n_out in sizes[1:]]
        return cls(weights, biases, output=output)

    @property
    def sizes(self) -> list[int]:
        """Return the number of neurons in each layer, input layer first."""
        return [self.weights[0].shape[1]] + [w.shape[0] for w in self.weights]

    @property
    def activations(self) -> list[str]:
        """Return the activation function's name for each layer after the input."""
        return ["sigmoid"] * (len(self.weights) - 1) + [self.output]

    @property
    def num_parameters(self) -> int:
        """Return the number of weights and biases."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    def forward(self, x: Array) -> tuple[list[Array], list[Array]]:
        """Return (zs, activations): z^l for every layer, and a^l with a^0 = x first.

        x holds one input per row; every returned array has one row per input.
        """
        zs: list[Array] = []
        activations = [x]
        a = x
        last = len(self.weights) - 1
        for l in range(last + 1):
            z = self.weighted_input(l, a)
            zs.append(z)
            a = softmax(z) if l == last and self.output == "softmax" else sigmoid(z)
            activations.append(a)
        return zs, activations

    def weighted_input(self, l: int, a: Array) -> Array:
        """Return z^{l+1} = w^{l+1} a^l + b^{l+1}, the weighted input of weights[l] and biases[l], given a = a^l."""
        z = a @ self.weights[l].T
        z += self.biases[l]
        return z

    def feedforward(self, x: Array) -> Array:
        """Return the output layer's activations a^L: one row of class probabilities per input."""
        return self.forward(x)[1][-1]

    def backward(self, activations: list[Array], delta: Array, *, to_input: bool = False) -> Gradients:
        """Return the gradients, given a forward pass's activations and delta^L = dC/dz^L.

        With to_input, the pass goes one step further, to dC/da^0 = delta^1 w^1: the saliency map.

        Backpropagation:  delta^l = (delta^{l+1} w^{l+1}) * sigma'(z^l),  with sigma'(z^l) = a^l (1 - a^l);
                          dC/db^l = delta^l,  dC/dw^l = delta^l (a^{l-1})^T,  summed over the rows.
        """
        n = len(self.weights)
        nabla_w: list[Array] = [np.empty(0, dtype=delta.dtype)] * n
        nabla_b: list[Array] = [np.empty(0, dtype=delta.dtype)] * n
        deltas: list[Array] = [np.empty(0, dtype=delta.dtype)] * n
        for l in range(n - 1, -1, -1):
            deltas[l] = delta  # the next delta is a new array: the in-place products below leave this one alone
            nabla_b[l] = delta.sum(axis=0)
            nabla_w[l] = delta.T @ activations[l]
            if l > 0:
                a = activations[l]
                delta = delta @ self.weights[l]
                delta *= a
                delta *= 1 - a
        nabla_x = delta @ self.weights[0] if to_input else None
        return Gradients(nabla_w=nabla_w, nabla_b=nabla_b, nabla_x=nabla_x, delta=deltas)

    def cost(self, z: Array, a: Array, y: NDArray[np.integer], *, cost: str = "cross-entropy") -> float:
        """Return C = (1/m) sum_x C_x (this module's docstring) for the output layer's z^L and a^L of m inputs."""
        m: int = a.shape[0]
        rows = np.arange(m)
        if self.output == "softmax":
            return float(-np.log(np.maximum(a[rows, y], np.finfo(a.dtype).tiny)).mean())
        if cost == "quadratic":
            error = a.copy()
            error[rows, y] -= 1
            return float(0.5 * np.square(error).sum()) / m
        # ln a = -softplus(-z) and ln(1 - a) = -softplus(z): exact where a rounds to 0 or 1
        return float(softplus(z).sum() - z[rows, y].sum()) / m

    def backprop(
        self, x: Array, y: NDArray[np.integer], *, cost: str = "cross-entropy"
    ) -> tuple[float, Gradients, Array]:
        """Return the mean cost C over the mini-batch (x, y), its gradients, and the output a^L.

        y holds the labels (the maths' one-hot y is y_j = 1 for j = label). The output error, divided by m
        because C is the mean over the m inputs:
            softmax, cross-entropy:   delta^L = a^L - y
            sigmoid, cross-entropy:   delta^L = a^L - y            (the sigma' cancels)
            sigmoid, quadratic:       delta^L = (a^L - y) * sigma'(z^L),  sigma'(z) = a (1 - a)
        Raises ValueError for the quadratic cost on a softmax output (its delta is not written here).
        """
        if cost not in COSTS:
            raise ValueError(f"cost must be one of {', '.join(COSTS)}, got {cost!r}")
        if cost == "quadratic" and self.output == "softmax":
            raise ValueError("the quadratic cost needs a sigmoid output layer")
        zs, activations = self.forward(x)
        output = activations[-1]
        m = x.shape[0]
        rows = np.arange(m)
        mean_cost = self.cost(zs[-1], output, y, cost=cost)
        delta = output.copy()
        delta[rows, y] -= 1
        if cost == "quadratic":
            delta *= output
            delta *= 1 - output
        delta /= m
        return mean_cost, self.backward(activations, delta), output

    def input_gradient(self, activations: list[Array], output: int) -> Array:
        """Return dz^L_k/dx for k = `output`: how each input pixel moves that output neuron's weighted input.

        `activations` are a forward pass's (a^0 = x first), so a caller that has run one does not run it
        again. The output's z rather than its probability: softmax saturates near 1 and would hide the answer.
        """
        delta = np.zeros_like(activations[-1])
        delta[:, output] = 1
        nabla_x = self.backward(activations, delta, to_input=True).nabla_x
        assert nabla_x is not None  # asked for with to_input
        return nabla_x
