"""A simulated citizen's phone writing in: builds Meta's webhook body, signs and delivers it.

Taps are resolved like WhatsApp resolves them: a reply-button or list-row tap carries the id
and the title of that button or row from the last business message that offered it, with
`context.id` naming that message.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from manamitra import clock
from manamitra.sandbox import payload
from manamitra.sandbox.emulator import GraphEmulator, media_kind
from manamitra.sandbox.state import Record


class InboundError(Exception):
    """The simulator was asked for something a phone could not send; `status` is the HTTP code."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class MediaUpload:
    data_base64: str
    mime_type: str
    caption: str | None = None
    filename: str | None = None
    voice: bool = False


@dataclass(frozen=True)
class Choice:
    """A tapped button or row, found in the business message that offered it."""

    kind: str  # "button_reply", "list_reply" or "template_button"
    id: str
    title: str
    description: str | None
    wamid: str


def find_choice(records: list[Record], choice_id: str, *, want: str) -> Choice | None:
    """The newest outbound message offering `choice_id` as a button (`want="button"`) or row."""
    for record in reversed(records):
        if record.direction != "out":
            continue
        body = record.body
        if record.kind == "interactive":
            interactive = body.get("interactive", {})
            action = interactive.get("action", {})
            if want == "button" and interactive.get("type") == "button":
                for button in action.get("buttons", []):
                    reply = button.get("reply", {})
                    if reply.get("id") == choice_id:
                        return Choice(
                            "button_reply", choice_id, reply.get("title", ""), None, record.wamid
                        )
            if want == "list" and interactive.get("type") == "list":
                for section in action.get("sections", []):
                    for row in section.get("rows", []):
                        if row.get("id") == choice_id:
                            return Choice(
                                "list_reply",
                                choice_id,
                                row.get("title", ""),
                                row.get("description"),
                                record.wamid,
                            )
        if want == "button" and record.kind == "template":
            for component in body.get("template", {}).get("components", []):
                if component.get("type") != "button":
                    continue
                for parameter in component.get("parameters", []):
                    if parameter.get("payload") == choice_id:
                        return Choice(
                            "template_button",
                            choice_id,
                            parameter.get("text", choice_id),
                            None,
                            record.wamid,
                        )
    return None


class Phone:
    """The phone side of the emulator: every simulated phone writes in through here."""

    def __init__(self, emulator: GraphEmulator) -> None:
        self.emulator = emulator
        self.state = emulator.state

    async def send(
        self,
        wa_id: str,
        name: str | None,
        kind: str,
        content: dict[str, Any],
        *,
        context_id: str | None = None,
    ) -> str:
        wa_id = wa_id.lstrip("+")
        if not wa_id.isdigit() or not 8 <= len(wa_id) <= 15:
            raise InboundError("'from' must be a phone number in international form, digits only")
        name = name or self.state.phone_name(wa_id) or f"Citizen {wa_id[-4:]}"
        self.state.add_phone(wa_id, name)
        wamid = payload.new_wamid(wa_id)
        now = clock.now()
        body = payload.inbound(
            self.emulator.business,
            wa_id=wa_id,
            name=name,
            wamid=wamid,
            sent_at=now,
            kind=kind,
            content=content,
            context_id=context_id,
        )
        message = body["entry"][0]["changes"][0]["value"]["messages"][0]
        self.state.add(
            Record(
                wamid=wamid,
                phone=wa_id,
                direction="in",
                at=now,
                kind=kind,
                body=message,
                status="sent",
            )
        )
        if kind == "reaction":
            self.state.react(content["message_id"], wa_id, content.get("emoji", ""))
        if await self.emulator.delivery.deliver(body):
            # The platform took it: the phone shows two grey ticks (blue once marked read).
            self.state.set_status(wamid, "delivered")
        return wamid

    async def text(
        self, wa_id: str, name: str | None, text: str, reply_to: str | None = None
    ) -> str:
        if not text:
            raise InboundError("text must not be empty")
        return await self.send(wa_id, name, *payload.text(text), context_id=reply_to)

    async def tap(
        self,
        wa_id: str,
        name: str | None,
        choice_id: str,
        *,
        want: str,
        context_id: str | None = None,
    ) -> str:
        records = self.state.chat(wa_id.lstrip("+"), "out")
        if context_id is not None:
            records = [r for r in records if r.wamid == context_id]
        choice = find_choice(records, choice_id, want=want)
        if choice is None:
            what = "button" if want == "button" else "list row"
            raise InboundError(f"no message sent to {wa_id} offered a {what} with id {choice_id!r}")
        if choice.kind == "button_reply":
            kind, content = payload.button_reply(choice.id, choice.title)
        elif choice.kind == "list_reply":
            kind, content = payload.list_reply(choice.id, choice.title, choice.description)
        else:
            kind, content = payload.template_button(choice.id, choice.title)
        return await self.send(wa_id, name, kind, content, context_id=choice.wamid)

    async def media(self, wa_id: str, name: str | None, kind: str, upload: MediaUpload) -> str:
        try:
            data = base64.b64decode(upload.data_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InboundError("data_base64 is not valid base64") from None
        detected = media_kind(upload.mime_type)
        if kind != "document" and detected != kind:
            raise InboundError(f"{upload.mime_type} cannot be sent as {kind}")
        item = self.emulator.store_media(
            data=data, mime_type=upload.mime_type, filename=upload.filename, origin="phone"
        )
        mime = upload.mime_type
        if (
            kind == "audio"
            and upload.voice
            and mime.startswith("audio/ogg")
            and ("codecs" not in mime)
        ):
            mime = "audio/ogg; codecs=opus"
        kind, content = payload.media(
            kind,
            media_id=item.id,
            mime_type=mime,
            sha256=payload.media_sha256(data),
            caption=upload.caption,
            filename=upload.filename,
            voice=upload.voice,
        )
        return await self.send(wa_id, name, kind, content)

    async def location(
        self,
        wa_id: str,
        name: str | None,
        latitude: float,
        longitude: float,
        place: str | None = None,
        address: str | None = None,
    ) -> str:
        return await self.send(wa_id, name, *payload.location(latitude, longitude, place, address))

    async def react(self, wa_id: str, name: str | None, message_id: str, emoji: str) -> str:
        if self.state.get(message_id) is None:
            raise InboundError(f"no message {message_id!r} to react to", status=404)
        return await self.send(wa_id, name, *payload.reaction(message_id, emoji))
