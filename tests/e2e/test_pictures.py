"""Pictures on the drawing page, in Chromium: the upload control, paste and drop, the thumbnail, and back to the pad."""

from __future__ import annotations

import base64
import re

import pytest

from tests.e2e.browser import ARTIFACTS, REPO, Browser, canvas_png, draw_one, expect, open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE_PHOTO = REPO / "docs" / "digit-photo.jpg"
"""The README's sample photo of a 7."""

# Builds a File from base64 bytes in the page (no fetch: the CSP allows none to data: URLs) and hands it
# over as a paste on the document or a drop on the pad, as the clipboard or a dragged file would.
HAND_OVER = """([how, data, type]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "digit.jpg", { type }));
  if (how === "paste") {
    document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true }));
  } else {
    const pad = document.querySelector(".pad");
    pad.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    pad.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }
}"""


def test_upload_a_picture_then_draw_again(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, f"{server}/")
    prediction = page.get_by_test_id("prediction")
    picture = page.get_by_test_id("picture")
    blank_input = canvas_png(page, "input-image")
    expect(picture).to_be_hidden()

    page.get_by_test_id("upload-input").set_input_files(str(SAMPLE_PHOTO))
    expect(prediction).to_have_text("7")
    expect(picture).to_be_visible()
    expect(page.get_by_test_id("picture-thumbnail")).to_have_attribute("src", re.compile("^blob:"))
    expect(page.get_by_test_id("clear")).to_be_enabled()
    assert canvas_png(page, "input-image") != blank_input
    # Saliency works for a picture as for a drawing.
    page.get_by_test_id("saliency-toggle").check()
    expect(page.get_by_test_id("saliency-overlay")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "picture.png"), full_page=True)

    # Drawing again returns to the pad and reads the drawing.
    draw_one(page)
    expect(picture).to_be_hidden()
    expect(prediction).to_have_text("1")
    # Another picture, then Clear: back to the empty pad.
    page.get_by_test_id("upload-input").set_input_files(str(SAMPLE_PHOTO))
    expect(prediction).to_have_text("7")
    page.get_by_test_id("clear").click()
    expect(picture).to_be_hidden()
    expect(prediction).to_have_text("")
    problems.check()
    page.context.close()


@pytest.mark.parametrize("how", ["paste", "drop"])
def test_paste_or_drop_a_picture(server: str, browser: Browser, how: str) -> None:
    page, problems = open_page(browser, f"{server}/")
    data = base64.b64encode(SAMPLE_PHOTO.read_bytes()).decode()
    page.evaluate(HAND_OVER, [how, data, "image/jpeg"])
    expect(page.get_by_test_id("prediction")).to_have_text("7")
    expect(page.get_by_test_id("picture")).to_be_visible()
    problems.check()
    page.context.close()


def test_a_file_that_is_no_picture_says_why(server: str, browser: Browser) -> None:
    page, problems = open_page(browser, f"{server}/")
    page.get_by_test_id("upload-input").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture at all"}]
    )
    expect(page.get_by_test_id("status")).to_have_text("The network could not read this picture.")
    expect(page.locator("#answer-detail")).to_contain_text("415")
    problems.messages = [m for m in problems.messages if "415" not in m]  # the browser logs the failed request
    problems.check()
    page.context.close()
