"""End-to-end test of the pages in Debian's Chromium against a real uvicorn server.

Draws digits with the mouse, checks the prediction, the bars, the network view, undo/clear, the
neuron inspector and the saliency controls, with no console errors and no CSP violations.
Screenshots go to artifacts/e2e/.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import import_or_skip
from tests.server import Server

import_or_skip("playwright")
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=15_000)  # the CI machine may be busy (training runs beside the tests)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Records CSP violations; injected before any page script runs (the page itself has no inline scripts).
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Start the real app (the shipped weights) with uvicorn on a free port; yield its base URL."""
    with Server() as running:
        yield running.url


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """Launch the system Chromium, headless."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Problems:
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    def __init__(self, page: Page, allow_missing_report: bool = False) -> None:
        self.page = page
        self.messages: list[str] = []
        self.allow_missing_report = allow_missing_report
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "warning"):
            return
        url = (message.location or {}).get("url", "")
        if self.allow_missing_report and "/static/report/" in url and "404" in message.text:
            return  # the training pipeline writes the report images; they may be absent in development
        if message.type == "error" or "Content Security Policy" in message.text:
            self.messages.append(f"console {message.type}: {message.text} ({url})")

    def check(self) -> None:
        violations = self.page.evaluate("window.__cspViolations")
        assert violations == [], f"CSP violations: {violations}"
        assert self.messages == [], "\n".join(self.messages)


def open_page(
    browser: Browser, url: str, width: int = 1280, height: int = 800, **context: object
) -> tuple[Page, Problems]:
    """Open `url` in a fresh context of the given viewport, with the problem listeners attached."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    problems = Problems(page, allow_missing_report=url.endswith("/model"))
    response = page.goto(url)
    assert response is not None and response.ok
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp, csp
    return page, problems


def pad_box(page: Page) -> dict[str, float]:
    canvas = page.get_by_test_id("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    return box


def stroke(page: Page, points: list[tuple[float, float]]) -> None:
    """Draw one stroke through points given as fractions of the pad's size."""
    box = pad_box(page)
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=2)
    page.mouse.up()


def draw_one(page: Page) -> None:
    stroke(page, [(0.5, 0.15 + 0.7 * i / 20) for i in range(21)])


def draw_zero(page: Page) -> None:
    stroke(
        page,
        [(0.5 + 0.22 * math.sin(2 * math.pi * i / 40), 0.5 - 0.34 * math.cos(2 * math.pi * i / 40)) for i in range(43)],
    )


def canvas_png(page: Page, testid: str) -> str:
    return str(page.evaluate(f"document.querySelector('[data-testid=\"{testid}\"]').toDataURL()"))


