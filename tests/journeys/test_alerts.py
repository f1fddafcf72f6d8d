"""Alerts journeys through the simulator: citizens subscribe and leave in Telugu and English,
a campaign goes only to those still subscribed, the two-person rule holds, and a quality drop
reported by Meta pauses the campaign and tells the officers in the console."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from manamitra.alerts import subscriptions
from manamitra.alerts.topics import ALL
from manamitra.store import Database
from tests.console.live_helpers import add_officers, officer_client
from tests.support.alerts import approved_template, cli, wait_state
from tests.support.live import live_server
from tests.support.phone import Phone, body_text

FAST = {"alerts_canary_wait_seconds": 0.0, "alerts_daily_limit": 0}


def _templates_to(client: httpx.Client, number: str) -> list[dict[str, object]]:
    return [
        b
        for b in client.get("/sandbox/api/outbox", params={"to": number}).json()
        if b.get("type") == "template"
    ]


def _start(phone: Phone, lang: str) -> None:
    phone.say("Hi" if lang == "en" else "హాయ్")
    phone.tap(f"lang:{lang}")


def test_opt_out_in_telugu_and_english_is_honoured_and_replies_still_come(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path, **FAST) as server, server.client(timeout=30) as client:
        ravi = Phone(client, "919700000301", "Ravi")  # English, leaves with STOP
        sita = Phone(client, "919700000302", "Sita")  # Telugu, leaves with ఆపు
        anil = Phone(client, "919700000303", "Anil")  # English, stays
        durga = Phone(client, "919700000304", "Durga")  # Telugu, stays; leaves power only
        for phone, lang in ((ravi, "en"), (sita, "te"), (anil, "en"), (durga, "te")):
            _start(phone, lang)
        said = " ".join(body_text(b) for b in anil.say("ALERTS"))
        assert "You will now get Mana Mitra alerts" in said
        said = " ".join(body_text(b) for b in durga.say("అలర్ట్స్"))
        assert "హెచ్చరికలు" in said and "వస్తాయి" in said
        for phone in (ravi, sita):
            phone.say("START")

        said = " ".join(body_text(b) for b in ravi.say("STOP"))
        assert "you will get no more alerts" in said
        said = " ".join(body_text(b) for b in sita.say("ఆపు"))
        assert "హెచ్చరికలు (అలర్ట్స్) రావు" in said
        said = " ".join(body_text(b) for b in durga.say("కరెంట్ ఆపు"))
        assert "విద్యుత్ సరఫరా" in said and "రావు" in said
        # an opt-out of alerts never blocks the answers to what a citizen asks
        assert any(
            "Services" in body_text(b) or b.get("type") == "interactive" for b in ravi.say("menu")
        )
        assert sita.say("మెనూ")

        approved_template(server.settings)
        settings = server.settings
        created = cli(
            settings,
            "alerts",
            "campaign",
            "create",
            "--template",
            "weather_alert",
            "--lang",
            "te",
            "--audience",
            "all",
            "--topic",
            "weather",
            "--params",
            '["Guntur", "heavy rain tomorrow"]',
            "--by",
            "officer.one",
            "--json",
        )
        campaign = created["id"]
        assert created["recipients"] == 2  # only those subscribed: Anil and Durga
        cli(settings, "alerts", "campaign", "approve", str(campaign), "--by", "officer.two")
        cli(settings, "alerts", "campaign", "start", str(campaign))
        status = wait_state(settings, campaign, "done")
        assert status["counts"]["sent"] == 2 and status["counts"]["failed"] == 0

        for phone in (anil, durga):
            sent = _templates_to(client, phone.number)
            assert len(sent) == 1
            template = sent[0]["template"]
            assert template["name"] == "weather_alert"  # type: ignore[index]
            values = [p["text"] for p in template["components"][0]["parameters"]]  # type: ignore[index]
            assert values == ["Guntur", "heavy rain tomorrow"]
        for phone in (ravi, sita):
            assert _templates_to(client, phone.number) == []

        # a power alert skips Durga, who left that topic only
        power = cli(
            settings,
            "alerts",
            "campaign",
            "create",
            "--template",
            "weather_alert",
            "--lang",
            "en",
            "--audience",
            "all",
            "--topic",
            "power",
            "--params",
            '["Guntur", "no supply 10 to 12"]',
            "--by",
            "officer.one",
            "--json",
        )
        assert power["recipients"] == 1


def test_the_officer_who_created_a_campaign_cannot_approve_it(tmp_path: Path) -> None:
    with live_server(tmp_path, **FAST) as server, server.client(timeout=30) as client:
        anil = Phone(client, "919700000311", "Anil")
        _start(anil, "en")
        anil.say("ALERTS")
        approved_template(server.settings)
        settings = server.settings
        campaign = cli(
            settings,
            "alerts",
            "campaign",
            "create",
            "--template",
            "weather_alert",
            "--lang",
            "en",
            "--audience",
            "all",
            "--params",
            '["Guntur", "rain"]',
            "--by",
            "admin.state",
            "--json",
        )["id"]
        refused = cli(
            settings,
            "alerts",
            "campaign",
            "approve",
            str(campaign),
            "--by",
            "admin.state",
            ok=False,
        )
        assert refused.exit_code == 1 and "second officer" in refused.output
        not_yet = cli(settings, "alerts", "campaign", "start", str(campaign), ok=False)
        assert not_yet.exit_code == 1 and "awaiting_approval" in not_yet.output
        time.sleep(0.5)
        assert _templates_to(client, anil.number) == []
        cli(settings, "alerts", "campaign", "approve", str(campaign), "--by", "admin.municipal")
        cli(settings, "alerts", "campaign", "start", str(campaign))
        wait_state(settings, campaign, "done")
        assert len(_templates_to(client, anil.number)) == 1


def _subscribed_citizens(database_url: str, count: int) -> list[str]:
    """Citizens who asked for alerts (as if each had written START), without a chat each."""
    database = Database(database_url)
    numbers = [f"9198{i:08d}" for i in range(count)]
    try:
        with database.unit_of_work() as db:
            for number in numbers:
                subscriptions.record(db, number, ALL, True, source="test")
    finally:
        database.dispose()
    return numbers


def test_a_quality_drop_pauses_the_campaign_and_the_console_says_why(tmp_path: Path) -> None:
    with live_server(tmp_path, **FAST) as server, server.client(timeout=30) as client:
        database = Database(server.settings.database_url)
        with database.unit_of_work() as db:
            add_officers(
                db,
                [
                    ("admin.state", "state_admin", None, None),
                    ("officer.guntur", "officer", "municipal", "guntur"),
                ],
            )
        database.dispose()
        numbers = _subscribed_citizens(server.settings.database_url, 400)
        approved_template(server.settings)
        settings = server.settings
        campaign = cli(
            settings,
            "alerts",
            "campaign",
            "create",
            "--template",
            "weather_alert",
            "--lang",
            "en",
            "--audience",
            "all",
            "--params",
            '["Krishna", "flood warning"]',
            "--by",
            "admin.state",
            "--canary",
            "0",
            "--json",
        )["id"]
        cli(settings, "alerts", "campaign", "approve", str(campaign), "--by", "admin.municipal")
        cli(settings, "alerts", "campaign", "start", str(campaign))
        time.sleep(0.5)  # some out at 80 a second
        answer = client.post("/sandbox/api/number-quality", json={"event": "FLAGGED"})
        assert answer.status_code == 200
        status = wait_state(settings, campaign, "paused")
        assert status["pause_reason"] == "quality_flagged"
        time.sleep(1.0)
        held = wait_state(settings, campaign, "paused")
        assert 0 < held["counts"]["queued"] < 400
        sent = sum(len(_templates_to(client, n)) for n in numbers)
        assert sent == held["counts"]["sent"]  # nothing left while paused

        officer = officer_client(server.url, "admin.state")
        try:
            page = officer.get("/console/alerts")
            assert page.status_code == 200
            assert "Meta flagged our number" in page.text
            detail = officer.get(f"/console/alerts/campaigns/{campaign}")
            assert "Meta flagged our number" in detail.text and "Resume" in detail.text
            clerk = officer_client(server.url, "officer.guntur")
            try:
                assert clerk.get("/console/alerts").status_code == 403
            finally:
                clerk.close()
        finally:
            officer.close()
        cli(settings, "alerts", "campaign", "resume", str(campaign))
        done = wait_state(settings, campaign, "done", timeout=60)
        assert done["counts"]["sent"] == 400
        assert sum(len(_templates_to(client, n)) for n in numbers) == 400
