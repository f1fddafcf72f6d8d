"""A service with a fee: review, then the bill, then the application once the money is in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manamitra.conversation.flow import next_pending
from manamitra.messaging.i18n import t
from manamitra.messaging.reply import Buttons, OrderDetails, Text
from manamitra.payments.confirm import confirm
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import Application
from tests.services.walk import send_valid
from tests.support import databases
from tests.support.engine_driver import Chat, choice_ids, make_engine, order_reference

CATALOG = load_checked_catalog()
INCOME = CATALOG.services["revenue.income_certificate"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_database(tmp_path_factory.mktemp("fee")) as db:
        yield db


def to_review(session: Session, lang: str, citizen: str) -> Chat:
    chat = Chat(make_engine(CATALOG), db=session, citizen=citizen)
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    chat.tap(f"svc:{INCOME.id}")
    while chat.convo.state["flow"]["phase"] == "steps":
        pending = next_pending(INCOME, chat.convo.state["flow"]["answers"])
        assert pending is not None
        send_valid(chat, pending.step, lang)
    return chat


def applications(session: Session, citizen: str) -> list[Application]:
    return list(session.scalars(select(Application).where(Application.citizen == citizen)))


@pytest.mark.parametrize("lang", ["te", "en"])
def test_the_fee_is_billed_after_review_and_the_application_waits_for_it(
    database: Database, lang: str
) -> None:
    citizen = f"91910000007{0 if lang == 'te' else 1}"
    with database.unit_of_work() as session:
        chat = to_review(session, lang, citizen)
        review = chat.last[-1]
        assert isinstance(review, Buttons)
        assert choice_ids(review)[0] == "flow:submit"
        assert review.choices[0].title == t(lang, "flow.pay_and_submit", amount="₹45")
        billed = chat.tap("flow:submit")
        assert billed[0] == Text(
            t(lang, "applications.fee_due", amount="₹45", service=INCOME.name.get(lang))
        )
        bill = billed[-1]
        assert isinstance(bill, OrderDetails) and bill.total_paise == INCOME.fee_paise
        assert applications(session, citizen) == []


def test_a_failed_payment_keeps_the_answers_and_a_paid_one_submits_exactly_once(
    database: Database,
) -> None:
    citizen = "919100000072"
    with database.unit_of_work() as session:
        chat = to_review(session, "en", citizen)
        answers = {k: v for k, v in chat.convo.state["flow"]["answers"].items() if k[0] != "_"}
        reference = order_reference(chat.tap("flow:submit"))
        assert reference is not None

        failed = chat.pay(reference, "failure")
        assert any("did not go through" in r.body for r in failed if isinstance(r, Text))
        assert applications(session, citizen) == []

        paid = chat.pay(reference)
        [application] = applications(session, citizen)
        assert any(application.number in r.body for r in paid if isinstance(r, Text))
        assert application.fee_paise == INCOME.fee_paise
        assert application.answers == {**answers, "fee_payment": reference}

        parts = chat.engine.parts
        assert confirm(session, parts.payments, reference, parts) == []
        assert (
            session.scalar(
                select(func.count()).select_from(Application).where(Application.citizen == citizen)
            )
            == 1
        )
