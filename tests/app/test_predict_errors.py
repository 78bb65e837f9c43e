"""POST /predict's refusals: every invalid input with its status (422, 413, 415) and a detail saying what is wrong."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Scope

from model.constants import IMAGE_SIDE


def post_raw(client: TestClient, body: bytes, content_type: str = "application/json") -> Any:
    """Return the response to POST /predict with a raw body."""
    return client.post("/predict", content=body, headers={"content-type": content_type})


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{}", "exactly one of strokes and pixels"),
        (b'{"strokes": [[[1, 2]]], "pixels": []}', "exactly one of strokes and pixels"),
        (b'{"strokes": []}', "no ink"),
        (b'{"strokes": [[], []]}', "no ink"),
        (b'{"pixels": ' + str([[0] * 28] * 28).encode() + b"}", "no ink"),
        (b'{"strokes": null}', "exactly one of strokes and pixels"),
        (b'{"strokes": null, "pixels": null}', "exactly one of strokes and pixels"),
        (b'{"strokes": [[[1, 2]]], "target": 3}', "target is used only with explain: true"),
        (b'{"strokes": [[[1, 2]]], "explain": false, "target": 3}', "target is used only with explain: true"),
        (b'{"strokes": [[[1, 2]]], "explain": null, "target": 3}', "target is used only with explain: true"),
        (b'{"strokes": [[1, 2]]}', "point must be a list of two numbers"),
        (b'{"strokes": [[[1, 2, 3]]]}', "point must be a list of two numbers"),
        (b'{"strokes": [[[1]]]}', "point must be a list of two numbers"),
        (b'{"strokes": [[["1", 2]]]}', "must be numbers"),
        (b'{"strokes": [[["\\u0663", 2]]]}', "must be numbers"),
        (b'{"strokes": [[[true, 2]]]}', "must be numbers"),
        (b'{"strokes": [[[null, 2]]]}', "must be numbers"),
        (b'{"strokes": [[[{"x": 1}, 2]]]}', "must be numbers"),
        (b'{"strokes": [[[1, NaN]]]}', "finite"),
        (b'{"strokes": [[[1, Infinity]]]}', "finite"),
        (b'{"strokes": [[[1, -Infinity]]]}', "finite"),
        (b'{"strokes": [[[1, 1e400]]]}', "malformed JSON"),
        (b'{"strokes": [[[1, 1000001]]]}', "within"),
        (b'{"strokes": [[[-1e300, 0]]]}', "within"),
        (b'{"strokes": [[[123456789012345678901234567890, 0]]]}', "within"),
        (b'{"strokes": {"a": 1}}', "strokes must be a list"),
        (b'{"strokes": [{"a": 1}]}', "each stroke must be a list"),
        (b'{"strokes": "[[[1,2]]]"}', "strokes must be a list"),
        (b'{"pixels": [[0.5]]}', "28 rows of 28"),
        (b'{"pixels": "abc"}', "28 rows of 28"),
        (b'{"strokes": [[[1, 2]]], "explain": "yes"}', "explain must be true or false"),
        (b'{"strokes": [[[1, 2]]], "explain": 1}', "explain must be true or false"),
        (b'{"strokes": [[[1, 2]]], "explain": true, "target": 10}', "target must be an integer digit 0-9"),
        (b'{"strokes": [[[1, 2]]], "explain": true, "target": -1}', "target must be an integer digit 0-9"),
        (b'{"strokes": [[[1, 2]]], "explain": true, "target": 3.0}', "target must be an integer digit 0-9"),
        (b'{"strokes": [[[1, 2]]], "explain": true, "target": "3"}', "target must be an integer digit 0-9"),
        (b'{"strokes": [[[1, 2]]], "explain": true, "target": true}', "target must be an integer digit 0-9"),
        (b'{"strokes": [[[1, 2]]], "explain": true, "stroke": null}', "unknown fields ['stroke']"),
        (b'{"strokes": [[[1, 2]]], "stroke": []}', "unknown fields ['stroke']"),
        (b"[[[1, 2]]]", "must be a JSON object"),
        (b'"strokes"', "must be a JSON object"),
        (b"", "malformed JSON"),
        (b'{"strokes": [[[1, 2]]]', "malformed JSON"),
        (b"\xff\xfe", "malformed JSON"),
        (b"[" * 2000 + b"]" * 2000, "malformed JSON"),
    ],
)
def test_invalid_input_is_422_saying_what_is_wrong(client: TestClient, body: bytes, detail: str) -> None:
    response = post_raw(client, body)
    assert response.status_code == 422, response.text
    assert detail in response.json()["detail"]


@pytest.mark.parametrize(
    "pixels",
    [
        [[0.0] * IMAGE_SIDE] * (IMAGE_SIDE - 1),
        [[0.0] * (IMAGE_SIDE + 1)] * IMAGE_SIDE,
        [[0.0] * IMAGE_SIDE] * (IMAGE_SIDE - 1) + [[0.0] * (IMAGE_SIDE - 1) + [1.5]],
        [[0.0] * IMAGE_SIDE] * (IMAGE_SIDE - 1) + [[0.0] * (IMAGE_SIDE - 1) + [-0.1]],
        [[0.0] * IMAGE_SIDE] * (IMAGE_SIDE - 1) + [[0.0] * (IMAGE_SIDE - 1) + [True]],
        [[0.0] * IMAGE_SIDE] * (IMAGE_SIDE - 1) + [[0.0] * (IMAGE_SIDE - 1) + ["0.5"]],
    ],
    ids=["27 rows", "29 columns", "above 1", "below 0", "a bool", "a string"],
)
def test_bad_pixels_are_422(client: TestClient, pixels: list[list[Any]]) -> None:
    response = client.post("/predict", json={"pixels": pixels})
    assert response.status_code == 422
    assert "pixels" in response.json()["detail"]


def test_too_many_strokes_is_413(client: TestClient) -> None:
    response = client.post("/predict", json={"strokes": [[[i, i]] for i in range(101)]})
    assert response.status_code == 413
    assert response.json()["detail"] == "too many strokes: 101 (the limit is 100)"
    assert client.post("/predict", json={"strokes": [[[i, i]] for i in range(100)]}).status_code == 200


def test_too_many_points_is_413(client: TestClient) -> None:
    response = client.post("/predict", json={"strokes": [[[i % 7, i % 5]] * 100 for i in range(100)] + []})
    assert response.status_code == 200
    response = client.post("/predict", json={"strokes": [[[1, 2]] * 5001, [[3, 4]] * 5000]})
    assert response.status_code == 413
    assert "too many points: 10001 (the limit is 10000)" in response.json()["detail"]


def test_a_body_over_the_limit_is_413_from_content_length(client: TestClient) -> None:
    response = post_raw(client, b" " * (256 * 1024 + 1))
    assert response.status_code == 413
    assert "request body too large" in response.json()["detail"]
    # Exactly at the limit the body is read (and here found to be no JSON).
    assert post_raw(client, b" " * (256 * 1024)).status_code == 422


@pytest.mark.parametrize(
    ("content_type", "limit", "detail"),
    [
        (b"application/json", 256 * 1024, b"request body too large"),
        (b"multipart/form-data; boundary=b", 8 * 1024 * 1024, b"upload too large"),
    ],
)
def test_a_streamed_body_over_the_limit_is_413_before_the_rest_is_read(
    client: TestClient, content_type: bytes, limit: int, detail: bytes
) -> None:
    # Straight through ASGI: the test client would read the whole body before calling the app.
    chunks_read = 0

    async def receive() -> Message:
        nonlocal chunks_read
        chunks_read += 1
        return {"type": "http.request", "body": b" " * 65536, "more_body": chunks_read < 1000}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/predict",
        "raw_path": b"/predict",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", content_type), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }

    async def call() -> None:
        await client.app(scope, receive, send)

    asyncio.run(call())
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert detail in b"".join(m.get("body", b"") for m in sent[1:])
    # The app stopped reading once past the limit (256 KiB, or 8 MiB for an upload), not after all 1000 chunks.
    assert chunks_read == limit // 65536 + 1


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "image/png"])
def test_wrong_content_type_is_415(client: TestClient, content_type: str) -> None:
    response = post_raw(client, b'{"strokes": [[[1, 2]]]}', content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_json_content_type_with_charset_is_accepted(client: TestClient) -> None:
    assert post_raw(client, b'{"strokes": [[[1, 2]]]}', "application/json; charset=utf-8").status_code == 200
