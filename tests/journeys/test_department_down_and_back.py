"""A citizen whose department is down, in Telugu and in English: told, answers kept, and the
answer arrives by itself once the department is back; the console shows it per department."""

from __future__ import annotations

import os
import time
from pathlib import Path

from manamitra.messaging.i18n import t
from tests.support.live import live_server
from tests.support.phone import Phone, body_text


def _texts(phone: Phone) -> list[str]:
    return [body_text(b) for b in phone.outbox()]


def test_pension_status_is_sent_when_the_department_is_back(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        assert (
            client.post("/sandbox/api/departments/serp/down", json={"down": True}).status_code
            == 200
        )
        phones = {
            "te": Phone(client, "919700000501", "లక్ష్మి"),
            "en": Phone(client, "919700000502", "Ravi"),
        }
        for lang, phone in phones.items():
            phone.say("Hi")
            phone.send(button_id=f"lang:{lang}")
            found = phone.say("pension status")
            phone.tap("svc:serp.pension_status", found)
            said = [body_text(b) for b in phone.say("1020304051")]
            assert t(lang, "errors.department_unavailable") in said, said
            assert t(lang, "errors.department_auto_retry") in said, said

        client.post("/sandbox/api/departments/serp/down", json={"down": False})
        expected = {"te": "వృద్ధాప్య", "en": "Old age"}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(
                any(expected[lang] in text for text in _texts(phone))
                for lang, phone in phones.items()
            ):
                break
            time.sleep(0.5)
        for lang, phone in phones.items():
            texts = _texts(phone)
            assert any(expected[lang] in text for text in texts), texts
            # answered once, not once per pass of the retry job
            assert sum(expected[lang] in text for text in texts) == 1
            if os.environ.get("MM_TRANSCRIPTS"):  # to read as the citizen did
                Path(os.environ["MM_TRANSCRIPTS"], f"department-back-{lang}.txt").write_text(
                    "\n---\n".join(texts), encoding="utf-8"
                )
