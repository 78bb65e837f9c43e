"""The figure pages in Chromium: framed by an allowed origin, refused by any other, numbers equal to the API's,
text at least 11 CSS pixels in a 320-pixel frame.

The article's site is a standard-library HTTP server on another port, which serves pages holding
iframes of the app's figures. It answers as http://localhost:PORT, the origin the app lets frame its
figures (DIGITS_FRAME_ANCESTORS), and as http://127.0.0.1:PORT, another origin, which it does not.
(A page answered by a Playwright route would not do: Chromium takes it for a public page, and
refuses its frames of a local server whatever the policy says.)
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from playwright.sync_api import Frame
from playwright.sync_api import Request as PlaywrightRequest

from app.figures import mnist_test_set
from model.figures.sigmoid import Z_MAX, Z_MIN, to_x, to_y
from model.figures.svg import fmt
from model.figures.terms import neuron_terms
from tests.conftest import mnist_folder
from tests.e2e.browser import ARTIFACTS, CSP_PROBE, Browser, Page, Problems, draw_one, expect, stroke
from tests.server import Server, uvicorn_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIGURES = ("pixels", "neuron", "sigmoid")
NEURON = {"layer": 1, "index": 210}
FRAMES = {
    "pixels": ("pixels", 320, 480),
    "neuron": ("neuron", 320, 340),
    "sigmoid": ("sigmoid", 320, 300),
    "wide pixels": ("pixels", 760, 420),
    "wide neuron": ("neuron", 720, 340),
    "wide sigmoid": ("sigmoid", 640, 300),
}
"""Iframes of the article page: title -> (figure, width, height); 320 px is the narrowest the figures promise,
and the heights are docs/figures.md's."""
SMALLEST_TEXT = 11.0
"""CSS pixels: no text of a figure page is drawn smaller, in any of FRAMES."""
TEXT_SIZES = """() => {
  // Every element that holds text of its own and is drawn: its font size in CSS pixels, an SVG one's
  // scaled by the figure's viewBox.
  const sizes = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility !== "visible" || box.width <= 1 || box.height <= 1) continue;  // hidden, or for screen readers
    const scale = el instanceof SVGElement ? el.getScreenCTM().a : 1;
    sizes.push([parseFloat(style.fontSize) * scale, el.textContent.trim().slice(0, 30)]);
  }
  return sizes;
}"""


