"""An async client for the Graph API endpoints the platform uses: messages and media.

Errors are mapped at this boundary into `GraphCallError` (a `GraphApiError`) with a `retry`
flag and, where Meta asks us to slow down, a `backoff` hint:

    GraphApiError
    └── GraphCallError
        ├── retry=True   network errors, timeouts, HTTP 429 and 5xx, transient codes
        │                (131000, 2, 1, 4, 80007, 133004…); 130429 and 131056 also
        │                carry a longer backoff (throughput and pair rate limits)
        └── retry=False  everything else: 131026 undeliverable, 131051 unsupported type,
                         131047 outside the 24-hour window, 100/131009 bad parameter,
                         190 expired token, 10/200 permissions…
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from manamitra.errors import GraphApiError
from manamitra.settings import Settings

log = logging.getLogger(__name__)

# Transient per Meta's error-code reference: try again later, the request was fine.
RETRYABLE_CODES = frozenset(
    {1, 2, 4, 17, 341, 131000, 131016, 131048, 131056, 130429, 133004, 80007, 135000}
)
# Rate limits want a longer pause than a plain transient error.
SLOW_DOWN_SECONDS: dict[int, float] = {130429: 2.0, 80007: 2.0, 4: 2.0, 131056: 6.0, 131048: 6.0}


class GraphCallError(GraphApiError):
    """A failed Graph API call; `backoff` is the minimum wait Meta's answer asks for."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_code: int | None,
        retry: bool,
        backoff: float | None = None,
        fbtrace_id: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(message, status=status, error_code=error_code, retry=retry)
        self.backoff = backoff
        self.fbtrace_id = fbtrace_id
        self.title = title


@dataclass(frozen=True)
class MediaInfo:
    id: str
    url: str
    mime_type: str
    sha256: str | None
    file_size: int | None


def classify(status: int, code: int | None) -> tuple[bool, float | None]:
    """(retry?, backoff hint) for an HTTP status and a Graph error code."""
    backoff = SLOW_DOWN_SECONDS.get(code) if code is not None else None
    if code in RETRYABLE_CODES:
        return True, backoff
    if code is not None and 400 <= status < 500 and status != 429:
        return False, None
    if status == 429:
        return True, backoff or 1.0
    if status >= 500:
        return True, backoff
    return False, None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def error_from_response(response: httpx.Response) -> GraphCallError:
    try:
        data = orjson.loads(response.content)
        error = data.get("error") if isinstance(data, dict) else None
    except orjson.JSONDecodeError:
        error = None
    error = error if isinstance(error, dict) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    retry, backoff = classify(response.status_code, code)
    backoff = max(filter(None, (backoff, _retry_after(response))), default=None)
    details = (
        error.get("error_data", {}).get("details")
        if isinstance(error.get("error_data"), dict)
        else None
    )
    message = str(error.get("message") or f"HTTP {response.status_code}")
    return GraphCallError(
        message + (f": {details}" if details else ""),
        status=response.status_code,
        error_code=code,
        retry=retry,
        backoff=backoff,
        fbtrace_id=error.get("fbtrace_id"),
        title=error.get("error_user_title"),
    )


class GraphClient:
    """Graph API calls for one business number, over one pooled HTTP client."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        max_connections: int = 200,
    ) -> None:
        self.base = settings.graph_base
        self.phone_number_id = settings.whatsapp_phone_number_id
        self._client = httpx.AsyncClient(
            base_url=self.base,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=5.0),
            headers={"Authorization": f"Bearer {settings.whatsapp_access_token}"},
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise GraphCallError(
                f"Graph API timed out: {type(exc).__name__}", status=0, error_code=None, retry=True
            ) from exc
        except httpx.TransportError as exc:
            raise GraphCallError(
                f"Graph API unreachable: {type(exc).__name__}",
                status=0,
                error_code=None,
                retry=True,
            ) from exc
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    async def _json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._request(method, url, **kwargs)
        try:
            data = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise GraphCallError(
                "Graph API answered with something that is not JSON",
                status=response.status_code,
                error_code=None,
                retry=True,
            ) from exc
        if not isinstance(data, dict):
            raise GraphCallError(
                "Graph API answered with a non-object", status=200, error_code=None, retry=True
            )
        return data

    async def send_message(self, body: dict[str, Any]) -> str | None:
        """POST /{phone_number_id}/messages; the new message's wamid (None for mark-as-read)."""
        data = await self._json(
            "POST",
            f"/{self.phone_number_id}/messages",
            content=orjson.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        messages = data.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            wamid = messages[0].get("id")
            return str(wamid) if wamid else None
        if data.get("success") is True:
            return None
        raise GraphCallError(
            "Graph API accepted the message without an id", status=200, error_code=None, retry=False
        )

    async def upload_media(self, content: bytes, mime_type: str, filename: str) -> str:
        """POST /{phone_number_id}/media (multipart); the media id to send by."""
        data = await self._json(
            "POST",
            f"/{self.phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, content, mime_type)},
        )
        media_id = data.get("id")
        if not media_id:
            raise GraphCallError(
                "media upload answered without an id", status=200, error_code=None, retry=False
            )
        return str(media_id)

    async def media_info(self, media_id: str) -> MediaInfo:
        """GET /{media_id}: a short-lived download URL and what the file claims to be."""
        data = await self._json(
            "GET", f"/{media_id}", params={"phone_number_id": self.phone_number_id}
        )
        url = data.get("url")
        if not url:
            raise GraphCallError(
                "media lookup answered without a URL", status=200, error_code=None, retry=False
            )
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
        try:
            async with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise error_from_response(response)
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise GraphCallError(
                            f"media larger than {max_bytes} bytes",
                            status=200,
                            error_code=None,
                            retry=False,
                        )
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise GraphCallError(
                "media download timed out", status=0, error_code=None, retry=True
            ) from exc
        except httpx.TransportError as exc:
            raise GraphCallError(
                "media download failed", status=0, error_code=None, retry=True
            ) from exc

    async def delete_media(self, media_id: str) -> None:
        await self._json("DELETE", f"/{media_id}", params={"phone_number_id": self.phone_number_id})
