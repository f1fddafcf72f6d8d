"""`manamitra chat`: the same conversation in a terminal, through the same webhook path.

The terminal plays the citizen's phone: what you type goes to the local Graph emulator's
phone, which signs a webhook exactly as Meta would; the platform's replies come back through
its outbox sender to the emulator, and are printed here with buttons as numbered choices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.panel import Panel

from manamitra.cli.local_server import local_platform

console = Console()


@dataclass
class Screen:
    """What the last interactive message offered, so "2" can mean its second choice."""

    choices: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id, title)

    def pick(self, typed: str) -> tuple[str, str] | None:
        if typed.isdigit() and 1 <= int(typed) <= len(self.choices):
            kind, choice_id, _ = self.choices[int(typed) - 1]
            return kind, choice_id
        return None


def render(body: dict[str, Any], screen: Screen) -> None:
    """Print one Graph API message body the way a phone would show it."""
    kind = body.get("type")
    if kind == "text":
        console.print(Panel(body["text"]["body"], border_style="green", expand=False))
    elif kind == "interactive":
        interactive = body["interactive"]
        lines = []
        if interactive.get("header", {}).get("text"):
            lines.append(f"[bold]{interactive['header']['text']}[/bold]")
        lines.append(interactive.get("body", {}).get("text", ""))
        screen.choices = []
        action = interactive.get("action", {})
        if interactive["type"] == "button":
            for button in action.get("buttons", []):
                reply = button["reply"]
                screen.choices.append(("button", reply["id"], reply["title"]))
        elif interactive["type"] == "list":
            for section in action.get("sections", []):
                for row in section.get("rows", []):
                    title = row["title"] + (
                        f" — {row['description']}" if row.get("description") else ""
                    )
                    screen.choices.append(("list", row["id"], title))
        elif interactive["type"] == "cta_url":
            params = action.get("parameters", {})
            lines.append(f"🔗 {params.get('display_text')}: {params.get('url')}")
        elif interactive["type"] == "location_request_message":
            lines.append("📍 (send a location: type  /loc LAT,LON)")
        for number, (_, _, title) in enumerate(screen.choices, start=1):
            lines.append(f"  [cyan]{number}.[/cyan] {title}")
        if interactive.get("footer", {}).get("text"):
            lines.append(f"[dim]{interactive['footer']['text']}[/dim]")
        console.print(Panel("\n".join(lines), border_style="green", expand=False))
    elif kind in ("document", "image", "audio", "video"):
        media = body[kind]
        name = media.get("filename") or media.get("id") or media.get("link")
        console.print(
            Panel(
                f"📎 {kind}: {name}\n{media.get('caption', '')}", border_style="green", expand=False
            )
        )
    elif kind == "template":
        console.print(
            Panel(f"[template] {body['template']['name']}", border_style="yellow", expand=False)
        )
    elif kind is not None:
        console.print(Panel(f"[{kind}]", border_style="green", expand=False))


def _wait_for_replies(
    client: httpx.Client, phone: str, seen: int, quiet: float = 0.8, limit: float = 15.0
) -> tuple[list[dict[str, Any]], int]:
    """New Graph bodies for `phone` once they stop arriving for `quiet` seconds, and the count
    of everything recorded for it so far."""
    started = time.monotonic()
    last_change = started
    current: list[dict[str, Any]] = []
    count = seen
    while time.monotonic() - started < limit:
        current = client.get("/sandbox/api/outbox", params={"to": phone}).json()
        if len(current) != count:
            count = len(current)
            last_change = time.monotonic()
        elif count > seen and time.monotonic() - last_change >= quiet:
            break
        time.sleep(0.1)
    fresh = [b for b in current[seen:] if b.get("type") and b.get("status") != "read"]
    return fresh, len(current)


def chat(
    phone: str = typer.Option("919876543210", help="The citizen's WhatsApp number."),
    lang: str | None = typer.Option(None, help="Pick the language at once: te or en."),
    name: str = typer.Option("Citizen", help="The profile name WhatsApp would show."),
) -> None:
    """Talk to the platform as a citizen, in the terminal (type 'quit' to leave)."""
    if lang not in (None, "te", "en"):
        raise typer.BadParameter("--lang must be te or en")
    with local_platform() as base, httpx.Client(base_url=base, timeout=20) as client:
        console.print(
            f"[bold green]Mana Mitra[/bold green] — chatting as +{phone} "
            f"(numbers pick a button; /loc LAT,LON sends a location; quit to leave)"
        )
        screen = Screen()
        seen = len(client.get("/sandbox/api/outbox", params={"to": phone}).json())
        pending: list[dict[str, Any]] = []
        if lang is not None:
            pending = [{"text": "Hi"}, {"button_id": f"lang:{lang}"}]
        while True:
            if pending:
                message = pending.pop(0)
            else:
                typed = console.input("[bold]you ▸ [/bold]").strip()
                if typed.lower() in ("quit", "exit", "/q"):
                    return
                if not typed:
                    continue
                choice = screen.pick(typed)
                if choice is not None:
                    kind, choice_id = choice
                    message = {"button_id" if kind == "button" else "list_id": choice_id}
                elif typed.startswith("/loc "):
                    latitude, _, longitude = typed[5:].partition(",")
                    message = {
                        "location": {"latitude": float(latitude), "longitude": float(longitude)}
                    }
                else:
                    message = {"text": typed}
            response = client.post(
                "/sandbox/api/inbound", json={"from": phone, "name": name, **message}
            )
            if response.status_code >= 400:
                console.print(f"[red]{response.text}[/red]")
                continue
            bodies, seen = _wait_for_replies(client, phone, seen)
            for body in bodies:
                render(body, screen)


def register(app: typer.Typer) -> None:
    app.command()(chat)
