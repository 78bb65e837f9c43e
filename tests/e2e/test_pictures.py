"""Pictures on the drawing page, in Chromium: the upload control, paste and drop, the thumbnail, and back to the pad."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable

import pytest

from tests.e2e.browser import ARTIFACTS, REPO, Browser, FilePayload, canvas_png, draw_one, expect, open_page

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


def white_png() -> bytes:
    """A blank white page, as PNG: a picture with no ink."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (200, 200), 255).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "mime", "content", "shown"),
    [
        ("notes.png", "image/png", lambda: b"not a picture at all", False),
        ("blank.png", "image/png", white_png, True),
        ("cut.jpg", "image/jpeg", lambda: SAMPLE_PHOTO.read_bytes()[: SAMPLE_PHOTO.stat().st_size // 3], None),
    ],
    ids=["text-named-png", "blank-page", "truncated-jpeg"],
)
def test_a_picture_that_cannot_be_read_clears_the_old_answer_and_says_why(
    server: str, browser: Browser, name: str, mime: str, content: Callable[[], bytes], shown: bool | None
) -> None:
    """After a 7 was read, a failed picture leaves no trace of that 7: no digit, no bars, a blank input,
    a blank network; the message is the server's, without a status code; a file the browser cannot show
    is shown by its name, not as a broken image."""
    page, problems = open_page(browser, f"{server}/")
    blank_input = canvas_png(page, "input-image")
    page.get_by_test_id("upload-input").set_input_files(str(SAMPLE_PHOTO))
    prediction = page.get_by_test_id("prediction")
    expect(prediction).to_have_text("7")

    page.get_by_test_id("upload-input").set_input_files(files=[FilePayload(name=name, mimeType=mime, buffer=content())])
    expect(page.get_by_test_id("status")).to_have_text("The network could not read this picture.")
    detail = page.locator("#answer-detail")
    expect(detail).not_to_be_empty()
    expect(detail).not_to_have_text(re.compile(r"^\s*\d{3}\b"))
    expect(prediction).to_have_text("")
    expect(page.get_by_test_id("pad-answer-digit")).to_have_text("")
    expect(page.get_by_test_id("probabilities")).to_have_attribute("data-hash", "")
    expect(page.get_by_test_id("network")).to_have_attribute("data-hash", "")
    assert canvas_png(page, "input-image") == blank_input
    thumbnail, file_name = page.get_by_test_id("picture-thumbnail"), page.get_by_test_id("picture-name")
    if shown is False:
        expect(thumbnail).to_be_hidden()
        expect(file_name).to_be_visible()
        expect(file_name).to_have_text(name)
    elif shown:
        expect(thumbnail).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"picture-error-{name}.png"))
    problems.messages = [m for m in problems.messages if "Failed to load resource" not in m]  # the failed request
    problems.check()
    page.context.close()
