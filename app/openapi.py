"""The OpenAPI document: FastAPI's, plus the hand-checked request bodies, with the limits in force.

POST /predict and /predict/image parse their bodies themselves (app.parsing, app.uploads), so FastAPI
does not see PredictRequest or PredictUpload; their schemas are added here, the drawing's bounded by
the configured limits. Wherever a description says `$name` for a field of Limits (`$max_points`), the
document shows that limit's value: a route or a model that mentions a limit names it, and never
copies its number. The document passes openapi-spec-validator, and the clients that
openapi-python-client and openapi-typescript generate from it type-check and work
(tests/app/test_openapi.py, tests/app/test_openapi_clients.py).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from app.api import TAGS
from app.errors import JSON
from app.learn.limits import LearnLimits
from app.limits import Limits
from app.schemas import PREDICT_REQUEST, PixelsRequest, PredictUpload, StrokesRequest

_PLACEHOLDER = re.compile(r"\$([a-z_]+)")
_REF = "#/components/schemas/{model}"


def predict_request_schemas(limits: Limits) -> dict[str, Any]:
    """Return the schemas of POST /predict's JSON body, by name: PredictRequest (one of StrokesRequest and
    PixelsRequest) and those two, with `limits` as their bounds."""
    _, top = models_json_schema([(StrokesRequest, "validation"), (PixelsRequest, "validation")], ref_template=_REF)
    schemas: dict[str, Any] = top["$defs"]
    strokes = schemas["StrokesRequest"]["properties"]["strokes"]
    strokes["maxItems"] = limits.max_strokes
    coordinate = strokes["items"]["items"]["items"]
    coordinate["minimum"], coordinate["maximum"] = -limits.max_coordinate, limits.max_coordinate
    schemas["PredictRequest"] = copy.deepcopy(PREDICT_REQUEST)
    for name in ("StrokesRequest", "PixelsRequest"):
        schemas[name] = without_defaults(schemas[name])
    return schemas


def without_defaults(request: dict[str, Any]) -> dict[str, Any]:
    """Return a request body's schema without its properties' `default`s (their descriptions say them).

    openapi-typescript types a property with a default as always present, so a body without `explain`
    would not type-check in a TypeScript client.
    """
    properties = {
        name: {k: v for k, v in field.items() if k != "default"} for name, field in request["properties"].items()
    }
    return {**request, "properties": properties}


def _allows_null(schema: dict[str, Any]) -> bool:
    """Return whether a JSON schema lets a value be null (its type, or one of its anyOf/oneOf, is "null")."""
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_allows_null(option) for option in schema.get("anyOf", []) + schema.get("oneOf", []))


def drop_null_defaults(node: Any) -> Any:
    """Return `node` (a JSON value) without `"default": null` where the schema does not allow null.

    Pydantic writes the Python default None of a field typed without null (an optional field left out
    of the document's types, see app.schemas) as `default: null`, which makes the document invalid.
    """
    if isinstance(node, dict):
        return {
            key: drop_null_defaults(value)
            for key, value in node.items()
            if not (key == "default" and value is None and not _allows_null(node))
        }
    if isinstance(node, list):
        return [drop_null_defaults(item) for item in node]
    return node


def fill_in(node: Any, shown: dict[str, str]) -> Any:
    """Return `node` (a JSON value) with `$name` replaced by shown[name] in every "description" string."""
    if isinstance(node, dict):
        return {
            key: _PLACEHOLDER.sub(lambda m: shown.get(m[1], m[0]), value)
            if key == "description" and isinstance(value, str)
            else fill_in(value, shown)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [fill_in(item, shown) for item in node]
    return node


def validation_errors_as_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Return the document with FastAPI's 422 (HTTPValidationError, `detail` a list) as the ErrorResponse it is.

    app.errors answers a parameter FastAPI refuses with {"detail": "a sentence"}, as every other error.
    """
    invalid = {
        "description": "A parameter is invalid; `detail` says how.",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if "HTTPValidationError" in str(responses.get("422", "")):
                responses["422"] = copy.deepcopy(invalid)
    components = schema["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema


def openapi_schema(app: FastAPI, limits: Limits, learn: LearnLimits | None = None) -> dict[str, Any]:
    """Return the app's OpenAPI document with PredictRequest and the limits, /learn's too (built once, then cached)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
        servers=[{"url": "/", "description": "This server"}],
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(predict_request_schemas(limits))
    components["PredictUpload"] = without_defaults(PredictUpload.model_json_schema(ref_template=_REF))
    validation_errors_as_error_responses(schema)
    app.openapi_schema = fill_in(drop_null_defaults(schema), limits.shown() | (learn or LearnLimits()).shown())
    return app.openapi_schema


def use_openapi(app: FastAPI, limits: Limits, learn: LearnLimits | None = None) -> None:
    """Make `app` serve openapi_schema(app, limits, learn) at /openapi.json and to /docs."""
    app.openapi = lambda: openapi_schema(app, limits, learn)  # type: ignore[method-assign]
