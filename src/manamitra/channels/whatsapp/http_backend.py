"""The HTTP underneath the Graph client: aiohttp in production, any httpx transport in tests.

httpx with httpcore's pool spent milliseconds of CPU per request once tens of keep-alive
connections were open (its pool rescans every connection per request); at up to a thousand
Graph calls a second that was most of a core, so the default backend is aiohttp. Tests pass
an httpx transport (`httpx.MockTransport`, a sandbox's ASGI app) and get the httpx backend.
Both raise `GraphCallError` for failures without an answer and return every answer as-is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import httpx

from manamitra.channels.whatsapp.graph_errors import network_error, unexpected

Params = Mapping[str, str] | None


@dataclass(frozen=True)
class HttpReply:
    status: int
    headers: Mapping[str, str]  # case-insensitive (aiohttp's and httpx's header maps)
    content: bytes


class HttpBackend(Protocol):
    async def request(
        self,
        method: str,
        url: str,
        *,
        json_body: bytes | None = None,
        params: Params = None,
        form: Mapping[str, str] | None = None,
        file: tuple[str, bytes, str] | None = None,
    ) -> HttpReply: ...

    async def download(self, url: str, *, max_bytes: int) -> HttpReply: ...

    async def aclose(self) -> None: ...


def _too_large(max_bytes: int) -> Exception:
    return unexpected(f"media larger than {max_bytes} bytes")


class AiohttpBackend:
    """One aiohttp session, created lazily in the running loop."""

    def __init__(self, headers: Mapping[str, str], *, timeout: float, max_connections: int) -> None:
        self.headers = dict(headers)
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=min(5.0, timeout))
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _session_now(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            connector = aiohttp.TCPConnector(limit=self.max_connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers=self.headers, timeout=self.timeout
            )
            self._loop = loop
        return self._session

    async def request(
        self,
        method: str,
        url: str,
        *,
        json_body: bytes | None = None,
        params: Params = None,
        form: Mapping[str, str] | None = None,
        file: tuple[str, bytes, str] | None = None,
    ) -> HttpReply:
        kwargs: dict[str, Any] = {"params": dict(params) if params else None}
        if json_body is not None:
            kwargs["data"] = json_body
            kwargs["headers"] = {"Content-Type": "application/json"}
        elif file is not None:
            data = aiohttp.FormData()
            for name, value in (form or {}).items():
                data.add_field(name, value)
            filename, content, mime_type = file
            data.add_field("file", content, filename=filename, content_type=mime_type)
            kwargs["data"] = data
        try:
            async with self._session_now().request(method, url, **kwargs) as response:
                body = await response.read()
                return HttpReply(response.status, response.headers, body)
        except TimeoutError as exc:
            raise network_error("timed out", exc) from exc
        except aiohttp.ClientError as exc:
            raise network_error("unreachable", exc) from exc

    async def download(self, url: str, *, max_bytes: int) -> HttpReply:
        try:
            async with self._session_now().get(url) as response:
                if response.status >= 400:
                    return HttpReply(response.status, response.headers, await response.read())
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise _too_large(max_bytes)
                    chunks.append(chunk)
                return HttpReply(response.status, response.headers, b"".join(chunks))
        except TimeoutError as exc:
            raise network_error("timed out", exc) from exc
        except aiohttp.ClientError as exc:
            raise network_error("unreachable", exc) from exc

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class HttpxBackend:
    """httpx over a given transport (tests, in-process ASGI apps)."""

    def __init__(
        self, headers: Mapping[str, str], *, transport: httpx.AsyncBaseTransport, timeout: float
    ) -> None:
        self._client = httpx.AsyncClient(
            transport=transport, headers=dict(headers), timeout=httpx.Timeout(timeout, connect=5.0)
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        json_body: bytes | None = None,
        params: Params = None,
        form: Mapping[str, str] | None = None,
        file: tuple[str, bytes, str] | None = None,
    ) -> HttpReply:
        kwargs: dict[str, Any] = {"params": params}
        if json_body is not None:
            kwargs["content"] = json_body
            kwargs["headers"] = {"Content-Type": "application/json"}
        elif file is not None:
            kwargs["data"] = dict(form or {})
            kwargs["files"] = {"file": file}
        try:
            response = await self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise network_error("timed out", exc) from exc
        except httpx.TransportError as exc:
            raise network_error("unreachable", exc) from exc
        return HttpReply(response.status_code, response.headers, response.content)

    async def download(self, url: str, *, max_bytes: int) -> HttpReply:
        try:
            async with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    return HttpReply(response.status_code, response.headers, await response.aread())
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise _too_large(max_bytes)
                    chunks.append(chunk)
                return HttpReply(response.status_code, response.headers, b"".join(chunks))
        except httpx.TimeoutException as exc:
            raise network_error("timed out", exc) from exc
        except httpx.TransportError as exc:
            raise network_error("unreachable", exc) from exc

    async def aclose(self) -> None:
        await self._client.aclose()
