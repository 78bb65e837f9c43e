"""The served OpenAPI document: valid, with one body type per operation, explicit names, and errors as they are.

That clients generated from it work is checked in tests/app/test_openapi_clients.py (slow).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from app.api import TAGS

OPERATIONS = {
    ("post", "/predict"): "predict",
    ("post", "/predict/image"): "predictImage",
    ("get", "/api/model"): "getModel",
    ("get", "/api/neurons/{layer}/{index}"): "getNeuron",
    ("get", "/healthz"): "getHealth",
    ("get", "/api/learn"): "getLearn",
}


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    """Return the served document."""
    served: dict[str, Any] = client.get("/openapi.json").json()
    return served


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Return every operation of the document by (method, path)."""
    return {(method, path): operation for path, item in document["paths"].items() for method, operation in item.items()}


def test_the_document_is_valid(document: dict[str, Any]) -> None:
    validate(document)  # raises, listing what is wrong (it found `default: null` on non-null fields)
    assert '"default": null' not in json.dumps(document)


def test_operations_have_explicit_ids_and_tags_and_the_pages_are_left_out(document: dict[str, Any]) -> None:
    found = operations(document)
    assert {key: operation["operationId"] for key, operation in found.items()} == OPERATIONS
    assert all(re.fullmatch(r"[a-z][A-Za-z]+", operation["operationId"]) for operation in found.values())
    tags = {tag["name"] for tag in TAGS}
    assert [tag["name"] for tag in document["tags"]] == [tag["name"] for tag in TAGS]
    assert all(len(operation["tags"]) == 1 and operation["tags"][0] in tags for operation in found.values())
    assert "text/html" not in json.dumps(document["paths"])  # / and /model are pages, not operations
    assert document["servers"] == [{"url": "/", "description": "This server"}]


def test_each_operation_takes_one_media_type(document: dict[str, Any]) -> None:
    """openapi-python-client's client for an operation with two request media types did not import."""
    for operation in operations(document).values():
        assert len(operation.get("requestBody", {"content": {"none": 1}})["content"]) == 1


def test_the_drawing_is_one_of_strokes_or_pixels_without_defaults(document: dict[str, Any]) -> None:
    """openapi-typescript types a property with a default as required: a request shows none."""
    schemas = document["components"]["schemas"]
    assert [option["$ref"].rsplit("/", 1)[1] for option in schemas["PredictRequest"]["oneOf"]] == [
        "StrokesRequest",
        "PixelsRequest",
    ]
    for name, required in (("StrokesRequest", "strokes"), ("PixelsRequest", "pixels"), ("PredictUpload", "image")):
        assert schemas[name]["required"] == [required]
        assert schemas[name]["additionalProperties"] is False
        assert not [field for field, schema in schemas[name]["properties"].items() if "default" in schema]
        assert "null" not in json.dumps(schemas[name]["properties"])


def test_every_error_is_documented_as_an_error_response(document: dict[str, Any]) -> None:
    """Every error is {"detail": "a sentence"}; FastAPI's own 422 schema (detail a list) is not there."""
    assert document["components"]["schemas"]["ErrorResponse"]["properties"]["detail"]["type"] == "string"
    assert "ValidationError" not in json.dumps(document)
    for operation in operations(document).values():
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorResponse"
                }
