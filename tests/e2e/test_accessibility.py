"""Keyboard and screen-reader use of the pages, in Chromium: axe-core finds no violation, the neuron grids
are sliders a keyboard can walk, and Escape closes what is open before it clears the drawing."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import import_or_skip
from tests.e2e.browser import REPO, Browser, Page, draw_one, expect, open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

Axe = import_or_skip("axe_playwright_python.sync_playwright").Axe


def assert_no_axe_violations(page: Page, state: str) -> None:
    """Run axe-core (bundled with axe-playwright-python, offline) on the page as it is now."""
    results = Axe().run(page)
    assert results.violations_count == 0, f"{state}:\n{results.generate_report()}"


@pytest.mark.parametrize("path", ["/", "/model"])
def test_axe_finds_no_violation_on_a_fresh_page(server: str, browser: Browser, path: str) -> None:
    page, problems = open_page(browser, f"{server}{path}")
    assert_no_axe_violations(page, f"{path} as loaded")
    problems.check()
    page.context.close()


@pytest.mark.parametrize("figure", ["pixels", "neuron", "sigmoid"])
@pytest.mark.parametrize(("width", "height"), [(320, 480), (800, 450)], ids=["narrow", "wide"])
def test_axe_finds_no_violation_on_a_figure(
    server: str, browser: Browser, figure: str, width: int, height: int
) -> None:
    page, problems = open_page(browser, f"{server}/figures/{figure}", width=width, height=height)
    expect(page.locator("#figure[data-updates]")).to_be_attached()  # drawn from its first answer
    assert_no_axe_violations(page, f"/figures/{figure} in {width}x{height}")
    problems.check()
    page.context.close()


def test_the_keyboard_walks_a_neuron_grid_and_escape_closes_before_it_clears(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, f"{server}/")
    prediction = page.get_by_test_id("prediction")
    draw_one(page)
    expect(prediction).to_have_text("1")

    # A hidden layer's grid is a slider over its neurons; its value says which neuron and its a.
    hidden = httpx.get(f"{server}/api/model").json()["sizes"][1]  # whatever width the served model has
    grid = page.get_by_role("slider", name=f"Hidden 1 · {hidden} neurons, σ")
    expect(grid).to_have_attribute("data-testid", "layer-1")
    grid.focus()
    expect(grid).to_have_attribute("aria-valuenow", "0")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(grid).to_have_attribute("aria-valuenow", "2")
    expect(grid).to_have_attribute(
        "aria-valuetext", re.compile(r"^Neuron 2: a = \d\.\d{3}\. Enter opens the inspector\.$")
    )
    hovercard = page.get_by_test_id("hovercard")
    expect(hovercard).to_be_visible()
    expect(hovercard).to_contain_text("hidden 1 · #2")
    page.keyboard.press("Enter")
    inspector = page.get_by_test_id("inspector")
    expect(inspector).to_be_visible()
    expect(inspector).to_have_attribute("data-index", "2")
    assert_no_axe_violations(page, "/ with a drawing, the hover card and the inspector open")

    # Escape closes the hover card, then the inspector; the drawing stays until nothing is open.
    page.keyboard.press("Escape")
    expect(hovercard).to_be_hidden()
    expect(inspector).to_be_visible()
    expect(prediction).to_have_text("1")
    page.keyboard.press("Escape")
    expect(inspector).to_be_hidden()
    expect(prediction).to_have_text("1")
    page.keyboard.press("Escape")
    expect(prediction).to_have_text("")
    problems.check()
    page.context.close()


def test_axe_finds_no_violation_with_a_picture_shown(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, f"{server}/")
    page.get_by_test_id("upload-input").set_input_files(str(REPO / "docs" / "digit-photo.jpg"))
    expect(page.get_by_test_id("picture")).to_be_visible()
    expect(page.get_by_test_id("prediction")).not_to_have_text("")
    assert_no_axe_violations(page, "/ with a picture read")
    problems.check()
    page.context.close()
