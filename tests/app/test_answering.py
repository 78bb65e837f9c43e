"""The answers of the API, built without HTTP (app/answering.py); through HTTP: test_api.py, test_answer_options.py."""

from __future__ import annotations

import asyncio

import numpy as np
import orjson
import pytest

from app.answering import answer_drawing, answer_drawing_batched, describe_neuron
from app.errors import NoSuchNeuronError
from app.parsing import parse_predict_body
from app.runtime import Runtime, build_runtime
from app.settings import Settings
from model.serving.weights import LoadedModel

SEVEN = [[[10.0, 10.0], [60.0, 10.0], [30.0, 80.0]]]


@pytest.fixture(scope="module")
def runtime(tiny_model: LoadedModel, settings: Settings) -> Runtime:
    """Return the runtime serving the tiny network."""
    return build_runtime(tiny_model, settings)


def drawn(runtime: Runtime, **options: object) -> dict[str, object]:
    """Return the decoded answer to the drawing SEVEN with `options`, read on its own."""
    body = orjson.dumps({"strokes": SEVEN, **options})
    answer: dict[str, object] = orjson.loads(
        answer_drawing(runtime=runtime, drawing=parse_predict_body(body, runtime.limits))
    )
    return answer


def test_the_full_answer_carries_every_layer_and_layers_false_leaves_them_out(runtime: Runtime) -> None:
    full, light = drawn(runtime), drawn(runtime, layers=False)
    layers = full["layers"]
    assert isinstance(layers, list)
    assert [len(layer["a"]) for layer in layers] == runtime.model.network.sizes[1:]
    assert "layers" not in light
    assert light == {key: value for key, value in full.items() if key != "layers"}


def test_a_drawing_read_alone_and_read_batched_get_the_same_answer(runtime: Runtime) -> None:
    drawing = parse_predict_body(orjson.dumps({"strokes": SEVEN, "explain": True}), runtime.limits)
    alone = orjson.loads(answer_drawing(runtime=runtime, drawing=drawing))
    batched = orjson.loads(asyncio.run(answer_drawing_batched(runtime=runtime, drawing=drawing)))
    assert batched["digit"] == alone["digit"]
    np.testing.assert_allclose(batched["probabilities"], alone["probabilities"], atol=1e-6)
    np.testing.assert_allclose(batched["saliency"], alone["saliency"], atol=1e-6)


def test_describe_neuron_names_what_does_not_exist(runtime: Runtime) -> None:
    sizes = runtime.model.network.sizes
    last = len(sizes) - 1
    neuron = describe_neuron(runtime=runtime, layer=last, index=0)
    assert neuron["name"] == "output" and neuron["outgoing"] is None and len(neuron["weights"]) == sizes[-2]
    with pytest.raises(NoSuchNeuronError, match=f"no layer {last + 1}: layers are 1-{last}"):
        describe_neuron(runtime=runtime, layer=last + 1, index=0)
    with pytest.raises(NoSuchNeuronError, match=f"layer 1 has no neuron {sizes[1]}"):
        describe_neuron(runtime=runtime, layer=1, index=sizes[1])
