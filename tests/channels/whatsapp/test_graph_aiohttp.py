"""The production HTTP backend (aiohttp) against a real local server: shapes and failures."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from manamitra.channels.whatsapp.graph_client import GraphCallError, GraphClient
from manamitra.settings import Settings

T = TypeVar("T")


def _graph() -> tuple[web.Application, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    async def messages(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append(
            {
                "auth": request.headers.get("Authorization"),
                "body": body,
                "type": request.content_type,
            }
        )
        if body.get("to") == "fail":
            return web.json_response(
                {
                    "error": {
                        "message": "(#131026) Undeliverable",
                        "code": 131026,
                        "fbtrace_id": "X",
                    }
                },
                status=400,
            )
        if body.get("to") == "slow":
            await asyncio.sleep(2)
        return web.json_response({"messages": [{"id": "wamid.AIO"}]})

    async def media(request: web.Request) -> web.Response:
        form = await request.post()
        upload = form["file"]
        assert isinstance(upload, web.FileField)
        seen.append(
            {
                "form": {k: v for k, v in form.items() if isinstance(v, str)},
                "filename": upload.filename,
                "bytes": upload.file.read(),
                "mime": upload.content_type,
            }
        )
        return web.json_response({"id": "MEDIA1"})

    async def lookup(request: web.Request) -> web.Response:
        url = str(request.url.with_path("/cdn/file").with_query(None))
        return web.json_response(
            {
                "url": url,
                "mime_type": "image/png",
                "file_size": 10,
                "sha256": "ab",
                "id": request.match_info["media_id"],
            }
        )

    async def cdn(request: web.Request) -> web.Response:
        seen.append({"cdn_auth": request.headers.get("Authorization")})
        return web.Response(body=b"0123456789", content_type="image/png")

    app = web.Application()
    app.router.add_post("/v23.0/PNID/messages", messages)
    app.router.add_post("/v23.0/PNID/media", media)
    app.router.add_get("/cdn/file", cdn)
    app.router.add_get("/v23.0/{media_id}", lookup)
    return app, seen


def with_graph(
    action: Callable[[GraphClient], Awaitable[T]], *, timeout: float = 15.0
) -> tuple[T, list[dict[str, Any]]]:
    async def main() -> T:
        app, seen_ = _graph()
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        settings = Settings(
            graph_api_url=f"http://127.0.0.1:{server.port}",
            graph_api_version="v23.0",
            whatsapp_access_token="tok",
            whatsapp_phone_number_id="PNID",
        )
        client = GraphClient(settings, timeout=timeout)
        try:
            result = await action(client)
            seen.extend(seen_)
            return result
        finally:
            await client.aclose()
            await server.close()

    seen: list[dict[str, Any]] = []
    return asyncio.run(main()), seen


def test_send_upload_lookup_and_download() -> None:
    async def go(c: GraphClient) -> tuple[Any, ...]:
        wamid = await c.send_message({"to": "91", "type": "text", "text": {"body": "హాయ్"}})
        media_id = await c.upload_media(b"%PDF-1.7", "application/pdf", "cert.pdf")
        info = await c.media_info("MEDIA1")
        content = await c.download_media(info.url, max_bytes=100)
        return wamid, media_id, info.mime_type, content

    result, seen = with_graph(go)
    assert result == ("wamid.AIO", "MEDIA1", "image/png", b"0123456789")
    message, upload, download = seen
    assert message["auth"] == "Bearer tok" and message["type"] == "application/json"
    assert message["body"]["text"]["body"] == "హాయ్"
    assert upload["form"] == {"messaging_product": "whatsapp", "type": "application/pdf"}
    assert (upload["filename"], upload["bytes"], upload["mime"]) == (
        "cert.pdf",
        b"%PDF-1.7",
        "application/pdf",
    )
    assert download == {"cdn_auth": "Bearer tok"}


def test_error_answer_is_classified() -> None:
    async def go(c: GraphClient) -> GraphCallError:
        with pytest.raises(GraphCallError) as info:
            await c.send_message({"to": "fail"})
        return info.value

    error, _ = with_graph(go)
    assert (error.status, error.error_code, error.retry) == (400, 131026, False)


def test_download_over_the_cap_is_refused() -> None:
    async def go(c: GraphClient) -> GraphCallError:
        info = await c.media_info("MEDIA1")
        with pytest.raises(GraphCallError) as caught:
            await c.download_media(info.url, max_bytes=5)
        return caught.value

    error, _ = with_graph(go)
    assert "larger than 5 bytes" in str(error) and not error.retry


def test_timeout_is_retryable() -> None:
    async def go(c: GraphClient) -> GraphCallError:
        with pytest.raises(GraphCallError) as info:
            await c.send_message({"to": "slow"})
        return info.value

    error, _ = with_graph(go, timeout=0.3)
    assert error.retry and error.status == 0


def test_refused_connection_is_retryable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before use: nothing listens there
    settings = Settings(graph_api_url=f"http://127.0.0.1:{port}", whatsapp_access_token="t")

    async def main() -> GraphCallError:
        client = GraphClient(settings, timeout=2)
        try:
            with pytest.raises(GraphCallError) as info:
                await client.send_message({"to": "91"})
            return info.value
        finally:
            await client.aclose()

    error = asyncio.run(main())
    assert error.retry and error.status == 0
