"""The JSON API's contract: shapes and values of every answer, the model and neuron routes, health and startup.

POST /predict's refusals (422, 413, 415) are in test_predict_errors.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from app.startup import StartupError
from model.constants import IMAGE_SIDE, NUM_CLASSES
from model.reading.strokes import render
from model.serving.inference import predict, saliency
from model.serving.weights import LoadedModel

SEVEN = [[[10, 10], [60, 10], [35, 90]]]
DOT = [[[5, 5]]]


def assert_image(value: Any) -> np.ndarray:
    """Return `value` as an array after checking it is 28 rows of 28 floats in [0, 1]."""
    array = np.asarray(value, dtype=np.float64)
    assert array.shape == (IMAGE_SIDE, IMAGE_SIDE)
    assert array.min() >= 0 and array.max() <= 1
    return array


def test_strokes_prediction_follows_the_contract(client: TestClient, tiny_model: LoadedModel) -> None:
    response = client.post("/predict", json={"strokes": SEVEN})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"digit", "probabilities", "input", "layers", "unsure", "not_a_digit", "top2"}
    assert len(body["probabilities"]) == NUM_CLASSES
    assert math.fsum(body["probabilities"]) == pytest.approx(1, abs=1e-5)
    assert body["digit"] == int(np.argmax(body["probabilities"]))
    image = assert_image(body["input"])
    np.testing.assert_allclose(image, render(SEVEN), atol=1e-6)
    assert body["top2"][0] == body["digit"] and body["top2"][1] != body["digit"]
    assert isinstance(body["unsure"], bool) and isinstance(body["not_a_digit"], bool)
    # The answer is the network's own reading of the image it reports.
    expected = predict(network=tiny_model.network, image=render(SEVEN))
    np.testing.assert_allclose(body["probabilities"], expected.probabilities, rtol=1e-5)


def test_layers_match_the_model_description(client: TestClient) -> None:
    info = client.get("/api/model").json()
    layers = client.post("/predict", json={"strokes": SEVEN}).json()["layers"]
    assert [len(layer["z"]) for layer in layers] == info["sizes"][1:]
    assert [len(layer["a"]) for layer in layers] == info["sizes"][1:]
    assert [layer["activation"] for layer in layers] == info["activations"] == ["sigmoid", "sigmoid", "softmax"]
    assert [layer["name"] for layer in layers] == ["hidden 1", "hidden 2", "output"]
    for layer in layers[:-1]:
        np.testing.assert_allclose(layer["a"], 1 / (1 + np.exp(-np.asarray(layer["z"]))), rtol=1e-5)
    assert layers[-1]["a"] == pytest.approx(client.post("/predict", json={"strokes": SEVEN}).json()["probabilities"])


def test_pixels_are_fed_as_is(client: TestClient, tiny_model: LoadedModel) -> None:
    pixels = np.random.default_rng(3).random((IMAGE_SIDE, IMAGE_SIDE)).astype(np.float32)
    body = client.post("/predict", json={"pixels": pixels.tolist()}).json()
    np.testing.assert_array_equal(np.asarray(body["input"], dtype=np.float32), pixels)
    expected = predict(network=tiny_model.network, image=pixels)
    np.testing.assert_allclose(body["probabilities"], expected.probabilities, rtol=1e-5)


def test_explain_returns_the_saliency_of_the_predicted_digit(client: TestClient, tiny_model: LoadedModel) -> None:
    body = client.post("/predict", json={"strokes": SEVEN, "explain": True}).json()
    assert body["target"] == body["digit"]
    expected = saliency(
        network=tiny_model.network,
        prediction=predict(network=tiny_model.network, image=render(SEVEN)),
        target=body["digit"],
    )
    np.testing.assert_allclose(body["saliency"], expected, rtol=1e-4, atol=1e-6)


def test_explain_with_a_target(client: TestClient, tiny_model: LoadedModel) -> None:
    body = client.post("/predict", json={"strokes": SEVEN, "explain": True, "target": 4}).json()
    assert body["target"] == 4
    expected = saliency(
        network=tiny_model.network, prediction=predict(network=tiny_model.network, image=render(SEVEN)), target=4
    )
    np.testing.assert_allclose(body["saliency"], expected, rtol=1e-4, atol=1e-6)


def test_without_explain_there_is_no_saliency(client: TestClient) -> None:
    body = client.post("/predict", json={"strokes": SEVEN, "target": 4}).json()
    assert "saliency" not in body and "target" not in body


def test_a_field_sent_as_null_counts_as_not_sent(client: TestClient) -> None:
    """Clients that write unset fields as null (TypeScript objects, Jackson, pydantic) are understood."""
    plain = client.post("/predict", json={"strokes": SEVEN}).json()
    nulls = client.post("/predict", json={"strokes": SEVEN, "pixels": None, "explain": None, "target": None})
    assert nulls.status_code == 200 and nulls.json() == plain
    pixels = [[0.0] * IMAGE_SIDE] * (IMAGE_SIDE - 1) + [[1.0] * IMAGE_SIDE]
    assert client.post("/predict", json={"strokes": None, "pixels": pixels}).status_code == 200
    explained = client.post("/predict", json={"strokes": SEVEN, "explain": True, "target": None}).json()
    assert explained["target"] == explained["digit"]


def test_a_one_point_stroke_is_a_dot(client: TestClient) -> None:
    response = client.post("/predict", json={"strokes": DOT})
    assert response.status_code == 200
    assert assert_image(response.json()["input"]).max() > 0.5


def test_model_info(client: TestClient, tiny_model: LoadedModel) -> None:
    info = client.get("/api/model").json()
    assert info["sizes"] == [784, 16, 12, 10]
    assert info["num_parameters"] == tiny_model.network.num_parameters
    assert info["sha256"] == tiny_model.sha256 and len(info["sha256"]) == 64
    assert info["test_accuracy"] == 0.1 and info["unipen_accuracy"] is None
    assert info["training"] == {"epochs": 0, "note": "random"}
    # Each piece of metadata appears once: in its own field, and in `metadata` only what no field shows.
    assert info["metadata"] == {}
    assert client.get("/api/model").text.count('"note":"random"') == 1
    assert info["limits"] == {
        "max_body_bytes": 262144,
        "max_upload_bytes": 8 * 1024 * 1024,
        "max_image_pixels": 24_000_000,
        "max_strokes": 100,
        "max_points": 10000,
        "max_coordinate": 1e6,
        "header_timeout_s": 10.0,
        "body_timeout_s": 10.0,
        "max_connections": 4096,
    }
    assert info["uncertainty"] == {"unsure_below": 0.8, "not_a_digit_below": 0.5, "min_top_z": None}
    assert [layer["name"] for layer in info["layers"]] == ["input", "hidden 1", "hidden 2", "output"]


def test_neuron_in_a_hidden_layer(client: TestClient, tiny_model: LoadedModel) -> None:
    network = tiny_model.network
    body = client.get("/api/neurons/2/5").json()
    assert (body["layer"], body["index"], body["name"], body["activation"]) == (2, 5, "hidden 2", "sigmoid")
    assert body["bias"] == pytest.approx(float(network.biases[1][5]))
    np.testing.assert_allclose(body["weights"], network.weights[1][5], rtol=1e-6)
    np.testing.assert_allclose(body["outgoing"], network.weights[2][:, 5], rtol=1e-6)
    assert len(body["weights"]) == 16 and len(body["outgoing"]) == 10


def test_neuron_in_the_first_and_output_layers(client: TestClient) -> None:
    first = client.get("/api/neurons/1/0").json()
    assert len(first["weights"]) == 784 and len(first["outgoing"]) == 12 and first["name"] == "hidden 1"
    output = client.get("/api/neurons/3/9").json()
    assert output["outgoing"] is None and output["activation"] == "softmax" and output["name"] == "output"


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/api/neurons/0/0", 404, "no layer 0"),
        ("/api/neurons/4/0", 404, "no layer 4"),
        ("/api/neurons/1/16", 404, "layer 1 has no neuron 16"),
        ("/api/neurons/3/-1", 404, "layer 3 has no neuron -1"),
        ("/api/neurons/99999999999999999999999/0", 404, "no layer"),
        ("/api/neurons/one/0", 422, "layer"),
        ("/api/neurons/1/1.5", 422, "index"),
    ],
)
def test_neuron_out_of_range(client: TestClient, path: str, status: int, detail: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert detail in response.json()["detail"]


def test_health_is_ok_once_loaded(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_health_is_503_before_the_model_is_loaded(settings: Settings) -> None:
    # Without entering the client, the lifespan has not run: no model yet.
    client = TestClient(create_app(settings))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "not loaded" in response.json()["detail"]
    assert client.post("/predict", json={"strokes": DOT}).status_code == 503


def test_unknown_routes_and_methods_are_json_errors(client: TestClient) -> None:
    missing = client.get("/nope")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    wrong_method = client.get("/predict")
    assert wrong_method.status_code == 405 and "detail" in wrong_method.json()
    assert wrong_method.headers["allow"] == "POST"


def test_identical_requests_give_identical_bytes(client: TestClient) -> None:
    first = client.post("/predict", json={"strokes": SEVEN, "explain": True}).content
    assert client.post("/predict", json={"strokes": SEVEN, "explain": True}).content == first


def test_a_long_drawing_is_read_in_a_worker_thread_with_the_same_answer(
    settings: Settings, serving: Callable[[Settings], FastAPI]
) -> None:
    strokes = [[[float(i), float(i % 50)] for i in range(300)]]
    answers = []
    for offload in (10_000, 10):
        app_settings = settings.model_copy(update={"offload_points": offload})
        with TestClient(serving(app_settings)) as client:
            answers.append(client.post("/predict", json={"strokes": strokes}).content)
    assert answers[0] == answers[1]
    assert b'"digit"' in answers[0]


def test_importing_the_module_app_loads_no_weights() -> None:
    from app.main import app

    assert app.state.runtime is None


def test_bad_weights_fail_startup_with_the_one_line_message(settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "none.npz"
    with (
        pytest.raises(StartupError, match=r"none\.npz: weights file not found"),
        TestClient(create_app(settings.model_copy(update={"weights_path": missing}))),
    ):
        pass
