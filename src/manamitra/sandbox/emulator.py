"""The Graph API emulator's behaviour, free of HTTP: sending, media, phones writing in, statuses.

`GraphEmulator` is what Meta's servers do for one business number: it checks the bearer token
and the phone number id, validates each message like Meta, records it, answers with a wamid,
then posts `sent` and `delivered` statuses (and `read` when a simulated phone shows the message)
back to the platform's webhook, signed. Outside the 24-hour customer service window a
non-template message is accepted and then fails with 131047, as on Meta.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from manamitra import clock
from manamitra.sandbox import graph_error, limits, payload
from manamitra.sandbox.delivery import WebhookDelivery
from manamitra.sandbox.fault import Fault, FaultQueue
from manamitra.sandbox.graph_error import GraphError
from manamitra.sandbox.payload import Business, Pricing
from manamitra.sandbox.state import MediaItem, Record, SandboxState
from manamitra.sandbox.templates import TemplateBook
from manamitra.sandbox.throughput import LimitSettings, SendLimits

MEDIA_URL_TTL = timedelta(minutes=5)

# Meta's accepted upload types and size caps (bytes), per media kind.
MEDIA_LIMITS: dict[str, tuple[int, tuple[str, ...]]] = {
    "image": (5 * 1024 * 1024, ("image/jpeg", "image/png")),
    "audio": (
        16 * 1024 * 1024,
        ("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/opus"),
    ),
    "video": (16 * 1024 * 1024, ("video/mp4", "video/3gpp")),
    "sticker": (500 * 1024, ("image/webp",)),
    "document": (
        100 * 1024 * 1024,
        (
            "application/pdf",
            "text/plain",
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    ),
}


def media_kind(mime_type: str) -> str | None:
    base = mime_type.split(";")[0].strip().lower()
    for kind, (_, types) in MEDIA_LIMITS.items():
        if base in types:
            return kind
    return None


@dataclass
class StatusDelays:
    """Seconds from acceptance to `sent`, and from `sent` to `delivered`.

    `enabled=False` skips sent/delivered webhooks (benchmarks that only count replies);
    failures (131047, injected faults) are still reported.
    """

    sent: float = 0.05
    delivered: float = 0.15
    enabled: bool = True


class GraphEmulator:
    def __init__(
        self,
        *,
        business: Business,
        access_token: str,
        delivery: WebhookDelivery,
        state: SandboxState | None = None,
        delays: StatusDelays | None = None,
    ) -> None:
        self.business = business
        self.access_token = access_token
        self.delivery = delivery
        self.state = state or SandboxState()
        self.faults = FaultQueue()
        self.limits = SendLimits()
        self.delays = delays or StatusDelays()
        self.templates = TemplateBook(business, post=delivery.deliver_with_retries)
        self._url_key = secrets.token_bytes(16)

    def reset(self) -> None:
        self.state.reset()
        self.templates.reset()
        self.faults.clear()
        self.limits.configure(LimitSettings())

    # Checks every Graph call makes ---------------------------------------------------------
    def authorize(self, authorization: str | None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.access_token.encode()
        ):
            raise graph_error.invalid_token()

    def check_phone_number_id(self, phone_number_id: str, method: str) -> None:
        if not self.business.owns(phone_number_id):
            raise graph_error.unknown_object(phone_number_id, method)

    # Sending -------------------------------------------------------------------------------
    async def send(self, phone_number_id: str, body: Any) -> dict[str, Any]:
        """POST /{version}/{phone_number_id}/messages, after authorisation."""
        self.check_phone_number_id(phone_number_id, "POST")
        if limits.is_mark_read(body):
            return self._mark_read_by_business(body)
        kind = limits.validate_message(body, self._media_exists)
        to = self._recipient(body)
        fault = self.faults.take("messages", to)
        if fault is not None and fault.mode == "timeout":
            await asyncio.sleep(fault.delay)
            fault = None
        if fault is not None and fault.mode == "error":
            raise fault.as_error()
        if kind == "template":
            template = body["template"]
            self.templates.sendable(str(template["name"]), str(template["language"]["code"]))
        refused = self.limits.check(to)
        if refused is not None:
            raise GraphError(
                refused,
                details=graph_error.DETAILS[refused],
                status=429 if refused == graph_error.THROUGHPUT_LIMIT else 400,
            )
        wamid = payload.new_wamid(to)
        record = Record(
            wamid=wamid, phone=to, direction="out", at=clock.now(), kind=kind, body=body
        )
        self.state.add(record)
        if kind == "reaction":
            self.state.react(
                body["reaction"]["message_id"], "business", body["reaction"].get("emoji", "")
            )
        if fault is not None:  # failed_status
            self.delivery.spawn(
                self._fail_later(record, fault.code or graph_error.UNDELIVERABLE, fault.details)
            )
        elif kind != "template" and not self.state.in_service_window(to):
            self.delivery.spawn(self._fail_later(record, graph_error.REENGAGEMENT, None))
        else:
            if self.delays.enabled:
                self.delivery.spawn(self._sent_then_delivered(record))
            else:
                self.state.set_status(record.wamid, "delivered")
        contact = {"input": body.get("to") or body["recipient"], "wa_id": to}
        if body.get("recipient"):
            contact["user_id"] = body["recipient"]
        return {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": wamid}]}

    def _recipient(self, body: dict[str, Any]) -> str:
        """The phone a send goes to: `to` (a number) or `recipient` (a BSUID, since 2026)."""
        if body.get("to"):
            return limits.wa_id(str(body["to"]))
        for phone in {*self.state.phones(), *self.state.chats()}:
            if payload.user_id(phone) == body["recipient"]:
                return phone
        raise graph_error.param(f"Param recipient '{body['recipient']}' is not a valid user id.")

    def _mark_read_by_business(self, body: dict[str, Any]) -> dict[str, Any]:
        # Meta answers success even for ids it no longer shows; the phone sees blue ticks.
        record = self.state.get(str(body["message_id"]))
        if record is not None and record.direction == "in":
            self.state.set_status(record.wamid, "read")
            if isinstance(body.get("typing_indicator"), dict):
                # WhatsApp shows "typing…" until the reply arrives or 25 seconds pass.
                self.state.signal({"type": "typing", "phone": record.phone})
        return {"success": True}

    def _pricing(self, record: Record) -> Pricing:
        if record.kind == "template":
            category = "utility"
            return Pricing(category=category, billable=True, type="regular")
        return Pricing()

    async def _sent_then_delivered(self, record: Record) -> None:
        await asyncio.sleep(self.delays.sent)
        await self._post_status(record, "sent")
        await asyncio.sleep(self.delays.delivered)
        await self._post_status(record, "delivered")

    async def _fail_later(self, record: Record, code: int, details: str | None) -> None:
        await asyncio.sleep(self.delays.sent)
        self.state.set_status(record.wamid, "failed", code)
        body = payload.status(
            self.business,
            wamid=record.wamid,
            recipient=record.phone,
            state="failed",
            at=clock.now(),
            error_code=code,
            error_details=details,
            callback_data=record.body.get("biz_opaque_callback_data"),
        )
        await self.delivery.deliver_with_retries(body)

    async def _post_status(self, record: Record, state: str) -> None:
        if not self.state.set_status(record.wamid, state):
            return
        body = payload.status(
            self.business,
            wamid=record.wamid,
            recipient=record.phone,
            state=state,
            at=clock.now(),
            conversation_id=self.state.conversation_id(record.phone),
            pricing=self._pricing(record),
            callback_data=record.body.get("biz_opaque_callback_data"),
        )
        await self.delivery.deliver_with_retries(body)

    async def phone_read(self, phone: str, wamids: list[str]) -> list[str]:
        """A simulated phone showed these messages: post `read` statuses for them."""
        read: list[str] = []
        for wamid in wamids:
            record = self.state.get(wamid)
            if record is None or record.phone != phone or record.direction != "out":
                continue
            if record.status not in ("sent", "delivered"):
                continue
            if self.state.set_status(wamid, "read"):
                read.append(wamid)
                body = payload.status(
                    self.business,
                    wamid=wamid,
                    recipient=phone,
                    state="read",
                    at=clock.now(),
                    callback_data=record.body.get("biz_opaque_callback_data"),
                )
                self.delivery.spawn(self.delivery.deliver_with_retries(body))
        return read

    # Media ---------------------------------------------------------------------------------
    def _media_exists(self, media_id: str) -> bool:
        return self.state.media(media_id) is not None

    def upload(
        self,
        phone_number_id: str,
        *,
        data: bytes,
        mime_type: str,
        filename: str | None,
        messaging_product: str | None,
    ) -> dict[str, str]:
        self.check_phone_number_id(phone_number_id, "POST")
        if messaging_product != "whatsapp":
            raise graph_error.param("The parameter messaging_product is required.")
        fault = self.faults.take("media", None)
        if fault is not None and fault.mode == "error":
            raise fault.as_error()
        item = self.store_media(
            data=data, mime_type=mime_type, filename=filename, origin="business"
        )
        return {"id": item.id}

    def store_media(
        self, *, data: bytes, mime_type: str, filename: str | None, origin: str
    ) -> MediaItem:
        # A phone may send any file as a document; the business may upload only Meta's types.
        kind = media_kind(mime_type) or ("document" if origin == "phone" else None)
        if kind is None:
            raise graph_error.param(
                f"Param file must be a file with one of the following types: "
                f"{', '.join(t for _, types in MEDIA_LIMITS.values() for t in types)}. "
                f"Received file of type '{mime_type}'."
            )
        cap = MEDIA_LIMITS[kind][0]
        if not data:
            raise graph_error.param("The parameter file is required.")
        if len(data) > cap:
            raise GraphError(
                graph_error.MEDIA_UPLOAD,
                details=f"File size exceeds the {kind} limit of {cap} bytes.",
            )
        item = MediaItem(
            id=payload.new_media_id(),
            data=data,
            mime_type=mime_type,
            filename=filename,
            uploaded_at=clock.now(),
            origin="phone" if origin == "phone" else "business",
        )
        self.state.put_media(item)
        return item

    def media_info(self, media_id: str, base_url: str) -> dict[str, Any]:
        item = self.state.media(media_id)
        if item is None:
            raise graph_error.unknown_object(media_id, "GET")
        expires = int((clock.now() + MEDIA_URL_TTL).timestamp())
        return {
            "url": f"{base_url.rstrip('/')}/_media/{media_id}?expires={expires}"
            f"&hash={self._url_hash(media_id, expires)}",
            "mime_type": item.mime_type,
            "sha256": item.sha256_hex,
            "file_size": len(item.data),
            "id": item.id,
            "messaging_product": "whatsapp",
        }

    def _url_hash(self, media_id: str, expires: int) -> str:
        return hmac.new(
            self._url_key, f"{media_id}:{expires}".encode(), hashlib.sha256
        ).hexdigest()[:32]

    def download(self, media_id: str, expires: str, url_hash: str) -> MediaItem:
        """The bytes behind a media URL, while the URL is fresh (the caller checked auth)."""
        item = self.state.media(media_id)
        try:
            expiry = int(expires)
        except ValueError:
            expiry = 0
        fresh = expiry >= int(clock.now().timestamp())
        if (
            item is None
            or not fresh
            or not hmac.compare_digest(url_hash, self._url_hash(media_id, expiry))
        ):
            raise GraphError(
                graph_error.PARAM_INVALID,
                status=404,
                message="URL signature expired",
                whatsapp_data=False,
            )
        return item

    def delete_media(self, media_id: str) -> dict[str, bool]:
        if not self.state.delete_media(media_id):
            raise graph_error.unknown_object(media_id, "DELETE")
        return {"success": True}

    def add_fault(self, fault: Fault) -> None:
        self.faults.add(fault)
