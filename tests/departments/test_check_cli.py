"""`manamitra departments check NAME --url URL` against the demo's stand-ins over real HTTP:
passes for every declared department, fails naming the mismatch for a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from manamitra.cli.main import app
from manamitra.departments.declaration import load_declarations
from tests.support.live import live_server

runner = CliRunner()


@pytest.mark.slow
def test_check_kit_passes_on_the_sandbox_and_names_what_a_broken_server_gets_wrong(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server:
        for name in load_declarations():
            url = f"{server.url}/sandbox/departments/{name}"
            result = runner.invoke(app, ["departments", "check", name, "--url", url])
            assert result.exit_code == 0, result.output
            assert "0 mismatches" in result.output

        # transport's declaration against civil_supplies' server: a server that is not the one
        # declared (its paths and shapes differ)
        wrong = f"{server.url}/sandbox/departments/civil_supplies"
        result = runner.invoke(app, ["departments", "check", "transport", "--url", wrong])
        assert result.exit_code == 1
        assert "MISMATCH vehicle AP39AB1234: authentication failed" in result.output

        # a department whose server is in trouble
        with server.client() as client:
            client.post("/sandbox/api/departments/bse/down", json={"down": True})
        url = f"{server.url}/sandbox/departments/bse"
        result = runner.invoke(app, ["departments", "check", "bse", "--url", url])
        assert result.exit_code == 1
        assert "MISMATCH ssc_result 2512104356: HTTP 503, expected 200 with the record" in (
            result.output
        )


def test_check_kit_refuses_an_unknown_department() -> None:
    result = runner.invoke(app, ["departments", "check", "nope", "--url", "http://x"])
    assert result.exit_code == 2
