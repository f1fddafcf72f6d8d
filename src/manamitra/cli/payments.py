"""`manamitra payments …`: the reconciliation report (gateway settlements against the ledger)."""

from __future__ import annotations

import json
from datetime import date

import typer

from manamitra.payments.reconcile import Report, reconcile
from manamitra.payments.service import PaymentsConfig
from manamitra.payments.text import rupees
from manamitra.settings import load_settings
from manamitra.store import Database

payments_app = typer.Typer(no_args_is_help=True, help="Payments: reconciliation.")


def register(app: typer.Typer) -> None:
    app.add_typer(payments_app, name="payments")


@payments_app.command("reconcile")
def reconcile_command(
    day: str | None = typer.Option(None, "--date", help="YYYY-MM-DD (IST); all days if omitted"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Match the gateway's settlements to the ledger and orders; exit 1 on any mismatch."""
    from manamitra.sandbox.gateway import SandboxGateway  # the only gateway adapter so far

    settings = load_settings()
    try:
        wanted = date.fromisoformat(day) if day else None
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD") from exc
    gateway = SandboxGateway(
        PaymentsConfig().webhook_secret, state_file=settings.data_dir / "sandbox-gateway.json"
    )
    database = Database(settings.database_url)
    try:
        with database.unit_of_work() as db:
            report = reconcile(db, gateway, wanted)
    finally:
        database.dispose()
    typer.echo(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json else _human(report)
    )
    if report.unexplained:
        raise typer.Exit(1)


def _human(report: Report) -> str:
    lines = [
        f"Reconciliation {report.day or 'all days'}",
        f"  settlement lines : {report.settlements}",
        f"  ledger entries   : {report.ledger_entries}",
        f"  matched          : {report.matched}",
        f"  collected        : {rupees(report.collected_paise)}",
        f"  refunded         : {rupees(report.refunded_paise)}",
        f"  explained        : {len(report.explained)} (automatic refunds)",
        f"  UNEXPLAINED      : {report.unexplained}",
    ]
    for item in report.explained:
        lines.append(
            f"    explained {item['order']}: refunded because {', '.join(item['refunded_because'])}"
        )
    for item in report.mismatches:
        lines.append(f"    MISMATCH {json.dumps(item, ensure_ascii=False)}")
    return "\n".join(lines)
