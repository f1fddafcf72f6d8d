"""Browser tests: headless Chromium from Debian's package, driven by Playwright; never downloaded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.live import LiveServer, live_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def chromium_path() -> Path | None:
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(tmp_path) as server:
        yield server


@pytest.fixture
def browser_page() -> Iterator[Any]:
    """A Playwright page in Debian's headless Chromium; skips where Chromium is absent."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "Chromium is not installed (Debian package `chromium`, /usr/bin/chromium); "
            "browser tests need it and never download a browser"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 860}, locale="te-IN", timezone_id="Asia/Kolkata"
        )
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()
