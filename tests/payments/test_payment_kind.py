"""The payment and booking kinds at engine level (Telugu first): the statement and bill, a
checkout link where order_details cannot go, an unknown account asked again, a gateway that
is down, a sold-out bus, and every kind's documented YAML example loading."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.schema import ServiceSpec
from manamitra.messaging.reply import CtaUrl, OrderDetails
from manamitra.payments.gateway import GatewayError
from manamitra.services import payment as payment_kind
from manamitra.services.booking import kind as booking_kind
from manamitra.services.catalog_check import check_kind, check_step, load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import Booking, BookingPool
from tests.payments.support import make_payments
from tests.support.engine_driver import Chat, make_engine, texts


@pytest.fixture(scope="module")
def catalog():
    return load_checked_catalog()


@pytest.fixture
def session(sqlite_database_url: str) -> Iterator[Session]:
    database = Database(sqlite_database_url)
    with database.unit_of_work() as db:
        yield db
    database.dispose()


def _chat(catalog, session: Session, payments, lang: str = "te") -> Chat:
    chat = Chat(make_engine(catalog, payments=payments), db=session)
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    return chat


def test_telugu_bill_shows_history_and_order_details(catalog, session: Session) -> None:
    chat = _chat(catalog, session, make_payments())
    chat.tap("svc:apspdcl.pay_bill")
    replies = chat.say("1121402007781")
    body = "\n".join(texts(replies))
    assert "గత ఆరు బిల్లులు" in body and "మొత్తం బాకీ" in body
    bill = next(r for r in replies if isinstance(r, OrderDetails))
    assert bill.total_paise == sum(i["amount_paise"] for i in bill.items)
    assert len(bill.items) == 2  # this account carries arrears: last month and this month


def test_link_checkout_where_order_details_cannot_go(catalog, session: Session) -> None:
    chat = _chat(catalog, session, make_payments(checkout="link"), lang="en")
    chat.tap("svc:municipal.pay_property_tax")
    link = next(r for r in chat.say("1073045678") if isinstance(r, CtaUrl))
    assert link.url.startswith("http://testserver/pay/MM-")


def test_unknown_account_is_asked_again(catalog, session: Session) -> None:
    chat = _chat(catalog, session, make_payments(), lang="en")
    chat.tap("svc:police.pay_echallan")
    replies = chat.say("AP00ZZ0000")
    assert any("could not find any record" in t for t in texts(replies))
    assert any("vehicle registration number" in t for t in texts(replies))


class _Down:
    name = "down"

    def create_order(self, **_: object) -> None:
        raise GatewayError("timeout")


def _book_bus(chat: Chat, day: str) -> list:
    chat.tap("svc:apsrtc.book_ticket")
    for answer in ("VJA", "GNT", day, "VJA-GNT-0600", "window"):
        chat.tap(f"opt:{answer}")
    chat.say("Sita Devi")
    chat.say("30")
    chat.tap("opt:female")
    chat.tap("opt:no")
    chat.tap("opt:none")
    return chat.tap("flow:submit")


def test_gateway_down_releases_the_hold_and_offers_retry(catalog, session: Session) -> None:
    payments = make_payments()
    payments.gateway = _Down()  # type: ignore[assignment]
    chat = _chat(catalog, session, payments, lang="en")
    day = (clock.to_ist(clock.now()).date() + timedelta(days=2)).isoformat()
    replies = _book_bus(chat, day)
    assert any("try again" in t.lower() for t in texts(replies))
    booking = session.scalars(select(Booking)).one()
    assert booking.status == "expired"
    assert session.get(BookingPool, booking.pool_id).used == 0  # type: ignore[union-attr]


def test_a_full_bus_tells_the_citizen(catalog, session: Session) -> None:
    chat = _chat(catalog, session, make_payments(), lang="en")
    day = (clock.to_ist(clock.now()).date() + timedelta(days=2)).isoformat()
    _book_bus(chat, day)
    pool = session.scalars(select(BookingPool)).one()
    pool.capacity = pool.used  # everyone else has booked meanwhile
    session.flush()
    chat.say("menu")
    replies = _book_bus(chat, day)
    assert any("no places left" in t for t in texts(replies))
    assert not any(isinstance(r, OrderDetails) for r in replies)


@pytest.mark.parametrize("module", [payment_kind, booking_kind])
def test_the_documented_example_loads(module, catalog) -> None:
    example = module.__doc__.split("Example::", 1)[1].split("\n\n", 2)[1]
    data = yaml.safe_load(example)
    spec = ServiceSpec.model_validate(
        {
            "id": "docs.example",
            "department": "rtgs",
            "category": "other",
            "name": {"en": "x", "te": "x"},
            "description": {"en": "x", "te": "x"},
            **data,
        }
    )
    for step in spec.steps:
        check_step(spec, step)
    check_kind(spec)


def test_my_tickets_and_payments_show_in_status_and_by_number(catalog, session: Session) -> None:
    from manamitra.messaging.reply import Document
    from manamitra.payments.confirm import confirm

    payments = make_payments()
    chat = _chat(catalog, session, payments, lang="en")
    day = (clock.to_ist(clock.now()).date() + timedelta(days=2)).isoformat()
    replies = _book_bus(chat, day)
    order_id = next(r for r in replies if isinstance(r, OrderDetails)).reference_id
    payments.gateway.pay(order_id, "success")
    confirm(session, payments, order_id, chat.engine.parts)
    booking = session.scalars(select(Booking)).one()
    assert booking.status == "confirmed"
    status = "\n".join(texts(chat.say("status")))
    assert booking.id in status and "Confirmed" in status
    found = chat.say(booking.id)
    assert any(isinstance(r, Document) and r.media_key == booking.ticket_media_key for r in found)


def test_an_ehundi_donation_gets_a_receipt(catalog, session: Session) -> None:
    from manamitra.messaging.reply import Document
    from manamitra.payments.confirm import confirm

    payments = make_payments()
    chat = _chat(catalog, session, payments)
    chat.tap("svc:endowments.ehundi")
    chat.tap("opt:annavaram")
    bill = next(r for r in chat.say("1116") if isinstance(r, OrderDetails))
    assert bill.total_paise == 111600 and "అన్నవరం" in bill.items[0]["name"]
    payments.gateway.pay(bill.reference_id, "success")
    replies = confirm(session, payments, bill.reference_id, chat.engine.parts)
    assert any(isinstance(r, Document) and r.filename.startswith("receipt-") for r in replies)
    assert any("ఈ-హుండీ కానుక ₹1,116 అందింది" in t for t in texts(replies))


def test_choosing_a_seat_and_no_ladies_seats_offered_to_a_man(catalog, session: Session) -> None:
    from manamitra.messaging.reply import ListMenu

    chat = _chat(catalog, session, make_payments(), lang="en")
    day = (clock.to_ist(clock.now()).date() + timedelta(days=2)).isoformat()
    chat.tap("svc:apsrtc.book_ticket")
    for answer in ("VJA", "GNT", day, "VJA-GNT-0600", "choose"):
        chat.tap(f"opt:{answer}")
    chat.say("Ravi Kumar")
    chat.say("40")
    chat.tap("opt:male")
    replies = chat.tap("opt:no")
    seat_list = next(r for r in replies if isinstance(r, ListMenu))
    offered = [row.id for s in seat_list.sections for row in s.rows]
    assert "opt:1" not in offered  # row 1 is for ladies
    assert "opt:9" in offered
    chat.tap("opt:9")
    chat.tap("opt:none")
    chat.tap("flow:submit")
    booking = session.scalars(select(Booking)).one()
    assert booking.details["seats"] == ["9"]


def _book_temple(chat: Chat, service: str, temple: str, offering: str, day: str, slot: str) -> list:
    chat.tap(f"svc:{service}")
    for answer in (temple, offering, day, slot):
        chat.tap(f"opt:{answer}")
    chat.say("Lakshmi Devi")
    chat.tap("opt:aadhaar")
    chat.say("4821")
    chat.tap("opt:no")
    return chat.tap("flow:submit")


@pytest.mark.parametrize(("days", "percent"), [(5, 90), (2, 50)])
def test_a_room_booked_paid_and_cancelled_by_the_temple_rule(
    catalog, session: Session, days: int, percent: int
) -> None:
    from manamitra.payments import ledger
    from manamitra.payments.confirm import confirm

    payments = make_payments()
    chat = _chat(catalog, session, payments, lang="en")
    day = (clock.to_ist(clock.now()).date() + timedelta(days=days)).isoformat()
    replies = _book_temple(chat, "endowments.book_room", "annavaram", "choultry", day, "12:00")
    order_id = next(r for r in replies if isinstance(r, OrderDetails)).reference_id
    payments.gateway.pay(order_id, "success")
    confirm(session, payments, order_id, chat.engine.parts)
    booking = session.scalars(select(Booking)).one()
    assert (booking.status, booking.quantity, booking.amount_paise) == ("confirmed", 1, 50000)
    chat.say("menu")
    chat.tap("svc:endowments.cancel_booking")
    chat.tap(f"opt:{booking.id}")
    replies = chat.tap("flow:submit")
    assert any(f"{percent}%" in t for t in texts(replies))
    assert booking.status == "cancelled" and booking.refund_paise == 50000 * percent // 100
    assert ledger.net_for_order(session, order_id) == 50000 - booking.refund_paise
