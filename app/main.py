"""The ASGI app: `app.main:app` for uvicorn, and `create_app` for tests and other configurations.

Run it with `uvicorn app.main:app --no-server-header` (or `python -m app`). The weights are loaded
in the lifespan, at server startup, never at import: a bad weights file stops the server with one
line naming the file and the problem, and a non-zero exit.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import api, pages
from app.docs import add_docs
from app.limits import BodySizeLimitMiddleware, Limits
from app.runtime import build_runtime
from app.schemas import PredictRequest
from app.security import SecurityHeadersMiddleware
from app.settings import Settings
from model.weights import LoadedModel, WeightsError, load

TITLE = "Digit reader"
logger = logging.getLogger("app")


class StartupError(Exception):
    """The server cannot start; the message is one line naming the file and the problem."""


class StartupErrorMiddleware:
    """Report a StartupError from the lifespan as its one-line message, without a traceback.

    Starlette reports a failed lifespan to the server with the whole traceback, which uvicorn logs;
    for a known cause (bad weights) the message alone says everything. The error is still raised,
    so the server exits non-zero and a test client sees the exception.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def holding_send(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed":
                held.append(message)  # sent below, once the cause is known
                return
            await send(message)

        try:
            await self.app(scope, receive, holding_send)
        except StartupError as error:
            await send({"type": "lifespan.startup.failed", "message": str(error)})
            raise
        except BaseException:
            for message in held:
                await send(message)
            raise


def _openapi(app: FastAPI, limits: Limits) -> dict[str, Any]:
    """Return the app's OpenAPI schema, with PredictRequest (checked by hand, not by FastAPI) and the limits."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    request = PredictRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(request.pop("$defs", {}))
    strokes = request["properties"]["strokes"]
    strokes["description"] = strokes["description"].format(**limits.as_dict())
    strokes["maxItems"] = limits.max_strokes
    coordinate = strokes["items"]["items"]["items"]
    coordinate["minimum"], coordinate["maximum"] = -limits.max_coordinate, limits.max_coordinate
    components["PredictRequest"] = request
    operation = schema["paths"]["/predict"]["post"]
    operation["description"] = operation["description"].format(**limits.as_dict())
    app.openapi_schema = schema
    return schema


def create_app(settings: Settings | None = None, model: LoadedModel | None = None) -> FastAPI:
    """Return the app; it loads `settings.weights_path` at startup unless a `model` is given."""
    settings = settings or Settings()
    limits = Limits.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            loaded = model or load(settings.weights_path, settings.weights_sha256)
            runtime = build_runtime(
                loaded,
                limits=limits,
                evaluation_path=settings.evaluation_path,
                offload_points=settings.offload_points,
            )
        except WeightsError as error:
            raise StartupError(str(error)) from None
        except ValueError as error:
            raise StartupError(f"{settings.weights_path}: {error}") from None
        app.state.runtime = runtime
        logger.info("serving %s (sha256 %s)", loaded.path, loaded.sha256)
        yield
        app.state.runtime = None

    app = FastAPI(
        title=TITLE,
        version="0.1.0",
        description=(
            "Draw a digit and watch a from-scratch NumPy sigmoid network read it. Every error is JSON "
            '`{"detail": ...}` saying what was wrong.'
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = None
    app.include_router(api.router)
    app.include_router(pages.pages_router(Jinja2Templates(directory=settings.templates_dir)))
    if settings.docs:
        add_docs(app, title=TITLE)
    app.mount("/static", StaticFiles(directory=settings.static_dir, check_dir=False), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers) if error.headers else None
        response = api.error_response(error.status_code, str(error.detail))
        if headers:
            response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        # Say which parameter was wrong and how, without echoing pydantic's internals or the input.
        problems = "; ".join(f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors())
        return api.error_response(422, problems or "invalid request")

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, error: ClientDisconnect) -> Response:
        # The client left in the middle of its body, or app.protocol timed it out: nobody is there
        # to read an answer, and it is no server error to log.
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return api.error_response(500, "internal server error")

    app.openapi = lambda: _openapi(app, limits)  # type: ignore[method-assign]
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=limits.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(StartupErrorMiddleware)
    return app


app = create_app()
