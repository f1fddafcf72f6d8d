"""The emulator's memory: chats per phone, media, the 24-hour windows, and a change feed.

It stands in for Meta's servers, so it lives in memory: bounded (the last `max_messages` per
phone, `max_total_messages` in all, `max_media_bytes` of media), guarded by one lock (the Graph routes, the simulator API
and the delivery tasks touch it from any thread), and resettable between tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, Literal

from manamitra import clock

Direction = Literal["in", "out"]
SERVICE_WINDOW = timedelta(hours=24)
_STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


@dataclass
class Record:
    """One message in a chat. `body` is the Graph request (out) or the webhook message (in)."""

    wamid: str
    phone: str
    direction: Direction
    at: datetime
    kind: str
    body: dict[str, Any]
    status: str = "accepted"
    error_code: int | None = None
    reactions: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "wamid": self.wamid,
            "phone": self.phone,
            "direction": self.direction,
            "at": self.at.isoformat(),
            "at_ist": clock.format_ist(self.at, "%I:%M %p"),
            "kind": self.kind,
            "body": self.body,
            "status": self.status,
            "error_code": self.error_code,
            "reactions": dict(self.reactions),
        }


@dataclass
class MediaItem:
    id: str
    data: bytes
    mime_type: str
    filename: str | None
    uploaded_at: datetime
    origin: Literal["business", "phone"]

    @property
    def sha256_hex(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class _Notifier:
    """Wakes every waiting change-feed reader, on whichever event loop it waits."""

    def __init__(self) -> None:
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()

    def register(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Event]:
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.add(waiter)
        return waiter

    def unregister(self, waiter: tuple[asyncio.AbstractEventLoop, asyncio.Event]) -> None:
        with self._lock:
            self._waiters.discard(waiter)

    def notify(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)


class SandboxState:
    def __init__(
        self,
        *,
        max_messages: int = 2000,
        max_total_messages: int = 100_000,
        max_events: int = 10_000,
        max_media_bytes: int = 256 * 1024 * 1024,
    ) -> None:
        self.max_messages = max_messages
        self.max_total_messages = max_total_messages
        self.max_media_bytes = max_media_bytes
        self._lock = threading.RLock()
        self._chats: dict[str, deque[Record]] = {}
        # Insertion-ordered, so the oldest message overall is the first entry.
        self._by_wamid: OrderedDict[str, Record] = OrderedDict()
        self._media: OrderedDict[str, MediaItem] = OrderedDict()
        self._media_bytes = 0
        self._phones: dict[str, str] = {}
        self._last_inbound: dict[str, datetime] = {}
        self._conversations: dict[str, tuple[str, datetime]] = {}
        self._events: deque[dict[str, Any]] = deque(maxlen=max_events)
        self._seq = 0
        self.notifier = _Notifier()

    def reset(self) -> None:
        with self._lock:
            self._chats.clear()
            self._by_wamid.clear()
            self._media.clear()
            self._media_bytes = 0
            self._phones.clear()
            self._last_inbound.clear()
            self._conversations.clear()
            self._events.clear()
            self._publish({"type": "reset"})

    # Phones -------------------------------------------------------------------------------
    def add_phone(self, wa_id: str, name: str) -> None:
        with self._lock:
            if self._phones.get(wa_id) == name:
                return
            self._phones[wa_id] = name
            self._publish({"type": "phone", "phone": wa_id, "name": name})

    def remove_phone(self, wa_id: str) -> None:
        with self._lock:
            if self._phones.pop(wa_id, None) is not None:
                self._publish({"type": "phone_removed", "phone": wa_id})

    def phones(self) -> dict[str, str]:
        with self._lock:
            return dict(self._phones)

    def phone_name(self, wa_id: str) -> str | None:
        with self._lock:
            return self._phones.get(wa_id)

    # Messages -----------------------------------------------------------------------------
    def add(self, record: Record) -> None:
        with self._lock:
            chat = self._chats.setdefault(record.phone, deque())
            if len(chat) >= self.max_messages:
                dropped = chat.popleft()
                self._by_wamid.pop(dropped.wamid, None)
            chat.append(record)
            self._by_wamid[record.wamid] = record
            while len(self._by_wamid) > self.max_total_messages:
                _, oldest = self._by_wamid.popitem(last=False)
                oldest_chat = self._chats.get(oldest.phone)
                if oldest_chat and oldest_chat[0] is oldest:
                    oldest_chat.popleft()
                    if not oldest_chat:
                        del self._chats[oldest.phone]
            if record.direction == "in":
                self._last_inbound[record.phone] = record.at
            # The record itself, turned into JSON when read: sends stay cheap.
            self._publish({"type": "message", "message": record})

    def get(self, wamid: str) -> Record | None:
        with self._lock:
            return self._by_wamid.get(wamid)

    def chat(self, phone: str, direction: Direction | None = None) -> list[Record]:
        with self._lock:
            return [r for r in self._chats.get(phone, ()) if direction in (None, r.direction)]

    def chats(self) -> dict[str, list[Record]]:
        with self._lock:
            return {phone: list(chat) for phone, chat in self._chats.items()}

    def set_status(self, wamid: str, status: str, error_code: int | None = None) -> bool:
        """Move a message's status forward; a status never goes back (read stays read)."""
        with self._lock:
            record = self._by_wamid.get(wamid)
            if record is None or _STATUS_RANK.get(status, 0) <= _STATUS_RANK.get(record.status, 0):
                return False
            record.status = status
            record.error_code = error_code
            self._publish(
                {
                    "type": "status",
                    "phone": record.phone,
                    "wamid": wamid,
                    "status": status,
                    "error_code": error_code,
                }
            )
            return True

    def react(self, wamid: str, who: str, emoji: str) -> None:
        with self._lock:
            record = self._by_wamid.get(wamid)
            if record is None:
                return
            if emoji:
                record.reactions[who] = emoji
            else:
                record.reactions.pop(who, None)
            self._publish(
                {
                    "type": "reaction",
                    "phone": record.phone,
                    "wamid": wamid,
                    "reactions": dict(record.reactions),
                }
            )

    def in_service_window(self, phone: str) -> bool:
        with self._lock:
            last = self._last_inbound.get(phone)
        return last is not None and clock.now() - last < SERVICE_WINDOW

    def conversation_id(self, phone: str) -> str:
        """Meta's conversation id: one per 24 hours of service per user."""
        now = clock.now()
        with self._lock:
            current = self._conversations.get(phone)
            if current is None or now - current[1] >= SERVICE_WINDOW:
                digest = hashlib.sha256(f"{phone}:{now.timestamp()}".encode()).hexdigest()
                current = (digest[:32], now)
                self._conversations[phone] = current
            return current[0]

    # Media --------------------------------------------------------------------------------
    def put_media(self, item: MediaItem) -> None:
        with self._lock:
            self._media[item.id] = item
            self._media_bytes += len(item.data)
            while self._media_bytes > self.max_media_bytes and len(self._media) > 1:
                _, oldest = self._media.popitem(last=False)
                self._media_bytes -= len(oldest.data)

    def media(self, media_id: str) -> MediaItem | None:
        with self._lock:
            return self._media.get(media_id)

    def delete_media(self, media_id: str) -> bool:
        with self._lock:
            item = self._media.pop(media_id, None)
            if item is None:
                return False
            self._media_bytes -= len(item.data)
            return True

    def signal(self, event: dict[str, Any]) -> None:
        """Publish a passing event (e.g. typing) that changes no record."""
        with self._lock:
            self._publish(event)

    # Change feed --------------------------------------------------------------------------
    def _publish(self, event: dict[str, Any]) -> None:
        self._seq += 1
        self._events.append({"seq": self._seq, **event})
        self.notifier.notify()

    def events_after(self, seq: int) -> list[dict[str, Any]]:
        with self._lock:
            if seq > self._seq:  # the feed was reset or the emulator restarted
                seq = 0
            if not self._events:
                return []
            # Sequence numbers in the feed are consecutive, so the start is an index.
            start = max(seq - self._events[0]["seq"] + 1, 0)
            return [
                {**event, "message": event["message"].to_json()} if "message" in event else event
                for event in islice(self._events, start, None)
            ]

    def snapshot(self) -> tuple[int, dict[str, str], list[Record]]:
        with self._lock:
            records = [r for chat in self._chats.values() for r in chat]
            return self._seq, dict(self._phones), records

    @property
    def last_seq(self) -> int:
        with self._lock:
            return self._seq

    def __iter__(self) -> Iterator[Record]:
        with self._lock:
            records = [r for chat in self._chats.values() for r in chat]
        return iter(records)
