"""Lookups and downloads: answers from the registers, not-found, entitlement, a real PDF,
a department that is down."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from manamitra.errors import DepartmentUnavailableError
from manamitra.messaging.i18n import t
from manamitra.messaging.reply import Buttons, Document, Text
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import MediaBlob
from tests.support import databases
from tests.support.engine_driver import Chat, make_engine, order_reference, texts

CATALOG = load_checked_catalog()


@pytest.fixture
def session(tmp_path: Path) -> Iterator:
    with databases.sqlite_url(tmp_path) as url, databases.migrated(url):
        db = Database(url)
        with db.unit_of_work() as session:
            yield session
        db.dispose()


def _start(chat: Chat, service: str, lang: str = "en") -> None:
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    chat.tap(f"svc:{service}")


def test_ration_card_status_answers_in_telugu_with_members(session) -> None:
    chat = Chat(make_engine(CATALOG), db=session)
    _start(chat, "civil_supplies.rice_card_status", "te")
    body = texts(chat.say("2810453712"))[0]
    assert "కొండపల్లి లక్ష్మీదేవి" in body and "అమలులో ఉంది" in body and "సభ్యులు" in body


def test_unknown_number_is_asked_again_with_a_localised_message(session) -> None:
    chat = Chat(make_engine(CATALOG), db=session)
    _start(chat, "serp.pension_status")
    replies = chat.say("1099999999")
    assert texts(replies)[0] == t("en", "records.not_found", value="1099999999")
    assert "Pension ID" in texts(replies)[-1]
    assert "Old age" in texts(chat.say("1020304051"))[0]


def test_hall_ticket_download_needs_the_right_date_of_birth_and_is_a_telugu_pdf(session) -> None:
    chat = Chat(make_engine(CATALOG), db=session)
    _start(chat, "bse.ssc_hall_ticket", "te")
    chat.say("2512104356")
    refused = chat.say("01-01-2010")
    assert texts(refused)[0] == t("te", "records.mismatch", value="2512104356")
    replies = chat.say("14/03/2010")
    document = next(r for r in replies if isinstance(r, Document))
    blob = session.get(MediaBlob, document.media_key)
    assert blob is not None and blob.mime_type == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(blob.content)).pages)
    assert "2512104356" in text and "Gollapudi Sai Charan" in text
    assert "హాల్ టికెట్" in text or "హాల" in text


def test_rice_card_download_only_for_the_registered_mobile(session) -> None:
    chat = Chat(make_engine(CATALOG), db=session)
    _start(chat, "civil_supplies.rice_card_download")
    chat.say("2810453712")
    refused = chat.say("9000000000")
    assert not any(isinstance(r, Document) for r in refused)
    assert texts(refused)[0] == t("en", "records.mismatch", value="2810453712")
    assert any(isinstance(r, Document) for r in chat.say("9849012345"))


def test_adangal_copy_for_a_village_and_survey_number(session) -> None:
    chat = Chat(make_engine(CATALOG), db=session)
    _start(chat, "revenue.adangal_copy")
    chat.say("Guntur")
    chat.say("Tenali")
    chat.say("Tenali")
    replies = chat.say("230/1a")
    assert any(isinstance(r, Document) for r in replies)


class _Down:
    def lookup(self, source: str, identifier: str, answers=None):
        raise DepartmentUnavailableError(source)

    document = lookup


def test_department_down_keeps_the_answers_and_offers_retry(session) -> None:
    services: dict = {"departments": _Down()}
    chat = Chat(make_engine(CATALOG, services), db=session)
    _start(chat, "serp.pension_status")
    replies = chat.say("1020304051")
    assert t("en", "errors.department_unavailable") in texts(replies)
    assert isinstance(replies[-1], Buttons)
    assert chat.convo.state["flow"]["answers"] == {"pension_id": "1020304051"}
    services.pop("departments")
    assert "Old age" in texts(chat.tap("flow:retry"))[0]


def test_nearest_anna_canteens_from_a_shared_location(session) -> None:
    chat = Chat(make_engine(CATALOG), db=session)
    _start(chat, "municipal.anna_canteens")
    body = next(
        r.body
        for r in chat.send_location(17.7106, 83.3000)
        if isinstance(r, Text) and "km" in r.body
    )
    assert body.index("King George Hospital") < body.index("3.")


def test_application_status_by_number_reads_our_table(session) -> None:
    chat = Chat(make_engine(CATALOG), db=session)
    _start(chat, "revenue.income_certificate")
    from manamitra.conversation.flow import next_pending
    from tests.services.walk import send_valid

    spec = CATALOG.services["revenue.income_certificate"]
    while chat.convo.state["flow"]["phase"] == "steps":
        send_valid(chat, next_pending(spec, chat.convo.state["flow"]["answers"]).step, "en")
    bill = order_reference(chat.tap("flow:submit"))  # the fee is paid before submission
    assert bill is not None
    number = next(b for b in texts(chat.pay(bill)) if "REV-" in b).split("*")[3]
    _start(chat, "sachivalayam.application_status", "te")
    body = texts(chat.say(number.replace("-", "")))[0]
    assert number in body and "దరఖాస్తు అందింది" in body


def test_a_record_copy_carries_a_signed_qr_that_verifies(session, tmp_path: Path) -> None:
    from manamitra.documents import DocumentService
    from manamitra.documents.scan import find_qr_text
    from manamitra.store.models.trust import TrustRepository
    from manamitra.trust import TrustService
    from manamitra.trust.keys import FileKeyStore

    trust = TrustService(
        FileKeyStore(tmp_path / "keys"), public_url="https://verify.test", checkpoint_file=None
    )
    chat = Chat(make_engine(CATALOG, {"documents": DocumentService(trust)}), db=session)
    _start(chat, "revenue.adangal_copy")
    for answer in ("Guntur", "Tenali", "Tenali"):
        chat.say(answer)
    document = next(r for r in chat.say("230/1a") if isinstance(r, Document))
    blob = session.get(MediaBlob, document.media_key)
    assert blob is not None
    text = find_qr_text(blob.content)
    assert text is not None and text.startswith("MM1:")
    result = trust.verify_online(session, text)
    assert result.verdict == "genuine", result.reasons
    assert result.claims["type"] == "record_copy"
    assert result.claims["facts"]["src"] == "adangal"
    assert result.claims["holder_name_en"]  # the pattadar, the first fact the copy shows
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(blob.content)).pages)
    assert "https://verify.test/v/RC-ADANGAL-" in pdf_text.replace("\n", "")
    stored = TrustRepository(session).document(result.claims["number"])
    assert stored is not None and stored.media_key == document.media_key
    tampered = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    assert trust.verify_online(session, tampered).verdict != "genuine"


def test_download_holder_must_name_a_fact() -> None:
    from manamitra.errors import SpecError
    from manamitra.services.download import Download

    spec = CATALOG.service("revenue.adangal_copy")
    assert spec is not None and spec.download is not None
    Download().check(spec.model_copy(update={"download": {**spec.download, "holder": "father"}}))
    with pytest.raises(SpecError, match=r"download\.holder"):
        Download().check(spec.model_copy(update={"download": {**spec.download, "holder": 3}}))