class Article:
    """The author's site: serves `pages[path]` as HTML; `allowed` and `other` are two origins of it."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path, "<!doctype html><title>no such page</title>").encode()
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep the test output quiet."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: the system picks a free one
        port = self.httpd.server_address[1]
        self.allowed, self.other = f"http://localhost:{port}", f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)


@pytest.fixture(scope="module")
def article() -> Iterator[Article]:
    """Serve the author's site for the module's tests."""
    site = Article()
    site.thread.start()
    yield site
    site.httpd.shutdown()
    site.httpd.server_close()


@pytest.fixture(scope="module")
def server(article: Article) -> Iterator[str]:
    """Serve the shipped model, letting the article's allowed origin (only) frame the figures, with MNIST where
    the tests have it; yield the base URL."""
    env = {"DIGITS_FRAME_ANCESTORS": article.allowed, "DIGITS_MNIST_DIR": str(mnist_folder())}
    with Server(uvicorn_command(quiet=True), env=env) as running:
        yield running.url


def host(page: Page, article: Article, origin: str, frames: dict[str, str]) -> None:
    """Open a page of the article at `origin` holding one iframe per entry: title -> URL."""
    sizes = {title: FRAMES.get(title, ("", 400, 300))[1:] for title in frames}
    path = f"/article-{len(article.pages)}"
    article.pages[path] = "<!doctype html><title>article</title>" + "".join(
        f'<iframe title="{title}" src="{url}" width="{sizes[title][0]}" height="{sizes[title][1]}"></iframe>'
        for title, url in frames.items()
    )
    page.goto(f"{origin}{path}")


def framed(page: Page, title: str) -> Frame:
    """Return the frame of the iframe titled `title`, once it has loaded."""
    handle = page.locator(f'iframe[title="{title}"]').element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None
    frame.wait_for_load_state()
    return frame


def test_an_allowed_origin_frames_each_figure_without_scroll_bars(
    server: str, article: Article, browser: Browser
) -> None:
    page = browser.new_page()
    query = {"pixels": "", "neuron": "?layer=1&index=210", "sigmoid": "?layer=1&index=210"}
    frames = {title: f"{server}/figures/{figure}{query[figure]}" for title, (figure, _, _) in FRAMES.items()}
    host(page, article, article.allowed, frames)
    for title, (_, width, height) in FRAMES.items():
        frame = framed(page, title)
        expect(frame.locator("#figure[data-updates]")).to_be_attached()
        expect(frame.get_by_test_id("figure-svg")).to_be_visible()
        expect(frame.get_by_test_id("canvas")).to_be_visible()
        overflow = frame.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]"
        )
        assert overflow == [width, height, width, height], f"{title} scrolls in a {width}x{height} frame: {overflow}"
        # Everything is inside the frame, and the pad's tools are below the pad, not over it.
        boxes = {
            testid: frame.get_by_test_id(testid).evaluate("e => e.getBoundingClientRect().toJSON()")
            for testid in ("figure-svg", "canvas", "undo", "clear", "figure-status")
        }
        for testid, box in boxes.items():
            inside = (
                box["left"] >= 0 and box["top"] >= 0 and box["right"] <= width + 0.5 and box["bottom"] <= height + 0.5
            )
            assert inside, f"{title}: {testid} is not inside the {width}x{height} frame: {box}"
        assert boxes["canvas"]["bottom"] <= boxes["undo"]["top"] + 0.5, f"{title}: the tools overlap the pad: {boxes}"
        sizes = frame.evaluate(TEXT_SIZES)
        assert len(sizes) > 10, sizes
        small = [(round(size, 2), text) for size, text in sizes if size < SMALLEST_TEXT - 1e-6]
        assert not small, f"{title}: text under {SMALLEST_TEXT} CSS px in a {width}x{height} frame: {small[:5]}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 1300})
    page.screenshot(path=str(ARTIFACTS / "figures-framed.png"), full_page=True)
    page.close()


def test_other_origins_and_other_pages_are_refused(server: str, article: Article, browser: Browser) -> None:
    framings = (
        (article.other, {name: f"{server}/figures/{name}" for name in FIGURES}),
        (article.allowed, {"main page": f"{server}/", "model page": f"{server}/model"}),
    )
    for origin, frames in framings:
        tab = browser.new_page()
        blocked: dict[str, str] = {}

        def failed(request: PlaywrightRequest, blocked: dict[str, str] = blocked) -> None:
            blocked[request.url] = request.failure or ""

        tab.on("requestfailed", failed)
        host(tab, article, origin, frames)
        for title, url in frames.items():
            frame = framed(tab, title)
            assert frame.url.startswith("chrome-error://"), f"{title} was shown in a frame of {origin}"
            assert blocked.get(url) == "net::ERR_BLOCKED_BY_RESPONSE", blocked
        tab.close()


def figure_page(browser: Browser, url: str) -> tuple[Page, Exchanges, Problems]:
    """Open a figure page, recording its figure requests, console errors and CSP violations from the start."""
    page = browser.new_page(viewport={"width": 800, "height": 500})
    page.add_init_script(CSP_PROBE)
    exchanges, problems = Exchanges(page), Problems(page)
    page.goto(url)
    return page, exchanges, problems


def _is_figure(request: PlaywrightRequest) -> bool:
    """Return whether `request` asks for one of the figures' SVGs."""
    return re.search(r"/figures/\w+\.svg", request.url) is not None


class Exchanges:
    """The page's requests for its figure (POST or GET /figures/NAME.svg) and their answers, in order."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[PlaywrightRequest] = []
        self.pending = 0
        self.seen = 0
        page.on("request", lambda request: self._count(+1) if _is_figure(request) else None)
        page.on("requestfinished", lambda request: self._finished(request) if _is_figure(request) else None)
        page.on("requestfailed", lambda request: self._count(-1) if _is_figure(request) else None)

    def _count(self, change: int) -> None:
        self.pending += change

    def _finished(self, request: PlaywrightRequest) -> None:
        self.pending -= 1
        self.requests.append(request)

    def settle(self) -> dict[str, Any]:
        """Return the last figure request's body ({"mnist": INDEX} for a GET), once a new answer has come and
        the page is quiet.

        Quiet: no request on the way and the figure not redrawn for 300 ms. The last answer is the one
        the figure shows: the page sends one request at a time and applies each newer answer.
        """
        figure = self.page.locator("#figure")
        state = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(300)  # lets Playwright deliver the page's events
            now = (len(self.requests), self.pending, figure.get_attribute("data-updates"))
            if now == state and self.pending == 0 and len(self.requests) > self.seen:
                break
            state = now
        else:
            pytest.fail(f"the page never settled: {state} (answers, requests on the way, data-updates)")
        self.seen = len(self.requests)
        last = self.requests[-1]
        response = last.response()
        assert response is not None and response.status == 200
        if last.method == "GET":
            mnist = re.search(r"mnist=(\d+)", last.url)
            assert mnist is not None, last.url
            return {"mnist": int(mnist.group(1))}
        body: dict[str, Any] = json.loads(last.post_data or "{}")
        return body


def api_answer(server: str, body: dict[str, Any]) -> dict[str, Any]:
    """Return POST /predict's answer for a drawing."""
    answer: dict[str, Any] = httpx.post(f"{server}/predict", json=body).json()
    return answer


def intensities(answer: dict[str, Any]) -> list[int]:
    """Return round(255 x), halves up, for every pixel of the API's `input`."""
    return [math.floor(255 * x + 0.5) for row in answer["input"] for x in row]


