from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from manamitra.catalog.loader import DEPARTMENTS_FILE
from manamitra.cli.main import app

runner = CliRunner()


def test_check_passes_on_the_shipped_catalogue() -> None:
    result = runner.invoke(app, ["catalog", "check"])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_check_fails_naming_file_and_field(tmp_path: Path) -> None:
    bad = {
        "id": "revenue.broken",
        "department": "revenue",
        "category": "revenue",
        "kind": "lookup",
        "name": {"en": "Broken", "te": "పాడైనది"},
        "description": {"en": "x", "te": "ఎక్స్"},
        "steps": [
            {
                "id": "n",
                "type": "identifier",
                "pattern": "\\d{4}",
                "example": "12",
                "prompt": {"en": "No?", "te": "నంబర్?"},
            }
        ],
        "lookup": {"source": "ration_card", "show": []},
    }
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(bad, allow_unicode=True), "utf-8")
    result = runner.invoke(
        app,
        [
            "catalog",
            "check",
            "--services-dir",
            str(tmp_path),
            "--departments-file",
            str(DEPARTMENTS_FILE),
        ],
    )
    assert result.exit_code == 1
    assert "broken.yaml" in result.output and "steps.n.example" in result.output


def test_list_json_has_the_contract_fields() -> None:
    result = runner.invoke(app, ["catalog", "list", "--json"])
    rows = json.loads(result.output)
    assert len(rows) >= 161
    assert set(rows[0]) >= {"id", "department", "category", "kind", "name"}
    assert set(rows[0]["name"]) == {"en", "te"}


def test_search_json_ranks_best_first() -> None:
    result = runner.invoke(app, ["catalog", "search", "aadaya pathram kavali", "--json"])
    rows = json.loads(result.output)
    assert rows[0]["id"] == "revenue.income_certificate"
    assert rows[0]["name"]["te"] == "ఆదాయ ధృవీకరణ పత్రం"
