"""The figure pages and their SVG: what they hand the browser, who may frame them, ?layer/?index/?mnist, the errors."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.figures import FIGURE_PATHS, figure_context, mnist_digit, mnist_test_set
from app.security import STRICT_CSP
from app.settings import REPO, Settings
from model.datasets.mnist_files import MnistTestSet
from model.figures.__main__ import main as make_figures
from model.figures.export import SAMPLE_DIGIT
from model.figures.terms import FigureError

ALLOWED = ("https://blog.example.org", "http://localhost:1313")


Serving = Callable[[Settings], FastAPI]


def figure_client(settings: Settings, serving: Serving, **changes: object) -> TestClient:
    """Return a client of the app serving the tiny model with the test settings, changed by `changes`."""
    return TestClient(serving(settings.model_copy(update=changes)))


@pytest.fixture(scope="module")
def framable(settings: Settings, serving: Serving) -> Iterator[TestClient]:
    """A client of an app that lets ALLOWED frame the figures, without MNIST."""
    with figure_client(settings, serving, frame_ancestors=ALLOWED, mnist_dir=None) as client:
        yield client


def data(html: str, name: str) -> str | None:
    """Return the data-NAME attribute of the figure's <main>, or None."""
    main = re.search(r'<main id="figure"[^>]*>', html, re.S)
    assert main, "no <main id=figure>"
    found = re.search(rf'\sdata-{name}="([^"]*)"', main.group(0))
    return found.group(1) if found else None


@pytest.mark.parametrize("path", sorted(FIGURE_PATHS))
def test_each_figure_page_names_its_figure_and_neuron(framable: TestClient, path: str) -> None:
    is_pixels = path == "/figures/pixels"
    response = framable.get(path, params={} if is_pixels else {"layer": 2, "index": 11})
    assert response.status_code == 200
    assert data(response.text, "figure") == path.rsplit("/", 1)[1]
    neuron = ("1", "0") if is_pixels else ("2", "11")  # the pixel figure has no neuron
    assert (data(response.text, "layer"), data(response.text, "index")) == neuron
    assert data(response.text, "image-side") == "28"
    assert data(response.text, "mnist-index") is None
    assert '<script type="module" src="/static/js/figures/page.js">' in response.text


@pytest.mark.parametrize("path", sorted(FIGURE_PATHS))
def test_the_allowed_origins_may_frame_the_figures(framable: TestClient, path: str) -> None:
    policy = framable.get(path).headers["content-security-policy"]
    assert "frame-ancestors https://blog.example.org http://localhost:1313;" in policy
    assert policy == STRICT_CSP.replace("frame-ancestors 'none'", f"frame-ancestors {' '.join(ALLOWED)}")


@pytest.mark.parametrize(
    "path", ["/", "/model", "/api/model", "/static/css/figures.css", "/figures/pixels/", "/figures"]
)
def test_every_other_page_keeps_frame_ancestors_none(framable: TestClient, path: str) -> None:
    response = framable.get(path, follow_redirects=False)
    assert response.headers["content-security-policy"] == STRICT_CSP


def test_without_the_setting_the_figures_cannot_be_framed(settings: Settings, serving: Serving) -> None:
    with figure_client(settings, serving, frame_ancestors=()) as client:
        assert client.get("/figures/neuron").headers["content-security-policy"] == STRICT_CSP


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("layer=3", 404, "no sigmoid layer 3: the figures show a hidden layer's neuron, layer 1-2"),
        ("layer=1&index=16", 404, "layer 1 has no neuron 16 (it has 16: 0-15)"),
        ("layer=0", 422, "query.layer: Input should be greater than or equal to 1"),
        ("index=x", 422, "query.index: Input should be a valid integer, unable to parse string as an integer"),
        ("mnist=-1", 422, "query.mnist: Input should be greater than or equal to 0"),
        ("idx=210", 422, "unknown query parameter 'idx': this figure takes layer, index, mnist"),
        ("layer=x&layer=1", 422, "query parameter 'layer' is given 2 times"),
        ("=false", 422, "unknown query parameter '': this figure takes layer, index, mnist"),
    ],
)
def test_a_neuron_that_has_no_figure_is_a_clear_4xx(framable: TestClient, query: str, status: int, detail: str) -> None:
    response = framable.get(f"/figures/sigmoid?{query}")
    assert (response.status_code, response.json()) == (status, {"detail": detail})


def test_the_pixel_figure_takes_no_neuron(framable: TestClient) -> None:
    assert framable.get("/figures/pixels?layer=1").json() == {
        "detail": "unknown query parameter 'layer': this figure takes mnist"
    }


def test_without_mnist_files_the_page_says_so_and_keeps_the_pad(framable: TestClient) -> None:
    response = framable.get("/figures/pixels", params={"mnist": 3})
    assert response.status_code == 200
    assert data(response.text, "mnist-index") is None
    assert "has no MNIST files" in response.text and 'data-testid="canvas"' in response.text
    assert "has no MNIST files" not in framable.get("/figures/pixels").text


