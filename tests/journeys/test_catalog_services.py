"""Catalogue services end to end through the simulator API: an application with Aadhaar, place
pickers and a photo in Telugu, tracked by its number; a record download, a result lookup and the
nearest Anna Canteens in English."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from manamitra.messaging.i18n import t
from manamitra.privacy import verhoeff_digit
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


def test_caste_certificate_in_telugu_from_search_to_number_and_status(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        phone = Phone(client, "919700000301", "సుజాత")
        phone.say("నమస్కారం")
        phone.tap("lang:te")
        found = phone.say("kula dhruvikarana patram kavali")
        assert choice_ids(found[-1])[0] == "svc:revenue.caste_certificate"
        phone.tap("svc:revenue.caste_certificate", found)
        phone.say("సుజాత కుమారి")
        wrong = phone.say("1234 5678 9012")
        assert body_text(wrong[0]) == t("te", "errors.aadhaar_invalid")
        phone.say(AADHAAR)
        phone.say("9876543210")
        phone.say("రామారావు")
        phone.say("కుమార్తె")
        phone.say("12-06-1995")
        phone.say("ఎస్సీ")
        phone.say("మాల")
        phone.say("హిందూ")
        phone.say("చదువు")
        phone.say("గుంటూరు")
        phone.say("తెనాలి")
        asked_upload = phone.say("తెనాలి")
        assert "ఫోటో" in body_text(asked_upload[-1])
        consent = phone.send(image={"data_base64": JPEG, "mime_type": "image/jpeg"})
        summary = phone.tap("opt:agree", consent)
        assert f"XXXX XXXX {AADHAAR[-4:]}" in body_text(summary[-1])
        assert AADHAAR not in " ".join(body_text(b) for b in summary)
        bill = phone.tap("flow:submit", summary)  # the ₹45 fee is paid before submission
        assert interactive_type(bill[-1]) == "order_details"
        done = phone.pay(order_reference(bill[-1]))
        number = re.search(r"REV-\d{4}-\d{6}", " ".join(body_text(b) for b in done))
        assert number is not None
        status = phone.say("స్థితి")
        assert number.group(0) in body_text(status[0]) and "దరఖాస్తు అందింది" in body_text(status[0])
        one = phone.say(number.group(0))
        assert "కుల ధృవీకరణ పత్రం" in body_text(one[0])


def test_records_in_english_download_lookup_and_nearest_canteen(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        phone = Phone(client, "919700000302", "Ravi")
        phone.say("Hi")
        phone.tap("lang:en")
        found = phone.say("rice card download")
        phone.tap("svc:civil_supplies.rice_card_download", found)
        phone.say("2810453712")
        sent = phone.say("9849012345")
        document = next(b for b in sent if b.get("type") == "document")
        assert document["document"]["filename"].endswith(".pdf")
        assert "2810453712" in body_text(document)

        found = phone.say("ssc results")
        phone.tap("svc:bse.ssc_result", found)
        result = phone.say("2512104356")
        assert "Gollapudi Sai Charan" in body_text(result[0]) and "552 / 600" in body_text(
            result[0]
        )

        found = phone.say("anna canteen")
        asked = phone.tap("svc:municipal.anna_canteens", found)
        assert (
            asked[-1]["type"] == "interactive"
            and asked[-1]["interactive"]["type"] == "location_request_message"
        )
        near = phone.send(location={"latitude": 16.5096, "longitude": 80.6197})
        assert any("Anna Canteen, Bus station (PNBS)" in body_text(b) for b in near)
