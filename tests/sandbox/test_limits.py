"""Every limit Meta enforces on a send is refused with Meta's code, status and error shape."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import CITIZEN, PHONE_ID, buttons_body, list_body, text_body

pytestmark = pytest.mark.anyio

URL = f"/v23.0/{PHONE_ID}/messages"


def _rows(n: int) -> list[tuple[str, str, str | None]]:
    return [(f"row:{i}", f"Row {i}", None) for i in range(n)]


def _interactive(kind: str, action: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": CITIZEN,
        "type": "interactive",
        "interactive": {"type": kind, "body": {"text": "Body"}, "action": action, **extra},
    }


def _order(total: int = 5000, subtotal: int = 5000, item: int = 5000) -> dict[str, Any]:
    return _interactive(
        "order_details",
        {
            "name": "review_and_pay",
            "parameters": {
                "reference_id": "ORD-1",
                "type": "digital-goods",
                "currency": "INR",
                "payment_settings": [
                    {
                        "type": "payment_gateway",
                        "payment_gateway": {"type": "razorpay", "configuration_name": "mana-mitra"},
                    }
                ],
                "total_amount": {"value": total, "offset": 100},
                "order": {
                    "status": "pending",
                    "items": [
                        {
                            "retailer_id": "bill",
                            "name": "Electricity bill",
                            "amount": {"value": item, "offset": 100},
                            "quantity": 1,
                        }
                    ],
                    "subtotal": {"value": subtotal, "offset": 100},
                },
            },
        },
    )


def _with(body: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


VIOLATIONS: dict[str, tuple[dict[str, Any], int]] = {
    "text over 4096": (text_body("x" * 4097), 100),
    "text missing body": (_with(text_body("x"), ["text"], {}), 100),
    "no messaging_product": (_with(text_body("x"), ["messaging_product"], "sms"), 100),
    "unknown type": (_with(text_body("x"), ["type"], "hologram"), 100),
    "four buttons": (buttons_body([(f"b{i}", f"B{i}") for i in range(4)]), 131009),
    "no buttons": (buttons_body([]), 131009),
    "button title 21": (buttons_body([("b", "x" * 21)]), 131009),
    "button id 257": (buttons_body([("b" * 257, "Yes")]), 131009),
    "duplicate button ids": (buttons_body([("b", "Yes"), ("b", "No")]), 131009),
    "interactive body 1025": (buttons_body([("b", "Yes")], body="x" * 1025), 131009),
    "header 61": (
        _with(
            buttons_body([("b", "Yes")]),
            ["interactive", "header"],
            {"type": "text", "text": "x" * 61},
        ),
        131009,
    ),
    "footer 61": (
        _with(buttons_body([("b", "Yes")]), ["interactive", "footer"], {"text": "x" * 61}),
        131009,
    ),
    "eleven rows": (list_body(_rows(11)), 131009),
    "eleven rows over sections": (list_body(_rows(11), sections=3), 131009),
    "eleven sections": (list_body(_rows(11), sections=11), 131009),
    "row title 25": (list_body([("r", "x" * 25, None)]), 131009),
    "row description 73": (list_body([("r", "Row", "x" * 73)]), 131009),
    "list button 21": (list_body(_rows(2), button="x" * 21), 131009),
    "duplicate row ids": (list_body([("r", "A", None), ("r", "B", None)]), 131009),
    "cta display text 21": (
        _interactive(
            "cta_url",
            {
                "name": "cta_url",
                "parameters": {"display_text": "x" * 21, "url": "https://example.org"},
            },
        ),
        131009,
    ),
    "location request without action name": (_interactive("location_request_message", {}), 100),
    "order total mismatch": (_order(total=4000), 131009),
    "order subtotal mismatch": (_order(subtotal=4000, total=4000), 131009),
    "image by unknown id": (
        {
            "messaging_product": "whatsapp",
            "to": CITIZEN,
            "type": "image",
            "image": {"id": "999999"},
        },
        100,
    ),
    "image with id and link": (
        {
            "messaging_product": "whatsapp",
            "to": CITIZEN,
            "type": "image",
            "image": {"id": "1", "link": "https://a"},
        },
        100,
    ),
    "caption on audio": (
        {
            "messaging_product": "whatsapp",
            "to": CITIZEN,
            "type": "audio",
            "audio": {"link": "https://x.test/a.ogg", "caption": "no"},
        },
        100,
    ),
    "template without language": (
        {
            "messaging_product": "whatsapp",
            "to": CITIZEN,
            "type": "template",
            "template": {"name": "hello"},
        },
        100,
    ),
}


@pytest.mark.parametrize("name", list(VIOLATIONS))
async def test_limit_violation_gets_metas_code(graph: httpx.AsyncClient, name: str) -> None:
    body, code = VIOLATIONS[name]
    response = await graph.post(URL, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"message", "type", "code", "error_data", "fbtrace_id"}
    assert error["code"] == code
    assert error["type"] == "OAuthException"
    assert error["message"].startswith(f"(#{code}) ")
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert error["error_data"]["details"]


@pytest.mark.parametrize(
    "body",
    [
        buttons_body([("a", "x" * 20), ("b", "Two"), ("c", "Three")], body="x" * 1024),
        list_body([(f"r{i}", "x" * 24, "d" * 72) for i in range(10)], button="x" * 20, sections=10),
        text_body("x" * 4096),
        _order(),
    ],
    ids=["three buttons at limits", "ten rows at limits", "text at 4096", "order details"],
)
async def test_bodies_at_the_limits_are_accepted(
    graph: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await graph.post(URL, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["messages"][0]["id"].startswith("wamid.")


async def test_wrong_token_gets_401_code_190(graph: httpx.AsyncClient) -> None:
    response = await graph.post(
        URL, json=text_body("hi"), headers={"Authorization": "Bearer wrong"}
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == 190
    assert error["type"] == "OAuthException"
    assert "fbtrace_id" in error


async def test_missing_token_gets_401(graph: httpx.AsyncClient) -> None:
    graph.headers.pop("Authorization")
    response = await graph.post(URL, json=text_body("hi"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 190


async def test_unknown_phone_number_id_is_refused(graph: httpx.AsyncClient) -> None:
    response = await graph.post("/v23.0/123456789/messages", json=text_body("hi"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 100
    assert error["error_subcode"] == 33


async def test_malformed_json_gets_code_100(graph: httpx.AsyncClient) -> None:
    response = await graph.post(
        URL, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100
