"""Every error is JSON {"detail": ...}: the response, and the handlers that give Starlette's and FastAPI's errors that form.

The one exception is for people: a browser (Accept: text/html) that opens a page that does not exist gets an HTML 404.
"""

from __future__ import annotations

import logging
from typing import Final

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from model.figures.terms import FigureError
from model.reading.errors import NoInkError
from model.reading.pictures.decode import PictureError, PictureTooLargeError, UnsupportedPictureError

JSON = "application/json"
MULTIPART = "multipart/form-data"
"""The media type of a picture upload (app/uploads.py; its size limit in app/body_limit.py)."""
logger = logging.getLogger("app")


class InputError(ValueError):
    """The request body breaks a rule (422); the message is the detail."""


class InputTooLargeError(InputError):
    """The request body is over a limit: too many strokes or points (413)."""


class NoSuchNeuronError(LookupError):
    """The layer or neuron asked for does not exist (404)."""


STATUS_OF: Final[tuple[tuple[type[Exception], int], ...]] = (
    (InputTooLargeError, 413),
    (InputError, 422),
    (UnsupportedPictureError, 415),
    (PictureTooLargeError, 413),
    (PictureError, 422),
    (NoInkError, 422),
    (FigureError, 404),
    (NoSuchNeuronError, 404),
)
"""The one mapping from the errors of the model and of the app's parsing to HTTP statuses, most specific first.

Routes raise these and never catch them: the handlers registered in add_error_handlers answer them.
"""


def status_of(error: Exception) -> int:
    """Return the HTTP status for one of the errors in STATUS_OF (the first class it is an instance of)."""
    return next(status for kind, status in STATUS_OF if isinstance(error, kind))


def media_type(content_type: str) -> str:
    """Return the media type of a Content-Type header value, lower case, without its parameters.

    The one rule for "what was sent": the route's 415 check and the body limit's choice of limit both use it.
    """
    return content_type.partition(";")[0].strip().lower()


def error_response(status_code: int, detail: str) -> Response:
    """Return the JSON error {"detail": detail} with `status_code`."""
    return Response(orjson.dumps({"detail": detail}), status_code=status_code, media_type=JSON)


def wants_html(accept: str) -> bool:
    """Return whether an Accept header asks for HTML before JSON: a browser opening a page, not an API client.

    Browsers list text/html first; curl, requests, fetch() and generated clients send */* or application/json.
    """
    quality: dict[str, float] = {}
    for entry in accept.split(","):
        kind, *parameters = (part.strip() for part in entry.split(";"))
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality.setdefault(kind.lower(), q)
    html = quality.get("text/html", 0.0)
    return html > 0 and html >= quality.get(JSON, 0.0)


def answer_error(request: Request, status_code: int, detail: str) -> Response:
    """Return the JSON error {"detail": detail}, or for a browser's 404 the HTML page templates/not_found.html."""
    if status_code == 404 and wants_html(request.headers.get("accept", "")):
        context = {"path": request.url.path, "detail": detail}
        page: Response = request.app.state.templates.TemplateResponse(
            request, "not_found.html", context, status_code=404
        )
        return page
    return error_response(status_code, detail)


async def _http_error(request: Request, error: Exception) -> Response:
    """Return an HTTPException (404, 405, 503, ...) as a JSON error, keeping its headers (Allow, ...)."""
    assert isinstance(error, StarletteHTTPException)
    response = answer_error(request, error.status_code, str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


async def _known_error(request: Request, error: Exception) -> Response:
    """Return one of the errors in STATUS_OF as {"detail": its message} with its status."""
    return answer_error(request, status_of(error), str(error))


async def _validation_error(request: Request, error: Exception) -> Response:
    """Return 422 saying which parameter was wrong and how, without echoing pydantic's internals or the input."""
    assert isinstance(error, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors())
    return error_response(422, problems or "invalid request")


async def _client_gone(request: Request, error: Exception) -> Response:
    """Return a bare 400 for a client that left in the middle of its body (or that app.protocol timed out).

    Nobody is there to read an answer, and it is no server error to log.
    """
    return Response(status_code=400)


async def _internal_error(request: Request, error: Exception) -> Response:
    """Log the unexpected error with its traceback and return a 500 that says nothing more."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal server error")


def add_error_handlers(app: FastAPI) -> None:
    """Make every error `app` answers a JSON {"detail": ...}."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for kind, _ in STATUS_OF:
        app.add_exception_handler(kind, _known_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _internal_error)
