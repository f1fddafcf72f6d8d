"""The simulator's JSON API: phones writing in, what the platform sent them, faults, the clock.

POST   /sandbox/api/inbound     a phone sends text, a tap, media or a location → {"wamid"}
GET    /sandbox/api/outbox?to=  Graph request bodies sent to that number, oldest first
GET    /sandbox/api/messages    the chats with ids, statuses and times (what the page shows)
GET    /sandbox/api/events      Server-Sent Events of every change (Last-Event-ID resumes)
POST   /sandbox/api/read        a phone showed messages → `read` statuses
GET|POST|DELETE /sandbox/api/phones   the simulated phones
GET|POST|DELETE /sandbox/api/faults   queued faults (see fault.py)
POST   /sandbox/api/clock       move the platform clock forward (24-hour window tests)
POST   /sandbox/api/reset       forget everything
GET    /sandbox/api/media/{id}  media bytes for the page (what the phone would show)
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from manamitra import clock
from manamitra.sandbox.emulator import GraphEmulator
from manamitra.sandbox.fault import Fault
from manamitra.sandbox.phone import InboundError, MediaUpload, Phone
from manamitra.sandbox.throughput import LimitSettings

EVENT_STREAM_SECONDS = 15.0  # streams end and the browser reconnects, so shutdown never waits


class MediaIn(BaseModel):
    data_base64: str
    mime_type: str
    caption: str | None = None
    filename: str | None = None
    voice: bool = False
    # a voice note's words as the tester says they are: the sandbox's stand-in recogniser
    # (sandbox/speech.py) then "hears" them in this recording, and nothing else
    transcript: str | None = Field(default=None, max_length=1000)


class LocationIn(BaseModel):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    name: str | None = None
    address: str | None = None


class ReactionIn(BaseModel):
    message_id: str
    emoji: str = ""


_CONTENT_FIELDS = (
    "text",
    "button_id",
    "list_id",
    "image",
    "document",
    "audio",
    "video",
    "sticker",
    "location",
    "reaction",
)


class InboundIn(BaseModel):
    """What a simulated phone sends: exactly one of the content fields."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    sender: str = Field(alias="from", min_length=8, max_length=16)
    name: str | None = None
    text: str | None = None
    reply_to: str | None = None
    button_id: str | None = None
    list_id: str | None = None
    context_id: str | None = None
    image: MediaIn | None = None
    document: MediaIn | None = None
    audio: MediaIn | None = None
    video: MediaIn | None = None
    sticker: MediaIn | None = None
    location: LocationIn | None = None
    reaction: ReactionIn | None = None

    @model_validator(mode="after")
    def _one_content(self) -> InboundIn:
        given = [name for name in _CONTENT_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(_CONTENT_FIELDS)}")
        return self


class ReadIn(BaseModel):
    phone: str
    wamids: list[str]


class PhoneIn(BaseModel):
    number: str = Field(pattern=r"^\+?\d{8,15}$")
    name: str = Field(min_length=1, max_length=60)


class FaultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: int | None = None
    mode: Literal["error", "failed_status", "timeout"] | None = None
    http_status: int | None = Field(default=None, ge=400, le=599)
    to: str | None = None
    count: int = Field(default=1, ge=1, le=100_000)
    delay: float = Field(default=0.0, ge=0, le=600)
    endpoint: Literal["messages", "media", "any"] = "messages"
    details: str | None = None


class FaultsIn(BaseModel):
    faults: list[FaultIn]


class LimitsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    throughput_per_second: float | None = Field(default=None, gt=0, le=10_000)
    throughput_burst: int | None = Field(default=None, ge=1)
    pair_interval_seconds: float | None = Field(default=None, gt=0, le=3600)
    pair_burst: int = Field(default=5, ge=1)


class ClockIn(BaseModel):
    advance_seconds: float = Field(gt=0)


class WebhookIn(BaseModel):
    url: str = Field(pattern=r"^https?://")


VoiceHook = Callable[[MediaUpload, str | None], MediaUpload]


