"""Through the simulator API: a Telugu citizen leaves an income-certificate form for the menu,
comes back to the same question, types "1.2 లక్షలు", reviews the answers in words, sends the
documents, pays the fee (once failing) and gets the number; an English grievance is reviewed
before it is registered."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

from manamitra.conversation.flow import count_questions
from manamitra.messaging.i18n import t
from manamitra.privacy import verhoeff_digit
from manamitra.services.catalog_check import load_checked_catalog
from tests.support.live import live_server
from tests.support.phone import (
    Phone,
    body_text,
    choice_ids,
    interactive_type,
    order_reference,
)

AADHAAR = "49871234567" + verhoeff_digit("49871234567")
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 2048 + b"\xff\xd9").decode()
INCOME = load_checked_catalog().services["revenue.income_certificate"]


def _keep_transcript(phone: Phone, name: str) -> None:
    """MM_TRANSCRIPTS=dir keeps what the phone received, to read as a citizen would."""
    folder = os.environ.get("MM_TRANSCRIPTS")
    if folder:
        lines = [f"[{b.get('type')}] {body_text(b)} {choice_ids(b)}" for b in phone.outbox()]
        Path(folder, f"{name}.txt").write_text("\n".join(lines), encoding="utf-8")


def test_telugu_form_left_for_the_menu_resumes_reviews_in_words_and_pays_the_fee(
    tmp_path: Path,
) -> None:
    total = count_questions(INCOME, {})
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = Phone(client, "919700000401", "లక్ష్మి")
        phone.say("నమస్కారం")
        phone.tap("lang:te")
        found = phone.say("ఆదాయ ధృవీకరణ పత్రం")
        phone.tap("svc:revenue.income_certificate", found)
        phone.say("లక్ష్మి దేవి")
        phone.say(AADHAAR)
        asked = phone.say("9876543210")
        assert body_text(asked[-1]).startswith(t("te", "flow.step_counter", current=4, total=total))

        leave = phone.say("మెనూ")
        assert body_text(leave[-1]) == t("te", "draft.leave_question")
        menu = phone.tap("leave:yes", leave)
        assert body_text(menu[0]) == t("te", "draft.saved", service=INCOME.name.te)
        assert choice_ids(menu[-1])[0] == "nav:draft"
        resumed = phone.tap("nav:draft", menu)
        assert body_text(resumed[0]) == t("te", "draft.resumed", service=INCOME.name.te)
        assert body_text(resumed[-1]).startswith(
            t("te", "flow.step_counter", current=4, total=total)
        )

        phone.say("రామారావు")
        phone.tap("opt:daughter")
        phone.say("1.2 లక్షలు")
        phone.tap("opt:no")
        phone.tap("opt:education")
        phone.say("గుంటూరు")
        phone.say("తెనాలి")
        asked = phone.say("తెనాలి")
        for document in INCOME.documents_required:
            assert document.te in body_text(asked[-1])
            asked = phone.send(image={"data_base64": JPEG, "mime_type": "image/jpeg"})
        summary = phone.tap("opt:agree", asked)
        review = body_text(summary[-1])
        assert "₹1,20,000" in review and "చదువు" in review and "తెనాలి" in review
        assert not re.search(r"education|guntur|12000000|revenue\.", review)
        assert all(d.te in review for d in INCOME.documents_required)
        assert summary[-1]["interactive"]["action"]["buttons"][0]["reply"]["title"] == t(
            "te", "flow.pay_and_submit", amount="₹45"
        )

        billed = phone.tap("flow:submit", summary)
        assert body_text(billed[0]) == t(
            "te", "applications.fee_due", amount="₹45", service=INCOME.name.te
        )
        bill = billed[-1]
        assert interactive_type(bill) == "order_details"
        parameters = bill["interactive"]["action"]["parameters"]
        assert parameters["total_amount"]["value"] == INCOME.fee_paise
        failed = phone.pay(order_reference(bill), "failure")
        assert "చెల్లింపు పూర్తి కాలేదు" in body_text(failed[-1])
        paid = phone.pay(order_reference(bill))
        number = re.search(r"REV-\d{4}-\d{6}", " ".join(body_text(b) for b in paid))
        assert number is not None
        status = phone.say("స్థితి")
        assert number.group(0) in body_text(status[0])
        assert "nav:draft" not in choice_ids(status[-1])
        _keep_transcript(phone, "income_certificate_te")


def test_english_grievance_is_reviewed_in_words_before_it_is_registered(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        phone = Phone(client, "919700000402", "Ravi")
        phone.say("Hi")
        phone.tap("lang:en")
        found = phone.say("street light")
        phone.tap("svc:grievances.street_lights", found)
        phone.tap("opt:not_working")
        phone.say("The light at the bus stop near the temple is off for a week")
        phone.tap("opt:no")
        phone.tap("opt:pick")
        phone.say("Guntur")
        phone.say("Tenali")
        summary = phone.say("skip")
        review = body_text(summary[-1])
        assert "Light is off" in review and "Guntur" in review and "Tenali" in review
        assert "not_working" not in review and "guntur.tenali" not in review
        assert choice_ids(summary[-1]) == ["flow:submit", "flow:edit", "flow:cancel"]
        done = phone.tap("flow:submit", summary)
        assert re.search(r"GRV-\d{4}-\d{6}", " ".join(body_text(b) for b in done))
        _keep_transcript(phone, "grievance_en")
