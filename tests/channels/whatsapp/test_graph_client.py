"""The Graph API client: request shapes, and errors classified for the sender."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import orjson
import pytest

from manamitra.channels.whatsapp.graph_client import GraphCallError, GraphClient, classify
from manamitra.settings import Settings

T = TypeVar("T")
SETTINGS = Settings(
    graph_api_url="http://graph.local/sandbox/graph/",
    graph_api_version="v23.0",
    whatsapp_access_token="tok",
    whatsapp_phone_number_id="PNID",
)


def call(
    handler: Callable[[httpx.Request], httpx.Response],
    action: Callable[[GraphClient], Awaitable[T]],
) -> T:
    async def main() -> T:
        client = GraphClient(SETTINGS, transport=httpx.MockTransport(handler))
        try:
            return await action(client)
        finally:
            await client.aclose()

    return asyncio.run(main())


def test_send_posts_json_with_bearer_and_returns_the_wamid() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"messaging_product": "whatsapp", "messages": [{"id": "wamid.NEW"}]}
        )

    body = {"messaging_product": "whatsapp", "to": "91", "type": "text", "text": {"body": "హాయ్"}}
    assert call(handle, lambda c: c.send_message(body)) == "wamid.NEW"
    [request] = seen
    assert str(request.url) == "http://graph.local/sandbox/graph/v23.0/PNID/messages"
    assert request.headers["authorization"] == "Bearer tok"
    assert orjson.loads(request.content) == body


def test_mark_read_success_has_no_wamid() -> None:
    def handle(_r: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"success": True})

    assert call(handle, lambda c: c.send_message({"status": "read"})) is None


def test_upload_is_multipart_and_returns_the_id() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "4490709327384033"})

    media_id = call(handle, lambda c: c.upload_media(b"%PDF", "application/pdf", "c.pdf"))
    assert media_id == "4490709327384033"
    request = seen[0]
    assert request.url.path == "/sandbox/graph/v23.0/PNID/media"
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b'name="messaging_product"' in request.content and b"%PDF" in request.content


def test_media_info_download_and_delete() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(200, json={"success": True})
        if request.url.host == "cdn.local":
            assert request.headers["authorization"] == "Bearer tok"
            return httpx.Response(200, content=b"bytes")
        return httpx.Response(
            200,
            json={
                "url": "http://cdn.local/m/1",
                "mime_type": "image/png",
                "sha256": "ab",
                "file_size": 5,
                "id": "1",
            },
        )

    async def go(c: GraphClient) -> tuple[object, bytes]:
        info = await c.media_info("1")
        content = await c.download_media(info.url, max_bytes=10)
        await c.delete_media("1")
        return info, content

    info, content = call(handle, go)
    assert (info.url, info.mime_type, info.file_size) == ("http://cdn.local/m/1", "image/png", 5)
    assert content == b"bytes"


def _error(status: int, code: int | None, headers: dict[str, str] | None = None) -> GraphCallError:
    payload = {
        "error": {
            "message": f"(#{code}) msg",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": "why"},
            "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam",
        }
    }

    def handle(_r: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=payload, headers=headers)

    with pytest.raises(GraphCallError) as info:
        call(handle, lambda c: c.send_message({}))
    return info.value


@pytest.mark.parametrize(
    ("status", "code", "retry"),
    [
        (400, 131026, False),
        (400, 131051, False),
        (400, 131047, False),
        (400, 100, False),
        (400, 131009, False),
        (401, 190, False),
        (403, 10, False),
        (400, 131056, True),
        (400, 130429, True),
        (500, 131000, True),
        (503, 2, True),
        (429, 80007, True),
        (500, None, True),
        (502, None, True),
    ],
)
def test_errors_are_classified(status: int, code: int | None, retry: bool) -> None:
    error = _error(status, code)
    assert (error.status, error.error_code, error.retry) == (status, code, retry)
    assert error.fbtrace_id == "Az8or2yhqkZfEZ-_4Qn_Bam"
    assert "why" in str(error)


def test_rate_limits_carry_a_longer_backoff_and_retry_after_counts() -> None:
    assert _error(400, 131056).backoff == 6.0
    assert _error(400, 130429).backoff == 2.0
    assert _error(429, None, {"Retry-After": "12"}).backoff == 12.0
    assert _error(500, None).backoff is None


@pytest.mark.parametrize(
    "exc", [httpx.ReadTimeout("t"), httpx.ConnectError("c"), httpx.RemoteProtocolError("r")]
)
def test_network_failures_are_retryable(exc: Exception) -> None:
    def handle(_r: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(GraphCallError) as info:
        call(handle, lambda c: c.send_message({}))
    assert info.value.retry and info.value.status == 0
    assert info.value.__cause__ is exc


def test_non_json_error_body_is_still_classified() -> None:
    assert classify(502, None) == (True, None)

    def handle(_r: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>bad gateway</html>")

    with pytest.raises(GraphCallError) as info:
        call(handle, lambda c: c.send_message({}))
    assert info.value.retry and info.value.error_code is None
