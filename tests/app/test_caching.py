"""ETags and 304 for the answers that change only with the weights; static files are revalidated (app/caching.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.caching import matches, weak_etag
from app.settings import Settings
from model.serving.weights import LoadedModel


def test_the_model_info_answers_304_to_its_etag(client: TestClient) -> None:
    first = client.get("/api/model")
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
    again = client.get("/api/model", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get("/api/model", headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_the_model_info_etag_follows_the_limits(settings: Settings, serving: Callable[[Settings], FastAPI]) -> None:
    """Same weights, other limits: another answer, so another ETag."""
    with TestClient(serving(settings)) as a, TestClient(serving(settings.model_copy(update={"max_points": 5}))) as b:
        assert a.get("/api/model").headers["etag"] != b.get("/api/model").headers["etag"]


def test_a_neuron_answers_304_to_the_weights_etag(client: TestClient, tiny_model: LoadedModel) -> None:
    first = client.get("/api/neurons/2/3")
    assert first.headers["etag"] == weak_etag(tiny_model.sha256) and first.headers["cache-control"] == "no-cache"
    # Every neuron of these weights is unchanged, so the weights' ETag is current for each of them.
    for path in ("/api/neurons/2/3", "/api/neurons/1/0"):
        response = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert response.status_code == 304 and response.content == b""
    assert client.get("/api/neurons/1/0", headers={"If-None-Match": "*"}).status_code == 304
    assert client.get("/api/neurons/9/0", headers={"If-None-Match": "*"}).status_code == 404  # none to match


@pytest.mark.parametrize(
    ("header", "matched"),
    [('W/"abc"', True), ('"abc"', True), ('"x", W/"abc"', True), ("*", True), ('"abcd"', False), ("", False)],
)
def test_if_none_match_is_compared_weakly(header: str, matched: bool) -> None:
    assert matches(header, 'W/"abc"') is matched
    assert matches(None, 'W/"abc"') is False


def test_static_files_are_revalidated(client: TestClient) -> None:
    first = client.get("/static/hello.txt")
    assert first.headers["cache-control"] == "no-cache" and first.headers["etag"]
    again = client.get("/static/hello.txt", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.headers["cache-control"] == "no-cache"
    assert client.get("/docs/assets/swagger-ui.css").headers["cache-control"] == "no-cache"
