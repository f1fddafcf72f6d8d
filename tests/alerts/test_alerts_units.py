"""Alerts without a server: chat commands, event specs, audiences resolved on both stores,
the two-person rule, progress counts, and the chat lane's priority on a number's bucket."""

from __future__ import annotations

from pathlib import Path

import pytest

from manamitra import alerts
from manamitra.alerts import campaigns, subscriptions
from manamitra.alerts.audience import parse_audience
from manamitra.alerts.commands import parse_command
from manamitra.alerts.events import event_specs, parse_spec
from manamitra.alerts.templates import TemplateInfo, save
from manamitra.alerts.topics import ALL
from manamitra.channels.whatsapp.ratelimit import TokenBucket
from manamitra.errors import ConflictError, ForbiddenError, SpecError
from manamitra.store import Database
from manamitra.store.models import AlertRecipient, ConsumerLink


@pytest.mark.parametrize(
    ("text", "subscribe", "topic"),
    [
        ("STOP", False, ALL),
        ("ఆపు", False, ALL),
        ("alerts vaddu", False, ALL),
        ("Alerts Vaddu!", False, ALL),
        ("అలర్ట్స్ వద్దు", False, ALL),
        ("STOP power", False, "power"),
        ("వరదలు ఆపు", False, "floods"),
        ("START", True, ALL),
        ("ALERTS", True, ALL),
        ("అలర్ట్స్", True, ALL),
    ],
)
def test_alert_commands_in_both_languages(text: str, subscribe: bool, topic: str) -> None:
    command = parse_command(text)
    assert command is not None
    assert (command.subscribe, command.topic) == (subscribe, topic)


@pytest.mark.parametrize("text", ["stop the bus at Guntur", "power bill", "hi", "STOP nonsense"])
def test_sentences_are_not_alert_commands(text: str) -> None:
    assert parse_command(text) is None


def test_every_event_spec_loads_and_a_bad_one_is_refused_precisely() -> None:
    assert {"feeder_outage", "payment_credited", "flood_warning"} <= set(event_specs())
    with pytest.raises(SpecError, match="undeclared feeder"):
        parse_spec(
            {
                "event": "x",
                "topic": "power",
                "template": "t",
                "fields": ["area"],
                "audience": "feeder:apspdcl:{feeder}",
            },
            "x.yaml",
        )
    with pytest.raises(SpecError, match="unknown alert topic"):
        parse_spec(
            {
                "event": "x",
                "topic": "cricket",
                "template": "t",
                "fields": ["a"],
                "audience": "citizen:{a}",
            },
            "x.yaml",
        )


def test_audience_specs_are_checked() -> None:
    assert parse_audience("service:revenue.caste:submitted").args == (
        "revenue.caste",
        "submitted",
    )
    with pytest.raises(SpecError):
        parse_audience("everyone")
    with pytest.raises(SpecError):
        parse_audience("feeder:apspdcl")


def _template(database: Database) -> None:
    save(
        database,
        [
            TemplateInfo(
                "power_outage", "te", "utility", "{{1}} లో {{2}} వరకు కరెంట్ ఉండదు.", "APPROVED"
            )
        ],
    )


def test_a_feeder_audience_and_opt_outs_resolve_in_the_database(database: Database) -> None:
    _template(database)
    with database.unit_of_work() as db:
        for i in range(5):
            db.add(
                ConsumerLink(
                    department="apspdcl",
                    consumer_number=f"11214020{i:05d}",
                    citizen=f"91990000000{i}",
                    feeder="NLR-11KV-07",
                )
            )
        db.add(
            ConsumerLink(
                department="apspdcl",
                consumer_number="1121409999999",
                citizen="919900000009",
                feeder="OTHER",
            )
        )
        subscriptions.record(db, "919900000001", "power", False, source="test")
        subscriptions.record(db, "919900000002", ALL, False, source="test")
    campaign = alerts.raise_event(
        database,
        "feeder_outage",
        {"department": "apspdcl", "feeder": "NLR-11KV-07", "area": "Nellore", "until": "5 PM"},
    )
    progress = alerts.progress(database, campaign)
    assert progress.recipients == 5 and progress.state == "canary"  # 1 %: one goes first
    assert progress.counts["queued"] == 3 and progress.counts["opted_out"] == 2


def test_a_csv_of_phones_and_consumer_numbers_fills_parameters_per_row(
    database: Database, tmp_path: Path
) -> None:
    _template(database)
    with database.unit_of_work() as db:
        db.add(
            ConsumerLink(
                department="apspdcl",
                consumer_number="1121402007781",
                citizen="919849012345",
                feeder="F1",
            )
        )
    rows = tmp_path / "list.csv"
    rows.write_text(
        "phone,consumer_number,1,2\n9876543210,,Tenali,6 PM\n,1121402007781,Nellore,7 PM\n",
        encoding="utf-8",
    )
    # a phone column wins: the consumer row has no phone, so the file is read by phone …
    consumers = tmp_path / "consumers.csv"
    consumers.write_text("consumer_number,1,2\n1121402007781,Nellore,7 PM\n0000,X,Y\n")
    campaign = alerts.create(
        database,
        alerts.NewCampaign("power_outage", "te", f"csv:{consumers}", by="a", topic="power"),
    )
    assert alerts.progress(database, campaign).recipients == 1
    with database.unit_of_work() as db:
        row = db.query(AlertRecipient).filter_by(campaign_id=campaign).one()
        assert row.citizen == "919849012345" and row.params == {"1": "Nellore", "2": "7 PM"}


def test_the_creator_cannot_approve_and_states_move_only_forward(database: Database) -> None:
    _template(database)
    with database.unit_of_work() as db:
        subscriptions.record(db, "919900000100", ALL, True, source="test")
    campaign = alerts.create(
        database,
        alerts.NewCampaign(
            "power_outage", "te", "all", by="Admin.State", params=["Guntur", "6 PM"], topic="power"
        ),
    )
    with pytest.raises(ForbiddenError):
        alerts.approve(database, campaign, "admin.state")
    with pytest.raises(ConflictError):
        alerts.start(database, campaign)
    alerts.approve(database, campaign, "admin.municipal")
    assert alerts.start(database, campaign) == "canary"
    campaigns.pause(database, campaign)
    assert alerts.resume(database, campaign) == "canary"
    alerts.cancel(database, campaign)
    assert alerts.progress(database, campaign).counts["queued"] == 0


def test_parameters_must_fit_the_template(database: Database) -> None:
    _template(database)
    with pytest.raises(SpecError, match="takes 2 body parameters"):
        alerts.create(
            database, alerts.NewCampaign("power_outage", "te", "all", by="a", params=["x"])
        )


def test_a_chat_reply_books_the_next_slot_before_queued_broadcasts() -> None:
    now = [0.0]
    bucket = TokenBucket(10, burst=1, clock=lambda: now[0])
    assert bucket.try_reserve()  # the broadcast lane takes the free slot
    assert not bucket.try_reserve()  # … and no slot ahead of time
    assert bucket.reserve() == pytest.approx(0.1)  # a reply: the very next slot
    now[0] = 0.1
    assert not bucket.try_reserve()  # that slot is the reply's
    now[0] = 0.2
    assert bucket.try_reserve()
