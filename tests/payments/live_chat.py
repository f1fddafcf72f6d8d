"""A citizen's phone on the live platform: send through the simulator API, wait for what the
platform sends back (Graph API bodies as the emulator received them)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

Body = dict[str, Any]


def body_text(body: Body) -> str:
    kind = body.get("type")
    if kind == "text":
        return str(body["text"]["body"])
    if kind == "interactive":
        return str(body["interactive"].get("body", {}).get("text", ""))
    if kind == "document":
        return str(body["document"].get("caption", ""))
    return ""


def interactive_type(body: Body) -> str | None:
    return body["interactive"]["type"] if body.get("type") == "interactive" else None


class LivePhone:
    def __init__(self, client: httpx.Client, number: str, name: str = "Citizen") -> None:
        self.client = client
        self.number = number
        self.name = name
        self.seen = 0

    def outbox(self) -> list[Body]:
        return list(self.client.get("/sandbox/api/outbox", params={"to": self.number}).json())

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

        def offers(body: Body) -> bool:
            if interactive_type(body) == "list":
                rows = [
                    r["id"] for s in body["interactive"]["action"]["sections"] for r in s["rows"]
                ]
                return wanted in rows
            if interactive_type(body) == "button":
                return wanted in [
                    b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]
                ]
            return False

        found = self.wait_for(offers, what=wanted)
        if interactive_type(found) == "list":
            self.send(list_id=wanted)
        else:
            self.send(button_id=wanted)

    def choose(self, option_id: str, timeout: float = 20.0) -> None:
        """Tap the option `opt:<id>` in the newest list or buttons that offers it."""
        wanted = option_id if option_id.startswith(("flow:", "nav:")) else f"opt:{option_id}"

        def ids(body: Body) -> list[str]:
            kind = interactive_type(body)
            if kind == "list":
                return [
                    r["id"] for s in body["interactive"]["action"]["sections"] for r in s["rows"]
                ]
            if kind == "button":
                return [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]]
            return []

        found = self.wait_for(lambda b: wanted in ids(b), timeout, wanted)
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


def order_reference(body: Body) -> str:
    return str(body["interactive"]["action"]["parameters"]["reference_id"])
