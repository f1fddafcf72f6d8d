"""A sandbox wired to an in-memory webhook receiver, with Graph and simulator clients."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from manamitra.sandbox import RetryPolicy, Sandbox, StatusDelays
from manamitra.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "test-access-token"
SECRET = "test-app-secret"
PHONE_ID = "106540352242922"
CITIZEN = "919876543210"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Receiver:
    """Stands for the platform's webhook: records what arrives, refuses when told to."""

    requests: list[httpx.Request] = field(default_factory=list)
    refuse: int = 0
    refusal_status: int = 500

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.refuse > 0:
            self.refuse -= 1
            return httpx.Response(self.refusal_status)
        return httpx.Response(200, json={"ok": True})

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]

    def statuses(self) -> list[dict[str, Any]]:
        found = []
        for body in self.bodies:
            for entry in body["entry"]:
                for change in entry["changes"]:
                    found.extend(change["value"].get("statuses", []))
        return found

    def messages(self) -> list[dict[str, Any]]:
        found = []
        for body in self.bodies:
            for entry in body["entry"]:
                for change in entry["changes"]:
                    found.extend(change["value"].get("messages", []))
        return found


def settings() -> Settings:
    return Settings(
        whatsapp_access_token=TOKEN,
        whatsapp_app_secret=SECRET,
        whatsapp_phone_number_id=PHONE_ID,
        public_url="http://platform.test",
        database_url="sqlite://",
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def sandbox(receiver: Receiver) -> Sandbox:
    return Sandbox.build(
        settings(),
        transport=httpx.MockTransport(receiver.handle),
        delays=StatusDelays(sent=0.0, delivered=0.0),
        retry=RetryPolicy(attempts=3, first_pause=0.01),
    )


@pytest.fixture
async def graph(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """The Graph API as a client sees it, authorised with the right token."""
    transport = httpx.ASGITransport(app=sandbox.graph_app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="https://graph.test",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as client:
        yield client
    await sandbox.aclose()


@pytest.fixture
async def simulator(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """The simulator JSON API and page, mounted on a bare app."""
    app = FastAPI()
    sandbox.mount(app)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test"
    ) as client:
        yield client
    await sandbox.aclose()


async def say_hi(simulator: httpx.AsyncClient, text: str = "Hi") -> str:
    """The citizen writes first, so the 24-hour window is open."""
    response = await simulator.post(
        "/sandbox/api/inbound", json={"from": CITIZEN, "name": "Ravi Kumar", "text": text}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["wamid"])


def text_body(body: str, to: str = CITIZEN) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body},
    }


def buttons_body(
    buttons: list[tuple[str, str]], body: str = "Choose", to: str = CITIZEN
) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": bid, "title": title}}
                    for bid, title in buttons
                ]
            },
        },
    }


def list_body(
    rows: list[tuple[str, str, str | None]],
    button: str = "Services",
    sections: int = 1,
    to: str = CITIZEN,
) -> dict[str, Any]:
    per = max(len(rows) // sections, 1)
    chunks = [
        rows[i * per : (i + 1) * per] if i < sections - 1 else rows[i * per :]
        for i in range(sections)
    ]
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Pick a service"},
            "action": {
                "button": button,
                "sections": [
                    {
                        "title": f"Section {n}",
                        "rows": [
                            {"id": rid, "title": title, **({"description": desc} if desc else {})}
                            for rid, title, desc in chunk
                        ],
                    }
                    for n, chunk in enumerate(chunks)
                ],
            },
        },
    }
