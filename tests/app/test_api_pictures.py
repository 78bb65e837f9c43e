"""POST /predict with a picture (multipart, field `image`): the same answer as a drawing, and every refusal."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from app.settings import Settings
from model.reading.pictures.pipeline import read_picture
from model.serving.inference import predict
from model.serving.weights import LoadedModel
from tests.conftest import REPO
from tests.pictures import SEVEN, bomb_png, drawn, encoded

SAMPLE = REPO / "docs" / "digit-photo.jpg"
"""The README's sample photo."""


def upload(client: TestClient, data: bytes, **fields: str) -> Any:
    """Return the response to POST /predict with `data` as the image file and `fields` as form fields."""
    return client.post("/predict", files={"image": ("digit.bin", data, "application/octet-stream")}, data=fields)


def test_a_photo_gets_the_same_answer_as_a_drawing(client: TestClient, tiny_model: LoadedModel) -> None:
    data = SAMPLE.read_bytes()
    response = upload(client, data)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"digit", "probabilities", "input", "layers", "unsure", "not_a_digit", "top2"}
    image = read_picture(data)
    np.testing.assert_allclose(body["input"], image, atol=1e-6)
    expected = predict(network=tiny_model.network, image=image)
    np.testing.assert_allclose(body["probabilities"], expected.probabilities, rtol=1e-5)
    drawn_layers = client.post("/predict", json={"strokes": SEVEN}).json()["layers"]
    assert [layer["name"] for layer in body["layers"]] == [layer["name"] for layer in drawn_layers]


def test_explain_and_target_work_as_form_fields(client: TestClient) -> None:
    body = upload(client, SAMPLE.read_bytes(), explain="true", target="3").json()
    assert body["target"] == 3 and np.asarray(body["saliency"]).shape == (28, 28)


def test_the_format_comes_from_the_bytes_not_the_name_or_type(client: TestClient) -> None:
    png = encoded(drawn(SEVEN), "PNG")
    response = client.post("/predict", files={"image": ("photo.jpg", png, "image/jpeg")})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L9 9"/></svg>',
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
        b"a seven, honestly",
        encoded(drawn(SEVEN), "TIFF"),
    ],
    ids=["svg", "pdf", "text", "tiff"],
)
def test_other_formats_are_415_listing_the_accepted_ones(client: TestClient, data: bytes) -> None:
    response = upload(client, data)
    assert response.status_code == 415
    assert "PNG, JPEG, WebP, GIF or BMP" in response.json()["detail"]


def test_a_corrupt_or_truncated_picture_is_422_naming_the_problem(client: TestClient) -> None:
    jpeg = SAMPLE.read_bytes()
    for data in (jpeg[: len(jpeg) // 3], jpeg[:4] + b"\x00" * 200):
        response = upload(client, data)
        assert response.status_code == 422
        assert "corrupt" in response.json()["detail"]


def test_a_form_without_an_image_is_422(client: TestClient) -> None:
    response = client.post("/predict", data={"explain": "true"}, files={"other": ("a.png", b"x", "image/png")})
    assert response.status_code == 422 and "unknown form fields" in response.json()["detail"]
    response = client.post("/predict", files={"explain": (None, b"true")})
    assert response.status_code == 422 and "no image" in response.json()["detail"]


def test_a_blank_picture_is_422_no_ink(client: TestClient) -> None:
    response = upload(client, encoded(Image.new("RGB", (500, 400), (235, 228, 210)), "JPEG"))
    assert response.status_code == 422 and response.json()["detail"].startswith("no ink")


def test_a_decompression_bomb_is_413_at_once(client: TestClient) -> None:
    started = time.perf_counter()
    response = upload(client, bomb_png())
    elapsed = time.perf_counter() - started
    assert response.status_code == 413 and "limit" in response.json()["detail"]
    print(f"30000x30000 PNG refused in {1000 * elapsed:.0f} ms")


def test_the_limits_are_settings(settings: Settings, serving: Callable[[Settings], FastAPI]) -> None:
    data = SAMPLE.read_bytes()
    # The sample is 418x416 pixels; the form around it adds a couple of hundred bytes.
    small = settings.model_copy(update={"max_upload_bytes": len(data) + 1000, "max_image_pixels": 400 * 400})
    with TestClient(serving(small)) as client:
        response = upload(client, data)
        assert response.status_code == 413 and "pixels" in response.json()["detail"]
        big = data + b"\x00" * 2000  # trailing bytes after the JPEG, past the upload limit
        response = upload(client, big)
        assert response.status_code == 413 and "upload too large" in response.json()["detail"]
        assert client.get("/api/model").json()["limits"]["max_upload_bytes"] == len(data) + 1000


def test_the_content_type_is_judged_before_the_size(settings: Settings, serving: Callable[[Settings], FastAPI]) -> None:
    """An unaccepted content type gets 415 whatever its size; the body limit and the route read it by one rule."""
    body = b"x" * (settings.max_body_bytes + 1)  # over the JSON limit, far under the upload limit
    with TestClient(serving(settings)) as client:
        for content_type in ("image/png", "multipart/form-dataX", "multipart/form-data-like; boundary=x"):
            response = client.post("/predict", content=body, headers={"Content-Type": content_type})
            assert response.status_code == 415 and "multipart/form-data" in response.json()["detail"]
        response = client.post("/predict", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 413 and "request body too large" in response.json()["detail"]
        response = client.post("/predict", content=body, headers={"Content-Type": " Multipart/Form-Data ; boundary=x"})
        assert response.status_code == 422  # an upload: under its limit, so the form itself is read (and refused)
        response = client.post("/predict/image", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 415 and "multipart/form-data" in response.json()["detail"]
        response = client.put("/predict", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_openapi_documents_each_body_in_its_own_operation(client: TestClient) -> None:
    """One media type per operation, which client generators handle; POST /predict still reads uploads."""
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]["/predict"]["post"]["requestBody"]["content"]) == {"application/json"}
    content = schema["paths"]["/predict/image"]["post"]["requestBody"]["content"]
    assert content == {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/PredictUpload"}}}
    upload_schema = schema["components"]["schemas"]["PredictUpload"]
    assert upload_schema["properties"]["image"]["format"] == "binary" and upload_schema["required"] == ["image"]
    assert "8388608 bytes" in upload_schema["properties"]["image"]["description"]


def test_a_picture_reads_the_same_on_both_routes(client: TestClient) -> None:
    data = SAMPLE.read_bytes()
    answers = [
        client.post(path, files={"image": ("seven.jpg", data, "image/jpeg")}, data={"explain": "on", "target": "3"})
        for path in ("/predict/image", "/predict")
    ]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].json() == answers[1].json() and answers[0].json()["target"] == 3
