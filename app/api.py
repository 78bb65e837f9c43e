"""The API: thin routes that take what they need through Depends and call plain functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Protocol

import anyio
import numpy as np
import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import Response
from fastapi.types import DecoratedCallable
from numpy.typing import NDArray
from pydantic.json_schema import SkipJsonSchema
from starlette.concurrency import run_in_threadpool

from app.caching import cached, matches, not_modified, weak_etag
from app.dependencies import RuntimeDep
from app.display import display_arrays
from app.errors import JSON, MULTIPART, NoSuchNeuronError, media_type
from app.parsing import PredictInput, parse_predict_body
from app.runtime import Runtime
from app.schemas import ErrorResponse, Health, ModelInfo, Neuron, PredictResponse
from app.uploads import parse_upload
from model.reading.pictures.decode import accepted_text
from model.reading.pictures.pipeline import read_picture
from model.reading.strokes import render
from model.serving.inference import Prediction, predict, saliency
from model.serving.uncertainty import assess

_DUMPS_OPTIONS = orjson.OPT_SERIALIZE_NUMPY
HEALTH_PATH = "/healthz"
"""Liveness and readiness; also answered on a connection beyond the cap (app/protocol.py)."""

router = APIRouter()


@dataclass(frozen=True)
class PredictBody:
    """The body of a POST /predict or /predict/image, read whole (app.body_limit bounds it), and its content type."""

    content: bytes
    content_type: str

    @property
    def is_upload(self) -> bool:
        """Return True for a picture upload (multipart/form-data), False for JSON."""
        return media_type(self.content_type) == MULTIPART


NOT_JSON_OR_MULTIPART = "the body must be application/json (strokes or pixels) or multipart/form-data (an image file)"
"""POST /predict's 415 (the example in its documentation too)."""


async def predict_body(request: Request) -> PredictBody:
    """Return the request body; raise 415 unless it is declared application/json or multipart/form-data."""
    content_type = request.headers.get("content-type", "")
    if media_type(content_type) not in (JSON, MULTIPART):
        raise HTTPException(415, NOT_JSON_OR_MULTIPART)
    return PredictBody(await request.body(), content_type)


async def upload_body(request: Request) -> PredictBody:
    """Return the request body; raise 415 unless it is declared multipart/form-data."""
    content_type = request.headers.get("content-type", "")
    if media_type(content_type) != MULTIPART:
        raise HTTPException(415, "the body must be multipart/form-data, with the picture in a file field named image")
    return PredictBody(await request.body(), content_type)


Body = Annotated[PredictBody, Depends(predict_body)]
Upload = Annotated[PredictBody, Depends(upload_body)]
IfNoneMatch = Annotated[
    str | SkipJsonSchema[None],
    Header(description="The ETag of the answer you have: 304 without a body when it is still the same."),
]

TAGS = [
    {"name": "reading", "description": "Read a digit: a drawing (JSON) or a picture (multipart upload)."},
    {"name": "model", "description": "The network being served: its description and each neuron's weights."},
    {"name": "health", "description": "For load balancers and uptime monitors."},
    {"name": "learn", "description": "Training a network live (/learn): its limits; the jobs run on a WebSocket."},
]
"""The operations' groups, in the order /docs and generated clients show them."""


def _error(description: str, example: str) -> dict[str, Any]:
    """Return an OpenAPI response entry for an error with `description` and an example detail."""
    return {"model": ErrorResponse, "description": description, "content": {JSON: {"example": {"detail": example}}}}


NOT_MODIFIED = {"description": "Not modified: the answer is still the one with the ETag sent."}
"""The 304 of a route answered with an ETag, when If-None-Match still matches it."""

NOT_LOADED = _error("The model is not loaded yet.", "the model is not loaded yet")
"""The 503 every route that needs the model may answer before startup has loaded it."""


