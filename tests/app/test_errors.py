"""Errors are JSON {"detail": ...}, except the 404 page a browser gets (app/errors.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.errors import wants_html

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("*/*", False),  # curl, requests, fetch()
        ("", False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0", False),
        ("text/html;q=oops, */*", False),
    ],
)
def test_browsers_are_told_from_api_clients(accept: str, html: bool) -> None:
    assert wants_html(accept) is html


def test_a_browser_gets_an_html_404_page(client: TestClient) -> None:
    response = client.get("/no/such/<page>", headers={"accept": BROWSER})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert '<h1 id="not-found-title">Not found</h1>' in response.text
    assert "/no/such/&lt;page&gt;" in response.text and "<page>" not in response.text  # escaped
    assert '<a href="/">Draw a digit</a>' in response.text
    neuron = client.get("/api/neurons/1/999", headers={"accept": BROWSER})
    assert neuron.status_code == 404 and "layer 1 has no neuron 999" in neuron.text


@pytest.mark.parametrize("accept", ["*/*", "application/json", None])
def test_api_clients_keep_json_404s(client: TestClient, accept: str | None) -> None:
    response = client.get("/no/such/page", headers={"accept": accept} if accept else {})
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


def test_other_errors_stay_json_for_browsers(client: TestClient) -> None:
    response = client.post("/healthz", headers={"accept": BROWSER})
    assert response.status_code == 405 and response.json() == {"detail": "Method Not Allowed"}


def test_a_browser_gets_the_html_404_for_a_figure_that_does_not_exist(client: TestClient) -> None:
    response = client.get("/figures/neuron?layer=9", headers={"accept": BROWSER})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert client.get("/figures/neuron?layer=9").json()["detail"]  # JSON for anything else
