"""Media as on Meta: upload, look up the URL, download with the token, delete; size limits."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest

from manamitra import clock
from tests.sandbox.conftest import CITIZEN, PHONE_ID, TOKEN, say_hi

pytestmark = pytest.mark.anyio

PDF = b"%PDF-1.4\n% a small certificate\n%%EOF\n"


async def _upload(
    graph: httpx.AsyncClient,
    data: bytes = PDF,
    mime: str = "application/pdf",
    name: str = "cert.pdf",
) -> httpx.Response:
    return await graph.post(
        f"/v23.0/{PHONE_ID}/media",
        files={"file": (name, data, mime)},
        data={"type": mime, "messaging_product": "whatsapp"},
    )


async def test_upload_lookup_download_delete_round_trip(graph: httpx.AsyncClient) -> None:
    uploaded = await _upload(graph)
    assert uploaded.status_code == 200, uploaded.text
    media_id = uploaded.json()["id"]

    info = (await graph.get(f"/v23.0/{media_id}")).json()
    assert info == {
        "url": info["url"],
        "mime_type": "application/pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "file_size": len(PDF),
        "id": media_id,
        "messaging_product": "whatsapp",
    }

    download = await graph.get(info["url"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"

    deleted = await graph.delete(f"/v23.0/{media_id}")
    assert deleted.json() == {"success": True}
    gone = await graph.get(f"/v23.0/{media_id}")
    assert gone.status_code == 400
    assert gone.json()["error"]["code"] == 100


async def test_download_needs_the_token(graph: httpx.AsyncClient) -> None:
    media_id = (await _upload(graph)).json()["id"]
    url = (await graph.get(f"/v23.0/{media_id}")).json()["url"]
    response = await graph.get(url, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


async def test_media_url_expires_after_five_minutes(graph: httpx.AsyncClient) -> None:
    media_id = (await _upload(graph)).json()["id"]
    url = (await graph.get(f"/v23.0/{media_id}")).json()["url"]
    clock.advance(timedelta(minutes=5, seconds=2))
    assert (await graph.get(url)).status_code == 404
    fresh = (await graph.get(f"/v23.0/{media_id}")).json()["url"]
    assert (await graph.get(fresh)).status_code == 200


async def test_image_over_five_megabytes_is_refused(graph: httpx.AsyncClient) -> None:
    response = await _upload(graph, b"\x89PNG" + b"0" * (5 * 1024 * 1024), "image/png", "a.png")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 131053


async def test_unsupported_mime_type_is_refused(graph: httpx.AsyncClient) -> None:
    response = await _upload(graph, b"MZ...", "application/x-msdownload", "a.exe")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100


async def test_upload_needs_messaging_product(graph: httpx.AsyncClient) -> None:
    response = await graph.post(
        f"/v23.0/{PHONE_ID}/media",
        files={"file": ("a.pdf", PDF, "application/pdf")},
        data={"type": "application/pdf"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100


async def test_document_sent_by_uploaded_id_is_accepted(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient
) -> None:
    await say_hi(simulator)
    media_id = (await _upload(graph)).json()["id"]
    response = await graph.post(
        f"/v23.0/{PHONE_ID}/messages",
        json={
            "messaging_product": "whatsapp",
            "to": CITIZEN,
            "type": "document",
            "document": {"id": media_id, "filename": "cert.pdf", "caption": "Your certificate"},
        },
    )
    assert response.status_code == 200, response.text
    page_copy = await simulator.get(f"/sandbox/api/media/{media_id}")
    assert page_copy.content == PDF


async def test_phone_media_is_downloadable_by_the_platform(
    graph: httpx.AsyncClient, simulator: httpx.AsyncClient, receiver: object
) -> None:
    import base64

    jpeg = b"\xff\xd8\xff\xe0fake-jpeg-bytes"
    response = await simulator.post(
        "/sandbox/api/inbound",
        json={
            "from": CITIZEN,
            "image": {
                "data_base64": base64.b64encode(jpeg).decode(),
                "mime_type": "image/jpeg",
                "caption": "pothole",
            },
        },
    )
    assert response.status_code == 200, response.text
    message = receiver.messages()[-1]  # type: ignore[attr-defined]
    assert message["image"]["sha256"] == base64.b64encode(hashlib.sha256(jpeg).digest()).decode()
    info = (await graph.get(f"/v23.0/{message['image']['id']}")).json()
    download = await graph.get(info["url"], headers={"Authorization": f"Bearer {TOKEN}"})
    assert download.content == jpeg
