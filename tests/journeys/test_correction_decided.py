"""Journey through the simulator API and the console over HTTP: a citizen whose income
certificate was approved says their father's name is wrong; the tahsildar of another district
neither sees nor opens the request; the tahsildar who verified it must give a reason to reject
and the citizen reads it in Telugu at once; asked again and approved, the corrected name is
what the next application offers, "corrected by" the department."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from manamitra.console.page import labels
from manamitra.profile.show import t as profile_text
from manamitra.store import Database
from tests.console.live_helpers import add_officers, officer_client
from tests.journeys.test_ask_once import NUMBER, _approve, _income_certificate, _start, _texts
from tests.journeys.test_ask_once import _wait_for_rating_list as wait_for_rating_list
from tests.support.live import live_server
from tests.support.phone import Phone, body_text, choice_ids

CORRECTION = re.compile(r"COR-\d{4}-\d{6}")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CORRECTED = "Venkata Rao Garu"


def _seed(database_url: str) -> None:
    database = Database(database_url)
    try:
        with database.unit_of_work() as db:
            add_officers(
                db,
                (
                    ("tahsildar.guntur", "officer", "revenue", "guntur"),
                    ("tahsildar.ntr", "officer", "revenue", "ntr"),
                    ("officer.guntur", "officer", "municipal", "guntur"),
                ),
            )
    finally:
        database.dispose()


def _ask_correction(phone: Phone) -> str:
    menu = phone.say("menu")
    details = phone.tap("prof:details", menu)
    facts = phone.tap("prof:fix", details)
    assert "prof:fix:father_name" in choice_ids(facts[-1]), _texts(facts)
    phone.tap("prof:fix:father_name", facts)
    sent = _texts(phone.say(CORRECTED))
    found = CORRECTION.search(sent)
    assert found, sent
    return found.group(0)


def _decide(officer: httpx.Client, number: str, action: str, reason: str) -> httpx.Response:
    path = f"/console/corrections/{number}"
    token = CSRF.search(officer.get(path).text).group(1)  # type: ignore[union-attr]
    return officer.post(
        f"{path}/decide", data={"action": action, "reason": reason, "csrf_token": token}
    )


def _wait_for(phone: Phone, needle: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        bodies = phone.outbox()
        for body in bodies[phone.seen :]:
            if needle in body_text(body):
                phone.seen = len(bodies)
                return body_text(body)
        time.sleep(0.1)
    raise AssertionError([body_text(b)[:80] for b in phone.outbox()[-4:]])


@pytest.mark.slow
def test_a_correction_rejected_with_a_reason_then_approved_fills_the_next_application(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        _seed(server.settings.database_url)
        phone = Phone(client, "919700000931", "Lakshmi")
        phone.say("Hi")
        phone.tap("lang:te")
        application = _income_certificate(phone, "te")
        _approve(server.url, application)
        wait_for_rating_list(phone, application)
        first = _ask_correction(phone)

        elsewhere = officer_client(server.url, "tahsildar.ntr")
        municipal = officer_client(server.url, "officer.guntur")
        for outsider in (elsewhere, municipal):
            assert first not in outsider.get("/console/corrections").text
            assert outsider.get(f"/console/corrections/{first}").status_code == 403
            outsider.close()

        tahsildar = officer_client(server.url, "tahsildar.guntur")
        waiting = tahsildar.get("/console/corrections").text
        assert first in waiting and application in waiting
        page = tahsildar.get(f"/console/corrections/{first}").text
        assert CORRECTED in page and "<td>Venkata Rao</td>" in page  # asked, verified before

        refused = _decide(tahsildar, first, "reject", "")
        assert refused.status_code == 422
        assert any(
            labels()[lang]["correction_errors"]["needs_reason"] in refused.text
            for lang in ("en", "te")
        )
        reason = "Ration card and school record both say Venkata Rao"
        assert _decide(tahsildar, first, "reject", reason).status_code in (200, 303)
        told = _wait_for(phone, first)
        assert reason in told and "అంగీకరించలేదు" in told  # in Telugu, with the reason
        again = _decide(tahsildar, first, "approve", "")
        assert again.status_code == 409  # decided once only

        second = _ask_correction(phone)
        assert _decide(tahsildar, second, "approve", "").status_code in (200, 303)
        told = _wait_for(phone, second)
        assert "ఆమోదించింది" in told
        decided = tahsildar.get("/console/corrections?decided=1").text
        assert first in decided and second in decided
        tahsildar.close()

        started = _start(phone, "te", "caste certificate", "revenue.caste_certificate")
        offer = phone.tap("prefill:allow", [started[-1]])
        shown = _texts(offer)
        assert CORRECTED in shown, shown
        # "రెవెన్యూ శాఖ 07-12-2026న సరిదిద్దింది (COR-2026-000002)": by whom, when, which request
        corrected_by = profile_text(
            "te", "source.correction", department="", date="", number=second
        )
        assert corrected_by.strip() in shown, shown
        filled = phone.tap("prefill:use", offer)
        assert profile_text("te", "filled", count=8) in _texts(filled)
        assert NUMBER.search(application)
