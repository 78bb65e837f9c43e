"""/docs in a real browser: Swagger UI loads offline under the strict CSP and can call the API, with JSON and with a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, import_or_skip
from tests.server import Server

SAMPLE_PHOTO = REPO / "docs" / "digit-photo.jpg"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_swagger_ui_renders_and_tries_predict_without_csp_violations(chromium: Path, weights_file: Path) -> None:
    sync_api = import_or_skip("playwright.sync_api")
    problems: list[str] = []
    with Server(env={"DIGITS_WEIGHTS_PATH": str(weights_file)}) as server, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        page.goto(f"{server.url}/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = page.locator(".opblock-summary-path").evaluate_all("nodes => nodes.map(n => n.dataset.path)")
        statuses, answers = [], []
        # A drawing (JSON, the example body), then a picture file in the form Swagger UI draws for multipart.
        for operation in ("predict", "predictImage"):
            block = page.locator(f"#operations-reading-{operation}")
            block.locator(".opblock-summary").click()
            block.locator("text=Try it out").click()
            if operation == "predictImage":
                block.locator(".opblock-section-request-body input[type=file]").set_input_files(str(SAMPLE_PHOTO))
            block.locator("text=Execute").click()
            block.locator(".live-responses-table tbody .response-col_status").wait_for(timeout=10_000)
            statuses.append(block.locator(".live-responses-table tbody .response-col_status").first.inner_text())
            answers.append(block.locator(".live-responses-table .microlight").first.inner_text())
        browser.close()
    assert set(paths) == {
        "/predict",
        "/predict/image",
        "/api/model",
        "/api/neurons/{layer}/{index}",
        "/healthz",
        "/api/learn",
    }
    assert [status.strip() for status in statuses] == ["200", "200"], answers
    assert all('"digit"' in answer for answer in answers), answers
    # No CSP violation, script error or blocked asset; a missing favicon is the only tolerated error.
    assert [problem for problem in problems if "favicon" not in problem and "404" not in problem] == []
