"""An async client for the Graph API endpoints the platform uses: messages and media.

Every failure comes out as a `GraphCallError` (see graph_errors) with a `retry` flag and, when
Meta asks us to slow down, a `backoff` hint. The bytes travel over aiohttp unless a test hands
in an httpx transport (see http_backend).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from manamitra.channels.whatsapp.graph_errors import (
    GraphCallError,
    classify,
    error_from_reply,
    unexpected,
)
from manamitra.channels.whatsapp.http_backend import (
    AiohttpBackend,
    HttpBackend,
    HttpReply,
    HttpxBackend,
)
from manamitra.settings import Settings

__all__ = ["GraphCallError", "GraphClient", "MediaInfo", "classify"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MediaInfo:
    id: str
    url: str
    mime_type: str
    sha256: str | None
    file_size: int | None


def _object(reply: HttpReply) -> dict[str, Any]:
    if reply.status >= 400:
        raise error_from_reply(reply.status, reply.headers, reply.content)
    try:
        data = orjson.loads(reply.content)
    except orjson.JSONDecodeError as exc:
        raise unexpected(
            "Graph API answered with something that is not JSON", status=reply.status, retry=True
        ) from exc
    if not isinstance(data, dict):
        raise unexpected("Graph API answered with a non-object", retry=True)
    return data


class GraphClient:
    """Graph API calls for one business number, over one pooled HTTP client."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        backend: HttpBackend | None = None,
        timeout: float = 15.0,
        max_connections: int = 200,
    ) -> None:
        self.base = settings.graph_base
        self.phone_number_id = settings.whatsapp_phone_number_id
        headers = {"Authorization": f"Bearer {settings.whatsapp_access_token}"}
        if backend is None:
            backend = (
                HttpxBackend(headers, transport=transport, timeout=timeout)
                if transport is not None
                else AiohttpBackend(headers, timeout=timeout, max_connections=max_connections)
            )
        self._http = backend
        self.numbers = settings.business_numbers

    def _number(self, phone_number_id: str | None) -> str:
        """The number to act as: the one asked for if it is ours, else the primary (a row
        written before a number was taken out of the settings)."""
        if phone_number_id is None or phone_number_id not in self.numbers:
            return self.phone_number_id
        return phone_number_id

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send_message(
        self, body: dict[str, Any], *, phone_number_id: str | None = None
    ) -> str | None:
        """POST /{phone_number_id}/messages (the primary number unless another of ours is
        named); the new message's wamid (None for mark-as-read)."""
        url = f"{self.base}/{self._number(phone_number_id)}/messages"
        data = _object(await self._http.request("POST", url, json_body=orjson.dumps(body)))
        messages = data.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            wamid = messages[0].get("id")
            return str(wamid) if wamid else None
        if data.get("success") is True:
            return None
        raise unexpected("Graph API accepted the message without an id")

    async def list_templates(
        self, account_id: str, *, after: str | None = None, limit: int = 100
    ) -> dict[str, Any]:
        """GET /{waba-id}/message_templates, one page (`paging.cursors.after` for the next)."""
        params: dict[str, str] = {"limit": str(limit)}
        if after:
            params["after"] = after
        return _object(
            await self._http.request(
                "GET", f"{self.base}/{account_id}/message_templates", params=params
            )
        )

    async def create_template(self, account_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST /{waba-id}/message_templates: {id, status, category} of the new template."""
        return _object(
            await self._http.request(
                "POST",
                f"{self.base}/{account_id}/message_templates",
                json_body=orjson.dumps(body),
            )
        )

    async def upload_media(
        self, content: bytes, mime_type: str, filename: str, *, phone_number_id: str | None = None
    ) -> str:
        """POST /{phone_number_id}/media (multipart); the media id to send by."""
        reply = await self._http.request(
            "POST",
            f"{self.base}/{self._number(phone_number_id)}/media",
            form={"messaging_product": "whatsapp", "type": mime_type},
            file=(filename, content, mime_type),
        )
        media_id = _object(reply).get("id")
        if not media_id:
            raise unexpected("media upload answered without an id")
        return str(media_id)

    async def media_info(self, media_id: str) -> MediaInfo:
        """GET /{media_id}: a short-lived download URL and what the file claims to be."""
        data = _object(
            await self._http.request(
                "GET", f"{self.base}/{media_id}", params={"phone_number_id": self.phone_number_id}
            )
        )
        url = data.get("url")
        if not url:
            raise unexpected("media lookup answered without a URL")
        size = data.get("file_size")
        return MediaInfo(
            id=str(data.get("id") or media_id),
            url=str(url),
            mime_type=str(data.get("mime_type") or "application/octet-stream"),
            sha256=data.get("sha256"),
            file_size=int(size) if size is not None else None,
        )

    async def download_media(self, url: str, *, max_bytes: int) -> bytes:
        """GET the media URL with the bearer token, refusing more than `max_bytes`."""
        reply = await self._http.download(url, max_bytes=max_bytes)
        if reply.status >= 400:
            raise error_from_reply(reply.status, reply.headers, reply.content)
        return reply.content

    async def delete_media(self, media_id: str) -> None:
        _object(
            await self._http.request(
                "DELETE",
                f"{self.base}/{media_id}",
                params={"phone_number_id": self.phone_number_id},
            )
        )
