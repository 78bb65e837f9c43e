"""End-to-end test of the pages in Debian's Chromium against a real uvicorn server.

Draws digits with the mouse, checks the prediction, the bars, the network view, undo/clear, the
neuron inspector and the saliency controls, with no console errors and no CSP violations.
Screenshots go to artifacts/e2e/.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.e2e.browser import (
    ARTIFACTS,
    SEVEN,
    Browser,
    Route,
    canvas_png,
    draw_zero,
    expect,
    in_viewport,
    open_page,
    pad_box,
    stroke,
    wait_for_scroll_to_settle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_draw_predict_inspect(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, f"{server}/")
    asked: list[str] = []  # the bodies of the page's POST /predict, in order
    page.on(
        "request", lambda request: asked.append(request.post_data or "") if request.url.endswith("/predict") else None
    )
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
    # The page sums z from /api/neurons and the 16-bit activations of its compact answer: it is the
    # server's z for the same drawing (the full answer) to 1e-3, and it is the sum of the terms shown.
    z = float(equation.get_attribute("data-z") or "nan")
    total = float(equation.get_attribute("data-sum") or "nan")
    assert abs(z - total) < 1e-6 * max(1.0, abs(z)), (z, total)
    drawing = json.loads(asked[-1])
    assert drawing.pop("display") is True
    full = httpx.post(f"{page.url.rstrip('/')}/predict", json=drawing).json()
    server_z = full["layers"][0]["z"][int(inspector.get_attribute("data-index") or "-1")]
    assert abs(z - server_z) < 1e-3, (z, server_z)
    # It links to the figures of that neuron, for the article.
    query = f"layer={inspector.get_attribute('data-layer')}&index={inspector.get_attribute('data-index')}"
    figures = page.get_by_test_id("inspector-figures")
    expect(figures.get_by_role("link", name="its diagram")).to_have_attribute("href", f"/figures/neuron?{query}")
    expect(figures.get_by_role("link", name="its point on σ(z)")).to_have_attribute("href", f"/figures/sigmoid?{query}")

    # Saliency: toggle it on, then ask "why not 7?".
    page.get_by_test_id("saliency-toggle").check()
    overlay = page.get_by_test_id("saliency-overlay")
    expect(overlay).to_be_visible()
    page.get_by_test_id("target-picker").get_by_role("button", name="Why (or why not) 7?").click()
    expect(overlay).to_have_attribute("data-target", "7")
    expect(page.locator("#saliency-caption")).to_contain_text("Why not 7")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page.png"), full_page=True)

    # Keyboard: Ctrl+Z undoes the last stroke; Escape closes the open inspector, then clears.
    stroke(page, [(0.3, 0.3), (0.7, 0.7)])
    expect(canvas).to_have_attribute("data-strokes", "2")
    page.keyboard.press("Control+z")
    expect(canvas).to_have_attribute("data-strokes", "1")
    page.get_by_test_id("canvas").focus()
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()
    expect(canvas).to_have_attribute("data-strokes", "1")
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


# The colour of the first hidden layer's neuron 0 where its outline would be drawn, in canvas pixels.
CELL_0_CORNER = "(() => Array.from(document.querySelector('[data-testid=layer-1]').getContext('2d').getImageData(0, 0, 2, 2).data).join())()"


def test_the_inspector_and_the_saliency_map_open_in_view_beside_the_drawing(server: str, browser: Browser) -> None:
    """At 1280x800: the inspector opens without taking the pad and the answer off the screen, clicking a
    neuron moves no keyboard cursor to neuron 0, and ticking "Why?" shows the whole saliency map."""
    page, problems = open_page(browser, f"{server}/", width=1280, height=800)
    stroke(page, SEVEN)
    expect(page.get_by_test_id("prediction")).to_have_text("7")

    page.get_by_test_id("saliency-toggle").check()
    overlay = page.get_by_test_id("saliency-overlay")
    expect(overlay).to_be_visible()
    wait_for_scroll_to_settle(page)
    in_viewport(page, "saliency-overlay")
    in_viewport(page, "canvas")

    grid = page.get_by_test_id("layer-1")
    corner = page.evaluate(CELL_0_CORNER)
    grid.click(position={"x": 60, "y": 20})
    inspector = page.get_by_test_id("inspector")
    expect(inspector).to_be_visible()
    expect(page.get_by_test_id("inspector-equation")).to_contain_text("+ b")
    wait_for_scroll_to_settle(page)
    index = inspector.get_attribute("data-index")
    assert index not in (None, "0"), index
    # The pad, the answer and the top of the inspector are all on the screen.
    in_viewport(page, "canvas")
    in_viewport(page, "prediction")
    top = inspector.bounding_box()
    assert top is not None and 0 <= top["y"] < 800 - 100, top
    # The click focused the grid, as a click does, without a keyboard cursor on neuron 0: no outline
    # there, no card for it, and the slider's value is the clicked neuron.
    assert page.evaluate(CELL_0_CORNER) == corner
    expect(page.get_by_test_id("hovercard")).not_to_contain_text("#0 ")
    expect(grid).to_have_attribute("aria-valuenow", index or "")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inspector-1280x800.png"))
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
