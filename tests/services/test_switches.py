"""Service switches set in the database apply to the next citizen, without a restart: off
until a time, a scheduled start, a pilot in some districts, and back on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from manamitra import clock
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.services.switches import availability, set_switch
from manamitra.store import Database
from tests.support.engine_driver import Chat, make_engine, texts

CATALOG = load_checked_catalog()


@pytest.fixture
def session(database: Database) -> Iterator:
    """SQLite, and PostgreSQL when MM_TEST_POSTGRES_URL is set."""
    with database.unit_of_work() as session:
        yield session


def _open(chat: Chat, lang: str, service: str) -> list[str]:
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    return texts(chat.tap(f"svc:{service}"))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Rice card status", "is not available right now", "returns on", "(IST)"]),
        ("te", ["ప్రస్తుతం అందుబాటులో లేదు", "నుండి మళ్ళీ అందుబాటులో ఉంటుంది"]),
    ],
)
def test_a_disabled_service_says_when_it_returns(session, lang, words) -> None:
    back = clock.now() + timedelta(days=2)
    set_switch(session, "civil_supplies.rice_card_status", "off", actor="admin", until=back)
    said = " ".join(
        _open(Chat(make_engine(CATALOG), db=session), lang, "civil_supplies.rice_card_status")
    )
    assert all(word in said for word in words), said
    assert clock.format_ist(back) in said
    assert availability(session, "civil_supplies.rice_card_status", back).state == "on"


def test_switching_back_on_applies_to_the_next_tap(session) -> None:
    set_switch(session, "serp.pension_status", "off", actor="admin")
    chat = Chat(make_engine(CATALOG), db=session)
    assert "not available right now" in " ".join(_open(chat, "en", "serp.pension_status"))
    assert "flow" not in chat.convo.state
    set_switch(session, "serp.pension_status", "on", actor="admin")
    chat.tap("svc:serp.pension_status")
    assert "Old age" in texts(chat.say("1020304051"))[0]


def test_a_scheduled_service_says_when_it_opens(session) -> None:
    opens = clock.now() + timedelta(hours=5)
    set_switch(session, "serp.pension_status", "on", actor="admin", starts_at=opens)
    said = " ".join(_open(Chat(make_engine(CATALOG), db=session), "en", "serp.pension_status"))
    assert f"opens on {clock.format_ist(opens)}" in said


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["being tried first in", "Guntur", "not open in Krishna"]),
        ("te", ["ప్రయోగాత్మకంగా", "గుంటూరు"]),
    ],
)
def test_a_pilot_is_open_in_its_districts_only(session, lang, words) -> None:
    set_switch(session, "police.stations", "pilot", actor="admin", districts=("guntur",))
    chat = Chat(make_engine(CATALOG), db=session)
    _open(chat, lang, "police.stations")
    said = " ".join(texts(chat.say("Krishna")))
    assert all(word in said for word in words), said
    chat.tap("svc:police.stations")
    said = " ".join(texts(chat.say("Guntur")))
    assert "being tried" not in said and "ప్రయోగాత్మకంగా" not in said


def test_a_pilot_needs_known_districts(session) -> None:
    with pytest.raises(ValueError, match="unknown districts"):
        set_switch(session, "police.stations", "pilot", actor="a", districts=("atlantis",))
