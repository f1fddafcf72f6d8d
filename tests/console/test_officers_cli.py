"""`manamitra officers create` makes an account that can sign in, in one office if given;
bad roles and an office outside the officer's district are refused."""

from __future__ import annotations

from typer.testing import CliRunner

from manamitra.cli.main import app
from manamitra.console import auth
from manamitra.store import Database


def test_create_officer_from_stdin_and_sign_in(
    sqlite_database_url: str, monkeypatch: object
) -> None:
    monkeypatch.setenv("MM_DATABASE_URL", sqlite_database_url)  # type: ignore[attr-defined]
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "officers",
            "create",
            "--username",
            "ae.tenali",
            "--role",
            "officer",
            "--department",
            "apcpdcl",
            "--district",
            "guntur",
            "--office",
            "apcpdcl.guntur.tenali",
            "--password-stdin",
        ],
        input="long-enough-secret\n",
    )
    assert result.exit_code == 0, result.output
    refused = runner.invoke(
        app,
        [
            "officers",
            "create",
            "--username",
            "x",
            "--role",
            "king",
            "--department",
            "revenue",
            "--password-stdin",
        ],
        input="long-enough-secret\n",
    )
    assert refused.exit_code != 0
    elsewhere = runner.invoke(
        app,
        [
            "officers",
            "create",
            "--username",
            "y",
            "--role",
            "officer",
            "--department",
            "revenue",
            "--district",
            "ntr",
            "--office",
            "revenue.guntur.tenali",
            "--password-stdin",
        ],
        input="long-enough-secret\n",
    )
    assert elsewhere.exit_code != 0
    listed = runner.invoke(app, ["officers", "list"])
    assert (
        "ae.tenali" in listed.output and "apcpdcl · guntur · apcpdcl.guntur.tenali" in listed.output
    )
    database = Database(sqlite_database_url)
    with database.unit_of_work() as db:
        assert auth.authenticate(db, "ae.tenali", "long-enough-secret").officer is not None
        assert auth.authenticate(db, "ae.tenali", "wrong").officer is None
        officer = auth.authenticate(db, "ae.tenali", "long-enough-secret").officer
        assert officer is not None and officer.office_id == "apcpdcl.guntur.tenali"
        assert officer.lang is None  # chosen in the console, not here
        assert auth.authenticate(db, "y", "long-enough-secret").officer is None
    database.dispose()
