"""Pages, static files, the offline docs, the OpenAPI description and the security headers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.limits import Limits
from app.security import STRICT_CSP
from app.settings import REPO, Settings


def test_index_renders_with_the_model_info(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-testid="canvas"' in response.text
    assert 'data-sizes="784,16,12,10"' in response.text
    assert "784–16–12–10" in response.text  # the tagline
    assert '<a href="/" aria-current="page">Draw</a>' in response.text  # base.html's navigation


def test_model_page_renders_with_the_evaluation(client: TestClient) -> None:
    response = client.get("/model")
    assert response.status_code == 200
    assert "12.50% <small>of 8</small>" in response.text
    assert "Pen-drawn digits (UNIPEN test writers)</dt><dd>37.50% <small>of 16</small>" in response.text
    assert '<a href="/model" aria-current="page">The model</a>' in response.text


def test_model_page_without_an_evaluation(settings: Settings, serving: Callable[[Settings], FastAPI]) -> None:
    bare = settings.model_copy(update={"static_dir": REPO / "no-such-static-dir"})
    with TestClient(serving(bare)) as client:
        text = client.get("/model").text
    assert "10.00%" in text  # the weights metadata's test accuracy
    assert "12.50%" not in text


def test_learn_page_renders_its_form_from_the_learn_limits(
    settings: Settings, serving: Callable[[Settings], FastAPI]
) -> None:
    custom = settings.model_copy(update={"learn_max_layer_size": 50, "learn_max_hidden_layers": 3})
    with TestClient(serving(custom)) as client:
        text = client.get("/learn").text
    assert '<a href="/learn" aria-current="page">Learn</a>' in text
    assert 'data-pixels="784" data-classes="10" data-socket="/api/learn/ws"' in text  # model.constants, GET /api/learn
    widths = re.findall(r'name="width(\d)"[^>]*min="(\d+)" max="(\d+)"', text, re.S)
    assert widths == [("1", "10", "50"), ("2", "10", "50"), ("3", "10", "50")]
    assert re.findall(r'name="layers" value="(\d)"( checked)?', text) == [("1", " checked"), ("2", ""), ("3", "")]
    assert '<input type="radio" name="cost" value="quadratic" checked>' in text
    names = re.search(r"data-layer-names='([^']*)'", text)
    assert names and json.loads(names.group(1))["3"] == ["input", "hidden 1", "hidden 2", "hidden 3", "output"]
    for name in ("Start", "Pause", "Resume", "Step", "Reset"):
        assert re.search(rf"<button [^>]*>{name}</button>", text), name


@pytest.mark.parametrize("path", ["/", "/learn", "/model"])
def test_pages_extend_the_base_template(client: TestClient, path: str) -> None:
    text = client.get(path).text
    assert text.count('<nav class="site-nav"') == 1 and text.count("<main") == 1
    assert '<link rel="stylesheet" href="/static/css/base.css">' in text
    assert text.index("</head>") < text.index('class="skip-link"') < text.index("<main") < text.index("</footer>")


class _Cards(HTMLParser):
    """The ids of a page, the ids its aria-labelledby attributes name, and for each card (a section of class card that
    is labelled) the id of its label and the ids of the headings inside it; hidden elements are left out."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.labelled_by: list[str] = []
        self.cards: list[tuple[str, list[str]]] = []
        self._open: list[tuple[str, list[str]] | None] = []  # one per open section: its card, or None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if named.get("id"):
            self.ids.append(str(named["id"]))
        # A hidden element is filled in by the script before it is shown (the inspector): the page has its label then.
        label = None if "hidden" in named else named.get("aria-labelledby")
        if label:
            self.labelled_by += label.split()
        if tag == "section":
            is_card = "card" in (named.get("class") or "").split()
            self._open.append((label, []) if is_card and label else None)
        elif re.fullmatch(r"h[1-6]", tag) and named.get("id"):
            for card in self._open:
                if card is not None:
                    card[1].append(str(named["id"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._open:
            card = self._open.pop()
            if card is not None:
                self.cards.append(card)


@pytest.mark.parametrize("path", ["/", "/learn", "/model"])
def test_each_card_is_named_by_its_own_heading(client: TestClient, path: str) -> None:
    """What axe checks of the cards (templates/macros.html's card and card_head): ids are unique, every
    aria-labelledby names an element of the page, and a card is labelled by a heading inside it."""
    page = _Cards()
    page.feed(client.get(path).text)
    page.close()
    assert len(page.ids) == len(set(page.ids)), sorted(id_ for id_ in page.ids if page.ids.count(id_) > 1)
    assert set(page.labelled_by) <= set(page.ids), set(page.labelled_by) - set(page.ids)
    assert len(page.cards) >= 3, page.cards
    for label, headings in page.cards:
        assert label in headings, f"the card labelled by {label} has the headings {headings}"


def test_static_files_are_served(client: TestClient) -> None:
    response = client.get("/static/hello.txt")
    assert (response.status_code, response.text) == (200, "hello")
    assert client.get("/static/../app/main.py").status_code == 404


@pytest.mark.parametrize("path", ["/", "/learn", "/model", "/api/model", "/healthz", "/static/hello.txt", "/nope"])
def test_every_response_has_the_strict_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == STRICT_CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "server" not in headers


def test_error_and_limit_responses_have_the_headers_too(client: TestClient) -> None:
    for response in (
        client.post("/predict", content=b"{", headers={"content-type": "application/json"}),
        client.post("/predict", content=b" " * 300_000, headers={"content-type": "application/json"}),
    ):
        assert response.status_code in (413, 422)
        assert response.headers["content-security-policy"] == STRICT_CSP
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_strict_policy_allows_only_this_origin() -> None:
    directives = dict(part.split(" ", 1) for part in STRICT_CSP.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in STRICT_CSP and "http" not in STRICT_CSP


def test_docs_are_served_locally_under_the_strict_policy(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == STRICT_CSP
    # Every script and stylesheet comes from this server, and no script is inline.
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/docs/") for source in sources)
    assert "<script>" not in page.text
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and len(asset.content) > 100
        assert asset.headers["content-security-policy"] == STRICT_CSP
    assert '"/openapi.json"' in client.get("/docs/init.js").text


def test_redoc_is_not_served(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404


def test_docs_can_be_turned_off(settings: Settings, serving: Callable[[Settings], FastAPI]) -> None:
    with TestClient(serving(settings.model_copy(update={"docs": False}))) as client:
        assert client.get("/docs").status_code == 404


def test_openapi_documents_the_request_response_and_limits(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {
        "/predict",
        "/predict/image",
        "/api/model",
        "/api/neurons/{layer}/{index}",
        "/api/learn",
        "/healthz",
    }
    predict = schema["paths"]["/predict"]["post"]
    assert predict["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PredictRequest"
    }
    assert {"200", "413", "415", "422"} <= set(predict["responses"])
    assert "256" in predict["description"] or "262144" in predict["description"]
    components = schema["components"]["schemas"]
    request = components["PredictRequest"]
    assert request["oneOf"] == [
        {"$ref": "#/components/schemas/StrokesRequest"},
        {"$ref": "#/components/schemas/PixelsRequest"},
    ]
    assert request["examples"] and "null counts as not sent" in request["description"]
    for name, field in (("StrokesRequest", "strokes"), ("PixelsRequest", "pixels")):
        assert set(components[name]["properties"]) == {field, "explain", "target", "layers", "display"}
        assert components[name]["required"] == [field] and components[name]["additionalProperties"] is False
    strokes = components["StrokesRequest"]["properties"]["strokes"]
    assert strokes["maxItems"] == 100 and "10000 points" in strokes["description"]
    assert strokes["items"]["items"]["items"]["maximum"] == 1e6
    response = components["PredictResponse"]
    assert {"digit", "probabilities", "input", "layers", "unsure", "not_a_digit", "top2", "saliency", "target"} <= set(
        response["properties"]
    )


def test_limits_in_settings_reach_the_schema_and_the_checks(
    settings: Settings, serving: Callable[[Settings], FastAPI]
) -> None:
    small = settings.model_copy(update={"max_strokes": 3, "max_points": 5, "max_coordinate": 10.0})
    with TestClient(serving(small)) as client:
        strokes = client.get("/openapi.json").json()["components"]["schemas"]["StrokesRequest"]["properties"]["strokes"]
        assert strokes["maxItems"] == 3 and strokes["items"]["items"]["items"]["maximum"] == 10
        assert client.post("/predict", json={"strokes": [[[1, 1]]] * 4}).status_code == 413
        assert client.post("/predict", json={"strokes": [[[1, 1]] * 6]}).status_code == 413
        assert client.post("/predict", json={"strokes": [[[11, 1]]]}).status_code == 422
        assert client.get("/api/model").json()["limits"]["max_points"] == 5


def test_every_limit_is_a_setting_shown_in_the_model_info_and_the_schema(
    settings: Settings, serving: Callable[[Settings], FastAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in Limits.model_fields:
        monkeypatch.setenv(f"DIGITS_{name.upper()}", "7")
    from_env = Settings(weights_path=settings.weights_path, templates_dir=settings.templates_dir)
    assert from_env.limits == Limits.model_validate(dict.fromkeys(Limits.model_fields, 7))
    client = TestClient(serving(from_env))
    assert client.get("/api/model").json()["limits"] == dict.fromkeys(Limits.model_fields, 7)
    schema = client.get("/openapi.json").json()
    assert set(schema["components"]["schemas"]["Limits"]["properties"]) == set(Limits.model_fields)
    assert "$max_" not in json.dumps(schema)  # every placeholder was filled in
    assert "at most 7 strokes and 7 points" in schema["paths"]["/predict"]["post"]["description"]
