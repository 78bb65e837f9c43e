"""HEAD wherever GET works (app/head.py): the GET answer's status and headers, no body; Allow names HEAD."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

PATHS = ["/", "/model", "/healthz", "/api/model", "/api/neurons/1/0", "/docs", "/docs/init.js", "/openapi.json"]
PATHS += ["/static/hello.txt", "/docs/assets/swagger-ui.css", "/figures/pixels", "/figures/neuron?layer=1&index=2"]


def test_every_get_route_is_listed_here(client: TestClient) -> None:
    """A new GET route joins PATHS, so that this test sees it answer HEAD."""
    app = client.app
    assert isinstance(app, FastAPI)
    routes = {
        route.path
        for route in app.routes
        if isinstance(route, APIRoute) and (route.methods is None or "GET" in route.methods)  # None: any method
    }
    listed = {path.split("?")[0] for path in PATHS} | {"/api/neurons/{layer}/{index}"}
    assert routes <= listed


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_as_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path, headers={"accept-encoding": "identity"})
    head = client.head(path, headers={"accept-encoding": "identity"})
    assert get.status_code == 200 and head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("etag") == get.headers.get("etag")


def test_head_of_what_does_not_exist_is_the_get_status(client: TestClient) -> None:
    assert client.head("/nope").status_code == 404
    assert client.head("/api/neurons/9/0").status_code == 404
    assert client.head("/predict").status_code == 405


@pytest.mark.parametrize(
    ("method", "path", "allow"), [("POST", "/healthz", "GET, HEAD"), ("PUT", "/api/model", "GET, HEAD")]
)
def test_allow_names_head_with_get(client: TestClient, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405 and response.headers["allow"] == allow
    assert client.get("/predict").headers["allow"] == "POST"  # no GET, so no HEAD
