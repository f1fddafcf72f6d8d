"""`manamitra sla run-once`: evaluate every deadline now (escalations, reminders, closures)."""

from __future__ import annotations

import typer
from rich.console import Console

from manamitra.grievances.deadlines import run_in
from manamitra.settings import load_settings
from manamitra.store import Database

console = Console()
sla_app = typer.Typer(no_args_is_help=True, help="Service-level deadlines of cases.")


@sla_app.command("run-once")
def run_once() -> None:
    """One pass now; `serve` does the same every few minutes."""
    settings = load_settings()
    database = Database(settings.database_url)
    try:
        report = run_in(database)
    finally:
        database.dispose()
    console.print(f"SLA pass: {report.summary()}")
    for label, refs in (
        ("escalated", report.escalated),
        ("reminded", report.reminded),
        ("breached", report.breached),
        ("closed", report.closed),
    ):
        if refs:
            console.print(f"  {label}: {', '.join(refs[:20])}{' …' if len(refs) > 20 else ''}")


def register(app: typer.Typer) -> None:
    app.add_typer(sla_app, name="sla")