def build_api_router(
    emulator: GraphEmulator, phone: Phone, voice: VoiceHook | None = None
) -> APIRouter:
    router = APIRouter(prefix="/sandbox/api", tags=["sandbox"])
    state = emulator.state

    @router.post("/inbound")
    async def inbound(message: InboundIn) -> dict[str, str]:
        sender, name = message.sender, message.name
        try:
            if message.text is not None:
                wamid = await phone.text(sender, name, message.text, message.reply_to)
            elif message.button_id is not None:
                wamid = await phone.tap(
                    sender, name, message.button_id, want="button", context_id=message.context_id
                )
            elif message.list_id is not None:
                wamid = await phone.tap(
                    sender, name, message.list_id, want="list", context_id=message.context_id
                )
            elif message.location is not None:
                where = message.location
                wamid = await phone.location(
                    sender, name, where.latitude, where.longitude, where.name, where.address
                )
            elif message.reaction is not None:
                wamid = await phone.react(
                    sender, name, message.reaction.message_id, message.reaction.emoji
                )
            else:
                kind, media = next(
                    (k, getattr(message, k))
                    for k in ("image", "document", "audio", "video", "sticker")
                    if getattr(message, k) is not None
                )
                upload = MediaUpload(**media.model_dump(exclude={"transcript"}))
                if kind == "audio" and voice is not None:
                    upload = voice(upload, media.transcript)
                wamid = await phone.media(sender, name, kind, upload)
        except InboundError as exc:
            raise HTTPException(exc.status, str(exc)) from None
        return {"wamid": wamid}

    @router.get("/outbox")
    async def outbox(to: str = Query(min_length=8)) -> list[dict[str, Any]]:
        return [record.body for record in state.chat(to.lstrip("+"), "out")]

    @router.get("/messages")
    async def messages(
        phone_number: str | None = Query(default=None, alias="phone"),
    ) -> list[dict[str, Any]]:
        if phone_number is not None:
            return [r.to_json() for r in state.chat(phone_number.lstrip("+"))]
        records = sorted(state, key=lambda r: r.at)
        return [r.to_json() for r in records]

    @router.get("/snapshot")
    async def snapshot() -> dict[str, Any]:
        """Phones, chats and the feed position they match, for the page to start from."""
        seq, phones, records = state.snapshot()
        return {
            "seq": seq,
            "phones": [{"number": n, "name": name} for n, name in phones.items()],
            "messages": [r.to_json() for r in sorted(records, key=lambda r: r.at)],
            "business": {"display_number": emulator.business.display_number},
        }

    @router.post("/read")
    async def read(body: ReadIn) -> dict[str, list[str]]:
        return {"read": await emulator.phone_read(body.phone.lstrip("+"), body.wamids)}

    @router.get("/phones")
    async def phones() -> list[dict[str, str]]:
        return [{"number": n, "name": name} for n, name in state.phones().items()]

    @router.post("/phones")
    async def add_phone(body: PhoneIn) -> dict[str, str]:
        state.add_phone(body.number.lstrip("+"), body.name)
        return {"number": body.number.lstrip("+"), "name": body.name}

    @router.delete("/phones/{number}")
    async def remove_phone(number: str) -> dict[str, bool]:
        state.remove_phone(number.lstrip("+"))
        return {"removed": True}

    @router.get("/faults")
    async def faults() -> list[dict[str, Any]]:
        return [fault.to_json() for fault in emulator.faults.pending()]

    @router.post("/faults")
    async def add_faults(request: Request) -> list[dict[str, Any]]:
        raw = await request.json()
        try:
            items = (
                FaultsIn.model_validate(raw).faults
                if isinstance(raw, dict) and "faults" in raw
                else [FaultIn.model_validate(raw)]
            )
            built = [Fault.build(**item.model_dump()) for item in items]
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        for fault in built:
            emulator.add_fault(fault)
        return [fault.to_json() for fault in emulator.faults.pending()]

    @router.delete("/faults")
    async def clear_faults() -> dict[str, bool]:
        emulator.faults.clear()
        return {"cleared": True}

    @router.get("/limits")
    async def get_limits() -> dict[str, object]:
        return emulator.limits.to_json()

    @router.post("/limits")
    async def set_limits(body: LimitsIn) -> dict[str, object]:
        emulator.limits.configure(LimitSettings(**body.model_dump()))
        return emulator.limits.to_json()

    @router.get("/clock")
    async def get_clock() -> dict[str, str]:
        now = clock.now()
        return {"now": now.isoformat(), "now_ist": clock.format_ist(now)}

    @router.post("/clock")
    async def advance_clock(body: ClockIn) -> dict[str, str]:
        clock.advance(timedelta(seconds=body.advance_seconds))
        return await get_clock()

    @router.post("/reset")
    async def reset() -> dict[str, bool]:
        emulator.reset()
        return {"reset": True}

    @router.get("/config")
    async def config() -> dict[str, str]:
        business = emulator.business
        return {
            "phone_number_id": business.phone_number_id,
            "display_number": business.display_number,
            "webhook_url": emulator.delivery.url,
        }

    @router.post("/webhook")
    async def set_webhook(body: WebhookIn) -> dict[str, str]:
        emulator.delivery.url = body.url
        return {"webhook_url": body.url}

    @router.get("/media/{media_id}")
    async def media(media_id: str) -> Response:
        item = state.media(media_id)
        if item is None:
            return JSONResponse({"detail": "no such media"}, status_code=404)
        headers = {}
        if item.filename:
            headers["Content-Disposition"] = f'inline; filename="{item.filename}"'
        return Response(item.data, media_type=item.mime_type, headers=headers)

    @router.get("/events")
    async def events(request: Request, after: int | None = None) -> StreamingResponse:
        # On reconnect the browser sends Last-Event-ID: it wins over the first `after`.
        last = request.headers.get("last-event-id")
        if last and last.isdigit():
            start = int(last)
        else:
            start = after if after is not None else state.last_seq
        return StreamingResponse(
            _event_stream(emulator, start),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router


async def _event_stream(emulator: GraphEmulator, seq: int) -> AsyncIterator[str]:
    state = emulator.state
    waiter = state.notifier.register()
    loop, wake = waiter
    deadline = loop.time() + EVENT_STREAM_SECONDS
    try:
        yield "retry: 500\n\n"
        while loop.time() < deadline:
            wake.clear()
            for event in state.events_after(seq):
                seq = event["seq"]
                yield f"id: {seq}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
            try:
                await asyncio.wait_for(wake.wait(), timeout=max(deadline - loop.time(), 0.01))
            except TimeoutError:
                yield ": keep-alive\n\n"
    finally:
        state.notifier.unregister(waiter)
