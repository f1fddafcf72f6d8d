"""Audiences resolved in batches on both stores: every subscribed citizen once, the canary
spread over the audience, and a resolution interrupted mid-way goes on without duplicates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from manamitra import alerts
from manamitra.alerts import audience, campaigns, subscriptions
from manamitra.alerts.templates import TemplateInfo, save
from manamitra.alerts.topics import ALL
from manamitra.errors import ConflictError
from manamitra.settings import load_settings
from manamitra.store import Database
from manamitra.store.models import AlertCampaign, AlertRecipient
from tests.support.alerts import cli

CITIZENS = [f"9199000{i:05d}" for i in range(23)]
LEFT_POWER = {CITIZENS[4], CITIZENS[11]}  # STOP power
LEFT_ALL = {CITIZENS[17]}  # STOP


def _seed(database: Database) -> None:
    save(
        database,
        [
            TemplateInfo(
                "power_outage", "te", "utility", "{{1}} లో {{2}} వరకు కరెంట్ ఉండదు.", "APPROVED"
            )
        ],
    )
    with database.unit_of_work() as db:
        for citizen in CITIZENS:
            subscriptions.record(db, citizen, ALL, True, source="test")
        for citizen in LEFT_POWER:
            subscriptions.record(db, citizen, "power", False, source="test")
        for citizen in LEFT_ALL:
            subscriptions.record(db, citizen, ALL, False, source="test")
        subscriptions.record(db, CITIZENS[20], "floods", False, source="test")  # another topic


def _new(canary: float = 0.25) -> alerts.NewCampaign:
    return alerts.NewCampaign(
        "power_outage",
        "te",
        "all",
        by="admin.state",
        params=["Guntur", "6 PM"],
        topic="power",
        canary_fraction=canary,
    )


def _recipients(database: Database, campaign: int) -> list[tuple[str, str, bool]]:
    r = AlertRecipient
    with database.unit_of_work() as db:
        rows = db.execute(
            select(r.citizen, r.status, r.canary).where(r.campaign_id == campaign)
        ).all()
    return sorted((citizen, status, bool(canary)) for citizen, status, canary in rows)


def test_all_resolves_in_batches_each_subscribed_citizen_once(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(database)
    monkeypatch.setattr(audience, "BATCH", 4)
    campaign = alerts.create(database, _new())
    rows = _recipients(database, campaign)
    expected = sorted(set(CITIZENS) - LEFT_POWER - LEFT_ALL)
    assert [citizen for citizen, _, _ in rows] == expected
    assert {status for _, status, _ in rows} == {"queued"}
    canary = [citizen for citizen, _, marked in rows if marked]
    assert canary == expected[3::4]  # every 4th in citizen order, across batch boundaries
    progress = alerts.progress(database, campaign)
    assert progress.recipients == len(expected) and progress.canary_size == len(canary)
    assert progress.state == "awaiting_approval"


def test_a_resolution_interrupted_mid_way_goes_on_without_duplicates(
    database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _seed(database)
    monkeypatch.setattr(audience, "BATCH", 4)
    real_insert = audience._insert
    calls = 0

    def crash_after_two_batches(conn: Any, rows: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("killed mid-resolution")
        return real_insert(conn, rows)

    monkeypatch.setattr(audience, "_insert", crash_after_two_batches)
    with pytest.raises(RuntimeError):
        alerts.create(database, _new())
    with database.unit_of_work() as db:
        campaign, state = db.execute(select(AlertCampaign.id, AlertCampaign.state)).one()
        written = db.execute(select(func.count()).select_from(AlertRecipient)).scalar_one()
    assert state == "resolving" and 0 < written < 20
    monkeypatch.setattr(audience, "_insert", real_insert)

    settings = load_settings(database_url=database.url, data_dir=tmp_path)
    assert "resolved, recipients: 20" in cli(
        settings, "alerts", "campaign", "resolve", str(campaign)
    )
    rows = _recipients(database, campaign)
    assert [citizen for citizen, _, _ in rows] == sorted(set(CITIZENS) - LEFT_POWER - LEFT_ALL)
    assert alerts.progress(database, campaign).state == "awaiting_approval"
    with pytest.raises(ConflictError):  # resolved once: not again
        campaigns.resolve(database, campaign)


def test_a_small_audience_still_gets_a_canary_and_opt_outs_are_counted(
    database: Database,
) -> None:
    _seed(database)
    campaign = alerts.create(
        database,
        alerts.NewCampaign(
            "power_outage",
            "te",
            f"citizen:{CITIZENS[4]}",
            by="a",
            params=["Guntur", "6 PM"],
            topic="power",
        ),
    )
    assert _recipients(database, campaign) == [(CITIZENS[4], "opted_out", False)]
    other = alerts.create(
        database,
        alerts.NewCampaign(
            "power_outage", "te", f"citizen:{CITIZENS[5]}", by="a", params=["G", "6"], topic="power"
        ),
    )
    assert _recipients(database, other) == [(CITIZENS[5], "queued", True)]
    assert alerts.progress(database, other).canary_size == 1
