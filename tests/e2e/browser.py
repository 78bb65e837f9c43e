"""What the browser tests share: Chromium's options, a page with its problem listeners, drawing with the mouse."""

from __future__ import annotations

import math
from pathlib import Path

from tests.conftest import import_or_skip

import_or_skip("playwright")
from playwright.sync_api import (  # noqa: E402
    Browser,
    ConsoleMessage,
    FilePayload,
    FloatRect,
    Locator,
    Page,
    Position,
    Route,
    expect,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

__all__ = [
    "Browser",
    "FilePayload",
    "Page",
    "Route",
    "expect",
    "sync_playwright",
]  # the tests take playwright from here, once checked

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
    browser: Browser,
    url: str,
    width: int = 1280,
    height: int = 800,
    *,
    has_touch: bool = False,
    is_mobile: bool = False,
    device_scale_factor: float | None = None,
) -> tuple[Page, Problems]:
    """Open `url` in a fresh context of the given viewport (a phone's: touch, mobile, its pixel ratio),
    with the problem listeners attached."""
    ctx = browser.new_context(
        viewport={"width": width, "height": height},
        has_touch=has_touch,
        is_mobile=is_mobile,
        device_scale_factor=device_scale_factor,
    )
    ctx.add_init_script(CSP_PROBE)
    page = ctx.new_page()
    problems = Problems(page, allow_missing_report=url.endswith("/model"))
    response = page.goto(url)
    assert response is not None and response.ok
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp, csp
    return page, problems


def pad_box(page: Page) -> FloatRect:
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


def touch_stroke(page: Page, points: list[tuple[float, float]]) -> None:
    """Draw one stroke with a finger, through points given as fractions of the pad's size, where the pad is now.

    Playwright's touchscreen only taps, so the touches go through the DevTools protocol, as a phone's would
    arrive; the page needs a context with has_touch. The page is not scrolled first: the pad must be in view.
    """
    box = page.get_by_test_id("canvas").bounding_box()
    assert box is not None
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": at[0][0], "y": at[0][1]}]})
    for x, y in at[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def tap_until(locator: Locator, done: Locator, position: Position | None = None, tries: int = 3) -> None:
    """Tap `locator` until `done` is visible. After a touch stroke, headless Chromium sometimes answers a tap
    with touchstart, pointerdown, pointerup and touchend but no click (seen on main's page too, with
    Playwright's tap and with taps sent through DevTools alike), so a missed click is tapped again."""
    for _ in range(tries - 1):
        locator.tap(position=position)
        try:
            done.wait_for(state="visible", timeout=2_000)
            return
        except PlaywrightTimeoutError:
            continue
    locator.tap(position=position)
    expect(done).to_be_visible()


SEVEN = [(0.3, 0.2), (0.5, 0.2), (0.7, 0.2), (0.64, 0.42), (0.57, 0.64), (0.5, 0.85)]
"""A 7 as fractions of the pad: a bar, then a stroke down and to the left."""


def in_viewport(page: Page, testid: str) -> FloatRect:
    """Return the element's box after asserting that all of it lies inside the viewport."""
    box = page.get_by_test_id(testid).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None, testid
    inside = box["x"] >= 0 and box["y"] >= 0
    inside = inside and box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"]
    assert inside, f"{testid} at {box} is not wholly inside the {size['width']}x{size['height']} viewport"
    return box


def wait_for_scroll_to_settle(page: Page) -> None:
    """Wait until the page (and every scrolled box) has stopped moving: smooth scrolling takes a moment."""
    page.wait_for_function(
        """() => new Promise((done) => {
          const where = () => [...document.querySelectorAll("*")].filter((e) => e.scrollTop).map((e) => e.scrollTop).join() + scrollY;
          const before = where();
          setTimeout(() => done(where() === before), 250);
        })"""
    )


def draw_one(page: Page) -> None:
    stroke(page, [(0.5, 0.15 + 0.7 * i / 20) for i in range(21)])


def draw_zero(page: Page) -> None:
    stroke(
        page,
        [(0.5 + 0.22 * math.sin(2 * math.pi * i / 40), 0.5 - 0.34 * math.cos(2 * math.pi * i / 40)) for i in range(43)],
    )


def canvas_png(page: Page, testid: str) -> str:
    return str(page.evaluate(f"document.querySelector('[data-testid=\"{testid}\"]').toDataURL()"))
