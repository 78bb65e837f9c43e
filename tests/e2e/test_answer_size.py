"""The live page's answers weigh at most 8 KB each on the wire, measured from the page's own requests.

While a person draws, the page asks about every 70 ms; the full answer (every layer's z and a as
decimal floats) weighs 40 KB, 49 KB with the saliency map. The page asks for the compact one
(`"display": true`, app/display.py). Sizes are what Chromium counts on the wire: the response's
headers plus its body as sent (compressed, when the server compresses).
"""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from tests.e2e.browser import REPO, Browser, Page, draw_one, draw_zero, expect, open_page, stroke

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIMIT_BYTES = 8 * 1024
SAMPLE_PHOTO = REPO / "docs" / "digit-photo.jpg"


class Answers:
    """The page's POST /predict answers: wire size (headers + body) and what was asked, in order."""

    def __init__(self, page: Page) -> None:
        self.sizes: list[int] = []
        self.asked: list[str] = []
        page.on("requestfinished", self._finished)

    def _finished(self, request: Any) -> None:
        if not request.url.endswith("/predict"):
            return
        sizes = request.sizes()
        self.sizes.append(sizes["responseHeadersSize"] + sizes["responseBodySize"])
        self.asked.append(request.post_data or "")


def test_the_live_pages_answers_weigh_at_most_8_kb(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, f"{server}/")
    answers = Answers(page)
    prediction = page.get_by_test_id("prediction")
    draw_zero(page)
    expect(prediction).to_have_text("0")
    page.get_by_test_id("clear").click()
    draw_one(page)
    expect(prediction).to_have_text("1")
    # The saliency map: every answer now carries it, for the answer and then for a picked digit.
    page.get_by_test_id("saliency-toggle").check()
    page.get_by_test_id("target-picker").get_by_role("button", name="Why (or why not) 7?").click()
    expect(page.get_by_test_id("saliency-overlay")).to_have_attribute("data-target", "7")
    stroke(page, [(0.3, 0.2), (0.7, 0.2)])
    # A picture, read with the saliency map too.
    page.get_by_test_id("upload-input").set_input_files(str(SAMPLE_PHOTO))
    expect(page.get_by_test_id("picture")).to_be_visible()
    expect(prediction).to_have_text("7")
    page.wait_for_timeout(300)  # the last answers' requestfinished events
    problems.check()
    page.context.close()

    assert len(answers.sizes) >= 8, answers.sizes
    assert any('"explain":true' in asked for asked in answers.asked)
    assert any("saliency" not in asked and "explain" not in asked for asked in answers.asked)
    print(
        f"\n{len(answers.sizes)} answers to the live page: median {statistics.median(answers.sizes):.0f} B, "
        f"largest {max(answers.sizes)} B (limit {LIMIT_BYTES} B)"
    )
    assert max(answers.sizes) <= LIMIT_BYTES, answers.sizes
