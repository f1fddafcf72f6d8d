"""A citizen's phone for journey tests: send through the simulator API, read the Graph bodies
the platform sent back (GET /sandbox/api/outbox), a turn at a time."""

from __future__ import annotations

import time
from typing import Any

import httpx

Body = dict[str, Any]


def body_text(body: Body) -> str:
    if body.get("type") == "text":
        return str(body["text"]["body"])
    if body.get("type") == "interactive":
        return str(body["interactive"].get("body", {}).get("text", ""))
    if body.get("type") in ("document", "image"):
        return str(body[body["type"]].get("caption", ""))
    return ""


def choice_ids(body: Body) -> list[str]:
    interactive = body.get("interactive", {})
    action = interactive.get("action", {})
    if interactive.get("type") == "button":
        return [b["reply"]["id"] for b in action["buttons"]]
    if interactive.get("type") == "list":
        return [r["id"] for s in action["sections"] for r in s["rows"]]
    return []


class Phone:
    def __init__(self, client: httpx.Client, number: str, name: str = "Citizen") -> None:
        self.client = client
        self.number = number
        self.name = name
        self.seen = 0

    def outbox(self) -> list[Body]:
        return list(self.client.get("/sandbox/api/outbox", params={"to": self.number}).json())

    def send(self, quiet: float = 0.6, timeout: float = 20.0, **content: Any) -> list[Body]:
        """Send one message; return every reply it produced (once replies stop coming)."""
        response = self.client.post(
            "/sandbox/api/inbound", json={"from": self.number, "name": self.name, **content}
        )
        assert response.status_code == 200, response.text
        deadline = time.monotonic() + timeout
        count, changed = self.seen, time.monotonic()
        while time.monotonic() < deadline:
            current = self.outbox()
            if len(current) != count:
                count, changed = len(current), time.monotonic()
            elif count > self.seen and time.monotonic() - changed >= quiet:
                break
            time.sleep(0.05)
        replies = [b for b in self.outbox()[self.seen :] if b.get("type")]
        self.seen = count
        assert replies, f"no reply to {content}"
        return replies

    def say(self, text: str) -> list[Body]:
        return self.send(text=text)

    def tap(self, choice_id: str, replies: list[Body] | None = None) -> list[Body]:
        """Tap a reply button or list row offered in `replies` (or the last message)."""
        source = replies if replies is not None else self.outbox()
        for body in reversed(source):
            interactive = body.get("interactive", {})
            if choice_id in choice_ids(body):
                kind = "button_id" if interactive["type"] == "button" else "list_id"
                return self.send(**{kind: choice_id})
        raise AssertionError(f"{choice_id} was not offered")
