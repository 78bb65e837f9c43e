"""Many threads at once get the answers one thread gets: no shared mutable state in the hot path.

Drawings read in a worker thread get exactly the same bytes; pixels, read on the event loop, may
be read in one forward pass with others (app.batching), so they agree to float rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import orjson
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.answering import answer_drawing
from app.parsing import parse_predict_body
from app.runtime import build_runtime
from app.settings import Settings
from model.serving.weights import LoadedModel
from tests.app.answers import assert_answers_agree

DRAWINGS: list[dict[str, object]] = [
    {"strokes": [[[10, 10], [60, 10], [35, 90]]], "explain": True},
    {"strokes": [[[0, 0], [0, 100]], [[-20, 50], [20, 50]]]},
    {"strokes": [[[5, 5]]], "explain": True, "target": 2},
    {"pixels": [[((row * 28 + col) % 7) / 7 for col in range(28)] for row in range(28)]},
]
THREADS = 16
ROUNDS = 12


def test_concurrent_requests_through_the_thread_pool_are_deterministic(
    settings: Settings, serving: Callable[[Settings], FastAPI]
) -> None:
    # offload_points=0 sends every drawing through the worker threads, so requests truly overlap.
    app = serving(settings.model_copy(update={"offload_points": 0}))
    with TestClient(app) as client:
        expected = [client.post("/predict", json=drawing).content for drawing in DRAWINGS]

        def call(i: int) -> tuple[int, bytes]:
            k = i % len(DRAWINGS)
            response = client.post("/predict", json=DRAWINGS[k])
            assert response.status_code == 200
            return k, response.content

        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(call, range(THREADS * ROUNDS)))
    assert len(results) == THREADS * ROUNDS
    for k, content in results:
        if "pixels" in DRAWINGS[k]:
            assert_answers_agree(content, expected[k])
        else:
            assert content == expected[k]


def test_the_model_functions_are_thread_safe(settings: Settings, tiny_model: LoadedModel) -> None:
    runtime = build_runtime(tiny_model, settings)
    bodies = [parse_predict_body(orjson.dumps(drawing), runtime.limits) for drawing in DRAWINGS]
    expected = [answer_drawing(runtime=runtime, drawing=body) for body in bodies]
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(
            pool.map(
                lambda i: (i % len(bodies), answer_drawing(runtime=runtime, drawing=bodies[i % len(bodies)])),
                range(400),
            )
        )
    assert all(content == expected[k] for k, content in results)
