"""POST /predict's answer options: `"layers": false` leaves the layers out, `"display": true` packs what a
page draws (app.display); as JSON fields and as form fields of a picture upload."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.display import LEVELS, SALIENCY_LEVELS
from app.schemas import PredictResponse
from model.constants import IMAGE_SIDE, NUM_PIXELS
from tests.pictures import SEVEN as SEVEN_PICTURE
from tests.pictures import drawn, encoded

SEVEN = [[[10, 10], [60, 10], [35, 90]], [[20, 50], [50, 50]]]
ALWAYS = {"digit", "probabilities", "unsure", "not_a_digit", "top2"}


def post(client: TestClient, **fields: Any) -> dict[str, Any]:
    """Return the 200 answer to POST /predict of the strokes SEVEN with `fields`."""
    response = client.post("/predict", json={"strokes": SEVEN, **fields})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    PredictResponse.model_validate(answer)  # every form of the answer is the documented one
    return answer


def decode(text: str, dtype: str) -> np.ndarray:
    """Return the base64 `text` as an array of the little-endian `dtype`."""
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


def decode_input(packed: dict[str, str]) -> np.ndarray:
    """Return the 28x28 input from the display's mask and values."""
    inked = np.unpackbits(decode(packed["mask"], "u1"), bitorder="little")[:NUM_PIXELS].astype(bool)
    image = np.zeros(NUM_PIXELS)
    image[inked] = decode(packed["values"], "<u2") / LEVELS
    return image.reshape(IMAGE_SIDE, IMAGE_SIDE)


def test_without_layers_the_answer_is_the_same_less_the_layers(client: TestClient) -> None:
    full, light = post(client, explain=True), post(client, explain=True, layers=False)
    assert set(light) == set(full) - {"layers"} == ALWAYS | {"input", "saliency", "target"}
    for key in light:
        assert light[key] == full[key], key
    assert set(post(client, layers=True)) == ALWAYS | {"input", "layers"}


def test_the_display_answer_holds_what_the_full_one_does(client: TestClient) -> None:
    full, shown = post(client, explain=True, target=3), post(client, explain=True, target=3, display=True)
    assert set(shown) == ALWAYS | {"target", "display"}
    for key in ALWAYS | {"target"}:
        assert shown[key] == full[key], key
    display = shown["display"]
    np.testing.assert_allclose(decode_input(display["input"]), full["input"], rtol=0, atol=0.5 / LEVELS + 1e-9)
    assert (decode_input(display["input"]) > 0).sum() <= (np.asarray(full["input"]) > 0).sum()
    for packed, layer in zip(display["activations"], full["layers"], strict=True):
        np.testing.assert_allclose(decode(packed, "<u2") / LEVELS, layer["a"], rtol=0, atol=0.5 / LEVELS + 1e-9)
    scale = display["saliency_scale"]
    assert scale == pytest.approx(np.abs(full["saliency"]).max(), rel=1e-6)
    saliency = decode(display["saliency"], "i1") * (scale / SALIENCY_LEVELS)
    np.testing.assert_allclose(saliency, np.ravel(full["saliency"]), rtol=0, atol=0.5 * scale / SALIENCY_LEVELS + 1e-9)


def test_a_neuron_z_summed_from_the_display_is_the_servers(client: TestClient) -> None:
    """What the page does: z = sum of the neuron's weights times the activations feeding it, plus b."""
    full, display = post(client), post(client, display=True)["display"]
    feeding = [decode_input(display["input"]).ravel()] + [decode(a, "<u2") / LEVELS for a in display["activations"]]
    for layer, values in enumerate(full["layers"], start=1):
        for index in range(0, len(values["z"]), 5):
            neuron = client.get(f"/api/neurons/{layer}/{index}").json()
            z = float(np.dot(neuron["weights"], feeding[layer - 1])) + neuron["bias"]
            assert z == pytest.approx(values["z"][index], abs=1e-4)


def test_the_display_answer_is_small(client: TestClient) -> None:
    full = client.post("/predict", json={"strokes": SEVEN, "explain": True}).content
    shown = client.post("/predict", json={"strokes": SEVEN, "explain": True, "display": True}).content
    assert len(shown) < len(full) / 3


@pytest.mark.parametrize("field", ["layers", "display"])
@pytest.mark.parametrize("value", [1, 0, "false", [True]])
def test_the_options_must_be_true_or_false(client: TestClient, field: str, value: Any) -> None:
    response = client.post("/predict", json={"strokes": SEVEN, field: value})
    assert response.status_code == 422
    assert response.json()["detail"] == f"{field} must be true or false"


def test_a_picture_takes_the_options_as_form_fields(client: TestClient) -> None:
    data = encoded(drawn(SEVEN_PICTURE), "PNG")

    def upload(**fields: str) -> dict[str, Any]:
        response = client.post("/predict/image", files={"image": ("seven.png", data, "image/png")}, data=fields)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    full = upload()
    light = upload(layers="false", explain="true")
    assert set(light) == ALWAYS | {"input", "saliency", "target"}
    assert light["probabilities"] == full["probabilities"]
    assert set(upload(layers="True")) == set(full)
    shown = upload(display="true")
    assert set(shown) == ALWAYS | {"display"}
    np.testing.assert_allclose(decode_input(shown["display"]["input"]), full["input"], atol=0.5 / LEVELS + 1e-9)
    assert set(upload(layers="off")) == set(light) - {"saliency", "target"}
    refused = client.post("/predict/image", files={"image": ("seven.png", data, "image/png")}, data={"layers": "nah"})
    assert refused.status_code == 422 and "layers must be true or false" in refused.json()["detail"]


def test_openapi_documents_the_options(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for body in ("StrokesRequest", "PixelsRequest", "PredictUpload"):
        properties = schemas[body]["properties"]
        assert properties["layers"]["type"] == properties["display"]["type"] == "boolean"
        assert "leave every layer" in properties["layers"]["description"]
        assert "(default true)" in properties["layers"]["description"]
        assert "(default false)" in properties["display"]["description"]
    response = schemas["PredictResponse"]
    assert "layers" not in response["required"] and "input" not in response["required"]
    assert set(schemas["Display"]["properties"]) == {"input", "activations", "saliency", "saliency_scale"}
