"""What the browser tests share: Chromium's options, a page with its problem listeners, drawing with the mouse."""

from __future__ import annotations

import math
from pathlib import Path

from tests.conftest import import_or_skip

import_or_skip("playwright")
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect, sync_playwright  # noqa: E402

__all__ = ["Browser", "Page", "Route", "expect", "sync_playwright"]  # the tests take playwright from here, once checked

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
