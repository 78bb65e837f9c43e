"""The API: thin routes that take what they need through Depends and call plain functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import anyio
import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import Response
from fastapi.types import DecoratedCallable
from pydantic.json_schema import SkipJsonSchema
from starlette.concurrency import run_in_threadpool

from app.answering import DUMPS_OPTIONS, answer_drawing, answer_drawing_batched, answer_upload, describe_neuron
from app.caching import cached, matches, not_modified, weak_etag
from app.dependencies import RuntimeDep
from app.errors import JSON, MULTIPART, media_type
from app.parsing import parse_predict_body
from app.runtime import Runtime
from app.schemas import ErrorResponse, Health, ModelInfo, Neuron, PredictResponse
from model.reading.pictures.decode import accepted_text

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
    return cached(orjson.dumps(body, option=DUMPS_OPTIONS), etag=etag, if_none_match=None)


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
