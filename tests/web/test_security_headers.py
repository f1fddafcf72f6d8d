"""Every page carries the security headers; the CSP forbids inline script and the pages have
none; /metrics answers only a token holder or this machine."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from manamitra.app import create_app
from manamitra.settings import load_settings

PAGES = (
    "/console/login",
    "/verify",
    "/verify?lang=en",
    "/log/checkpoint",
    "/.well-known/manamitra/keys.json",
    "/sandbox",
    "/healthz",
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _get(app: FastAPI, path: str, client: str = "127.0.0.1", **headers: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(client, 40000))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.get(path, headers=headers)

    return asyncio.run(go())


@pytest.fixture
def demo_app(sqlite_database_url: str, tmp_path: Path) -> FastAPI:
    settings = load_settings(database_url=sqlite_database_url, data_dir=tmp_path)
    return create_app(settings, demo=True, background=False)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_security_headers(demo_app: FastAPI, path: str) -> None:
    response = _get(demo_app, path)
    assert response.status_code == 200, response.text[:300]
    policy = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    if response.headers["content-type"].startswith("text/html"):
        assert not INLINE_SCRIPT.search(response.text), INLINE_SCRIPT.search(response.text)
        assert not INLINE_HANDLER.search(response.text)


def test_no_template_has_inline_script_or_event_handlers() -> None:
    import manamitra

    root = Path(manamitra.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if INLINE_SCRIPT.search(text := path.read_text("utf-8")) or INLINE_HANDLER.search(text)
    ]
    assert offenders == []


def test_the_scripts_the_pages_name_are_served(demo_app: FastAPI) -> None:
    for path in ("/static/verify.js", "/sandbox/static/checkout.js", "/console/static/console.js"):
        response = _get(demo_app, path)
        assert response.status_code == 200, path
        assert "javascript" in response.headers["content-type"]


def test_metrics_answer_this_machine_only_when_no_token_is_set(demo_app: FastAPI) -> None:
    assert _get(demo_app, "/metrics").status_code == 200
    assert _get(demo_app, "/metrics", client="::1").status_code == 200
    outsider = _get(demo_app, "/metrics", client="203.0.113.5")
    assert outsider.status_code == 403
    assert "manamitra_" not in outsider.text


def test_metrics_need_the_bearer_token_when_one_is_set(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    settings = load_settings(
        database_url=sqlite_database_url, data_dir=tmp_path, metrics_token="s3cret-scrape"
    )
    app = create_app(settings, background=False)
    assert _get(app, "/metrics").status_code == 401  # even from this machine
    assert _get(app, "/metrics", authorization="Bearer wrong").status_code == 401
    scraped = _get(app, "/metrics", client="10.1.2.3", authorization="Bearer s3cret-scrape")
    assert scraped.status_code == 200
    assert "manamitra_" in scraped.text
