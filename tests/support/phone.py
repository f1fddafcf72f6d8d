"""A citizen's phone for journey tests: send through the simulator API, read the Graph bodies
the platform sent back (GET /sandbox/api/outbox). `Phone` goes a turn at a time (each send
waits for its replies); `LivePhone` sends and then waits for a message it describes, for
journeys where replies come later (payments, officers' decisions)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
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


def interactive_type(body: Body) -> str | None:
    return body["interactive"]["type"] if body.get("type") == "interactive" else None


def order_reference(body: Body) -> str:
    return str(body["interactive"]["action"]["parameters"]["reference_id"])


def choice_ids(body: Body) -> list[str]:
    interactive = body.get("interactive", {})
    action = interactive.get("action", {})
    if interactive.get("type") == "button":
        return [b["reply"]["id"] for b in action["buttons"]]
    if interactive.get("type") == "list":
        return [r["id"] for s in action["sections"] for r in s["rows"]]
    return []


class _Handset:
    def __init__(self, client: httpx.Client, number: str, name: str = "Citizen") -> None:
        self.client = client
        self.number = number
        self.name = name
        self.seen = 0

    def outbox(self) -> list[Body]:
        return list(self.client.get("/sandbox/api/outbox", params={"to": self.number}).json())


class Phone(_Handset):
    def send(self, quiet: float = 0.6, timeout: float = 20.0, **content: Any) -> list[Body]:
        """Send one message; return every reply it produced (once replies stop coming)."""
        response = self.client.post(
            "/sandbox/api/inbound", json={"from": self.number, "name": self.name, **content}
        )
        assert response.status_code == 200, response.text
        return self._replies(quiet, timeout, content)

    def pay(self, order_id: str, outcome: str = "success", quiet: float = 0.6) -> list[Body]:
        """Pay a bill at the sandbox gateway; return what the platform then sent the citizen."""
        response = self.client.post(
            "/sandbox/api/pay", json={"order_id": order_id, "outcome": outcome}
        )
        assert response.status_code == 200, response.text
        return self._replies(quiet, 20.0, {"paid": order_id})

    def _replies(self, quiet: float, timeout: float, content: Any) -> list[Body]:
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


class LivePhone(_Handset):
    def send(self, **content: Any) -> None:
        self.seen = len(self.outbox())
        response = self.client.post(
            "/sandbox/api/inbound", json={"from": self.number, "name": self.name, **content}
        )
        assert response.status_code == 200, response.text

    def wait_for(
        self, predicate: Callable[[Body], bool], timeout: float = 20.0, what: str = ""
    ) -> Body:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body in self.outbox()[self.seen :]:
                if predicate(body):
                    return body
            time.sleep(0.05)
        recent = [body_text(b)[:80] or b.get("type") for b in self.outbox()[self.seen :]]
        raise AssertionError(
            f"no message {what!r} arrived; got {json.dumps(recent, ensure_ascii=False)}"
        )

    def wait_text(self, fragment: str, timeout: float = 20.0) -> Body:
        return self.wait_for(lambda b: fragment in body_text(b), timeout, fragment)

    def wait_interactive(self, kind: str, timeout: float = 20.0) -> Body:
        return self.wait_for(lambda b: interactive_type(b) == kind, timeout, kind)

    def start_in_english(self) -> None:
        self.send(text="Hi")
        self.wait_interactive("button")
        self.send(button_id="lang:en")
        self.wait_interactive("list")

    def open_service(self, query: str, service_id: str) -> None:
        """Search for a service by words, as a citizen would, and tap it in the results."""
        self.send(text=query)
        wanted = f"svc:{service_id}"

        found = self.wait_for(lambda b: wanted in choice_ids(b), what=wanted)
        if interactive_type(found) == "list":
            self.send(list_id=wanted)
        else:
            self.send(button_id=wanted)

    def choose(self, option_id: str, timeout: float = 20.0) -> None:
        """Tap the option `opt:<id>` in the newest list or buttons that offers it."""
        wanted = option_id if option_id.startswith(("flow:", "nav:")) else f"opt:{option_id}"

        found = self.wait_for(lambda b: wanted in choice_ids(b), timeout, wanted)
        if interactive_type(found) == "list":
            self.send(list_id=wanted)
        else:
            self.send(button_id=wanted)

    def pay(self, order_id: str, outcome: str = "success") -> dict[str, Any]:
        self.seen = len(self.outbox())
        response = self.client.post(
            "/sandbox/api/pay", json={"order_id": order_id, "outcome": outcome}
        )
        assert response.status_code == 200, response.text
        return dict(response.json())
