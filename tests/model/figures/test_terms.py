"""The neuron diagram's maths: the largest terms |w_i x_i| drawn, the others summed, all adding up to z."""

from __future__ import annotations

import numpy as np
import pytest

from model.figures.terms import FigureError, check_neuron, neuron_terms


def test_the_terms_drawn_and_the_rest_add_up_to_z() -> None:
    rng = np.random.default_rng(0)
    w, x = rng.standard_normal(784), rng.random(784)
    terms = neuron_terms(w=w, b=0.3, x=x, shown=5)
    drawn = sum(wi * xi for wi, xi in zip(terms.w, terms.x, strict=True))
    assert terms.z == pytest.approx(float(w @ x) + 0.3, abs=1e-9)
    assert drawn + terms.rest + terms.b == pytest.approx(terms.z, abs=1e-9)
    assert terms.others == 779
    assert terms.a == pytest.approx(1 / (1 + np.exp(-terms.z)))


def test_the_terms_drawn_are_the_largest_first() -> None:
    rng = np.random.default_rng(1)
    w, x = rng.standard_normal(100), rng.random(100)
    terms = neuron_terms(w=w, b=0.0, x=x, shown=4)
    magnitude = np.abs(w * x)
    assert list(terms.shown) == sorted(terms.shown, key=lambda i: -magnitude[i])
    others = np.delete(magnitude, list(terms.shown))
    assert min(magnitude[list(terms.shown)]) >= others.max()


def test_a_blank_input_shows_the_strongest_weights() -> None:
    w = np.array([0.1, -3.0, 0.5, 2.0, -0.2])
    terms = neuron_terms(w=w, b=-1.0, x=np.zeros(5), shown=2)
    assert terms.shown == (1, 3)
    assert terms.z == -1.0 and terms.rest == 0.0


def test_weights_and_inputs_must_match() -> None:
    with pytest.raises(ValueError, match="5 weights but 4 inputs"):
        neuron_terms(w=np.ones(5), b=0.0, x=np.ones(4))


@pytest.mark.parametrize(
    ("layer", "index", "message"),
    [(0, 0, "no sigmoid layer 0"), (3, 0, "no sigmoid layer 3: .* layer 1-2"), (2, 12, "layer 2 has no neuron 12")],
)
def test_only_hidden_neurons_have_figures(layer: int, index: int, message: str) -> None:
    with pytest.raises(FigureError, match=message):
        check_neuron(sizes=[784, 16, 12, 10], layer=layer, index=index)
    check_neuron(sizes=[784, 16, 12, 10], layer=2, index=11)