def test_draw_predict_inspect(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, f"{server}/")
    prediction = page.get_by_test_id("prediction")
    bars = page.get_by_test_id("probabilities")
    network = page.get_by_test_id("network")
    expect(prediction).to_have_text("")
    expect(bars.locator("button")).to_have_count(10)
    blank_grid = canvas_png(page, "layer-1")

    # A vertical line reads as 1, live: an answer arrives before the pen is lifted.
    box = pad_box(page)
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + 0.15 * box["height"])
    page.mouse.down()
    page.mouse.move(x, box["y"] + 0.5 * box["height"], steps=10)
    expect(prediction).not_to_have_text("")
    page.mouse.move(x, box["y"] + 0.85 * box["height"], steps=10)
    page.mouse.up()
    expect(prediction).to_have_text("1")
    one_bars = bars.get_attribute("data-hash")
    one_net = network.get_attribute("data-hash")
    assert one_bars and one_net
    assert canvas_png(page, "layer-1") != blank_grid

    # Clear (button) empties everything.
    page.get_by_test_id("clear").click()
    expect(prediction).to_have_text("")
    expect(bars).to_have_attribute("data-hash", "")
    expect(network).to_have_attribute("data-hash", "")

    # An ellipse reads as 0, with other bars and other activations.
    draw_zero(page)
    expect(prediction).to_have_text("0")
    expect(bars).not_to_have_attribute("data-hash", one_bars)
    zero_bars = bars.get_attribute("data-hash")
    assert network.get_attribute("data-hash") not in ("", one_net)

    # A second stroke changes the answer's inputs; Undo (button) removes it again.
    canvas = page.get_by_test_id("canvas")
    stroke(page, [(0.2, 0.5), (0.5, 0.5), (0.8, 0.5)])
    expect(canvas).to_have_attribute("data-strokes", "2")
    expect(bars).not_to_have_attribute("data-hash", zero_bars or "")
    page.get_by_test_id("undo").click()
    expect(canvas).to_have_attribute("data-strokes", "1")
    expect(prediction).to_have_text("0")
    expect(bars).to_have_attribute("data-hash", zero_bars or "")

    # Click a hidden neuron: the inspector writes its weighted input out as z = Σ wᵢxᵢ + b.
    grid = page.get_by_test_id("layer-1")
    grid.scroll_into_view_if_needed()
    grid.click(position={"x": 4, "y": 4})
    inspector = page.get_by_test_id("inspector")
    expect(inspector).to_be_visible()
    equation = page.get_by_test_id("inspector-equation")
    expect(equation).to_contain_text("z = Σ")
    expect(equation).to_contain_text("+ b")
    expect(page.get_by_test_id("inspector-contributions").locator("tbody tr")).to_have_count(9)
    # The sum computed in the page from /api/neurons and the input equals the server's z.
    z = float(equation.get_attribute("data-z") or "nan")
    total = float(equation.get_attribute("data-sum") or "nan")
    assert abs(z - total) < 1e-3 * max(1.0, abs(z)), (z, total)

    # Saliency: toggle it on, then ask "why not 7?".
    page.get_by_test_id("saliency-toggle").check()
    overlay = page.get_by_test_id("saliency-overlay")
    expect(overlay).to_be_visible()
    page.get_by_test_id("target-picker").get_by_role("button", name="Why (or why not) 7?").click()
    expect(overlay).to_have_attribute("data-target", "7")
    expect(page.locator("#saliency-caption")).to_contain_text("Why not 7")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page.png"), full_page=True)

    # Keyboard: Ctrl+Z undoes the last stroke, Escape clears.
    stroke(page, [(0.3, 0.3), (0.7, 0.7)])
    expect(canvas).to_have_attribute("data-strokes", "2")
    page.keyboard.press("Control+z")
    expect(canvas).to_have_attribute("data-strokes", "1")
    page.get_by_test_id("canvas").focus()
    page.keyboard.press("Escape")
    expect(prediction).to_have_text("")
    problems.check()
    page.context.close()


@pytest.mark.parametrize(
    ("flag", "state", "message"),
    [("unsure", "unsure", "Unsure"), ("not_a_digit", "not-digit", "doesn't look like a digit")],
)
def test_uncertainty_is_shown(server: str, browser: Browser, flag: str, state: str, message: str) -> None:
    """The server's unsure / not_a_digit flags change what the page says (the real answer, flag forced on)."""
    page, problems = open_page(browser, f"{server}/")
    top2: list[list[int]] = []

    def force_flag(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        body[flag] = True
        top2.append(body["top2"])
        route.fulfill(response=response, json=body)

    page.route("**/predict", force_flag)
    draw_zero(page)
    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-state", state)
    status = page.get_by_test_id("status")
    expect(status).to_contain_text(message)
    if flag == "unsure":
        expect(status).to_contain_text(f"{top2[-1][0]} or {top2[-1][1]}")
    page.unroute_all(behavior="wait")
    problems.check()
    page.context.close()


def test_phone_layout(server: str, browser: Browser) -> None:
    page, problems = open_page(
        browser, f"{server}/", width=390, height=844, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    canvas_box = pad_box(page)
    assert canvas_box["width"] <= 390 and canvas_box["width"] > 300, canvas_box
    # The backing store follows devicePixelRatio, so strokes stay sharp.
    backing = page.evaluate("document.querySelector('[data-testid=canvas]').width")
    assert abs(backing - 3 * canvas_box["width"]) <= 3, backing
    # Panels come below the canvas.
    bars_box = page.get_by_test_id("probabilities").bounding_box()
    assert bars_box is not None and bars_box["y"] > canvas_box["y"] + canvas_box["height"]
    draw_zero(page)
    expect(page.get_by_test_id("prediction")).to_have_text("0")
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)
    problems.check()
    page.context.close()


def test_model_page(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, f"{server}/model")
    expect(page.get_by_role("heading", name="The model")).to_be_visible()
    expect(page.get_by_test_id("architecture")).to_contain_text("784")
    expect(page.get_by_role("link", name="Draw", exact=True)).to_have_attribute("href", "/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "model.png"), full_page=True)
    problems.check()
    page.context.close()
