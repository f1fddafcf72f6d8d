"""A rating after each of the four completions (a certificate delivered, a bill paid, a bus
seat booked, a grievance closed): one list of ten, an optional comment, never twice for the
same case, in Telugu and English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.grievances import cases
from manamitra.grievances.deadlines import run_once
from manamitra.grievances.offices import seed_offices
from manamitra.messaging.reply import ListMenu, reply_from_json
from manamitra.ratings.prompt import t as rating_text
from manamitra.store import Database
from manamitra.store.models import Conversation, OutboundMessage, ServiceRating
from tests.payments.support import make_payments
from tests.profile.support import CATALOG, INCOME, apply_and_approve
from tests.support.engine_driver import Chat, choice_ids, make_engine, order_reference, texts


def _chat(db: Session, citizen: str, lang: str, **services: object) -> Chat:
    chat = Chat(
        make_engine(CATALOG, {"payments": make_payments(), **services}), db=db, citizen=citizen
    )
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    # the citizen has written recently: free-form messages (the list) may be sent
    db.add(
        Conversation(
            citizen=citizen, language=lang, state={}, last_inbound_at=clock.now(), version=0
        )
    )
    db.flush()
    return chat


def _rating_lists(replies: list) -> list[ListMenu]:
    return [r for r in replies if isinstance(r, ListMenu) and choice_ids(r)[0].startswith("rate:")]


def _queued_lists(db: Session, citizen: str) -> list[ListMenu]:
    rows = db.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.citizen == citizen)
        .order_by(OutboundMessage.id)
    )
    return _rating_lists([reply_from_json(row.body) for row in rows])


def _rate_once(chat: Chat, lang: str, menu: ListMenu, score: int) -> str:
    """Tap `score`, add a comment, then try again: thanked once, the second refused."""
    ids = choice_ids(menu)
    assert len(ids) == 10 and ids[0].endswith(":10") and ids[-1].endswith(":1")
    tap = next(i for i in ids if i.endswith(f":{score}"))
    thanks = " ".join(texts(chat.tap(tap)))
    assert f"{score}/10" in thanks
    assert rating_text(lang, "comment_question") in thanks
    chat.say("Quick and polite")
    assert rating_text(lang, "comment_thanks") in texts(chat.last)
    again = " ".join(texts(chat.tap(ids[-1])))
    assert rating_text(lang, "already", what="X").split("X")[-1].strip() in again
    return tap


def _stored(db: Session, tap: str) -> list[ServiceRating]:
    kind, _, rest = tap.removeprefix("rate:").partition(":")
    ref = rest.rpartition(":")[0]
    query = select(ServiceRating).where(
        ServiceRating.subject_kind == kind, ServiceRating.subject_ref == ref
    )
    return list(db.scalars(query))


@pytest.mark.parametrize("lang", ["te", "en"])
def test_a_delivered_certificate_is_rated_once(database: Database, lang: str) -> None:
    citizen = f"91910000010{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        chat = _chat(db, citizen, lang)
        application = apply_and_approve(chat, INCOME, lang)
        menus = _queued_lists(db, citizen)
        assert len(menus) == 1 and application.number in choice_ids(menus[0])[0]
        tap = _rate_once(chat, lang, menus[0], 9)
        [row] = _stored(db, tap)
        assert (row.score, row.scale, row.comment) == (9, 10, "Quick and polite")
        assert row.service_id == INCOME.id and row.department == "revenue"


@pytest.mark.parametrize("lang", ["te", "en"])
def test_a_paid_bill_is_rated_once(database: Database, lang: str) -> None:
    citizen = f"91910000020{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        chat = _chat(db, citizen, lang)
        chat.tap("svc:apspdcl.pay_bill")
        reference = order_reference(chat.say("1121402007781"))
        assert reference is not None
        menus = _rating_lists(chat.pay(reference))
        assert len(menus) == 1
        tap = _rate_once(chat, lang, menus[0], 7)
        [row] = _stored(db, tap)
        assert (row.subject_kind, row.score, row.service_id) == ("payment", 7, "apspdcl.pay_bill")


@pytest.mark.parametrize("lang", ["te", "en"])
def test_a_booked_bus_seat_is_rated_once(database: Database, lang: str) -> None:
    citizen = f"91910000030{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        chat = _chat(db, citizen, lang)
        day = (clock.to_ist(clock.now()).date() + timedelta(days=2)).isoformat()
        chat.tap("svc:apsrtc.book_ticket")
        for answer in ("VJA", "GNT", day, "VJA-GNT-0600", "window"):
            chat.tap(f"opt:{answer}")
        chat.say("Sita Devi")
        chat.say("30")
        chat.tap("opt:female")
        chat.tap("opt:no")
        chat.tap("opt:none")
        reference = order_reference(chat.tap("flow:submit"))
        assert reference is not None
        menus = _rating_lists(chat.pay(reference))
        assert len(menus) == 1
        tap = _rate_once(chat, lang, menus[0], 10)
        [row] = _stored(db, tap)
        assert (row.subject_kind, row.score) == ("booking", 10)


@pytest.mark.parametrize("lang", ["te", "en"])
def test_a_grievance_closed_without_a_verdict_is_rated_once(database: Database, lang: str) -> None:
    citizen = f"91910000040{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        seed_offices(db)
        chat = _chat(db, citizen, lang)
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
        clock.advance(cases.reopen_window() + timedelta(hours=1))
        db.get(Conversation, citizen).last_inbound_at = clock.now()  # type: ignore[union-attr]
        assert run_once(db).closed == [row.number]
        menus = _queued_lists(db, citizen)
        assert len(menus) == 1 and row.number in choice_ids(menus[0])[0]
        tap = _rate_once(chat, lang, menus[0], 6)
        assert (row.rating, row.rating_scale) == (6, 10)
        assert row.rating_comment == "Quick and polite"  # shown on the officers' case page
        [stored] = _stored(db, tap)
        assert (stored.subject_kind, stored.score) == ("grievance", 6)


def test_a_rating_tap_for_someone_elses_case_records_nothing(database: Database) -> None:
    with database.unit_of_work() as db:
        owner = _chat(db, "919100000501", "en")
        application = apply_and_approve(owner, INCOME, "en")
        stranger = _chat(db, "919100000502", "en")
        said = texts(stranger.tap(f"rate:certificate:{application.number}:1"))
        assert rating_text("en", "unknown") in said
        assert db.scalars(select(ServiceRating)).all() == []
