"""`manamitra alerts …`: templates (sync with Meta, list, submit), campaigns (create, approve,
resolve, start, pause, resume, cancel, status), department events, and the consumer register.

Sending is done by the running platform's campaign sender; these commands only change what
is in the database, so they work beside any number of running processes.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from sqlalchemy.dialects import postgresql, sqlite

from manamitra import alerts
from manamitra.alerts.templates import TemplateInfo
from manamitra.channels.whatsapp import template_sync
from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.errors import ManamitraError
from manamitra.settings import Settings, load_settings
from manamitra.store import Database
from manamitra.store.models import ConsumerLink

console = Console()
err = Console(stderr=True)
alerts_app = typer.Typer(no_args_is_help=True, help="Alerts and broadcasts.")
templates_app = typer.Typer(no_args_is_help=True, help="Message templates (Meta's, synced).")
campaign_app = typer.Typer(no_args_is_help=True, help="Campaigns to many citizens.")
consumers_app = typer.Typer(no_args_is_help=True, help="Department accounts held by citizens.")
alerts_app.add_typer(templates_app, name="templates")
alerts_app.add_typer(campaign_app, name="campaign")
alerts_app.add_typer(consumers_app, name="consumers")


def _fail(message: str) -> NoReturn:
    err.print(f"[red]{message}[/red]")
    raise typer.Exit(1)


@contextmanager
def _database() -> Iterator[tuple[Settings, Database]]:
    settings = load_settings()
    database = Database(settings.database_url)
    try:
        yield settings, database
    except ManamitraError as exc:
        _fail(str(exc))
    finally:
        database.dispose()


def _print(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    else:
        console.print(text)


# -- templates -------------------------------------------------------------------------------


async def _with_graph(settings: Settings, work: Callable[[GraphClient], Any]) -> Any:
    graph = GraphClient(settings)
    try:
        return await work(graph)
    finally:
        await graph.aclose()


@templates_app.command("sync")
def templates_sync(as_json: bool = typer.Option(False, "--json")) -> None:
    """Read every template of MM_WHATSAPP_BUSINESS_ACCOUNT_ID from Meta into the database."""
    with _database() as (settings, database):
        account = settings.whatsapp_business_account_id
        count = asyncio.run(
            _with_graph(settings, lambda g: template_sync.sync(database, g, account))
        )
        _print({"synced": count}, as_json, f"{count} templates synced from account {account}")


@templates_app.command("list")
def templates_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """The templates in the database, with their status and quality."""
    with _database() as (_settings, database):
        found = alerts.all_templates(database)
        if as_json:
            _print([t.to_json() for t in found], True, "")
            return
        for t in found:
            params = ", ".join(t.parameters) or "-"
            console.print(
                f"{t.name} [{t.language}] {t.category} {t.status} "
                f"quality={t.quality or '-'} params={params}"
            )


@templates_app.command("create")
def templates_create(
    name: str = typer.Option(...),
    lang: str = typer.Option(..., "--lang"),
    category: str = typer.Option("utility"),
    body: str = typer.Option(..., help="Body text; parameters as {{1}} {{2}} or {{name}}."),
    header: str = typer.Option(""),
    footer: str = typer.Option(""),
) -> None:
    """Submit a template to Meta (it answers PENDING; a webhook approves it later)."""
    info = TemplateInfo(
        name=name,
        language=lang,
        category=category.lower(),
        body=body,
        header=header or None,
        footer=footer or None,
    )
    with _database() as (settings, database):
        account = settings.whatsapp_business_account_id
        status = asyncio.run(
            _with_graph(settings, lambda g: template_sync.submit(database, g, account, info))
        )
        console.print(f"{name} [{lang}] submitted: {status}")


# -- campaigns -------------------------------------------------------------------------------


@campaign_app.command("create")
def campaign_create(
    template: str = typer.Option(..., help="Template name (synced)."),
    lang: str = typer.Option(..., "--lang", help="te or en"),
    audience: str = typer.Option(
        ...,
        help="all | district:NAME | service:SERVICE_ID[:STATE] | csv:FILE | mandals:A,B | "
        "feeder:DEPARTMENT:FEEDER | citizen:PHONE",
    ),
    params: str = typer.Option("", help="JSON list of body parameters, or object of named ones"),
    topic: str = typer.Option("general", help="Subscription topic (alerts/topics.yaml)"),
    by: str = typer.Option(..., help="The officer creating it"),
    canary: float = typer.Option(0.01, help="Share sent first as a canary (0: none)"),
    at: str = typer.Option("", help="Do not send before this time (ISO 8601 with offset)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Create a campaign and resolve its audience; it waits for a second officer's approval."""
    try:
        parsed = json.loads(params) if params else None
    except json.JSONDecodeError:
        _fail("--params must be JSON: a list or an object")
    if parsed is not None and not isinstance(parsed, list | dict):
        _fail("--params must be a JSON list or object")
    scheduled = None
    if at:
        try:
            scheduled = datetime.fromisoformat(at)
        except ValueError:
            _fail("--at must be ISO 8601, e.g. 2026-12-07T09:00:00+05:30")
        if scheduled.tzinfo is None:
            _fail("--at needs a UTC offset, e.g. +05:30")
    with _database() as (_settings, database):
        campaign_id = alerts.create(
            database,
            alerts.NewCampaign(
                template=template,
                language=lang,
                audience=audience,
                params=parsed,
                topic=topic,
                by=by,
                canary_fraction=canary,
                scheduled_at=scheduled,
            ),
        )
        progress = alerts.progress(database, campaign_id)
        _print(
            {"id": campaign_id, "recipients": progress.recipients},
            as_json,
            f"{campaign_id}",
        )
        if not as_json:
            err.print(
                f"campaign {campaign_id}: {progress.recipients} recipients "
                f"({progress.counts['opted_out']} opted out); waiting for a second officer"
            )


