"""The JSON API: thin routes that take what they need through Depends and call plain functions."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import orjson
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.dependencies import RuntimeDep
from app.errors import JSON, error_response
from app.parsing import InputError, PredictInput, parse_predict_body
from app.runtime import Runtime
from app.schemas import ErrorResponse, Health, ModelInfo, Neuron, PredictResponse
from model.inference import predict, saliency
from model.preprocess import NoInkError, render
from model.uncertainty import assess

_DUMPS_OPTIONS = orjson.OPT_SERIALIZE_NUMPY
HEALTH_PATH = "/healthz"
"""Liveness and readiness; also answered on a connection beyond the cap (app/protocol.py)."""

router = APIRouter()


def json_response(content: Any, status_code: int = 200) -> Response:
    """Return `content` encoded by orjson (numpy arrays included) as a JSON response."""
    return Response(orjson.dumps(content, option=_DUMPS_OPTIONS), status_code=status_code, media_type=JSON)


async def json_body(request: Request) -> bytes:
    """Return the request body; raise 415 unless it is declared application/json."""
    content_type = request.headers.get("content-type", "")
    if content_type.partition(";")[0].strip().lower() != JSON:
        raise HTTPException(415, "the body must be application/json")
    return await request.body()


JsonBody = Annotated[bytes, Depends(json_body)]


def _error(description: str, example: str) -> dict[str, Any]:
    """Return an OpenAPI response entry for an error with `description` and an example detail."""
    return {"model": ErrorResponse, "description": description, "content": {JSON: {"example": {"detail": example}}}}


def answer(*, runtime: Runtime, drawing: PredictInput) -> bytes:
    """Return the encoded POST /predict response for a checked drawing (strokes or pixels)."""
    network = runtime.reader
    image = render(drawing.strokes) if drawing.strokes is not None else drawing.pixels
    assert image is not None  # parse_predict_body guarantees strokes or pixels
    prediction = predict(network=network, image=image)
    verdict = assess(probabilities=prediction.probabilities, z_output=prediction.zs[-1], thresholds=runtime.thresholds)
    activation_names = network.activations
    body: dict[str, Any] = {
        "digit": prediction.digit,
        "probabilities": prediction.probabilities,
        "input": image,
        "layers": [
            {"name": name, "activation": activation, "z": z, "a": a}
            for name, activation, z, a in zip(
                runtime.layer_names, activation_names, prediction.zs, prediction.activations[1:], strict=True
            )
        ],
        "unsure": verdict.unsure,
        "not_a_digit": verdict.not_a_digit,
        "top2": verdict.top2,
    }
    if drawing.explain:
        target = prediction.digit if drawing.target is None else drawing.target
        body["saliency"] = saliency(network=network, prediction=prediction, target=target)
        body["target"] = target
    return orjson.dumps(body, option=_DUMPS_OPTIONS)


def describe_neuron(*, runtime: Runtime, layer: int, index: int) -> dict[str, Any]:
    """Return neuron `index` of layer `layer` (1 = first hidden): bias, weights in and out; LookupError if none."""
    network = runtime.model.network
    count = len(network.weights)
    if not 1 <= layer <= count:
        raise LookupError(f"no layer {layer}: layers are 1-{count} (1 = first hidden layer, {count} = output)")
    weights = network.weights[layer - 1]
    size = weights.shape[0]
    if not 0 <= index < size:
        raise LookupError(f"layer {layer} has no neuron {index} (it has {size}: 0-{size - 1})")
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


@router.post(
    "/predict",
    summary="Read a drawn digit",
    description=(
        "Send exactly one of `strokes` (raw pen points, preprocessed like MNIST) or `pixels` (a 28x28 "
        "image used as-is). The answer has the digit, the ten probabilities, the image the network saw, "
        "every layer's z and a, the uncertainty flags and, with `explain`, a saliency map. "
        "The body must be `application/json` (415 otherwise). "
        "Limits: the body at most $max_body_bytes bytes, at most $max_strokes strokes and $max_points "
        "points (413 beyond); coordinates finite with |x|, |y| <= $max_coordinate; pixels 28x28 in [0, 1] (422)."
    ),
    response_model=PredictResponse,
    responses={
        413: _error("The body, strokes or points are over the limits.", "too many strokes: 101 (the limit is 100)"),
        415: _error("The body is not application/json.", "the body must be application/json"),
        422: _error("The input is invalid; `detail` says how.", "no ink: the drawing has no points"),
        503: _error("The model is not loaded yet.", "the model is not loaded yet"),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": {"$ref": "#/components/schemas/PredictRequest"}}},
        }
    },
)
async def predict_digit(runtime: RuntimeDep, body: JsonBody) -> Response:
    """Return the network's reading of the drawing in the body (see PredictRequest, PredictResponse)."""
    try:
        drawing = parse_predict_body(body, runtime.limits)
    except InputError as error:
        return error_response(error.status, error.detail)
    # async def on purpose: a usual drawing takes well under a millisecond, less than a hop to the
    # thread pool and back; only a very long drawing is sent there, to keep the event loop free.
    try:
        if drawing.num_points > runtime.offload_points:
            encoded = await run_in_threadpool(answer, runtime=runtime, drawing=drawing)
        else:
            encoded = answer(runtime=runtime, drawing=drawing)
    except NoInkError as error:
        return error_response(422, str(error))
    return Response(encoded, media_type=JSON)


@router.get("/api/model", response_model=ModelInfo, summary="Describe the model being served")
async def model_info(runtime: RuntimeDep) -> Response:
    """Return the layer sizes, accuracies, training info, SHA-256 and limits (built once at startup)."""
    return Response(runtime.info_json, media_type=JSON)


@router.get(
    "/api/neurons/{layer}/{index}",
    response_model=Neuron,
    summary="One neuron's bias and weights",
    responses={
        404: _error("No such layer or neuron.", "layer 3 has no neuron 30 (it has 30: 0-29)"),
        422: _error("layer or index is not an integer.", "path.layer: Input should be a valid integer"),
    },
)
async def neuron(runtime: RuntimeDep, layer: int, index: int) -> Response:
    """Return neuron `index` of layer `layer` (1 = first hidden layer, L = output): bias, weights in and out."""
    try:
        return json_response(describe_neuron(runtime=runtime, layer=layer, index=index))
    except LookupError as error:
        raise HTTPException(404, str(error)) from None


@router.get(
    HEALTH_PATH,
    response_model=Health,
    summary="Liveness and readiness",
    responses={503: _error("The model is not loaded yet.", "the model is not loaded yet")},
)
async def healthz(runtime: RuntimeDep) -> Response:
    """Return {"status": "ok"} once the model is loaded (503 before)."""
    return Response(b'{"status":"ok"}', media_type=JSON)