def _request_body(media: str, schema: str) -> dict[str, Any]:
    """Return the OpenAPI extra that documents a required body of one media type and schema.

    The routes read their bodies themselves (app.parsing, app.uploads), so FastAPI cannot infer it.
    """
    return {
        "requestBody": {"required": True, "content": {media: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}
    }


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
    return orjson.dumps(body, option=_DUMPS_OPTIONS)


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


def _reading_route(
    path: str,
    *,
    operation_id: str,
    summary: str,
    description: str,
    body: tuple[str, str],
    errors: dict[int | str, dict[str, Any]],
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """Return the decorator of a route that reads a digit and answers PredictResponse (tag reading).

    `body` is the request body's media type and schema; `errors` are its 413, 415 and 422 (_error's), to which the
    503 before the model loads is added.
    """
    return router.post(
        path,
        operation_id=operation_id,
        tags=["reading"],
        summary=summary,
        description=description,
        response_model=PredictResponse,
        responses={**errors, 503: NOT_LOADED},
        openapi_extra=_request_body(*body),
    )


@_reading_route(
    "/predict",
    operation_id="predict",
    summary="Read a drawn digit",
    description=(
        "Send a drawing as JSON, exactly one of `strokes` (raw pen points, preprocessed like MNIST) or "
        "`pixels` (a 28x28 image used as-is). The answer: the digit, the ten probabilities, the image "
        "the network saw, every layer's z and a, the uncertainty flags and, with `explain`, a saliency map. "
        "`layers` false leaves out the layers' z and a (a few KB instead of 40); `display` true answers what a "
        "page draws instead, packed (see PredictResponse.display). "
        "Limits: a body at most $max_body_bytes bytes, at most $max_strokes strokes and $max_points "
        "points (413 beyond); coordinates finite with |x|, |y| <= $max_coordinate; pixels 28x28 in [0, 1] (422). "
        "Another content type is answered 415, except multipart/form-data: a picture sent here is read as "
        "POST /predict/image reads it, so that older clients keep working."
    ),
    body=(JSON, "PredictRequest"),
    errors={
        413: _error("The body, strokes or points are over the limits.", "too many strokes: 101 (the limit is 100)"),
        415: _error("The body is neither JSON nor multipart.", NOT_JSON_OR_MULTIPART),
        422: _error("The input is invalid; `detail` says how.", "no ink: the drawing has no points"),
    },
)
async def predict_digit(runtime: RuntimeDep, body: Body) -> Response:
    """Return the network's reading of the drawing or picture in the body (see PredictRequest, PredictUpload)."""
    if body.is_upload:
        return await read_upload(runtime=runtime, body=body)
    drawing = parse_predict_body(body.content, runtime.limits)
    # async def on purpose: a usual drawing takes well under a millisecond, less than a hop to the
    # thread pool and back; only a very long drawing is sent there, to keep the event loop free.
    # On the event loop, the forward passes of the drawings waiting together run as one (app.batching).
    if drawing.num_points > runtime.offload_points:
        encoded = await run_in_threadpool(answer_drawing, runtime=runtime, drawing=drawing)
    else:
        encoded = await answer_drawing_batched(runtime=runtime, drawing=drawing)
    return Response(encoded, media_type=JSON)


@_reading_route(
    "/predict/image",
    operation_id="predictImage",
    summary="Read a photographed or scanned digit",
    description=(
        "Send a picture as multipart/form-data: a file field `image` (PNG, JPEG, WebP, GIF or BMP, recognised "
        "from its bytes; a photo, a scan or an image file), preprocessed like MNIST, and optionally `explain`, "
        "`target`, `layers` and `display`. The answer is the same as for a drawing (POST /predict). "
        "Limits: at most $max_upload_bytes bytes and $max_image_pixels pixels (413 beyond); a body that is not "
        "multipart or a picture of another format 415; a corrupt file, a form without `image` or a blank picture 422."
    ),
    body=(MULTIPART, "PredictUpload"),
    errors={
        413: _error("The upload or the picture is over the limits.", "upload too large: the limit is 8388608 bytes"),
        415: _error(
            "The body is not multipart, or the picture is not an accepted format.",
            f"not a picture that can be read: send {accepted_text()}",
        ),
        422: _error(
            "The form or the picture is invalid; `detail` says how.",
            "no image: send the picture as a file field named image",
        ),
    },
)
async def predict_image(runtime: RuntimeDep, body: Upload) -> Response:
    """Return the network's reading of the picture in the multipart body (see PredictUpload)."""
    return await read_upload(runtime=runtime, body=body)


async def read_upload(*, runtime: Runtime, body: PredictBody) -> Response:
    """Return the answer to a picture upload (its errors are raised, and answered by app.errors)."""
    # Decoding and preprocessing a photo takes tens of milliseconds: always off the event loop, and
    # only a few at once, so that the threads leave the event loop its share of the GIL.
    read = partial(answer_upload, runtime=runtime, body=body.content, content_type=body.content_type)
    encoded = await anyio.to_thread.run_sync(read, limiter=runtime.picture_threads)
    return Response(encoded, media_type=JSON)


model_routes = APIRouter(tags=["model"], responses={304: NOT_MODIFIED})
"""The model group's routes: GETs answered with an ETag, so each may answer 304 (included in `router` below)."""


@model_routes.get(
    "/api/model", operation_id="getModel", response_model=ModelInfo, summary="Describe the model being served"
)
async def model_info(runtime: RuntimeDep, if_none_match: IfNoneMatch = None) -> Response:
    """Return the layer sizes, accuracies, training info, SHA-256 and limits (built once at startup).

    Its ETag is the SHA-256 of this answer, which changes only with the weights or the limits.
    """
    return cached(runtime.info_json, etag=runtime.info_etag, if_none_match=if_none_match)


@model_routes.get(
    "/api/neurons/{layer}/{index}",
    operation_id="getNeuron",
    response_model=Neuron,
    summary="One neuron's bias and weights",
    responses={
        404: _error("No such layer or neuron.", "layer 3 has no neuron 30 (it has 30: 0-29)"),
        422: _error("layer or index is not an integer.", "path.layer: Input should be a valid integer"),
    },
)
async def neuron(runtime: RuntimeDep, layer: int, index: int, if_none_match: IfNoneMatch = None) -> Response:
    """Return neuron `index` of layer `layer` (1 = first hidden layer, L = output): bias, weights in and out.

    Its ETag is the weights' SHA-256: a neuron changes only with the weights.
    """
    body = describe_neuron(runtime=runtime, layer=layer, index=index)
    etag = weak_etag(runtime.model.sha256)
    if matches(if_none_match, etag):
        return not_modified(etag)  # without encoding the weights
    return cached(orjson.dumps(body, option=_DUMPS_OPTIONS), etag=etag, if_none_match=None)


router.include_router(model_routes)


@router.get(
    HEALTH_PATH,
    operation_id="getHealth",
    tags=["health"],
    response_model=Health,
    summary="Liveness and readiness",
    responses={503: NOT_LOADED},
)
async def healthz(runtime: RuntimeDep) -> Response:
    """Return {"status": "ok"} once the model is loaded (503 before)."""
    return Response(b'{"status":"ok"}', media_type=JSON)
