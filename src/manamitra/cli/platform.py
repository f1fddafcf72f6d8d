"""Commands that run the platform: demo, serve, db upgrade."""

from __future__ import annotations

import os

import typer
from rich.console import Console

from manamitra.cli.demo_welcome import data_location, welcome
from manamitra.demo_identities import identity_sections, seeded_case_numbers
from manamitra.settings import load_settings
from manamitra.store import Database, migrate

console = Console()
db_app = typer.Typer(no_args_is_help=True, help="Database migrations.")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads")) -> None:
    """Apply Alembic migrations to MM_DATABASE_URL."""
    settings = load_settings()
    migrate.upgrade(settings.database_url, revision, settings=settings)
    console.print(f"[green]database at {revision}[/green]")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind."),
    port: int = typer.Option(8000, help="Port to bind."),
    workers: int = typer.Option(1, help="Server processes (PostgreSQL for more than one)."),
    role: str = typer.Option(
        None,
        help="all | web (HTTP and inbox only) | jobs (workers, sender, timers); PostgreSQL. "
        "Default: MM_ROLE, else all.",
    ),
) -> None:
    """The production server: webhook, per-citizen workers, outbox sender, SLA clock."""
    import uvicorn

    if role is not None:
        if role not in ("all", "web", "jobs"):
            raise typer.BadParameter("--role is all, web or jobs")
        os.environ["MM_ROLE"] = role  # the server processes build their settings from it
    settings = load_settings()
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise typer.BadParameter("several workers need PostgreSQL (SQLite is single-process)")
    if settings.role != "all" and settings.database_url.startswith("sqlite"):
        raise typer.BadParameter("--role web or jobs needs PostgreSQL (SQLite is one process)")
    migrate.upgrade(settings.database_url, settings=settings)
    uvicorn.run(
        "manamitra.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_level="warning",
    )


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to bind."),
    port: int = typer.Option(8000, help="Port to bind."),
) -> None:
    """Platform + Graph API emulator + phone simulator on one port, demo data seeded."""
    import uvicorn

    from manamitra.app import create_app
    from manamitra.demo import demo_database_url, prepare_demo

    base = f"http://{host}:{port}"
    data_dir = load_settings().data_dir
    created = not data_dir.exists()
    os.environ.setdefault("MM_DATABASE_URL", demo_database_url(data_dir))
    os.environ.setdefault("MM_GRAPH_API_URL", f"{base}/sandbox/graph")
    os.environ.setdefault("MM_PUBLIC_URL", base)
    settings = load_settings()
    from manamitra.observability import configure_logging

    # The demo's terminal shows the URLs and logins; only warnings and errors join them.
    configure_logging(os.environ.get("MM_LOG_LEVEL", "WARNING"), json=False)
    notes = prepare_demo(settings)
    application = create_app(settings, demo=True)
    database = Database(settings.database_url)
    try:
        seeded = seeded_case_numbers(database)
    finally:
        database.dispose()
    location = data_location(settings.data_dir, settings.database_url, created=created)
    console.print(welcome(base, location, identity_sections(), seeded, notes))
    # The simulator page holds an event stream open; don't let it delay Ctrl-C.
    uvicorn.run(
        application,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        timeout_graceful_shutdown=2,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.command()(serve)
    app.command()(demo)
