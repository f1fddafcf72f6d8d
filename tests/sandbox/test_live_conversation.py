"""The local WhatsApp against the whole platform over real HTTP: Hi, language, main menu."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from manamitra.channels.whatsapp.signature import sign
from manamitra.sandbox.delivery import signature
from tests.support.live import live_server

CITIZEN = "919700000001"


def _next_interactive(
    client: httpx.Client, seen: int, kind: str, timeout: float = 15.0
) -> dict[str, Any]:
    """The first interactive message of `kind` the platform sent after the first `seen`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outbox = client.get("/sandbox/api/outbox", params={"to": CITIZEN}).json()
        for body in outbox[seen:]:
            if body.get("type") == "interactive" and body["interactive"]["type"] == kind:
                return dict(body)
        time.sleep(0.05)
    raise AssertionError(f"the platform sent no {kind} message")


def test_hi_then_telugu_reaches_the_menu_through_the_emulator(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        assert server.settings.graph_api_url == f"{server.url}/sandbox/graph"
        hi = client.post(
            "/sandbox/api/inbound", json={"from": CITIZEN, "name": "Lakshmi", "text": "Hi"}
        )
        assert hi.status_code == 200, hi.text
        language = _next_interactive(client, 0, "button")
        ids = [b["reply"]["id"] for b in language["interactive"]["action"]["buttons"]]
        assert ids == ["lang:te", "lang:en"]

        seen = len(client.get("/sandbox/api/outbox", params={"to": CITIZEN}).json())
        tap = client.post("/sandbox/api/inbound", json={"from": CITIZEN, "button_id": "lang:te"})
        assert tap.status_code == 200, tap.text
        menu = _next_interactive(client, seen, "list")
        rows = [r for s in menu["interactive"]["action"]["sections"] for r in s["rows"]]
        assert 6 <= len(rows) <= 10


def test_emulator_signs_with_the_platforms_app_secret(tmp_path: Path) -> None:
    """The emulator posts to the platform's webhook and signs as the platform's signer checks."""
    with live_server(tmp_path) as server:
        delivery = server.app.state.sandbox.emulator.delivery
        assert delivery.url == f"{server.url}/webhooks/whatsapp"
        body = b'{"object":"whatsapp_business_account","entry":[]}'
        assert signature(delivery.app_secret, body) == sign(
            server.settings.whatsapp_app_secret, body
        )
