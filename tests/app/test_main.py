"""What app/main.py adds around the routes: gzip above a size, and CORS only for the configured origins."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.settings import Settings

STROKES = [[[120, 40], [150, 40], [150, 90], [150, 160]], [[110, 100], [170, 100]]]
OTHER_SITE = "https://app.example.org"


def test_large_answers_are_gzipped_for_clients_that_accept_it(client: TestClient) -> None:
    plain = client.post("/predict", json={"strokes": STROKES}, headers={"accept-encoding": "identity"})
    zipped = client.post("/predict", json={"strokes": STROKES}, headers={"accept-encoding": "gzip, br"})
    assert "content-encoding" not in plain.headers and len(plain.content) > Settings().gzip_min_bytes
    assert zipped.headers["content-encoding"] == "gzip" and "accept-encoding" in zipped.headers["vary"].lower()
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    assert zipped.json() == plain.json()  # httpx decompressed it


def test_small_answers_are_not_gzipped(client: TestClient) -> None:
    for response in (client.get("/healthz"), client.post("/predict", json={})):
        assert len(response.content) < Settings().gzip_min_bytes and "content-encoding" not in response.headers


def test_compression_can_be_turned_off(settings: Settings, serving: Callable[[Settings], FastAPI]) -> None:
    with TestClient(serving(settings.model_copy(update={"gzip_level": 0}))) as client:
        response = client.post("/predict", json={"strokes": STROKES}, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200 and "content-encoding" not in response.headers


def test_gzip_keeps_the_security_headers(client: TestClient) -> None:
    response = client.get("/api/neurons/1/0", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip" and response.headers["x-content-type-options"] == "nosniff"


def test_no_cors_by_default(client: TestClient) -> None:
    response = client.get("/api/model", headers={"origin": OTHER_SITE})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/predict", headers={"origin": OTHER_SITE, "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


@pytest.fixture
def cors_client(settings: Settings, serving: Callable[[Settings], FastAPI]) -> TestClient:
    """Return a client of the app with DIGITS_CORS_ORIGINS set to OTHER_SITE."""
    return TestClient(serving(settings.model_copy(update={"cors_origins": (OTHER_SITE,)})))


def test_cors_for_the_configured_origins_only(cors_client: TestClient) -> None:
    with cors_client as client:
        allowed = client.post("/predict", json={"strokes": STROKES}, headers={"origin": OTHER_SITE})
        assert allowed.headers["access-control-allow-origin"] == OTHER_SITE
        assert "access-control-allow-credentials" not in allowed.headers
        assert (
            "etag"
            in client.get("/api/model", headers={"origin": OTHER_SITE}).headers["access-control-expose-headers"].lower()
        )
        preflight = client.options(
            "/predict",
            headers={
                "origin": OTHER_SITE,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]
        other = client.get("/api/model", headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("value", ["https://a.example.org, http://localhost:5173", "*"])
def test_cors_origins_are_read_from_the_environment(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITS_CORS_ORIGINS", value)
    assert Settings().cors_origins == tuple(origin.strip() for origin in value.split(","))


@pytest.mark.parametrize(
    "value", ["https://*.example.org", "example.org", "https://a.example.org/path", "*, https://a.b"]
)
def test_cors_origins_must_be_origins(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITS_CORS_ORIGINS", value)
    with pytest.raises(ValueError, match="not an origin"):
        Settings()