def grid_values(page: Page) -> list[int]:
    """Return the numbers in the pixel figure's cells."""
    return [int(v) for v in page.locator("[data-name=grid] text").all_text_contents()]


def test_the_pixel_grid_is_255_times_the_api_input(server: str, browser: Browser) -> None:
    page, exchanges, problems = figure_page(browser, f"{server}/figures/pixels")
    body = exchanges.settle()
    assert "strokes" in body  # the sample drawing
    assert grid_values(page) == intensities(api_answer(server, body))
    page.get_by_test_id("clear").click()
    expect(page.locator("#figure")).to_have_attribute("data-state", "empty")  # no request: a blank image is no ink
    draw_one(page)
    body = exchanges.settle()
    assert len(body["strokes"]) == 1
    answer = api_answer(server, body)
    assert grid_values(page) == intensities(answer)
    expect(page.get_by_test_id("figure-status")).to_have_text(
        f"The drawing on the pad: the network reads a {answer['digit']}."
    )
    page.get_by_test_id("figure-svg").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("pixel-readout")).to_contain_text(re.compile(r"Row \d+, column \d+: \d+"))
    # 800 px wide, the cells' numbers are drawn under 11 CSS px: hidden, and the lens shows them.
    expect(page.locator("[data-name=grid] text").first).to_be_hidden()
    page.set_viewport_size({"width": 1600, "height": 1000})
    expect(page.locator("[data-name=grid] text").first).to_be_visible()
    problems.check()
    page.close()


def test_the_neuron_z_is_the_sum_of_its_terms(server: str, browser: Browser) -> None:
    page, exchanges, problems = figure_page(
        browser, f"{server}/figures/neuron?layer={NEURON['layer']}&index={NEURON['index']}"
    )
    for _ in range(2):
        answer = api_answer(server, exchanges.settle())
        neuron = httpx.get(f"{server}/api/neurons/{NEURON['layer']}/{NEURON['index']}").json()
        x = [value for row in answer["input"] for value in row]
        z = math.fsum(w * xi for w, xi in zip(neuron["weights"], x, strict=True)) + neuron["bias"]
        api_z = answer["layers"][0]["z"][NEURON["index"]]
        assert z == pytest.approx(api_z, abs=1e-4)
        svg = page.get_by_test_id("figure-svg")
        assert np.float32(svg.get_attribute("data-z") or "nan") == np.float32(api_z)
        assert float(svg.get_attribute("data-sum") or "nan") == pytest.approx(z, abs=1e-6)
        assert page.locator("[data-name=z]").text_content() == f"z = {fmt(api_z)}"
        terms = neuron_terms(w=np.array(neuron["weights"]), b=neuron["bias"], x=np.array(x))
        labels = page.locator("[data-name=w]")
        assert [int(i or -1) for i in labels.evaluate_all("ls => ls.map(l => l.dataset.input)")] == list(terms.shown)
        assert labels.all_text_contents() == [f"w = {fmt(w, 2)}" for w in terms.w]
        page.get_by_test_id("clear").click()
        stroke(page, [(0.3, 0.3), (0.7, 0.3), (0.4, 0.85)])  # a 7, for the second round
    problems.check()
    page.close()


def test_the_sigmoid_point_lies_on_the_curve(server: str, browser: Browser) -> None:
    page, exchanges, problems = figure_page(
        browser, f"{server}/figures/sigmoid?layer={NEURON['layer']}&index={NEURON['index']}"
    )
    answer = api_answer(server, exchanges.settle())
    svg = page.get_by_test_id("figure-svg")
    z, a = float(svg.get_attribute("data-z") or "nan"), float(svg.get_attribute("data-a") or "nan")
    layer = answer["layers"][0]
    assert (np.float32(z), np.float32(a)) == (
        np.float32(layer["z"][NEURON["index"]]),
        np.float32(layer["a"][NEURON["index"]]),
    )
    assert a == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-6)
    circle = page.locator("[data-name=marker]")
    assert float(circle.get_attribute("cx") or "nan") == pytest.approx(to_x(min(max(z, Z_MIN), Z_MAX)), abs=0.01)
    assert float(circle.get_attribute("cy") or "nan") == pytest.approx(to_y(a), abs=0.01)
    expect(page.locator("[data-name=legend] text")).to_have_text([f"z = {fmt(z)}", f"a = {fmt(a)}"])
    problems.check()
    page.close()


@pytest.mark.mnist
def test_mnist_index_starts_from_that_test_image(server: str, browser: Browser, mnist_dir: Path) -> None:
    page, exchanges, problems = figure_page(browser, f"{server}/figures/pixels?mnist=7")
    body = exchanges.settle()
    expected = mnist_test_set(mnist_dir)
    assert expected is not None
    assert body == {"mnist": 7}
    assert grid_values(page) == expected.images[7].ravel().tolist()
    expect(page.get_by_test_id("figure-status")).to_contain_text(f"MNIST test image 7 (a {expected.labels[7]})")
    problems.check()
    page.close()
