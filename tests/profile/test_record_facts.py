"""Department records as a source of facts, on SQLite and PostgreSQL: a rice card number an
approved application verified opens the Civil Supplies register; its members are shown, and
the head's name (in the citizen's script) is offered "from Civil Supplies records" only when
the card's registered mobile is the citizen's own number; a department that does not answer
adds nothing and breaks nothing; a fact a newer application verified is never replaced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from manamitra import clock, profile
from manamitra.departments.base import Record
from manamitra.errors import DepartmentUnavailableError
from manamitra.messaging.reply import Buttons
from manamitra.profile.show import source_text, value_text
from manamitra.store import Database
from manamitra.store.models import Application
from tests.profile.support import CATALOG
from tests.profile.test_prefill import _chat
from tests.support.engine_driver import make_engine

CARD = "2810453712"  # the seed register's card, its registered mobile 9849012345
HEAD = {"en": "Kondapalli Lakshmi Devi", "te": "కొండపల్లి లక్ష్మీదేవి"}
SYSTEMS = make_engine(CATALOG).parts.departments


class Down:
    def lookup(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        raise DepartmentUnavailableError(source)

    def document(
        self, source: str, identifier: str, answers: Mapping[str, Any] | None = None
    ) -> Record | None:
        raise DepartmentUnavailableError(source)


def _approved_member_addition(db: Any, citizen: str, answers: dict[str, Any]) -> None:
    now = clock.now()
    db.add(
        Application(
            number=f"CSD-2026-{citizen[-6:]}",
            service_id="civil_supplies.member_addition",
            department="civil_supplies",
            citizen=citizen,
            title={"en": "Add a member to the rice card", "te": "రైస్ కార్డులో సభ్యుని చేర్పు"},
            language="te",
            status="approved",
            answers={"card_number": CARD, **answers},
            documents=[],
            submitted_at=now,
            updated_at=now,
            decided_at=now,
        )
    )
    db.flush()


def test_the_card_holders_own_number_brings_the_head_and_the_members(database: Database) -> None:
    citizen = "919849012345"
    with database.unit_of_work() as db:
        _approved_member_addition(db, citizen, {})
        for lang in ("te", "en"):
            facts = profile.profile_facts(db, citizen, CATALOG, SYSTEMS, lang)
            name = facts["applicant_name"]
            assert name.value == HEAD[lang] and name.source.kind == "records"
            shown = source_text(name.source, lang)
            assert shown == (
                "పౌర సరఫరాల శాఖ రికార్డుల నుంచి"
                if lang == "te"
                else "From Consumer Affairs, Food and Civil Supplies records"
            )
            members = value_text(facts["family_members"], lang)
            assert members.count(";") == 3 and HEAD[lang] in members
            assert facts["card_number"].source.kind == "application"  # the card: as verified

        # without the department's systems (or with them down) only verified facts remain
        assert "applicant_name" not in profile.profile_facts(db, citizen, CATALOG, None, "te")
        down = profile.profile_facts(db, citizen, CATALOG, Down(), "te")
        assert set(down) == set(profile.verified_facts(db, citizen, CATALOG))


def test_someone_elses_card_shows_its_members_but_never_offers_the_heads_name(
    database: Database,
) -> None:
    citizen = "919700000951"
    with database.unit_of_work() as db:
        _approved_member_addition(db, citizen, {})
        facts = profile.profile_facts(db, citizen, CATALOG, SYSTEMS, "en")
        assert "applicant_name" not in facts
        assert "family_members" in facts


def test_a_verified_name_is_not_replaced_by_the_register(database: Database) -> None:
    citizen = "919849012345"
    with database.unit_of_work() as db:
        _approved_member_addition(db, citizen, {"applicant_name": "K. Lakshmi Devi"})
        facts = profile.profile_facts(db, citizen, CATALOG, SYSTEMS, "en")
        assert facts["applicant_name"].value == "K. Lakshmi Devi"
        assert facts["applicant_name"].source.kind == "application"


def test_the_head_is_offered_in_a_new_application_from_the_records(database: Database) -> None:
    citizen = "919849012345"
    with database.unit_of_work() as db:
        _approved_member_addition(db, citizen, {})
        chat = _chat(db, citizen, "en")
        chat.tap("svc:revenue.income_certificate")
        chat.tap("prefill:allow")
        offer = [r for r in chat.last if isinstance(r, Buttons)][-1]
        assert HEAD["en"] in offer.body
        assert "From Consumer Affairs, Food and Civil Supplies records" in offer.body
        chat.tap("prefill:use")
        assert chat.convo.state["flow"]["answers"]["applicant_name"] == HEAD["en"]
