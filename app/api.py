"""The JSON API: thin routes that check the request, call model/ and shape the answer."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.parsing import InputError, PredictInput, parse_predict_body
from app.runtime import Runtime
from app.schemas import ErrorResponse, Health, ModelInfo, Neuron, PredictResponse
from model.inference import predict, saliency
from model.preprocess import NoInkError, render
from model.uncertainty import assess

JSON = "application/json"
_DUMPS_OPTIONS = orjson.OPT_SERIALIZE_NUMPY

router = APIRouter()


def json_response(content: Any, status_code: int = 200) -> Response:
    """Return `content` encoded by orjson (numpy arrays included) as a JSON response."""
    return Response(orjson.dumps(content, option=_DUMPS_OPTIONS), status_code=status_code, media_type=JSON)


def error_response(status_code: int, detail: str) -> Response:
    """Return the JSON error {"detail": detail} with `status_code`."""
    return json_response({"detail": detail}, status_code)


def get_runtime(request: Request) -> Runtime:
    """Return the runtime built at startup; raise 503 while the model is not loaded."""
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise HTTPException(503, "the model is not loaded yet")
    return runtime


def _error(description: str, example: str) -> dict[str, Any]:
    """Return an OpenAPI response entry for an error with `description` and an example detail."""
    return {"model": ErrorResponse, "description": description, "content": {JSON: {"example": {"detail": example}}}}


def answer(runtime: Runtime, request: PredictInput) -> bytes:
    """Return the encoded POST /predict response for a checked request."""
    network = runtime.reader
    image = render(request.strokes) if request.strokes is not None else request.pixels
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
    if request.explain:
        target = prediction.digit if request.target is None else request.target
        body["saliency"] = saliency(network=network, prediction=prediction, target=target)
        body["target"] = target
    return orjson.dumps(body, option=_DUMPS_OPTIONS)


_LIMITS_TEXT = (
    "Limits: the body at most {max_body_bytes} bytes, at most {max_strokes} strokes and {max_points} "
    "points (413 beyond); coordinates finite with |x|, |y| <= {max_coordinate:g}; pixels 28x28 in [0, 1] (422)."
)


@router.post(
    "/predict",
    summary="Read a drawn digit",
    description=(
        "Send exactly one of `strokes` (raw pen points, preprocessed like MNIST) or `pixels` (a 28x28 "
        "image used as-is). The answer has the digit, the ten probabilities, the image the network saw, "
        "every layer's z and a, the uncertainty flags and, with `explain`, a saliency map. "
        "The body must be `application/json` (415 otherwise). " + _LIMITS_TEXT
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
async def predict_digit(request: Request) -> Response:
    """Return the network's reading of the drawing in the body (see PredictRequest, PredictResponse)."""
    runtime = get_runtime(request)
    content_type = request.headers.get("content-type", "")
    if content_type.partition(";")[0].strip().lower() != JSON:
        return error_response(415, "the body must be application/json")
    try:
        checked = parse_predict_body(await request.body(), runtime.limits)
    except InputError as error:
        return error_response(error.status, error.detail)
    # async def on purpose: a usual drawing takes well under a millisecond, less than a hop to the
    # thread pool and back; only a very long drawing is sent there, to keep the event loop free.
    try:
        if checked.num_points > runtime.offload_points:
            body = await run_in_threadpool(answer, runtime, checked)
        else:
            body = answer(runtime, checked)
    except NoInkError as error:
        return error_response(422, str(error))
    return Response(body, media_type=JSON)


@router.get("/api/model", response_model=ModelInfo, summary="Describe the model being served")
async def model_info(request: Request) -> Response:
    """Return the layer sizes, accuracies, training info, SHA-256 and limits (built once at startup)."""
    return Response(get_runtime(request).info_json, media_type=JSON)


@router.get(
    "/api/neurons/{layer}/{index}",
    response_model=Neuron,
    summary="One neuron's bias and weights",
    responses={
        404: _error("No such layer or neuron.", "layer 3 has no neuron 30 (it has 30: 0-29)"),
        422: _error("layer or index is not an integer.", "path.layer: Input should be a valid integer"),
    },
)
async def neuron(request: Request, layer: int, index: int) -> Response:
    """Return neuron `index` of layer `layer` (1 = first hidden layer, L = output): bias, weights in and out."""
    runtime = get_runtime(request)
    network = runtime.model.network
    count = len(network.weights)
    if not 1 <= layer <= count:
        raise HTTPException(404, f"no layer {layer}: layers are 1-{count} (1 = first hidden layer, {count} = output)")
    weights = network.weights[layer - 1]
    size = weights.shape[0]
    if not 0 <= index < size:
        raise HTTPException(404, f"layer {layer} has no neuron {index} (it has {size}: 0-{size - 1})")
    outgoing = network.weights[layer][:, index] if layer < count else None
    return json_response(
        {
            "layer": layer,
            "index": index,
            "name": runtime.layer_names[layer - 1],
            "activation": network.activations[layer - 1],
            "bias": float(network.biases[layer - 1][index]),
            "weights": weights[index],
            "outgoing": None if outgoing is None else np.ascontiguousarray(outgoing),
        }
    )


@router.get(
    "/healthz",
    response_model=Health,
    summary="Liveness and readiness",
    responses={503: _error("The model is not loaded yet.", "the model is not loaded yet")},
)
async def healthz(request: Request) -> Response:
    """Return {"status": "ok"} once the model is loaded (503 before)."""
    get_runtime(request)
    return Response(b'{"status":"ok"}', media_type=JSON)
