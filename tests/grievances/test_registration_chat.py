"""Registering a grievance in chat: routed, numbered, acknowledged; status by number."""

from __future__ import annotations

from sqlalchemy import select

from manamitra.grievances.offices import seed_offices
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import CaseEvent, Grievance
from tests.support.engine_driver import Chat, make_engine, texts


def _register(chat: Chat) -> list[str]:
    chat.tap("lang:en")
    chat.tap("svc:grievances.street_lights")
    chat.tap("opt:not_working")
    chat.say("The street light near the Rama temple has been off for a week")
    chat.tap("opt:no")
    chat.tap("opt:pick")
    chat.say("Guntur")
    chat.say("Tenali")
    chat.say("skip")
    chat.tap("flow:submit")  # the review before registering
    return texts(chat.last)


def test_grievance_is_routed_numbered_and_acknowledged(database: Database) -> None:
    catalog = load_checked_catalog()
    with database.unit_of_work() as db:
        seed_offices(db)
        chat = Chat(make_engine(catalog), db=db)
        said = _register(chat)
        row = db.scalar(select(Grievance))
        assert row is not None
        assert row.office_id == "municipal.guntur.tenali"
        assert row.state == "submitted"
        assert row.category == "street_lights"
        assert row.description and "Rama temple" in row.description
        assert row.due_at > row.created_at
        assert any(row.number in text and "Expected resolution" in text for text in said)
        events = db.scalars(select(CaseEvent)).all()
        assert [e.action for e in events] == ["submitted"]
        status = texts(chat.say(row.number))
        assert any("Registered" in text for text in status)


def test_someone_elses_number_is_not_shown(database: Database) -> None:
    catalog = load_checked_catalog()
    with database.unit_of_work() as db:
        seed_offices(db)
        chat = Chat(make_engine(catalog), db=db)
        _register(chat)
        number = db.scalar(select(Grievance.number))
        other = Chat(make_engine(catalog), db=db, citizen="919000000001")
        other.tap("lang:en")
        other.tap("svc:grievances.status")
        replies = texts(other.say(str(number)))
        assert any("could not find" in text for text in replies)


def test_voice_note_three_photos_and_a_location_pin(database: Database) -> None:
    from manamitra.messaging.inbound import Media

    catalog = load_checked_catalog()
    with database.unit_of_work() as db:
        seed_offices(db)
        chat = Chat(make_engine(catalog), db=db)
        chat.tap("lang:en")
        chat.tap("svc:apcpdcl.power_complaint")
        chat.tap("opt:no_supply")
        chat.send_media("audio", Media(id="voice-1", mime_type="audio/ogg", voice=True))
        chat.tap("opt:yes")
        for index in range(3):
            chat.send_media("image", Media(id=f"photo-{index}", mime_type="image/jpeg"))
            if index < 2:
                chat.tap("opt:yes")
        chat.tap("opt:pin")
        chat.send_location(16.3067, 80.4365)  # Guntur
        said = texts(chat.tap("flow:submit"))
        row = db.scalar(select(Grievance))
        assert row is not None, said
        kinds = [a["kind"] for a in row.attachments]
        assert kinds == ["voice", "photo", "photo", "photo"]
        # a pin in Guntur town reaches the engineer of that mandal, not the district office
        assert row.district == "guntur" and row.office_id == "apcpdcl.guntur.guntur"
        assert row.latitude == 16.3067 and row.category == "power_supply"
        assert row.description == "No power supply"  # the rest is in the voice note
        listed = texts(chat.say("status"))
        assert any(row.number in text for text in listed)
