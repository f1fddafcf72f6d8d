"""Ask once: a second application offers the details the first one verified, only with the
citizen's consent, shows where each came from, and offers nothing once consent is withdrawn
or refused, in Telugu and English, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from manamitra.conversation.flow import next_pending
from manamitra.messaging.reply import Buttons
from manamitra.profile.show import t as profile_text
from manamitra.store import Database
from manamitra.store.models import ProfileConsent, ProfileCorrection
from tests.profile.support import CASTE, CATALOG, INCOME, answer_steps, apply_and_approve
from tests.support.engine_driver import Chat, choice_ids, make_engine, texts

NAME = {"en": "Ravi Kumar", "te": "రవి కుమార్"}
PREFILLED = ["applicant_name", "aadhaar", "mobile", "father_name", "relation"]


def _chat(db: object, citizen: str, lang: str) -> Chat:
    chat = Chat(make_engine(CATALOG), db=db, citizen=citizen)  # type: ignore[arg-type]
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    return chat


def _buttons(chat: Chat) -> Buttons:
    found = [r for r in chat.last if isinstance(r, Buttons)]
    assert found, chat.last
    return found[-1]


def _next_step(chat: Chat) -> str:
    pending = next_pending(CASTE, chat.convo.state["flow"]["answers"])
    assert pending is not None
    return pending.step.id


@pytest.mark.parametrize("lang", ["te", "en"])
def test_second_application_is_filled_from_the_first_with_consent(
    database: Database, lang: str
) -> None:
    citizen = f"91900000010{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        chat = _chat(db, citizen, lang)
        first = apply_and_approve(chat, INCOME, lang)

        chat.tap(f"svc:{CASTE.id}")
        notice = _buttons(chat)
        assert choice_ids(notice) == ["prefill:allow", "prefill:refuse"]
        # the notice names where the details come from: the certificate the approval issued
        assert "AP-INC-2026-PRF234" in notice.body
        assert profile_text(lang, "notice").split("\n")[0] in notice.body

        chat.tap("prefill:allow")
        offer = _buttons(chat)
        assert choice_ids(offer) == ["prefill:use", "prefill:change"]
        assert NAME[lang] in offer.body
        assert "XXXX XXXX" in offer.body  # Aadhaar masked
        assert "AP-INC-2026-PRF234" in offer.body
        assert chat.convo.state["flow"]["answers"] == {}  # nothing filled before the tap

        chat.tap("prefill:use")
        assert profile_text(lang, "filled", count=8) in texts(chat.last)
        answers = chat.convo.state["flow"]["answers"]
        for step_id in (*PREFILLED, "district", "mandal", "village"):
            assert answers[step_id] == first.answers[step_id], step_id
        assert _next_step(chat) == "date_of_birth"  # only the rest is asked
        asked = answer_steps(chat, CASTE, lang)
        assert not set(asked) & {*PREFILLED, "district", "mandal", "village"}
        review = _buttons(chat)
        assert NAME[lang] in review.body and choice_ids(review)[0] == "flow:submit"

        consent = db.scalars(select(ProfileConsent).where(ProfileConsent.citizen == citizen)).all()
        assert [(c.purpose, c.action, c.granted) for c in consent] == [("prefill", "given", True)]
        assert consent[0].source.startswith("whatsapp:wamid.")


@pytest.mark.parametrize("lang", ["te", "en"])
def test_refused_consent_fills_nothing_and_is_not_asked_again(
    database: Database, lang: str
) -> None:
    citizen = f"91900000020{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        chat = _chat(db, citizen, lang)
        apply_and_approve(chat, INCOME, lang)
        chat.tap(f"svc:{CASTE.id}")
        chat.tap("prefill:refuse")
        assert profile_text(lang, "refused") in texts(chat.last)
        assert chat.convo.state["flow"]["answers"] == {}
        assert _next_step(chat) == "applicant_name"
        chat.say("menu")
        chat.tap("leave:yes")
        chat.tap(f"svc:{INCOME.id}")  # another application: the decision stands
        assert not any(r for r in chat.last if isinstance(r, Buttons) and "prefill:" in str(r))
        assert chat.convo.state["flow"]["answers"] == {}


@pytest.mark.parametrize("lang", ["te", "en"])
def test_after_withdrawal_nothing_is_filled(database: Database, lang: str) -> None:
    citizen = f"91900000030{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        chat = _chat(db, citizen, lang)
        apply_and_approve(chat, INCOME, lang)
        chat.tap(f"svc:{CASTE.id}")
        chat.tap("prefill:allow")
        chat.tap("prefill:use")
        chat.say("menu")
        chat.tap("leave:no")

        chat.tap("prof:details")
        details = _buttons(chat)
        assert "prof:withdraw" in choice_ids(details)
        chat.tap("prof:withdraw")
        assert profile_text(lang, "withdrawn") in texts(chat.last)

        chat.tap(f"svc:{INCOME.id}")
        assert not any(
            "prefill:" in " ".join(choice_ids(r)) for r in chat.last if isinstance(r, Buttons)
        )
        assert chat.convo.state["flow"]["answers"] == {}
        actions = db.scalars(
            select(ProfileConsent.action)
            .where(ProfileConsent.citizen == citizen)
            .order_by(ProfileConsent.id)
        ).all()
        assert actions == ["given", "withdrawn"]


def test_change_fills_then_lists_the_answers_to_change(database: Database) -> None:
    with database.unit_of_work() as db:
        chat = _chat(db, "919000000401", "en")
        apply_and_approve(chat, INCOME, "en")
        chat.tap(f"svc:{CASTE.id}")
        chat.tap("prefill:allow")
        chat.tap("prefill:change")
        edit = chat.last[-1]
        assert "edit:applicant_name" in choice_ids(edit)
        chat.tap("edit:applicant_name")
        assert _next_step(chat) == "applicant_name"
        chat.say("Ravi Kumar Varma")
        assert _next_step(chat) == "date_of_birth"


def test_an_application_not_yet_approved_verifies_nothing(database: Database) -> None:
    with database.unit_of_work() as db:
        chat = _chat(db, "919000000501", "en")
        chat.tap(f"svc:{INCOME.id}")
        answer_steps(chat, INCOME, "en")
        chat.tap("flow:submit")
        chat.tap(f"svc:{CASTE.id}")
        assert not any(
            "prefill:" in " ".join(choice_ids(r)) for r in chat.last if isinstance(r, Buttons)
        )


@pytest.mark.parametrize("lang", ["te", "en"])
def test_my_details_shows_sources_masks_aadhaar_and_a_correction_goes_to_the_department(
    database: Database, lang: str
) -> None:
    citizen = f"91900000060{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        chat = _chat(db, citizen, lang)
        first = apply_and_approve(chat, INCOME, lang)
        chat.say(profile_text(lang, "menu_row"))  # typed: "My details" / "నా వివరాలు"
        details = _buttons(chat)
        assert NAME[lang] in details.body and "XXXX XXXX" in details.body
        assert "AP-INC-2026-PRF234" in details.body
        assert first.answers["aadhaar"]["last4"] in details.body
        chat.tap("prof:fix")
        assert "prof:fix:father_name" in choice_ids(chat.last[-1])
        chat.tap("prof:fix:father_name")
        chat.say("Venkata Rao Garu")
        said = " ".join(texts(chat.last))
        row = db.scalar(select(ProfileCorrection).where(ProfileCorrection.citizen == citizen))
        assert row is not None and row.number in said
        assert row.department == "revenue" and row.source_ref == first.number
        assert "Venkata" not in row.sealed_value  # sealed at rest

        chat.tap(f"svc:{CASTE.id}")
        chat.tap("prefill:allow")
        assert "father_name" not in [k for k in chat.convo.state["flow"]["answers"]]
        chat.tap("prefill:use")
        answers = chat.convo.state["flow"]["answers"]
        assert "father_name" not in answers and "applicant_name" in answers


@pytest.mark.parametrize("lang", ["te", "en"])
def test_my_documents_sends_the_issued_certificates(database: Database, lang: str) -> None:
    citizen = f"91900000070{0 if lang == 'te' else 1}"
    with database.unit_of_work() as db:
        chat = _chat(db, citizen, lang)
        apply_and_approve(chat, INCOME, lang)
        chat.tap("prof:docs")
        documents = [r for r in chat.last if type(r).__name__ == "Document"]
        assert len(documents) == 1
        assert "AP-INC-2026-PRF234" in str(documents[0])
