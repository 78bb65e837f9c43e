"""One neuron's weighted input as the classic diagram draws it: its largest terms, the rest summed.

z = sum_i w_i x_i + b has hundreds of terms; a diagram has room for a handful. The terms shown are
the largest |w_i x_i|, the ones that move z most, and the others are summed into one, so the terms
still add up to z exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from model.network import sigmoid

SHOWN_TERMS = 5
"""Terms w_i x_i drawn one by one; the others are summed into one edge."""


@dataclass(frozen=True)
class NeuronTerms:
    """The terms of z = sum_i w_i x_i + b as drawn: `shown` inputs, then `rest` for the `others`."""

    shown: tuple[int, ...]
    """Indices i of the inputs drawn, largest |w_i x_i| first."""
    w: tuple[float, ...]
    x: tuple[float, ...]
    rest: float
    """Sum of the terms w_i x_i not drawn."""
    others: int
    """How many terms `rest` sums."""
    b: float
    z: float
    a: float
    """sigma(z)."""


def largest_terms(w: NDArray[np.floating], x: NDArray[np.floating], count: int) -> NDArray[np.intp]:
    """Return the indices of the `count` largest |w_i x_i|, largest first; ties go to the larger |w_i|, then the lower i.

    The tie rule matters for a blank drawing, where every term is 0: the strongest weights are shown.
    """
    magnitude = np.abs(w * x)
    order = np.lexsort((-np.abs(w), -magnitude))  # the last key sorts first; lexsort is stable
    return order[:count]


def neuron_terms(
    *, w: NDArray[np.floating], b: float, x: NDArray[np.floating], shown: int = SHOWN_TERMS
) -> NeuronTerms:
    """Return the NeuronTerms of the neuron with weights `w` and bias `b` for the inputs `x`, in float64."""
    w64 = np.asarray(w, dtype=np.float64).ravel()
    x64 = np.asarray(x, dtype=np.float64).ravel()
    if w64.shape != x64.shape:
        raise ValueError(f"the neuron has {w64.size} weights but {x64.size} inputs were given")
    terms = w64 * x64
    top = largest_terms(w64, x64, shown)
    others = np.ones(terms.size, dtype=bool)
    others[top] = False
    z = float(terms.sum() + b)
    return NeuronTerms(
        shown=tuple(int(i) for i in top),
        w=tuple(float(w64[i]) for i in top),
        x=tuple(float(x64[i]) for i in top),
        rest=float(terms[others].sum()),
        others=int(others.sum()),
        b=float(b),
        z=z,
        a=float(sigmoid(np.array([z]))[0]),
    )


class FigureError(ValueError):
    """A figure was asked of something it cannot draw; the message says what is possible."""


def check_neuron(*, sizes: list[int], layer: int, index: int) -> None:
    """Raise FigureError unless neuron `index` of layer `layer` exists and is a sigmoid neuron.

    `sizes` are the network's layer sizes, input first; layers 1 to L-1 are sigmoid, L is the softmax output.
    """
    hidden = len(sizes) - 2
    if not 1 <= layer <= hidden:
        span = "1" if hidden == 1 else f"1-{hidden}"
        raise FigureError(f"no sigmoid layer {layer}: the figures show a hidden layer's neuron, layer {span}")
    if not 0 <= index < sizes[layer]:
        raise FigureError(f"layer {layer} has no neuron {index} (it has {sizes[layer]}: 0-{sizes[layer] - 1})")
