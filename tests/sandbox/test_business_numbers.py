"""The emulator answers for every business number the settings name, and only for those."""

from __future__ import annotations

import httpx
import pytest

from manamitra.sandbox import Sandbox
from manamitra.settings import Settings
from tests.sandbox.conftest import text_body

pytestmark = pytest.mark.anyio


async def test_emulator_accepts_the_extra_numbers_and_refuses_others() -> None:
    settings = Settings(
        whatsapp_phone_number_id="111",
        whatsapp_extra_phone_number_ids="222,333",
        whatsapp_access_token="tok",
    )
    sandbox = Sandbox.build(
        settings, transport=httpx.MockTransport(lambda _r: httpx.Response(200, json={}))
    )
    transport = httpx.ASGITransport(app=sandbox.graph_app)
    headers = {"Authorization": "Bearer tok"}
    async with httpx.AsyncClient(transport=transport, base_url="http://graph") as graph:
        for number in ("111", "222", "333"):
            reply = await graph.post(
                f"/v23.0/{number}/messages", json=text_body("hi"), headers=headers
            )
            assert reply.status_code == 200, reply.text
            assert reply.json()["messages"][0]["id"].startswith("wamid.")
        refused = await graph.post("/v23.0/444/messages", json=text_body("hi"), headers=headers)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == 100
