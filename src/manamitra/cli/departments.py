"""`manamitra departments …`: the declared department systems, and the contract kit that runs
a department's declared operations against its test server."""

from __future__ import annotations

import json
import os

import typer

from manamitra.departments.auth import (
    CredentialsError,
    credentials_from_env,
    sandbox_credentials,
)
from manamitra.departments.contract import check_department
from manamitra.departments.declaration import DeclarationError, load_declarations

departments_app = typer.Typer(no_args_is_help=True, help="Declared department systems.")


def register(app: typer.Typer) -> None:
    app.add_typer(departments_app, name="departments")


@departments_app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every declared department: its API, auth and the registers it answers."""
    try:
        declarations = load_declarations()
    except DeclarationError as exc:
        typer.echo(f"invalid declaration: {exc}", err=True)
        raise typer.Exit(2) from exc
    rows = [
        {
            "id": d.id,
            "name": d.name.en,
            "base_url": d.base_url,
            "auth": d.auth.type,
            "registers": [op.source for op in d.operations],
        }
        for d in declarations.values()
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(
            f"{row['id']:<16} {row['auth']:<26} {row['base_url']}  {', '.join(row['registers'])}"
        )


@departments_app.command("check")
def check_command(
    name: str = typer.Argument(..., help="the declaration's id, e.g. civil_supplies"),
    url: str = typer.Option(..., "--url", help="the department's test server (its base URL)"),
) -> None:
    """Run NAME's declared operations against URL; list what does not match; exit 1 if any.

    Credentials come from the declaration's MM_DEPT_* variables; when they are not set, the
    sandbox's own (which its stand-ins accept) are used, and the output says so."""
    try:
        declaration = load_declarations().get(name)
    except DeclarationError as exc:
        typer.echo(f"invalid declaration: {exc}", err=True)
        raise typer.Exit(2) from exc
    if declaration is None:
        typer.echo(f"no declared department {name!r}", err=True)
        raise typer.Exit(2)
    try:
        credentials = credentials_from_env(declaration, os.environ)
    except CredentialsError:
        credentials = sandbox_credentials(declaration)
        typer.echo(f"{declaration.env_prefix}_* not set: using the sandbox's credentials")
    checked, mismatches = check_department(declaration, url, credentials)
    for mismatch in mismatches:
        typer.echo(f"MISMATCH {mismatch}")
    typer.echo(
        f"{name}: {len(checked)} calls, {len(mismatches)} mismatch"
        f"{'' if len(mismatches) == 1 else 'es'}"
    )
    raise typer.Exit(1 if mismatches else 0)
