"""A department's decision on a correction request, on SQLite and PostgreSQL: the typed value
is read by the fact's own field (an option typed in words becomes its option, an amount in
paise), a value that does not read stays waiting with a clear error, a rejection needs its
reason, a request is decided once, the citizen is told in their language, and the approved
value is the fact offered from then on, "corrected by" the department."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock, profile
from manamitra.console.corrections import decide_and_tell
from manamitra.errors import ConflictError, ValidationError
from manamitra.profile.show import source_text
from manamitra.store import Database
from manamitra.store.models import Conversation, OutboundMessage, ProfileCorrection
from tests.profile.support import CATALOG, INCOME, apply_and_approve
from tests.profile.test_prefill import _chat
from tests.support.engine_driver import Chat


def _chatting(db: Session, citizen: str, lang: str) -> Chat:
    """A chat whose conversation row says what the pipeline writes: language, last message."""
    chat = _chat(db, citizen, lang)
    db.merge(Conversation(citizen=citizen, language=lang, last_inbound_at=clock.now()))
    return chat


def _ask(chat: Chat, key: str, typed: str) -> ProfileCorrection:
    assert chat.db is not None
    chat.tap("prof:fix")
    chat.tap(f"prof:fix:{key}")
    chat.say(typed)
    row = chat.db.scalar(
        select(ProfileCorrection)
        .where(ProfileCorrection.citizen == chat.citizen, ProfileCorrection.fact == key)
        .order_by(ProfileCorrection.id.desc())
        .limit(1)
    )
    assert row is not None and row.status == "requested"
    return row


def _told(chat: Chat) -> str:
    assert chat.db is not None
    rows = chat.db.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.citizen == chat.citizen)
        .order_by(OutboundMessage.id.desc())
        .limit(1)
    ).all()
    return str(rows[0].body) if rows else ""


def test_an_option_typed_in_words_is_approved_as_the_option(database: Database) -> None:
    with database.unit_of_work() as db:
        chat = _chatting(db, "919000000701", "en")
        apply_and_approve(chat, INCOME, "en")
        parts = chat.engine.parts
        assert profile.verified_facts(db, chat.citizen, CATALOG)["relation"].value != "daughter"
        row = _ask(chat, "relation", "Daughter")
        assert "relation" not in profile.verified_facts(db, chat.citizen, CATALOG)  # held back

        decide_and_tell(db, parts, row, True, "tahsildar.guntur", "")
        assert row.status == "approved" and row.corrected == "daughter"
        assert row.decided_by == "tahsildar.guntur" and row.decided_at is not None
        told = _told(chat)
        assert row.number in told and "approved your corrected Relation" in told

        fact = profile.verified_facts(db, chat.citizen, CATALOG)["relation"]
        assert fact.value == "daughter" and fact.source.kind == "correction"
        shown = source_text(fact.source, "en")
        assert shown.startswith("Corrected by ") and row.number in shown
        assert "Revenue" in shown

        with pytest.raises(ConflictError):
            decide_and_tell(db, parts, row, False, "tahsildar.guntur", "changed my mind")


def test_a_value_the_field_cannot_read_stays_waiting(database: Database) -> None:
    with database.unit_of_work() as db:
        chat = _chatting(db, "919000000702", "te")
        apply_and_approve(chat, INCOME, "te")
        parts = chat.engine.parts
        row = _ask(chat, "annual_income", "about the same as last year")
        with pytest.raises(ValidationError) as refused:
            decide_and_tell(db, parts, row, True, "tahsildar.guntur", "")
        assert refused.value.message_key == "errors.correction_unreadable"
        assert row.status == "requested" and row.corrected is None

        with pytest.raises(ValidationError) as no_reason:
            decide_and_tell(db, parts, row, False, "tahsildar.guntur", "  ")
        assert no_reason.value.message_key == "errors.needs_reason"
        assert row.status == "requested"

        decide_and_tell(db, parts, row, False, "tahsildar.guntur", "Type the amount in rupees")
        assert row.status == "rejected" and row.decision_reason == "Type the amount in rupees"
        told = _told(chat)
        assert "Type the amount in rupees" in told and "అంగీకరించలేదు" in told
        # rejected: the amount verified before is offered again
        fact = profile.verified_facts(db, chat.citizen, CATALOG)["annual_income"]
        assert fact.source.kind in ("document", "application")


def test_an_amount_is_kept_in_paise(database: Database) -> None:
    with database.unit_of_work() as db:
        chat = _chatting(db, "919000000703", "en")
        apply_and_approve(chat, INCOME, "en")
        row = _ask(chat, "annual_income", "1.5 lakh")
        decide_and_tell(db, chat.engine.parts, row, True, "tahsildar.guntur", "")
        assert row.corrected == 15_000_000
        assert profile.verified_facts(db, chat.citizen, CATALOG)["annual_income"].value == (
            15_000_000
        )
