"""Versions in flight: a conversation inside a service whose spec changed finishes on the
version it started, or moves to the new one by the migration the new spec declares; a new
conversation starts on the new version. Never a broken conversation."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.catalog.versions import digest, migrate_answers
from manamitra.messaging.reply import Document
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import ServiceSpecVersion
from tests.support.engine_driver import Chat, make_engine, texts

CATALOG = load_checked_catalog()
RICE_CARD = next(
    s
    for s in CATALOG.services.values()
    if s.kind == "download"
    and (s.download or {}).get("source") == "ration_card"
    and any(step.id == "head_mobile" for step in s.steps)
)
CONSENT = {
    "id": "consent",
    "type": "yes_no",
    "prompt": {
        "en": "VERSION 2: may the department send the card to your DigiLocker too?",
        "te": "వెర్షన్ 2: శాఖ కార్డును మీ డిజిలాకర్‌కు కూడా పంపవచ్చా?",
    },
}


def _version_2(migrations: tuple[dict[str, Any], ...] = ()) -> Any:
    data = RICE_CARD.model_dump(by_alias=True, exclude_defaults=True)
    steps = list(data["steps"])
    steps.insert(1, CONSENT)
    data.update(steps=steps, version=2, migrations=list(migrations))
    spec = ServiceSpec.model_validate(data)
    catalog = copy.copy(CATALOG)
    catalog.services = {**CATALOG.services, spec.id: spec}
    return catalog


@pytest.fixture
def session(database: Database) -> Iterator:
    with database.unit_of_work() as session:
        yield session


def _begin(session, lang: str = "en") -> Chat:
    chat = Chat(make_engine(CATALOG), db=session)
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    chat.tap(f"svc:{RICE_CARD.id}")
    asked = texts(chat.say("2810453712"))
    assert any("Mobile" in t or "మొబైల్" in t for t in asked), asked
    return chat


@pytest.mark.parametrize("lang", ["en", "te"])
def test_a_conversation_finishes_on_the_version_it_started(session, lang) -> None:
    chat = _begin(session, lang)
    assert chat.convo.state["flow"]["spec"] == {"version": 1, "digest": digest(RICE_CARD)}
    chat.engine = make_engine(_version_2())  # the catalogue changed under it (a deploy)
    replies = chat.say("9849012345")
    assert any(isinstance(r, Document) for r in replies), texts(replies)
    assert not any("VERSION 2" in t or "వెర్షన్ 2" in t for t in texts(replies))
    kept = session.get(ServiceSpecVersion, (RICE_CARD.id, digest(RICE_CARD)))
    assert kept is not None and kept.version == 1

    # a new conversation starts on version 2 and is asked its new question
    chat.tap(f"svc:{RICE_CARD.id}")
    asked = texts(chat.say("2810453712"))
    assert any("VERSION 2" in t or "వెర్షన్ 2" in t for t in asked), asked
    assert chat.convo.state["flow"]["spec"]["version"] == 2


def test_a_declared_migration_moves_the_conversation_with_its_answers(session) -> None:
    chat = _begin(session)
    chat.engine = make_engine(_version_2(({"from": 1},)))
    asked = texts(chat.say("9849012345"))  # read as where it now stands, not as an answer
    assert any("VERSION 2" in t for t in asked), asked
    flow = chat.convo.state["flow"]
    assert flow["answers"] == {"card_number": "2810453712"}
    assert flow["spec"]["version"] == 2
    chat.say("Yes")
    replies = chat.say("9849012345")
    assert any(isinstance(r, Document) for r in replies), texts(replies)


def test_migrations_apply_in_order_rename_drop_and_set() -> None:
    spec = ServiceSpec.model_validate(
        {
            "id": "x.y",
            "department": "revenue",
            "category": "other",
            "kind": "information",
            "name": {"en": "X", "te": "ఎక్స్"},
            "description": {"en": "X", "te": "ఎక్స్"},
            "version": 3,
            "steps": [
                StepSpec(id="mobile", type="mobile", prompt={"en": "M", "te": "మ"}).model_dump(),
                StepSpec(id="kind", type="text", prompt={"en": "K", "te": "క"}).model_dump(),
            ],
            "information": {"text": {"en": "x", "te": "x"}},
            "migrations": [
                {"from": 1, "rename": {"phone": "cell"}, "drop": ["old"]},
                {"from": 2, "rename": {"cell": "mobile"}, "set": {"kind": "general"}},
            ],
        }
    )
    assert migrate_answers(spec, {"phone": "98", "old": 1, "_more": {}}, 1) == {
        "mobile": "98",
        "kind": "general",
        "_more": {},
    }
    assert migrate_answers(spec, {"cell": "98"}, 2) == {"mobile": "98", "kind": "general"}
    with pytest.raises(ValueError, match="earlier version"):
        ServiceSpec.model_validate({**spec.model_dump(by_alias=True), "migrations": [{"from": 3}]})
