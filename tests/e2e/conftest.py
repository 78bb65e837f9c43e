"""The browser tests' fixtures: the real server (shipped weights) and Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browser import CHROMIUM_ARGS, Browser, sync_playwright
from tests.server import Server


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Start the real app (the shipped weights) with uvicorn on a free port; yield its base URL."""
    with Server() as running:
        yield running.url


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """Launch the system Chromium, headless."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
