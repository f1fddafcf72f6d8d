"""`manamitra lake export|query|publish|compact|retain`: the data lake from the command line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from manamitra.lake.engine import query as run_query
from manamitra.lake.engine import rows_as_json
from manamitra.lake.export import as_date, export
from manamitra.lake.layout import Lake
from manamitra.lake.maintenance import compact, drop_before, retain
from manamitra.lake.publish import publish
from manamitra.settings import load_settings
from manamitra.store import Database

console = Console()
lake_app = typer.Typer(no_args_is_help=True, help="The data lake: events as Parquet, DuckDB.")


def _lake() -> Lake:
    return Lake(load_settings().resolved_lake_dir)


@lake_app.command("export")
def export_command(
    since: str = typer.Option(None, "--since", help="skip events before this date (YYYY-MM-DD)"),
) -> None:
    """Write the events after the watermark to Parquet under MM_LAKE_DIR (idempotent)."""
    settings = load_settings()
    database = Database(settings.database_url)
    lake = Lake(settings.resolved_lake_dir)
    try:
        result = export(database, lake, since=as_date(since) if since else None)
    finally:
        database.dispose()
    console.print(
        f"exported {result.events} events in {result.files} files to {lake.events} "
        f"(watermark {result.last_id}"
        + (f"; {result.skipped} before {since} skipped" if result.skipped else "")
        + ")"
    )


@lake_app.command("query")
def query_command(
    sql: str = typer.Argument(..., help="DuckDB SQL; every event type is a view (dots → _)"),
    as_json: bool = typer.Option(False, "--json", help="a JSON array, one object per row"),
) -> None:
    """Run SQL over the lake with DuckDB."""
    try:
        names, rows = run_query(_lake(), sql)
    except duckdb.Error as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if as_json:
        sys.stdout.write(rows_as_json(names, rows) + "\n")
        return
    table = Table(*names)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


@lake_app.command("publish")
def publish_command(
    out: Path = typer.Option(..., "--out", help="directory for the open-data files"),
) -> None:
    """Aggregate CSV and Parquet, every cell under 10 citizens suppressed."""
    lake = _lake()
    manifest = publish(lake, out)
    if out.resolve() != lake.open_data.resolve():
        publish(lake, lake.open_data)  # the public page shows what was last published
    for entry in manifest:
        console.print(
            f"{entry['name']}: {entry['rows']} rows ({entry['suppressed']} suppressed) → "
            f"{out / entry['name']}.csv, .parquet"
        )


@lake_app.command("compact")
def compact_command() -> None:
    """Merge each partition's files into one."""
    result = compact(_lake())
    console.print(
        f"compacted {result.partitions} partitions: {result.files_in} files → {result.files_out}"
    )


@lake_app.command("retain")
def retain_command(
    days: int = typer.Option(None, "--days", help="keep this many days (default: the setting)"),
    before: str = typer.Option(None, "--before", help="drop partitions before YYYY-MM-DD"),
) -> None:
    """Drop old date partitions (retention)."""
    lake = _lake()
    if before:
        dropped = drop_before(lake, date.fromisoformat(before))
    else:
        dropped = retain(lake, days if days is not None else load_settings().lake_retention_days)
    console.print(f"dropped {len(dropped)} partitions")


def register(app: typer.Typer) -> None:
    app.add_typer(lake_app, name="lake")
