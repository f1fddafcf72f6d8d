"""Citizens' media fetched through the Graph client into the store: once, checked, capped."""

from __future__ import annotations

import asyncio
import base64
import hashlib

import httpx
import pytest
from sqlalchemy import func, select

from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.errors import GraphApiError
from manamitra.messaging.inbound import Media
from manamitra.pipeline.media import MediaRejectedError, fetch_media
from manamitra.store import Database
from manamitra.store.models import MediaBlob
from tests.pipeline.graph_fake import SETTINGS

JPEG = b"\xff\xd8\xff\xe0" + b"pothole" * 100
URL = "https://lookaside.fbsbx.test/whatsapp_business/attachments/?mid=1003383421387256"


def graph(
    content: bytes = JPEG,
    *,
    mime: str = "image/jpeg",
    size: int | None = None,
    calls: list[str] | None = None,
) -> GraphClient:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer tok"
        if calls is not None:
            calls.append(request.url.path)
        if request.url.host == "lookaside.fbsbx.test":
            return httpx.Response(200, content=content)
        return httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "url": URL,
                "mime_type": mime,
                "sha256": hashlib.sha256(content).hexdigest(),
                "file_size": size if size is not None else len(content),
                "id": "1003383421387256",
            },
        )

    return GraphClient(SETTINGS, transport=httpx.MockTransport(handle))


def image(**kw: object) -> Media:
    values: dict[str, object] = {
        "id": "1003383421387256",
        "mime_type": "image/jpeg",
        "sha256": base64.b64encode(hashlib.sha256(JPEG).digest()).decode(),
    }
    values.update(kw)
    return Media(**values)  # type: ignore[arg-type]


def fetch(client: GraphClient, database: Database, media: Media, kind: str) -> MediaBlob:
    async def main() -> MediaBlob:
        try:
            return await fetch_media(client, database, media, kind=kind)
        finally:
            await client.aclose()

    return asyncio.run(main())


def test_media_is_downloaded_once_into_the_store(database: Database) -> None:
    calls: list[str] = []
    blob = fetch(graph(calls=calls), database, image(), "image")
    assert (blob.key, blob.mime_type, blob.size) == (
        "wa-media:1003383421387256",
        "image/jpeg",
        len(JPEG),
    )
    assert blob.sha256 == hashlib.sha256(JPEG).hexdigest()
    again = fetch(graph(calls=calls), database, image(), "image")
    assert again.key == blob.key
    assert len(calls) == 2  # lookup + download, the first time only
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(MediaBlob)) == 1
        stored = s.get(MediaBlob, blob.key)
        assert stored is not None and stored.content == JPEG


@pytest.mark.parametrize(
    ("client", "media", "kind", "reason"),
    [
        (graph(b"x" * 6_000_000, size=100), image(sha256=None), "image", "larger than"),
        (graph(size=10 * 1024 * 1024), image(), "image", "over"),
        (graph(), image(mime_type="application/x-msdownload"), "image", "not accepted"),
        (graph(mime="text/html"), image(), "image", "not accepted"),
        (graph(b"something else"), image(), "image", "hash"),
    ],
    ids=["streamed-too-large", "declared-too-large", "bad-type", "lookup-type", "hash"],
)
def test_media_that_does_not_fit_is_rejected(
    sqlite_database_url: str, client: GraphClient, media: Media, kind: str, reason: str
) -> None:
    database = Database(sqlite_database_url)
    with pytest.raises((MediaRejectedError, GraphApiError), match=reason):
        fetch(client, database, media, kind)
    with database.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(MediaBlob)) == 0
    database.dispose()


def test_voice_note_type_with_codec_parameter_is_accepted(sqlite_database_url: str) -> None:
    database = Database(sqlite_database_url)
    ogg = b"OggS" + b"\x00" * 50
    media = Media(id="1003383421387258", mime_type="audio/ogg; codecs=opus", voice=True)
    blob = fetch(graph(ogg, mime="audio/ogg; codecs=opus"), database, media, "audio")
    assert blob.mime_type == "audio/ogg" and blob.content == ogg
    database.dispose()
