"""What the API answers: plain keyword-only functions from the runtime and a checked request to the encoded
answer, tested without HTTP; the routes in app.api call them.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import orjson
from numpy.typing import NDArray

from app.display import display_arrays
from app.errors import NoSuchNeuronError
from app.parsing import PredictInput
from app.runtime import Runtime
from app.uploads import parse_upload
from model.reading.pictures.pipeline import read_picture
from model.reading.strokes import render
from model.serving.inference import Prediction, predict, saliency
from model.serving.uncertainty import assess

DUMPS_OPTIONS = orjson.OPT_SERIALIZE_NUMPY
"""How answers are encoded: NumPy arrays written by orjson itself, float32 as float32."""


class AnswerOptions(Protocol):
    """What a request asks of the answer, besides the drawing or picture (PredictInput, PictureInput)."""

    @property
    def explain(self) -> bool: ...
    @property
    def target(self) -> int | None: ...
    @property
    def layers(self) -> bool: ...
    @property
    def display(self) -> bool: ...


def answer(*, runtime: Runtime, image: NDArray[np.float32], prediction: Prediction, options: AnswerOptions) -> bytes:
    """Return the encoded POST /predict response for the 28x28 image the network read, as `prediction`.

    Without `options.layers`, the answer leaves out every layer's z and a; with `options.display`, it
    carries the input, the activations and the saliency map packed for a page to draw (app.display)
    instead of `input`, `layers` and `saliency`.
    """
    network = runtime.reader
    display, target = options.display, options.target
    verdict = assess(probabilities=prediction.probabilities, z_output=prediction.zs[-1], thresholds=runtime.thresholds)
    body: dict[str, Any] = {"digit": prediction.digit, "probabilities": prediction.probabilities}
    if not display:
        body["input"] = image
        if options.layers:
            body["layers"] = [
                {"name": name, "activation": activation, "z": z, "a": a}
                for name, activation, z, a in zip(
                    runtime.layer_names, network.activations, prediction.zs, prediction.activations[1:], strict=True
                )
            ]
    body.update(unsure=verdict.unsure, not_a_digit=verdict.not_a_digit, top2=verdict.top2)
    gradient = None
    if options.explain:
        target = prediction.digit if target is None else target
        gradient = saliency(network=network, prediction=prediction, target=target)
        if not display:
            body["saliency"] = gradient
        body["target"] = target
    if display:
        body["display"] = display_arrays(image=image, activations=prediction.activations[1:], saliency=gradient)
    return orjson.dumps(body, option=DUMPS_OPTIONS)


def drawing_image(drawing: PredictInput) -> NDArray[np.float32]:
    """Return the 28x28 image of a checked drawing: strokes rendered (model.reading.strokes), or pixels as they are."""
    image = render(drawing.strokes) if drawing.strokes is not None else drawing.pixels
    assert image is not None  # parse_predict_body guarantees strokes or pixels
    return image


def answer_drawing(*, runtime: Runtime, drawing: PredictInput) -> bytes:
    """Return the encoded answer for a checked drawing, read on its own (see ForwardBatcher for many at once)."""
    image = drawing_image(drawing)
    prediction = predict(network=runtime.reader, image=image)
    return answer(runtime=runtime, image=image, prediction=prediction, options=drawing)


async def answer_drawing_batched(*, runtime: Runtime, drawing: PredictInput) -> bytes:
    """Return the encoded answer for a checked drawing, rendered and read with the others waiting now (app.batching).

    Raises NoInkError for strokes without a point.
    """
    image, prediction = await runtime.batcher.read(strokes=drawing.strokes, image=drawing.pixels)
    return answer(runtime=runtime, image=image, prediction=prediction, options=drawing)


def answer_upload(*, runtime: Runtime, body: bytes, content_type: str) -> bytes:
    """Return the encoded answer for a picture upload: parsed, decoded and preprocessed (model.reading.pictures.pipeline).

    Raises InputError for a bad form, PictureError for a bad picture and NoInkError for a blank one
    (app.errors.STATUS_OF answers each).
    """
    upload = parse_upload(body, content_type)
    image = read_picture(upload.data, max_pixels=runtime.limits.max_image_pixels)
    prediction = predict(network=runtime.reader, image=image)
    return answer(runtime=runtime, image=image, prediction=prediction, options=upload)


def describe_neuron(*, runtime: Runtime, layer: int, index: int) -> dict[str, Any]:
    """Return neuron `index` of layer `layer` (1 = first hidden): bias, weights in and out; NoSuchNeuronError if none."""
    network = runtime.model.network
    count = len(network.weights)
    if not 1 <= layer <= count:
        raise NoSuchNeuronError(f"no layer {layer}: layers are 1-{count} (1 = first hidden layer, {count} = output)")
    weights = network.weights[layer - 1]
    size = weights.shape[0]
    if not 0 <= index < size:
        raise NoSuchNeuronError(f"layer {layer} has no neuron {index} (it has {size}: 0-{size - 1})")
    outgoing = network.weights[layer][:, index] if layer < count else None
    return {
        "layer": layer,
        "index": index,
        "name": runtime.layer_names[layer - 1],
        "activation": network.activations[layer - 1],
        "bias": float(network.biases[layer - 1][index]),
        "weights": weights[index],
        "outgoing": None if outgoing is None else np.ascontiguousarray(outgoing),
    }
