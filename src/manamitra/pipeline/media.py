"""Citizens' media (photos of a pothole, a scanned ration card, a voice note) into the store.

`fetch_media` asks the channel where the file is (Graph: GET /{media-id} → a URL valid five
minutes), downloads it with a size cap per kind, checks the type and the hash Meta gave, and
keeps the bytes as a `MediaBlob` keyed by the channel's media id, so a retry fetches nothing
twice. The channel is a Protocol here; the WhatsApp GraphClient fits it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Protocol

from manamitra import clock
from manamitra.errors import ManamitraError
from manamitra.messaging.inbound import Media, blob_key
from manamitra.store import Database
from manamitra.store.models import MediaBlob

MB = 1024 * 1024
# WhatsApp's own limits per kind; documents are capped lower than Meta's 100 MB because a
# government form never needs more, and the bytes live in the database.
LIMITS: dict[str, int] = {
    "image": 5 * MB,
    "sticker": 500 * 1024,
    "audio": 16 * MB,
    "video": 16 * MB,
    "document": 25 * MB,
}
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image": ("image/jpeg", "image/png", "image/webp"),
    "sticker": ("image/webp",),
    "audio": ("audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr", "audio/opus"),
    "video": ("video/mp4", "video/3gpp"),
    "document": (
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
        "application/msword",
        "application/vnd.openxmlformats-officedocument",
        "application/vnd.ms-excel",
    ),
}


class MediaRejectedError(ManamitraError):
    """The file is of a type we do not take, too large, or not what Meta said it was."""


class MediaLocation(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def mime_type(self) -> str: ...
    @property
    def sha256(self) -> str | None: ...
    @property
    def file_size(self) -> int | None: ...


class MediaSource(Protocol):
    async def media_info(self, media_id: str) -> MediaLocation: ...

    async def download_media(self, url: str, *, max_bytes: int) -> bytes: ...


def kind_of(mime_type: str) -> str:
    """The media kind a MIME type belongs to ("image", "audio", …), for the limits table."""
    main = mime_type.split(";")[0].strip().lower()
    for kind in ("sticker", "image", "audio", "video"):
        if main in ALLOWED_TYPES[kind]:
            return "image" if kind == "sticker" else kind
    return "document"


def check_type(mime_type: str, kind: str) -> None:
    main = mime_type.split(";")[0].strip().lower()
    if not any(main.startswith(allowed) for allowed in ALLOWED_TYPES.get(kind, ())):
        raise MediaRejectedError(f"{kind} of type {main} is not accepted")


def _hash_matches(content: bytes, claimed: str | None) -> bool:
    if not claimed:
        return True
    digest = hashlib.sha256(content).digest()
    # Webhooks give the hash in base64, the media lookup in hex; accept either form.
    return claimed.lower() == digest.hex() or claimed == base64.b64encode(digest).decode()


def _existing(database: Database, key: str) -> MediaBlob | None:
    with database.unit_of_work() as session:
        return session.get(MediaBlob, key)


def _save(database: Database, blob: MediaBlob) -> MediaBlob:
    with database.unit_of_work() as session:
        existing = session.get(MediaBlob, blob.key)
        if existing is not None:
            return existing
        session.add(blob)
    return blob


async def fetch_media(
    source: MediaSource, database: Database, media: Media, *, kind: str | None = None
) -> MediaBlob:
    """Download a citizen's media once and keep it; MediaRejectedError if it does not fit."""
    key = blob_key(media)
    existing = await asyncio.to_thread(_existing, database, key)
    if existing is not None:
        return existing
    kind = kind or kind_of(media.mime_type)
    limit = LIMITS.get(kind, LIMITS["document"])
    check_type(media.mime_type, kind)
    if media.file_size is not None and media.file_size > limit:
        raise MediaRejectedError(f"{kind} of {media.file_size} bytes is over {limit}")
    info = await source.media_info(media.id)
    check_type(info.mime_type, kind)
    if info.file_size is not None and info.file_size > limit:
        raise MediaRejectedError(f"{kind} of {info.file_size} bytes is over {limit}")
    content = await source.download_media(info.url, max_bytes=limit)
    if not (_hash_matches(content, info.sha256) and _hash_matches(content, media.sha256)):
        raise MediaRejectedError("downloaded media does not match its hash")
    blob = MediaBlob(
        key=key,
        mime_type=info.mime_type.split(";")[0].strip(),
        filename=media.filename,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        created_at=clock.now(),
    )
    return await asyncio.to_thread(_save, database, blob)


def fetch_media_sync(
    source: MediaSource, database: Database, media: Media, *, kind: str | None = None
) -> MediaBlob:
    """The same, for synchronous callers outside any event loop."""
    return asyncio.run(fetch_media(source, database, media, kind=kind))
