"""The drawing page on phones, in Chromium with touch: the answer in view beside the pad, a tapped neuron's
inspector (not neuron 0's hover card), the inspector's sum whole at 390 px, no offer to drop a file."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import (
    ARTIFACTS,
    SEVEN,
    Browser,
    Page,
    Problems,
    expect,
    in_viewport,
    open_page,
    tap_until,
    touch_stroke,
    wait_for_scroll_to_settle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Records the kind of pointer that drew on the pad, so that a test can tell a finger drew, not a mouse.
POINTER_PROBE = """
window.__padPointers = [];
document.addEventListener("pointerdown", (e) => {
  if (e.target.matches?.("[data-testid=canvas]")) window.__padPointers.push(e.pointerType);
}, true);
"""


def open_phone(browser: Browser, url: str, width: int, height: int) -> tuple[Page, Problems]:
    """Open `url` as a phone of that viewport would: touch only, 2.6 device pixels per CSS pixel."""
    page, problems = open_page(
        browser, url, width=width, height=height, is_mobile=True, has_touch=True, device_scale_factor=2.625
    )
    page.add_init_script(POINTER_PROBE)
    page.reload()
    return page, problems


@pytest.mark.parametrize(("width", "height"), [(360, 640), (390, 844), (412, 915)])
def test_the_answer_is_in_view_with_the_pad_after_drawing_by_touch(
    server: str, browser: Browser, width: int, height: int
) -> None:
    page, problems = open_phone(browser, f"{server}/", width, height)
    # A touch screen cannot drop a file on the pad, so the pad does not offer it.
    placeholder = page.locator(".pad-placeholder")
    expect(placeholder).to_be_visible()
    assert "drop" not in placeholder.inner_text(), placeholder.inner_text()
    in_viewport(page, "canvas")  # where a person starts drawing, before any scrolling
    touch_stroke(page, SEVEN)
    expect(page.get_by_test_id("prediction")).to_have_text("7")
    assert page.evaluate("window.__padPointers") == ["touch"]

    # The pad and a digit at least 24 px high that shows the answer are both wholly in the viewport.
    digit = page.get_by_test_id("pad-answer-digit")
    expect(digit).to_have_text("7")
    in_viewport(page, "canvas")
    box = in_viewport(page, "pad-answer-digit")
    font_px = float(digit.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)"))
    assert box["height"] >= 24 and font_px >= 24, (box, font_px)
    expect(page.get_by_test_id("pad-answer")).to_contain_text("sure")
    # The full answer stays below, with every bar.
    expect(page.get_by_test_id("probabilities").locator("button")).to_have_count(10)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{width}x{height}.png"))
    problems.check()
    page.context.close()


def test_a_tapped_neuron_opens_its_own_inspector_and_its_sum_keeps_the_bias(server: str, browser: Browser) -> None:
    page, problems = open_phone(browser, f"{server}/", 390, 844)
    touch_stroke(page, SEVEN)
    expect(page.get_by_test_id("prediction")).to_have_text("7")

    grid = page.get_by_test_id("layer-1")
    grid.scroll_into_view_if_needed()
    inspector = page.get_by_test_id("inspector")
    tap_until(grid, inspector, position={"x": 120, "y": 30})
    index = inspector.get_attribute("data-index")
    assert index not in (None, "0"), index
    expect(grid).to_have_attribute("aria-valuenow", index or "")  # the tap's focus moved no cursor to neuron 0
    hovercard = page.get_by_test_id("hovercard")
    if hovercard.is_visible():  # a card may show the tapped neuron, never neuron 0's
        expect(hovercard).to_contain_text(f"#{index}")
    expect(hovercard).not_to_contain_text(re.compile(r"#0\b"))

    # The sum written out ends with the bias, inside the card: it wraps rather than running off the edge.
    expansion = page.get_by_test_id("inspector-expansion")
    expansion.scroll_into_view_if_needed()
    wait_for_scroll_to_settle(page)
    bias = expansion.locator("[data-term=b]")
    expect(bias).to_have_text(re.compile(r"^\([−\d.]+\)$"))
    line, end = expansion.bounding_box(), bias.bounding_box()
    assert line is not None and end is not None
    assert end["x"] + end["width"] <= line["x"] + line["width"] + 0.5, (end, line)
    assert end["x"] + end["width"] <= 390, end

    # Scrolling takes any card away: it would point at nothing.
    page.mouse.wheel(0, 200)
    page.evaluate("window.scrollBy(0, 200)")
    expect(hovercard).to_be_hidden()
    problems.check()
    page.context.close()
