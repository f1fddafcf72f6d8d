"""`manamitra officers create|list`: console accounts for officers."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from manamitra.console import auth
from manamitra.grievances.offices import seed_offices
from manamitra.settings import load_settings
from manamitra.store import Database, migrate
from manamitra.store.models.console import Officer

console = Console()
officers_app = typer.Typer(no_args_is_help=True, help="Officers' console accounts.")


@officers_app.command("create")
def create(
    username: str = typer.Option(..., help="Sign-in name."),
    role: str = typer.Option(..., help="officer | supervisor | dept_admin | state_admin"),
    department: str = typer.Option("", help="Department id (catalog/departments.yaml)."),
    district: str = typer.Option("", help="District id (officers and supervisors)."),
    office: str = typer.Option(
        "",
        help="Office id (e.g. revenue.guntur.tenali): an officer then sees only that office's "
        "cases; supervisors and admins keep their district or department.",
    ),
    name: str = typer.Option("", help="Full name and designation, as shown in the console."),
    lang: str = typer.Option(
        "", help="Console language en or te (default: the officer's choice in the console)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create an officer; the password is prompted for (or read with --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = load_settings()
    migrate.upgrade(settings.database_url, settings=settings)
    database = Database(settings.database_url)
    try:
        with database.unit_of_work() as db:
            if office:
                seed_offices(db)
            officer = auth.create_officer(
                db,
                username=username,
                password=password,
                role=role,
                department=department or None,
                district=district or None,
                name=name or None,
                office_id=office or None,
                lang=lang or None,
            )
            console.print(f"[green]created[/green] {officer.username} ({officer.role})")
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    except IntegrityError as exc:
        raise typer.BadParameter(f"username {username!r} is taken") from exc
    finally:
        database.dispose()


@officers_app.command("list")
def list_officers() -> None:
    """Every officer with role and jurisdiction."""
    settings = load_settings()
    database = Database(settings.database_url)
    try:
        with database.unit_of_work() as db:
            for officer in db.scalars(select(Officer).order_by(Officer.username)):
                where = " · ".join(
                    p for p in (officer.department, officer.district, officer.office_id) if p
                )
                console.print(f"{officer.username:<24} {officer.role:<12} {where}")
    finally:
        database.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(officers_app, name="officers")