def _action(name: str, act: Callable[[Database], Any]) -> None:
    with _database() as (_settings, database):
        result = act(database)
        console.print(f"{name}{': ' + str(result) if result else ''}")


@campaign_app.command("resolve")
def campaign_resolve(campaign_id: int = typer.Argument(...)) -> None:
    """Finish resolving a campaign whose creation was interrupted (it stays `resolving`):
    goes on after the recipients already written, none twice."""
    _action("resolved, recipients", lambda db: alerts.resolve(db, campaign_id))


@campaign_app.command("approve")
def campaign_approve(campaign_id: int = typer.Argument(...), by: str = typer.Option(...)) -> None:
    """Approve a campaign: refused for the officer who created it."""
    _action("approved", lambda db: alerts.approve(db, campaign_id, by))


@campaign_app.command("start")
def campaign_start(campaign_id: int = typer.Argument(...)) -> None:
    _action("started", lambda db: alerts.start(db, campaign_id))


@campaign_app.command("pause")
def campaign_pause(campaign_id: int = typer.Argument(...)) -> None:
    _action("paused", lambda db: alerts.pause(db, campaign_id))


@campaign_app.command("resume")
def campaign_resume(campaign_id: int = typer.Argument(...)) -> None:
    _action("resumed", lambda db: alerts.resume(db, campaign_id))


@campaign_app.command("cancel")
def campaign_cancel(campaign_id: int = typer.Argument(...)) -> None:
    _action("cancelled", lambda db: alerts.cancel(db, campaign_id))


@campaign_app.command("status")
def campaign_status(
    campaign_id: int = typer.Argument(...), as_json: bool = typer.Option(False, "--json")
) -> None:
    """State and counts: queued, sent, delivered, read, failed (by error code), opted out."""
    with _database() as (_settings, database):
        p = alerts.progress(database, campaign_id)
        data = p.to_json()
        counts = ", ".join(f"{k} {v}" for k, v in p.counts.items())
        errors = ", ".join(f"{k}: {v}" for k, v in p.errors.items()) or "none"
        reason = f" ({p.pause_reason})" if p.pause_reason else ""
        _print(data, as_json, f"campaign {p.id} {p.state}{reason}: {counts}; errors {errors}")


@campaign_app.command("list")
def campaign_list(as_json: bool = typer.Option(False, "--json")) -> None:
    with _database() as (_settings, database):
        rows = alerts.campaign_list(database)
        data = [
            {"id": c.id, "state": c.state, "template": c.template, "recipients": c.recipients}
            for c in rows
        ]
        _print(data, as_json, "\n".join(f"{d['id']} {d['state']} {d['template']}" for d in data))


# -- events and consumers --------------------------------------------------------------------


@alerts_app.command("event")
def event(
    name: str = typer.Argument(..., help="An event declared in alerts/specs"),
    data: str = typer.Option(..., help="The event's fields as a JSON object"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Raise a department event: its spec makes and starts the campaign."""
    try:
        fields = json.loads(data)
    except json.JSONDecodeError:
        _fail("--data must be a JSON object")
    if not isinstance(fields, dict):
        _fail("--data must be a JSON object")
    with _database() as (_settings, database):
        campaign_id = alerts.raise_event(database, name, fields)
        _print({"id": campaign_id}, as_json, f"{campaign_id}")


@consumers_app.command("import")
def consumers_import(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Load department accounts (department, consumer_number, phone, feeder, district,
    mandal) in batches, replacing what a consumer number had."""
    with _database() as (_settings, database):
        total = 0
        for batch in _consumer_batches(path):
            with database.unit_of_work() as session:
                conn = session.connection()
                dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
                statement = dialect.insert(ConsumerLink.__table__)
                columns = {
                    c: statement.excluded[c] for c in ("citizen", "feeder", "district", "mandal")
                }
                conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["department", "consumer_number"], set_=columns
                    ),
                    batch,
                )
            total += len(batch)
        console.print(f"{total} consumer accounts loaded")


def _consumer_batches(path: Path, size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            digits = "".join(ch for ch in row.get("phone", "") if ch.isdigit())
            if not row.get("department") or not row.get("consumer_number") or not digits:
                _fail(f"{path.name}: each row needs department, consumer_number and phone")
            batch.append(
                {
                    "department": row["department"].strip().lower(),
                    "consumer_number": row["consumer_number"].strip(),
                    "citizen": "91" + digits if len(digits) == 10 else digits,
                    "feeder": (row.get("feeder") or "").strip() or None,
                    "district": (row.get("district") or "").strip().lower() or None,
                    "mandal": (row.get("mandal") or "").strip().lower() or None,
                }
            )
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
