"""Helpers for alert journeys: the `manamitra alerts` CLI run against a live platform, a
template submitted through the Graph emulator and approved by its webhook, citizens who
subscribe in the chat."""

from __future__ import annotations

import json
import time
from typing import Any

from typer.testing import CliRunner

from manamitra.alerts import templates
from manamitra.cli.main import app
from manamitra.settings import Settings
from manamitra.store import Database

WEATHER_TE = "వాతావరణ హెచ్చరిక: {{1}} జిల్లాలో {{2}}. జాగ్రత్తగా ఉండండి."
WEATHER_EN = "Weather alert for {{1}} district: {{2}}. Please stay safe."


def cli_env(settings: Settings) -> dict[str, str]:
    return {
        "MM_DATABASE_URL": settings.database_url,
        "MM_GRAPH_API_URL": settings.graph_api_url,
        "MM_DATA_DIR": str(settings.data_dir),
        "MM_WHATSAPP_BUSINESS_ACCOUNT_ID": settings.whatsapp_business_account_id,
    }


def cli(settings: Settings, *args: str, ok: bool = True) -> Any:
    """Run `manamitra ARGS`; the parsed JSON when it printed some, else the result."""
    result = CliRunner().invoke(app, list(args), env=cli_env(settings))
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    else:
        return result
    text = result.stdout.strip()
    if text.startswith(("{", "[")):
        return json.loads(text)
    return text


def approved_template(settings: Settings, name: str = "weather_alert") -> None:
    """Submit the weather template in both languages and wait for Meta's approval webhook."""
    for lang, body in (("te", WEATHER_TE), ("en", WEATHER_EN)):
        cli(
            settings,
            "alerts",
            "templates",
            "create",
            "--name",
            name,
            "--lang",
            lang,
            "--body",
            body,
        )
    database = Database(settings.database_url)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = {(t.name, t.language): t.status for t in templates.all_templates(database)}
            if found.get((name, "te")) == found.get((name, "en")) == "APPROVED":
                return
            time.sleep(0.1)
        raise AssertionError(f"template not approved: {found}")
    finally:
        database.dispose()


def wait_state(
    settings: Settings, campaign_id: int, *states: str, timeout: float = 30
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = cli(settings, "alerts", "campaign", "status", str(campaign_id), "--json")
        if status["state"] in states:
            return status
        time.sleep(0.2)
    raise AssertionError(f"campaign {campaign_id} stayed {status}")
