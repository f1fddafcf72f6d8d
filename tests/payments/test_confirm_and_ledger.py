"""Money is counted once: duplicate, late and out-of-order webhooks, double payments and
failures all end in one ledger state that reconciles with the gateway."""

from __future__ import annotations

from sqlalchemy import func, select

from manamitra.departments.billing import BILL_SYSTEMS
from manamitra.payments import ledger
from manamitra.payments.orders import create_order, find_order
from manamitra.payments.reconcile import reconcile
from manamitra.store import Database
from manamitra.store.models import DepartmentPayment, LedgerEntry, OutboundMessage
from tests.payments.support import deliver, make_payments

CITIZEN = "919876543210"


def _bill_order(
    database: Database, payments, account: str = "1121402003456", system: str = "apspdcl"
):
    with database.unit_of_work() as db:
        statement = BILL_SYSTEMS[system].lookup(db, account)
        assert statement is not None and statement.dues
        order = create_order(
            db,
            payments,
            citizen=CITIZEN,
            lang="en",
            purpose="bill",
            service_id="apspdcl.pay_bill",
            subject=f"apspdcl:{account}",
            title={"en": "Power bill", "te": "కరెంటు బిల్లు"},
            items=[
                {"id": str(i), "name": d.label["en"], "amount_paise": d.amount_paise}
                for i, d in enumerate(statement.dues)
            ],
            idempotency_key=f"bill:{CITIZEN}:{account}",
            meta={
                "system": system,
                "account": account,
                "dues": [[d.ref, d.amount_paise] for d in statement.dues],
            },
        )
        return order.id, order.amount_paise


def test_duplicate_and_out_of_order_webhooks_record_the_payment_once(database: Database) -> None:
    payments = make_payments()
    order_id, amount = _bill_order(database, payments)
    payments.gateway.chaos.duplicates = 2
    payments.gateway.chaos.out_of_order = True
    _, events = payments.gateway.pay(order_id, "success")
    results = deliver(database, payments, events)
    assert results.count("processed") == 3 and results.count("duplicate") == 6
    with database.unit_of_work() as db:
        order = find_order(db, order_id)
        assert order is not None and order.status == "paid"
        assert ledger.net_for_order(db, order_id) == amount
        assert db.scalar(select(func.count()).select_from(LedgerEntry)) == 1
        assert db.scalar(select(func.count()).select_from(DepartmentPayment)) == 1
        sent = list(
            db.scalars(select(OutboundMessage.kind).where(OutboundMessage.citizen == CITIZEN))
        )
        # the receipt, then the one rating list of the payment
        assert sent == ["order_status", "text", "document", "list"]
        assert BILL_SYSTEMS["apspdcl"].lookup(db, "1121402003456").dues == []
        assert reconcile(db, payments.gateway).unexplained == 0


def test_paying_twice_refunds_the_second_payment(database: Database) -> None:
    payments = make_payments()
    order_id, amount = _bill_order(database, payments)
    _, first = payments.gateway.pay(order_id, "success")
    _, second = payments.gateway.pay(order_id, "success")
    deliver(database, payments, second + first)
    deliver(database, payments, first)  # late replays
    with database.unit_of_work() as db:
        kinds = sorted(e.kind for e in ledger.entries_for_order(db, order_id))
        assert kinds == ["payment", "payment", "refund"]
        assert ledger.net_for_order(db, order_id) == amount
        report = reconcile(db, payments.gateway)
        assert report.unexplained == 0
        assert report.explained and report.explained[0]["refunded_because"] == ["duplicate"]


def test_a_failed_attempt_then_success_tells_the_citizen_both_once(database: Database) -> None:
    payments = make_payments()
    order_id, _ = _bill_order(database, payments, "3341608002234", "apcpdcl")
    _, failed = payments.gateway.pay(order_id, "failure")
    deliver(database, payments, failed + failed)
    with database.unit_of_work() as db:
        assert find_order(db, order_id).status == "created"  # type: ignore[union-attr]
        assert ledger.net_for_order(db, order_id) == 0
    _, ok = payments.gateway.pay(order_id, "success")
    deliver(database, payments, ok + failed)
    with database.unit_of_work() as db:
        assert find_order(db, order_id).status == "paid"  # type: ignore[union-attr]
        texts = [m.body.get("body", "") for m in db.scalars(select(OutboundMessage))]
        assert sum("did not go through" in t for t in texts) == 1


def test_the_same_bill_paid_by_two_citizens_refunds_the_later_one(database: Database) -> None:
    payments = make_payments()
    first, _ = _bill_order(database, payments, "2231506001123", "apepdcl")
    with database.unit_of_work() as db:
        statement = BILL_SYSTEMS["apepdcl"].lookup(db, "2231506001123")
        other = create_order(
            db,
            payments,
            citizen="919848022338",
            lang="te",
            purpose="bill",
            service_id="apepdcl.pay_bill",
            subject="x",
            title={"en": "b", "te": "బి"},
            items=[{"id": "1", "name": "b", "amount_paise": statement.total_paise}],
            idempotency_key="other",
            meta={
                "system": "apepdcl",
                "account": "2231506001123",
                "dues": [[d.ref, d.amount_paise] for d in statement.dues],
            },
        )
        second = other.id
    for order_id in (first, second):
        deliver(database, payments, payments.gateway.pay(order_id, "success")[1])
    with database.unit_of_work() as db:
        assert find_order(db, first).status == "paid"  # type: ignore[union-attr]
        assert find_order(db, second).status == "refunded"  # type: ignore[union-attr]
        assert ledger.net_for_order(db, second) == 0
        assert reconcile(db, payments.gateway).unexplained == 0


def test_the_sweep_confirms_a_payment_whose_webhooks_were_all_lost(database: Database) -> None:
    from manamitra.payments.sweep import sweep_pending

    payments = make_payments()
    order_id, amount = _bill_order(database, payments, "1121402011209")
    payments.gateway.pay(order_id, "success")  # the webhooks never arrive
    assert sweep_pending(database, payments, {"payments": payments}) == 1
    assert sweep_pending(database, payments, {"payments": payments}) == 0
    with database.unit_of_work() as db:
        assert find_order(db, order_id).status == "paid"  # type: ignore[union-attr]
        assert ledger.net_for_order(db, order_id) == amount
