from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from manamitra import clock
from manamitra.catalog.loader import DEPARTMENTS_FILE, load_catalog
from manamitra.messaging.reply import Buttons, Text
from manamitra.privacy import mask_aadhaar, verhoeff_digit
from manamitra.services.application import next_number
from manamitra.services.catalog_check import check_step
from manamitra.services.kind import get_kind
from manamitra.services.status import find_by_number, items_for
from manamitra.store.models import Application
from tests.support.engine_driver import Chat, make_engine, texts

SPEC = {
    "id": "revenue.test_income",
    "department": "revenue",
    "category": "revenue",
    "kind": "application",
    "name": {"en": "Income certificate", "te": "ఆదాయ ధృవీకరణ పత్రం"},
    "description": {"en": "Apply.", "te": "దరఖాస్తు చేయండి."},
    "sla_days": 7,
    "steps": [
        {"id": "applicant_name", "type": "name", "prompt": {"en": "Name?", "te": "పేరు?"}},
        {"id": "aadhaar", "type": "aadhaar", "prompt": {"en": "Aadhaar?", "te": "ఆధార్?"}},
        {"id": "district", "type": "district", "prompt": {"en": "District?", "te": "జిల్లా?"}},
        {"id": "mandal", "type": "mandal", "prompt": {"en": "Mandal?", "te": "మండలం?"}},
        {"id": "village", "type": "village", "prompt": {"en": "Village?", "te": "గ్రామం?"}},
    ],
    "application": {"certificate": "income"},
}

AADHAAR = "23412341234" + verhoeff_digit("23412341234")


@pytest.fixture
def catalog(tmp_path: Path):
    services = tmp_path / "services"
    services.mkdir()
    (services / "one.yaml").write_text(yaml.safe_dump(SPEC, allow_unicode=True), "utf-8")
    # a minimal spec: its kind and steps are checked, not the facts a published application
    # states for citizens' questions (that rule is tested in tests/understanding)
    return load_catalog(
        services,
        DEPARTMENTS_FILE,
        check_step=check_step,
        check_kind=lambda s: get_kind(s.kind).check(s),
    )


def _apply(chat: Chat) -> list:
    chat.say("Hi")
    chat.tap("lang:en")
    chat.tap("svc:revenue.test_income")
    chat.say("Ravi Kumar")
    chat.say(AADHAAR)
    chat.say("Guntur")
    chat.say("tenali")
    replies = chat.say("Tenali")
    assert isinstance(replies[-1], Buttons)
    summary = replies[-1].body
    assert mask_aadhaar(AADHAAR) in summary and AADHAAR not in summary
    assert "Tenali" in summary
    return chat.tap("flow:submit")


def test_submitting_gives_a_number_and_stores_the_row(database, catalog) -> None:
    with database.unit_of_work() as session:
        chat = Chat(make_engine(catalog), db=session)
        replies = _apply(chat)
    body = texts(replies)[0]
    year = clock.to_ist(clock.now()).year
    assert f"REV-{year}-000001" in body
    with database.unit_of_work() as session:
        row = session.execute(select(Application)).scalar_one()
        assert row.number == f"REV-{year}-000001"
        assert row.district == "guntur" and row.mandal == "guntur.tenali"
        assert row.village == "guntur.tenali.tenali"
        assert row.answers["aadhaar"]["last4"] == AADHAAR[-4:]
        assert AADHAAR not in str(row.answers)
        assert row.sla_due_at is not None
        assert (row.sla_due_at - row.submitted_at).days == 7


def test_numbers_count_up_per_department_and_year(database) -> None:
    at = clock.now()
    with database.unit_of_work() as session:
        first = next_number(session, "REV", at)
        second = next_number(session, "REV", at)
        other = next_number(session, "MUN", at)
    with database.unit_of_work() as session:
        third = next_number(session, "REV", at)
    assert [first[-6:], second[-6:], third[-6:]] == ["000001", "000002", "000003"]
    assert other.endswith("-000001") and other.startswith("MUN-")


def test_my_applications_and_typed_number_show_the_status(database, catalog) -> None:
    with database.unit_of_work() as session:
        chat = Chat(make_engine(catalog), db=session)
        _apply(chat)
    year = clock.to_ist(clock.now()).year
    number = f"REV-{year}-000001"
    with database.unit_of_work() as session:
        items = items_for(session, "919876543210")
        assert [i.reference for i in items] == [number]
        assert items[0].status["te"] == "దరఖాస్తు అందింది"
        assert find_by_number(session, "919876543210", number.lower()) is not None
        assert find_by_number(session, "919999999999", number) is None
        chat = Chat(make_engine(catalog), db=session)
        chat.say("Hi")
        chat.tap("lang:en")
        replies = chat.say(number)
    assert (
        isinstance(replies[0], Text)
        and number in replies[0].body
        and "Submitted" in replies[0].body
    )


def test_concurrent_submissions_never_share_a_number(database) -> None:
    from concurrent.futures import ThreadPoolExecutor

    at = clock.now()

    def take(_: int) -> list[str]:
        numbers = []
        for _ in range(5):
            with database.unit_of_work() as session:
                numbers.append(next_number(session, "CONC", at))
        return numbers

    with ThreadPoolExecutor(max_workers=4) as pool:
        taken = [n for batch in pool.map(take, range(4)) for n in batch]
    assert len(set(taken)) == 20
    assert sorted(int(n[-6:]) for n in taken) == list(range(1, 21))
