"""`make docs-assets`: the README's pictures and its example answer, made from the real app so they cannot go stale.

Starts the app with the shipped weights (tests/server.py, the one server runner), then
- sends the README's own curl example (its strokes) to POST /predict and writes the answer, arrays shortened
  with …, between the README's `docs-assets: response` markers (tests/shipping/test_readme.py fails when that
  example and a real answer differ in shape or in the values shown);
- draws a 7 on the page in Chromium (Playwright) and saves docs/screenshot.png (1280x800) and
  docs/screenshot-phone.png (390x844, drawn by touch: the compact answer beside the pad);
- trains the default network on /learn past 90% validation accuracy, pauses, steps once and asks the pad about a
  7, and saves docs/learn-1280.png (1280x800) and docs/learn-390.png (390x844, started by touch).

Needs the dev tools (Playwright) and Chromium at /usr/bin/chromium: `make docs-assets`.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.server, when run as a script

from tests.server import Server  # noqa: E402

README = REPO / "README.md"
START, END = "<!-- docs-assets: response -->", "<!-- /docs-assets: response -->"
SHOWN = 2
"""Values shown of each long array before the …"""
SEVEN = [(0.3, 0.2), (0.5, 0.2), (0.7, 0.2), (0.64, 0.42), (0.57, 0.64), (0.5, 0.85)]
"""The 7 drawn for the screenshots, as fractions of the pad."""


def readme_strokes_body() -> dict[str, Any]:
    """Return the JSON body of the README's curl example for strokes (`-d '{"strokes": ...}'`)."""
    match = re.search(r"-d '(\{\"strokes\".*?\})'", README.read_text())
    if not match:
        raise SystemExit("README.md has no curl example with -d '{\"strokes\": ...}'")
    body: dict[str, Any] = json.loads(match.group(1))
    return body


def numbers(values: list[float], decimals: int, shown: int | None = SHOWN) -> str:
    """Return `values` as a JSON array with `decimals` decimals, cut after `shown` values with …"""
    cut = values if shown is None or len(values) <= shown else values[:shown]
    text = ", ".join(f"{v:.{decimals}f}" for v in cut)
    return f"[{text}, …]" if len(cut) < len(values) else f"[{text}]"


def shortened(answer: dict[str, Any]) -> str:
    """Return the answer as the README shows it: every field, in order, long arrays cut with …"""
    lines = []
    for key, value in answer.items():
        if key == "probabilities":
            text = numbers(value, 4, shown=None)
        elif key in ("input", "saliency"):
            text = f"[{numbers(value[0], 1)}, …]"
        elif key == "layers":
            layers = [
                "    "
                + json.dumps({k: v for k, v in layer.items() if k not in ("z", "a")})[:-1]
                + f', "z": {numbers(layer["z"], 2)}, "a": {numbers(layer["a"], 4)}}}'
                for layer in value
            ]
            text = "[\n" + ",\n".join(layers) + "\n  ]"
        else:
            text = json.dumps(value)
        lines.append(f'  "{key}": {text}')
    return "{\n" + ",\n".join(lines) + "\n}"


def write_response_example(url: str) -> None:
    """Put the real answer to the README's curl example between the README's markers."""
    request = urllib.request.Request(
        f"{url}/predict", data=json.dumps(readme_strokes_body()).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    text = README.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n```json\n{shortened(answer)}\n```\n{END}{tail}")
    print(f"README.md: the example answer (digit {answer['digit']}, {len(answer['layers'])} layers)")


def screenshots(url: str) -> None:
    """Save the drawing page with a 7 drawn, on a desktop and on a phone."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import stroke, touch_stroke  # the tests' own ways to draw on the pad

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{url}/")
        stroke(page, SEVEN)
        page.get_by_test_id("prediction").filter(has_text="7").wait_for()
        page.screenshot(path=str(REPO / "docs" / "screenshot.png"))

        phone = browser.new_page(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        phone.goto(f"{url}/")
        touch_stroke(phone, SEVEN)
        phone.get_by_test_id("pad-answer-digit").filter(has_text="7").wait_for()
        phone.screenshot(path=str(REPO / "docs" / "screenshot-phone.png"))
        browser.close()
    print("docs/screenshot.png (1280x800), docs/screenshot-phone.png (390x844)")


def learn_screenshots(url: str) -> None:
    """Save /learn paused after a step, past 90% validation accuracy, with a 7 asked: on a desktop and on a phone."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import stroke, touch_stroke  # the tests' own ways to draw on the pad

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        for width, height, touch in [(1280, 800, False), (390, 844, True)]:
            page = browser.new_page(viewport={"width": width, "height": height}, is_mobile=touch, has_touch=touch)
            page.goto(f"{url}/learn")
            start = page.get_by_role("button", name="Start", exact=True)
            if touch:
                start.tap()
            else:
                start.click()
            page.wait_for_function("() => Number(document.getElementById('accuracy').value) > 90", timeout=120_000)
            page.wait_for_timeout(3000)  # a few more epochs on the curves
            page.get_by_role("button", name="Pause", exact=True).click()
            page.get_by_role("button", name="Step", exact=True).click()
            page.get_by_test_id("step-bias").wait_for()
            page.get_by_test_id("canvas").scroll_into_view_if_needed()
            (touch_stroke if touch else stroke)(page, SEVEN)
            page.get_by_test_id("ask-status").filter(has_text="It reads").wait_for()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(REPO / "docs" / f"learn-{width}.png"))
            page.close()
        browser.close()
    print("docs/learn-1280.png (1280x800), docs/learn-390.png (390x844)")


def main() -> None:
    """Start the app, write the README's example answer and the screenshots, stop the app."""
    with Server() as server:
        write_response_example(server.url)
        screenshots(server.url)
        learn_screenshots(server.url)


if __name__ == "__main__":
    main()
