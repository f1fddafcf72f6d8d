"""Journey through the simulator API: a resolved grievance is rated from 1 to 10 however the
citizen writes the rating (stars, "8/10", "4/5", the number in Telugu or English words, a
tap), in Telugu and English; the citizen is thanked once; anything else gets a clear message
and a second try."""

from __future__ import annotations

from pathlib import Path

from manamitra.grievances import cases
from manamitra.grievances.offices import seed_offices
from manamitra.store import Database
from tests.console.live_helpers import wait_for_text
from tests.support.live import live_server
from tests.support.phone import Phone, body_text


def _resolved_grievance(database: Database, citizen: str, lang: str) -> str:
    with database.unit_of_work() as db:
        seed_offices(db)
        row = cases.register_grievance(
            db,
            cases.NewGrievance(
                citizen=citizen,
                lang=lang,
                service_id="grievances.street_lights",
                department="municipal",
                category="street_lights",
                description="Street light off near the school",
                attachments=[],
                district="guntur",
                mandal="guntur.tenali",
            ),
        )
        cases.assign(db, row, "officer.guntur", actor="officer.guntur")
        cases.transition(db, row, "resolve", actor="officer.guntur", note="New bulb fitted")
        return row.number


def _open_feedback(phone: Phone, database: Database, lang: str) -> str:
    """The citizen is chatting when the grievance is resolved, and taps "Rate or reopen"."""
    phone.say("Hi")
    phone.tap(f"lang:{lang}")
    number = _resolved_grievance(database, phone.number, lang)
    try:
        wait_for_text(phone, "New bulb fitted")
    except AssertionError:
        raise AssertionError([body_text(b)[-70:] for b in phone.outbox()]) from None
    phone.tap("svc:grievances.feedback")
    phone.tap(f"opt:{number}")
    phone.tap("opt:satisfied")
    return number


def _rate(phone: Phone, database: Database, lang: str, rating: str) -> tuple[str, list[str]]:
    number = _open_feedback(phone, database, lang)
    said = [body_text(b) for b in phone.say(rating)]
    review = phone.say("skip")
    said += [body_text(b) for b in review]
    said += [body_text(b) for b in phone.tap("flow:submit", review)]  # the review, then thanks
    return number, said


def test_every_way_of_writing_a_rating_rates_once(tmp_path: Path) -> None:
    ways = [
        ("919700000301", "en", "⭐⭐⭐⭐", 4),
        ("919700000302", "en", "4/5", 8),  # the citizen's 1–5, placed on 1–10
        ("919700000303", "te", "ఎనిమిది", 8),
        ("919700000304", "en", "nine", 9),
        ("919700000305", "te", "⭐⭐⭐️", 3),
        ("919700000306", "en", "10", 10),
    ]
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        database = Database(server.settings.database_url)
        try:
            for citizen, lang, rating, expected in ways:
                phone = Phone(client, citizen, "Lakshmi")
                number, said = _rate(phone, database, lang, rating)
                thanks = [t for t in said if number in t and "/10" in t]
                assert len(thanks) == 1, (rating, said)
                assert f"{expected}/10" in thanks[0]
                # nothing else thanks or announces the closing, now or a moment later
                later = [body_text(b) for b in phone.send(text="menu")]
                assert not any(number in t for t in later), later
                with database.unit_of_work() as db:
                    row = cases.find_grievance(db, number)
                    assert row is not None and row.state == "closed", rating
                    assert (row.rating, row.rating_scale) == (expected, 10), rating
        finally:
            database.dispose()


def test_a_word_that_is_not_a_rating_is_explained_and_asked_again(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        database = Database(server.settings.database_url)
        try:
            for citizen, lang, explained in (
                ("919700000311", "en", "Please rate from 1 to 10"),
                ("919700000312", "te", "1 నుంచి 10 మధ్య రేటింగ్"),
            ):
                phone = Phone(client, citizen, "Ravi")
                number = _open_feedback(phone, database, lang)
                wrong = [body_text(b) for b in phone.say("very nice")]
                assert any(explained in t for t in wrong), wrong
                again = phone.tap("opt:5")  # the list comes again and a tap rates
                assert not any(number in body_text(b) for b in again)
                closed = [body_text(b) for b in phone.say("skip")]
                assert sum(number in t for t in closed) == 1, closed
        finally:
            database.dispose()