@pytest.mark.mnist
def test_mnist_index_hands_the_page_that_test_image(settings: Settings, serving: Serving, mnist_dir: Path) -> None:
    digits = mnist_test_set(mnist_dir)
    assert digits is not None
    with figure_client(settings, serving, mnist_dir=mnist_dir) as client:
        page = client.get("/figures/pixels", params={"mnist": 42}).text
        svg = client.get("/figures/pixels.svg", params={"mnist": 42})
        for path in ("/figures/neuron", "/figures/neuron.svg"):
            assert client.get(path, params={"mnist": 10_000}).json() == {
                "detail": "no MNIST test image 10000: the indices are 0-9999"
            }
    assert (data(page, "mnist-index"), data(page, "mnist-label")) == ("42", str(digits.labels[42]))
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    grid = ET.fromstring(svg.content).iterfind(".//{*}g[@data-name='grid']/{*}text")
    assert [int(text.text or "") for text in grid] == digits.images[42].ravel().tolist()


def test_an_unreadable_mnist_folder_is_no_mnist(tmp_path: Path) -> None:
    assert mnist_test_set(tmp_path) is None


def test_mnist_digit_without_http() -> None:
    digits = MnistTestSet(
        images=np.arange(2 * 784).reshape(2, 28, 28).astype(np.uint8), labels=np.array([4, 9], np.uint8)
    )
    digit = mnist_digit(digits=digits, index=1)
    assert digit is not None and (digit.index, digit.label) == (1, 9)
    assert mnist_digit(digits=digits, index=None) is None and mnist_digit(digits=None, index=1) is None
    with pytest.raises(FigureError, match="no MNIST test image 2: the indices are 0-1"):
        mnist_digit(digits=digits, index=2)


def test_figure_context_checks_the_neuron_and_passes_the_constants() -> None:
    context = figure_context(figure="neuron", sizes=[784, 30, 10], layer=1, index=29, digit=None, mnist_asked=True)
    assert (context["image_side"], context["index"], context["mnist_missing"]) == (28, 29, True)
    assert '"frame":280' in context["sample"]
    with pytest.raises(FigureError, match="no sigmoid layer 2"):
        figure_context(figure="neuron", sizes=[784, 30, 10], layer=2, index=0, digit=None, mnist_asked=False)


def test_the_templates_are_the_real_ones() -> None:
    assert (REPO / "templates" / "figures" / "figure.html").is_file()


SAMPLE = json.loads(SAMPLE_DIGIT.read_text(encoding="utf-8"))


@pytest.mark.parametrize("figure", ["pixels", "neuron", "sigmoid"])
def test_the_page_and_make_figures_get_the_same_svg(
    framable: TestClient, tmp_path: Path, settings: Settings, figure: str
) -> None:
    query = {} if figure == "pixels" else {"layer": 2, "index": 11}
    response = framable.get(f"/figures/{figure}.svg", params=query)
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    weights = ["--weights", str(settings.weights_path)]
    assert make_figures(["--out", str(tmp_path), "--layer", "2", "--index", "11", *weights]) == 0
    written = (tmp_path / f"{figure}.svg").read_bytes()
    assert response.content == written  # one renderer: the page's figure is the file's, byte for byte


def test_a_drawing_posted_gets_its_figure(framable: TestClient) -> None:
    svg = framable.post("/figures/sigmoid.svg?layer=1&index=3", json={"strokes": SAMPLE["strokes"]})
    answer = framable.post("/predict", json={"strokes": SAMPLE["strokes"]}).json()
    root = ET.fromstring(svg.content)
    # The network's float32 z and a, as /predict answers them.
    assert np.float32(root.get("data-z") or "nan") == np.float32(answer["layers"][0]["z"][3])
    assert np.float32(root.get("data-a") or "nan") == np.float32(answer["layers"][0]["a"][3])
    assert root.get("data-digit") == str(answer["digit"])
    pixels = framable.post("/figures/pixels.svg", json={"pixels": answer["input"]})
    values = [int(t.text or "") for t in ET.fromstring(pixels.content).iterfind(".//{*}g[@data-name='grid']/{*}text")]
    assert values == [int(255 * x + 0.5) for row in answer["input"] for x in row]


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"),
    [
        ("/figures/neuron.svg", {"strokes": []}, 422, "no ink: the drawing has no points"),
        ("/figures/neuron.svg", {"strokes": [[[1, 2]]] * 101}, 413, "too many strokes: 101 (the limit is 100)"),
        ("/figures/neuron.svg?layer=1&index=16", {"strokes": [[[1, 2], [9, 9]]]}, 404, "layer 1 has no neuron 16"),
        ("/figures/bars.svg", {"strokes": [[[1, 2], [9, 9]]]}, 404, "no figure 'bars'"),
        ("/figures/pixels.svg?mnist=1", {"strokes": [[[1, 2], [9, 9]]]}, 422, "unknown query parameter 'mnist'"),
        ("/figures/sigmoid.svg?layer=x", {"strokes": [[[1, 2], [9, 9]]]}, 422, "query.layer: Input should be"),
    ],
)
def test_a_figure_that_cannot_be_drawn_is_a_clear_4xx(
    framable: TestClient, path: str, body: object, status: int, detail: str
) -> None:
    response = framable.post(path, json=body)
    assert response.status_code == status and response.json()["detail"].startswith(detail), response.text


def test_a_figure_of_a_drawing_takes_json_only(framable: TestClient) -> None:
    response = framable.post("/figures/neuron.svg", content=b"x", headers={"content-type": "text/plain"})
    assert response.status_code == 415 and "application/json" in response.json()["detail"]
    assert framable.get("/figures/neuron.svg?mnist=1").status_code == 404  # no MNIST on this server
