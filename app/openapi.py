"""The OpenAPI document: FastAPI's, plus the hand-checked PredictRequest and PredictUpload, with the limits in force.

POST /predict parses its body itself (app.parsing, app.uploads), so FastAPI does not see PredictRequest
or PredictUpload; their schemas are added here, PredictRequest bounded by the configured limits. Wherever a description says `$name` for a
field of Limits (`$max_points`), the document shows that limit's value: a route or a model that
mentions a limit names it, and never copies its number.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.limits import Limits
from app.schemas import PredictRequest, PredictUpload

_PLACEHOLDER = re.compile(r"\$([a-z_]+)")


def predict_request_schema(limits: Limits) -> dict[str, Any]:
    """Return PredictRequest's JSON schema (its $defs included) with `limits` as its bounds."""
    request = PredictRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    strokes = request["properties"]["strokes"]
    strokes["maxItems"] = limits.max_strokes
    coordinate = strokes["items"]["items"]["items"]
    coordinate["minimum"], coordinate["maximum"] = -limits.max_coordinate, limits.max_coordinate
    return request


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


def openapi_schema(app: FastAPI, limits: Limits) -> dict[str, Any]:
    """Return the app's OpenAPI document with PredictRequest and the limits (built once, then cached)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    request = predict_request_schema(limits)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(request.pop("$defs", {}))
    components["PredictRequest"] = request
    components["PredictUpload"] = PredictUpload.model_json_schema(ref_template="#/components/schemas/{model}")
    app.openapi_schema = fill_in(schema, limits.shown())
    return app.openapi_schema


def use_openapi(app: FastAPI, limits: Limits) -> None:
    """Make `app` serve openapi_schema(app, limits) at /openapi.json and to /docs."""
    app.openapi = lambda: openapi_schema(app, limits)  # type: ignore[method-assign]
