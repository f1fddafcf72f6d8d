"""A fake Graph API as one handler function behind httpx.MockTransport, with scripted faults."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from typing import Any

import httpx
import orjson

from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.settings import Settings

SETTINGS = Settings(
    graph_api_url="https://graph.test", whatsapp_access_token="tok", whatsapp_phone_number_id="PNID"
)


def graph_error(status: int, code: int, message: str = "error") -> httpx.Response:
    return httpx.Response(
        status,
        json={
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": message},
                "fbtrace_id": "AbCdEf",
            }
        },
    )


class FakeGraph:
    """Records every request; `faults[to]` answers that recipient's next sends first."""

    def __init__(self, *, max_delay: float = 0.0) -> None:
        self.messages: list[dict[str, Any]] = []
        self.uploads: list[bytes] = []
        self.requests: list[httpx.Request] = []
        self.faults: defaultdict[str, list[httpx.Response | Exception]] = defaultdict(list)
        self.max_delay = max_delay

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.max_delay:
            await asyncio.sleep(random.random() * self.max_delay)
        assert request.headers["authorization"] == "Bearer tok"
        if request.url.path.endswith("/media"):
            self.uploads.append(request.content)
            return httpx.Response(200, json={"id": f"media-{len(self.uploads)}"})
        body = orjson.loads(request.content)
        faults = self.faults.get(body.get("to", ""))
        if faults:
            fault = faults.pop(0)
            if isinstance(fault, Exception):
                raise fault
            return fault
        self.messages.append(body)
        if body.get("status") == "read":
            return httpx.Response(200, json={"success": True})
        return httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": f"wamid.OUT{len(self.messages):04d}"}],
            },
        )

    def client(self) -> GraphClient:
        return GraphClient(SETTINGS, transport=httpx.MockTransport(self.handle))

    def texts_to(self, citizen: str) -> list[str]:
        return [
            m["text"]["body"]
            for m in self.messages
            if m.get("to") == citizen and m.get("type") == "text"
        ]
