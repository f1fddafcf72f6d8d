"""Checking certificates citizens send on WhatsApp, outside the worker's transaction.

A bounded queue fed by services/document_check.py; a background job downloads the file from
the Graph API, finds and verifies its QR, and writes the verdict to the outbox. The queue
lives in memory: a request lost to a crash costs the citizen one resend, never a wrong answer.
"""

from __future__ import annotations

import asyncio
import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Media
from manamitra.messaging.outbox import enqueue
from manamitra.messaging.reply import Text
from manamitra.pipeline.media import MediaRejectedError, MediaSource, fetch_media
from manamitra.store import Database
from manamitra.trust.message import verdict_message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Request:
    citizen: str
    media: Media
    lang: str


class DocumentCheckQueue:
    def __init__(
        self,
        database: Database,
        graph: MediaSource,
        documents: Any,
        *,
        notify: Callable[[], None] | None = None,
        capacity: int = 200,
    ) -> None:
        self.database = database
        self.graph = graph
        self.documents = documents
        self.notify = notify
        self._queue: queue.Queue[_Request] = queue.Queue(maxsize=capacity)

    def submit(self, citizen: str, media: Media, lang: str) -> bool:
        """Safe from any thread; False when the queue is full."""
        try:
            self._queue.put_nowait(_Request(citizen, media, lang))
        except queue.Full:
            return False
        return True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                request = self._queue.get_nowait()
            except queue.Empty:
                await asyncio.sleep(0.2)
                continue
            await self.check(request)

    async def check(self, request: _Request) -> None:
        try:
            blob = await fetch_media(self.graph, self.database, request.media)
            content = blob.content or b""
            message = await asyncio.to_thread(self._verdict, content, request.lang)
        except MediaRejectedError:
            message = t(request.lang, "document_check.unreadable")
        await asyncio.to_thread(self._reply, request.citizen, message)
        if self.notify is not None:
            self.notify()

    def _verdict(self, content: bytes, lang: str) -> str:
        with self.database.unit_of_work() as session:
            return verdict_message(self.documents.verify_upload(session, content), lang)

    def _reply(self, citizen: str, message: str) -> None:
        with self.database.unit_of_work() as session:
            enqueue(session, citizen, [Text(message)])
