"""A sender process for crash tests, to be killed with SIGKILL: it runs the outbox sender
against a fake Graph that answers some citizens, never answers others, and never finishes a
media upload, leaving a file in MARKER_DIR for each request it has received.

    python -m tests.pipeline.crashing_sender DATABASE_URL MARKER_DIR CITIZEN_NEVER_ANSWERED
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.channels.whatsapp.sender import OutboxSender
from manamitra.store import Database
from tests.pipeline.graph_fake import SETTINGS, FakeGraph


class HangingGraph(FakeGraph):
    def __init__(self, markers: Path, never_answered: str) -> None:
        super().__init__()
        self.markers = markers
        self.never_answered = never_answered

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/media"):
            (self.markers / "upload").touch()
            await asyncio.Event().wait()
        if self.never_answered.encode() in request.content:
            (self.markers / f"request-{self.never_answered}").touch()
            await asyncio.Event().wait()
        response = await super().handle(request)
        # wamids of its own: the restarted sender's fake Graph counts from 1 again
        return httpx.Response(200, content=response.content.replace(b"wamid.OUT", b"wamid.DIED"))


async def main(url: str, markers: Path, never_answered: str) -> None:
    graph = GraphClient(
        SETTINGS, transport=httpx.MockTransport(HangingGraph(markers, never_answered).handle)
    )
    sender = OutboxSender(Database(url), graph, SETTINGS, poll_interval=0.05)
    await sender.run(asyncio.Event())  # runs until killed


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), sys.argv[3]))
