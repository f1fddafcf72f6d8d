"""Journey through the simulator API, in Telugu and English: a citizen's income certificate
is approved in the console and delivered with a 1–10 rating list (rated once); their caste
certificate then asks consent, shows the verified details with where they came from, and
fills them; a second citizen refuses and is asked everything; after withdrawing consent in
"My details" nothing is filled."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from manamitra.profile.show import t as profile_text
from manamitra.ratings.prompt import t as rating_text
from manamitra.store import Database
from tests.console.live_helpers import add_officers, officer_client
from tests.support.live import live_server
from tests.support.phone import Phone, body_text, choice_ids, order_reference

NUMBER = re.compile(r"REV-\d{4}-\d{6}")
NAME = {"en": "Lakshmi Devi", "te": "లక్ష్మి దేవి"}
AADHAAR = "9999 0000 0016"
PHOTO = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 2048 + b"\xff\xd9").decode()


def _texts(bodies: list) -> str:
    return "\n".join(body_text(b) for b in bodies)


def _start(phone: Phone, lang: str, query: str, service_id: str) -> list:
    found = phone.say(query)
    return phone.tap(f"svc:{service_id}", found)


def _income_certificate(phone: Phone, lang: str) -> str:
    """Apply and pay; the application number."""
    _start(phone, lang, "income certificate", "revenue.income_certificate")
    phone.say(NAME[lang])
    phone.say(AADHAAR)
    phone.say("9849012345")
    phone.say("Venkata Rao")
    phone.tap("opt:son")
    phone.say("1.2 lakh")
    phone.tap("opt:no")
    phone.tap("opt:education")
    phone.say("Guntur")
    phone.say("Tenali")
    asked = phone.say("Tenali")
    for _ in range(4):  # the documents the service needs, each a photo
        if any("opt:agree" in choice_ids(b) for b in asked):
            break
        asked = phone.send(image={"data_base64": PHOTO, "mime_type": "image/jpeg"})
    review = phone.tap("opt:agree", asked)
    billed = phone.tap("flow:submit", review)
    order = next(
        order_reference(b)
        for b in billed
        if b.get("type") == "interactive" and b["interactive"]["type"] == "order_details"
    )
    paid = phone.pay(order)
    found = NUMBER.search(_texts(paid))
    assert found, _texts(paid)
    return found.group(0)


def _seed_tahsildar(database_url: str) -> None:
    database = Database(database_url)
    try:
        with database.unit_of_work() as db:
            add_officers(db, (("tahsildar.guntur", "officer", "revenue", "guntur"),))
    finally:
        database.dispose()


def _approve(base_url: str, number: str) -> None:
    officer = officer_client(base_url, "tahsildar.guntur")
    path = f"/console/cases/application/{number}"
    page = officer.get(path).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    for action in ("verify", "approve"):
        response = officer.post(
            f"{path}/action", data={"action": action, "note": "", "csrf_token": token}
        )
        assert response.status_code in (200, 303), response.text[:300]
    officer.close()


def _wait_for_rating_list(phone: Phone, number: str) -> dict:
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for body in phone.outbox():
            if any(i.startswith(f"rate:certificate:{number}:") for i in choice_ids(body)):
                phone.seen = len(phone.outbox())
                return body
        time.sleep(0.1)
    raise AssertionError([body_text(b)[:60] for b in phone.outbox()[-4:]])


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["te", "en"])
def test_ask_once_with_consent_and_a_rating_after_the_certificate(
    tmp_path: Path, lang: str
) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        _seed_tahsildar(server.settings.database_url)
        phone = Phone(client, f"91970000090{0 if lang == 'te' else 1}", "Lakshmi")
        phone.say("Hi")
        phone.tap(f"lang:{lang}")
        number = _income_certificate(phone, lang)
        _approve(server.url, number)

        rating = _wait_for_rating_list(phone, number)
        assert len(choice_ids(rating)) == 10
        thanks = _texts(phone.tap(f"rate:certificate:{number}:9", [rating]))
        assert "9/10" in thanks
        phone.tap("ratings:skip")
        again = _texts(phone.tap(f"rate:certificate:{number}:2", [rating]))
        assert rating_text(lang, "already", what="X").split("X")[-1].strip() in again

        started = _start(phone, lang, "caste certificate", "revenue.caste_certificate")
        notice = started[-1]
        assert choice_ids(notice) == ["prefill:allow", "prefill:refuse"], _texts(started)
        offer = phone.tap("prefill:allow", [notice])
        shown = _texts(offer)
        assert NAME[lang] in shown and "XXXX XXXX 0016" in shown and AADHAAR not in shown
        assert re.search(r"AP-INC-\d{4}-", shown), shown  # the certificate it came from
        filled = phone.tap("prefill:use", offer)
        asked = _texts(filled)
        assert profile_text(lang, "filled", count=8) in asked
        assert ("Date of birth" if lang == "en" else "పుట్టిన తేదీ") in asked


@pytest.mark.slow
def test_refused_then_withdrawn_consent_fills_nothing(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        _seed_tahsildar(server.settings.database_url)
        refuses = Phone(client, "919700000911", "Ravi")
        withdraws = Phone(client, "919700000912", "Sita")
        for phone, lang in ((refuses, "en"), (withdraws, "te")):
            phone.say("Hi")
            phone.tap(f"lang:{lang}")
            _approve(server.url, _income_certificate(phone, lang))
            _wait_for_rating_list(phone, NUMBER.search(_texts(phone.outbox())).group(0))  # type: ignore[union-attr]

        started = _start(refuses, "en", "caste certificate", "revenue.caste_certificate")
        asked = refuses.tap("prefill:refuse", started)
        assert profile_text("en", "refused") in _texts(asked)
        assert "Applicant's full name" in _texts(asked)  # every question is asked

        withdraws.say("menu")
        details = withdraws.tap("prof:details")
        assert NAME["te"] in _texts(details) and "XXXX XXXX 0016" in _texts(details)
        assert "prof:allow" in choice_ids(details[-1])  # never agreed yet
        started = _start(withdraws, "te", "caste certificate", "revenue.caste_certificate")
        offer = withdraws.tap("prefill:allow", started)
        menu = withdraws.say("menu")  # nothing answered yet: the menu comes straight away
        details = withdraws.tap("prof:details", menu)
        done = withdraws.tap("prof:withdraw", details)
        assert profile_text("te", "withdrawn") in _texts(done)
        again = _start(withdraws, "te", "ఆదాయ ధృవీకరణ పత్రం", "revenue.income_certificate")
        assert not any(i.startswith("prefill:") for b in again for i in choice_ids(b))
        assert "పూర్తి పేరు" in _texts(again)
        assert offer  # the offer had been made before the withdrawal
