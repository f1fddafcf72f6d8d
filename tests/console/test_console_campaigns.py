"""Creating a campaign in the console (state and department administrators only): the form
writes it, its audience is resolved beside the request, it shows on the campaigns page, and a
second officer must approve it; bad input is refused with the form kept as typed."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from manamitra import alerts
from manamitra.alerts import subscriptions
from manamitra.alerts.templates import TemplateInfo, save
from manamitra.alerts.topics import ALL
from manamitra.store import Database
from manamitra.store.models import AlertCampaign
from tests.console.conftest import Console
from tests.console.live_helpers import add_officers

CITIZENS = [f"9198765{i:05d}" for i in range(12)]


def _seed(database: Database) -> None:
    save(
        database,
        [
            TemplateInfo(
                "flood_warning", "te", "utility", "వరద హెచ్చరిక: {{1}} నదికి {{2}}.", "APPROVED"
            ),
            TemplateInfo(
                "flood_warning", "en", "utility", "Flood: {{1}} river at {{2}}.", "APPROVED"
            ),
            TemplateInfo("login_code", "en", "authentication", "Your code is {{1}}", "APPROVED"),
        ],
    )
    with database.unit_of_work() as db:
        add_officers(db, [("admin.municipal", "dept_admin", "municipal", None)])
        for citizen in CITIZENS:
            subscriptions.record(db, citizen, ALL, True, source="test")
        subscriptions.record(db, CITIZENS[0], "floods", False, source="test")


def _campaign_count(database: Database) -> int:
    with database.unit_of_work() as db:
        return db.execute(select(func.count()).select_from(AlertCampaign)).scalar_one()


def _wait_resolved(database: Database, campaign: int) -> alerts.Progress:
    deadline = time.monotonic() + 30
    while True:
        progress = alerts.progress(database, campaign)
        if progress.state != "resolving" or time.monotonic() > deadline:
            return progress
        time.sleep(0.05)


def _form(console: Console, **fields: str) -> dict[str, str]:
    return {"csrf_token": console.csrf("/console/alerts?lang=en"), **fields}


def test_an_admin_creates_a_campaign_and_a_second_officer_approves_it(console: Console) -> None:
    _seed(console.database)
    assert console.login("admin.state") == 303
    page = console.client.get("/console/alerts?lang=en")
    form = page.text.split('class="campaign-form"')[1].split("</form>")[0]
    assert "New campaign" in page.text and "flood_warning" in form
    assert "login_code" not in form  # authentication templates carry codes, not alerts
    created = console.client.post(
        "/console/alerts/campaigns",
        data=_form(
            console,
            template="flood_warning",
            language="en",
            audience="all",
            topic="floods",
            params="Krishna\ndanger level",
        ),
        follow_redirects=False,
    )
    assert created.status_code == 303
    found = re.fullmatch(
        r"/console/alerts/campaigns/(\d+)\?done=create", created.headers["location"]
    )
    assert found, created.headers["location"]
    campaign = int(found.group(1))
    progress = _wait_resolved(console.database, campaign)
    assert progress.state == "awaiting_approval"
    assert progress.recipients == len(CITIZENS) - 1  # one left the floods topic
    assert progress.created_by == "admin.state"
    with console.database.unit_of_work() as db:
        row = db.get(AlertCampaign, campaign)
        assert row is not None and row.params == ["Krishna", "danger level"]

    listing = console.client.get("/console/alerts?lang=en").text
    assert f'href="/console/alerts/campaigns/{campaign}"' in listing
    assert "Waiting for a second officer" in listing

    detail = f"/console/alerts/campaigns/{campaign}"
    own = console.client.post(
        f"{detail}/action", data={"csrf_token": console.csrf(detail), "action": "approve"}
    )
    assert "a second officer must approve it" in own.text
    assert alerts.progress(console.database, campaign).state == "awaiting_approval"

    second = console.from_elsewhere("127.0.0.2")
    assert second.login("admin.municipal") == 303
    approved = second.client.post(
        f"{detail}/action", data={"csrf_token": second.csrf(detail), "action": "approve"}
    )
    assert approved.status_code == 200
    assert alerts.progress(console.database, campaign).approved_by == "admin.municipal"


def test_bad_input_is_refused_with_the_form_kept(console: Console) -> None:
    _seed(console.database)
    assert console.login("admin.state") == 303
    for fields, reason in (
        ({"template": "flood_warning", "params": "Krishna"}, "takes 2 body parameters"),
        ({"template": "no_such", "params": "a\nb"}, "no template"),
        ({"template": "login_code", "params": "1234"}, "one-time codes"),
        ({"template": "flood_warning", "audience": "district:", "params": "a\nb"}, "needs a value"),
        ({"template": "flood_warning", "audience": "csv:/etc/passwd"}, "command line"),
        ({"template": "flood_warning", "params": "[1, 2"}, "not valid JSON"),
    ):
        data = {"language": "en", "audience": "all", "topic": "floods", **fields}
        answer = console.client.post("/console/alerts/campaigns", data=_form(console, **data))
        assert answer.status_code == 400, fields
        assert reason in answer.text, (fields, answer.text[:300])
        assert "The campaign was not created" in answer.text
        assert f'name="audience" value="{data["audience"]}"' in answer.text  # kept as typed
        assert f">{data.get('params', '')}</textarea>" in answer.text
    assert _campaign_count(console.database) == 0


def test_only_administrators_may_create_campaigns(console: Console) -> None:
    _seed(console.database)
    assert console.login("officer.guntur") == 303
    token = console.csrf("/console/inbox")
    refused = console.client.post(
        "/console/alerts/campaigns",
        data={"csrf_token": token, "template": "flood_warning", "language": "en", "params": "a\nb"},
    )
    assert refused.status_code == 403
    assert _campaign_count(console.database) == 0
