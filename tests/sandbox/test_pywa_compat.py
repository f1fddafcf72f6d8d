"""pywa, the most used Python Cloud API client, works against the emulator unchanged.

pywa talks to `https://graph.facebook.com/v{version}`; its httpx session is routed to the
emulator's Graph app with httpx.ASGITransport, so every request takes the real HTTP path.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pywa import errors as pywa_errors
from pywa_async import WhatsApp, types
from pywa_async.types.templates import BodyText, TemplateLanguage

from manamitra.sandbox import Sandbox
from tests.sandbox.conftest import CITIZEN, PHONE_ID, TOKEN, say_hi

pytestmark = pytest.mark.anyio

PDF = b"%PDF-1.4\n% certificate\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
async def wa(
    sandbox: Sandbox, simulator: httpx.AsyncClient
) -> AsyncIterator[tuple[WhatsApp, list[dict[str, Any]]]]:
    """A pywa client on the emulator, and the JSON bodies it sent to /messages."""
    sent: list[dict[str, Any]] = []

    async def record(request: httpx.Request) -> None:
        if request.url.path.endswith("/messages"):
            sent.append(json.loads(request.content))

    session = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.graph_app), event_hooks={"request": [record]}
    )
    await say_hi(simulator)
    client = WhatsApp(phone_id=PHONE_ID, token=TOKEN, session=session, api_version="23.0")
    yield client, sent
    await session.aclose()


async def _recorded_last(simulator: httpx.AsyncClient) -> dict[str, Any]:
    outbox = (await simulator.get("/sandbox/api/outbox", params={"to": CITIZEN})).json()
    return outbox[-1]


async def _check(
    simulator: httpx.AsyncClient, sent: list[dict[str, Any]], message_id: str
) -> dict[str, Any]:
    """The emulator answered with a wamid and recorded exactly the body pywa sent."""
    assert message_id.startswith("wamid.")
    recorded = await _recorded_last(simulator)
    assert recorded == sent[-1]
    return recorded


async def test_text(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, sent = wa
    result = await client.send_message(to=CITIZEN, text="నమస్కారం! Welcome")
    body = await _check(simulator, sent, result.id)
    assert body["type"] == "text"
    assert body["text"]["body"] == "నమస్కారం! Welcome"


async def test_reply_buttons(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, sent = wa
    result = await client.send_message(
        to=CITIZEN,
        text="Choose your language",
        header="Mana Mitra",
        footer="AP",
        buttons=[
            types.Button(title="తెలుగు", callback_data="lang:te"),
            types.Button(title="English", callback_data="lang:en"),
        ],
    )
    body = await _check(simulator, sent, result.id)
    assert body["interactive"]["type"] == "button"
    assert [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]] == [
        "lang:te",
        "lang:en",
    ]


async def test_list_with_sections(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, sent = wa
    result = await client.send_message(
        to=CITIZEN,
        text="Main menu",
        buttons=types.SectionList(
            button_title="Services",
            sections=[
                types.Section(
                    title="Bills",
                    rows=[
                        types.SectionRow(
                            title="Electricity bill",
                            callback_data="svc:power",
                            description="APSPDCL / APEPDCL",
                        )
                    ],
                ),
                types.Section(
                    title="Certificates",
                    rows=[types.SectionRow(title="Income certificate", callback_data="svc:income")],
                ),
            ],
        ),
    )
    body = await _check(simulator, sent, result.id)
    assert body["interactive"]["type"] == "list"
    assert len(body["interactive"]["action"]["sections"]) == 2


async def test_cta_url(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, sent = wa
    result = await client.send_message(
        to=CITIZEN,
        text="Pay your bill",
        buttons=types.URLButton(title="Pay now", url="https://pay.example.org/o/1"),
    )
    body = await _check(simulator, sent, result.id)
    assert body["interactive"]["type"] == "cta_url"


async def test_location_request(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, sent = wa
    result = await client.request_location(to=CITIZEN, text="Share the pothole's location")
    body = await _check(simulator, sent, result.id)
    assert body["interactive"]["type"] == "location_request_message"


@pytest.mark.parametrize(
    ("method", "kwargs", "kind"),
    [
        ("send_image", {"image": "https://files.example.org/a.png", "caption": "map"}, "image"),
        (
            "send_document",
            {"document": "https://files.example.org/c.pdf", "filename": "c.pdf"},
            "document",
        ),
        ("send_audio", {"audio": "https://files.example.org/a.ogg"}, "audio"),
        ("send_video", {"video": "https://files.example.org/v.mp4", "caption": "how to"}, "video"),
        ("send_sticker", {"sticker": "https://files.example.org/s.webp"}, "sticker"),
    ],
)
async def test_media_by_link(
    wa: tuple[WhatsApp, list[dict[str, Any]]],
    simulator: httpx.AsyncClient,
    method: str,
    kwargs: dict[str, Any],
    kind: str,
) -> None:
    client, sent = wa
    result = await getattr(client, method)(to=CITIZEN, **kwargs)
    body = await _check(simulator, sent, result.id)
    assert body["type"] == kind
    assert body[kind]["link"].startswith("https://files.example.org/")


@pytest.mark.parametrize(
    ("method", "field", "data", "mime", "name"),
    [
        ("send_image", "image", PNG, "image/png", "a.png"),
        ("send_document", "document", PDF, "application/pdf", "cert.pdf"),
        ("send_audio", "audio", b"OggS-voice", "audio/ogg", "v.ogg"),
        ("send_video", "video", b"\x00\x00\x00\x18ftypmp4", "video/mp4", "v.mp4"),
    ],
    ids=["image", "document", "audio", "video"],
)
async def test_media_by_uploaded_id(
    wa: tuple[WhatsApp, list[dict[str, Any]]],
    simulator: httpx.AsyncClient,
    method: str,
    field: str,
    data: bytes,
    mime: str,
    name: str,
) -> None:
    client, sent = wa
    media = await client.upload_media(media=data, mime_type=mime, filename=name)
    assert media.id.isdigit()
    kwargs: dict[str, Any] = {field: media.id}
    if field == "document":
        kwargs["filename"] = name
    result = await getattr(client, method)(to=CITIZEN, **kwargs)
    body = await _check(simulator, sent, result.id)
    assert body[field]["id"] == media.id
    page_copy = await simulator.get(f"/sandbox/api/media/{media.id}")
    assert page_copy.content == data


async def test_upload_then_download_through_pywa(wa: tuple[WhatsApp, list[dict[str, Any]]]) -> None:
    client, _ = wa
    media = await client.upload_media(media=PDF, mime_type="application/pdf", filename="cert.pdf")
    url = await client.get_media_url(media.id)
    assert url.mime_type == "application/pdf"
    assert url.file_size == len(PDF)
    assert await client.get_media_bytes(url.url) == PDF
    assert (await client.delete_media(media.id)).success is True


async def test_template(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, sent = wa
    result = await client.send_template(
        to=CITIZEN,
        name="certificate_ready",
        language=TemplateLanguage.TELUGU,
        params=[BodyText.params("APP-2026-42")],
    )
    body = await _check(simulator, sent, result.id)
    assert body["template"]["name"] == "certificate_ready"
    assert body["template"]["language"]["code"] == "te"


async def test_reaction_and_mark_as_read(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, sent = wa
    inbound = (await simulator.get("/sandbox/api/messages", params={"phone": CITIZEN})).json()[0][
        "wamid"
    ]
    result = await client.send_reaction(to=CITIZEN, emoji="👍", message_id=inbound)
    body = await _check(simulator, sent, result.id)
    assert body["reaction"] == {"message_id": inbound, "emoji": "👍"}
    assert await client.mark_message_as_read(inbound)
    assert sent[-1] == {"messaging_product": "whatsapp", "status": "read", "message_id": inbound}
    chat = (await simulator.get("/sandbox/api/messages", params={"phone": CITIZEN})).json()
    assert chat[0]["status"] == "read"
    assert chat[0]["reactions"] == {"business": "👍"}


async def test_location(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, sent = wa
    result = await client.send_location(
        to=CITIZEN, latitude=16.5062, longitude=80.648, name="MeeSeva centre", address="Vijayawada"
    )
    body = await _check(simulator, sent, result.id)
    assert body["location"]["name"] == "MeeSeva centre"


async def test_limit_violation_raises_pywas_invalid_parameter(
    wa: tuple[WhatsApp, list[dict[str, Any]]],
) -> None:
    client, _ = wa
    with pytest.raises(pywa_errors.InvalidParameter) as caught:
        await client.send_message(
            to=CITIZEN,
            text="Too many",
            buttons=[types.Button(title=f"Option {n}", callback_data=f"o{n}") for n in range(4)],
        )
    assert caught.value.code == 131009
    assert caught.value.status_code == 400
    assert "buttons" in (caught.value.details or "")


async def test_wrong_token_raises_pywas_expired_token(sandbox: Sandbox) -> None:
    session = httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.graph_app))
    client = WhatsApp(phone_id=PHONE_ID, token="stolen", session=session, api_version="23.0")
    with pytest.raises(pywa_errors.ExpiredAccessToken) as caught:
        await client.send_message(to=CITIZEN, text="hi")
    assert caught.value.code == 190
    await session.aclose()


async def test_throughput_fault_raises_pywas_rate_limit(
    wa: tuple[WhatsApp, list[dict[str, Any]]], simulator: httpx.AsyncClient
) -> None:
    client, _ = wa
    await simulator.post("/sandbox/api/faults", json={"code": 130429})
    with pytest.raises(pywa_errors.WhatsAppError) as caught:
        await client.send_message(to=CITIZEN, text="hi")
    assert caught.value.code == 130429
    assert caught.value.status_code == 429
