"""A citizen's lookups answered by declared departments (their sandbox stand-ins): the answer
in Telugu and English, a declared refusal in the citizen's language, a department that is down
told, counted per department and answered once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from manamitra.departments.wiring import department_health, wire_departments
from manamitra.messaging.i18n import t
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from tests.support import databases
from tests.support.engine_driver import Chat, make_engine, texts

CATALOG = load_checked_catalog()


@pytest.fixture
def session(tmp_path: Path) -> Iterator:
    with databases.sqlite_url(tmp_path) as url, databases.migrated(url):
        db = Database(url)
        with db.unit_of_work() as session:
            yield session
        db.dispose()


def _chat(session, lang: str, service: str) -> tuple[Chat, dict]:
    services: dict = {}
    wire_departments(live=set(), env={}, stand_ins=True).install(services)
    chat = Chat(make_engine(CATALOG, services), db=session)
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    chat.tap(f"svc:{service}")
    return chat, services


@pytest.mark.parametrize(
    ("lang", "words"),
    [("te", ["కొండపల్లి లక్ష్మీదేవి", "అమలులో ఉంది"]), ("en", ["Kondapalli Lakshmi Devi", "Active"])],
)
def test_rice_card_status_comes_from_the_declared_department(session, lang, words) -> None:
    chat, services = _chat(session, lang, "civil_supplies.rice_card_status")
    body = texts(chat.say("2810453712"))[0]
    assert all(word in body for word in words), body
    wired = department_health(services)
    assert wired is not None
    assert wired.stand_ins["civil_supplies"].calls == 1
    assert wired.health.get("civil_supplies").calls == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(("lang", "word"), [("te", "పరిశీలిస్తోంది"), ("en", "being verified")])
def test_a_declared_refusal_is_told_in_the_citizens_language(session, lang, word) -> None:
    chat, services = _chat(session, lang, "civil_supplies.rice_card_status")
    server = department_health(services).stand_ins["civil_supplies"]  # type: ignore[union-attr]
    server.handle = lambda request: httpx.Response(  # type: ignore[method-assign]
        423, json={"error": {"code": "CARD_UNDER_VERIFICATION"}}
    )
    # the engine holds the transport built on the original handle: swap its transport too
    engine = department_health(services).engines["civil_supplies"]  # type: ignore[union-attr]
    engine._client._transport = httpx.MockTransport(server.handle)
    replies = texts(chat.say("2810453712"))
    assert any(word in reply for reply in replies), replies
    assert "flow" not in chat.convo.state


def test_department_down_is_told_counted_and_answered_when_back(session) -> None:
    chat, services = _chat(session, "en", "serp.pension_status")
    wired = department_health(services)
    assert wired is not None
    wired.engines["serp"]._sleep = lambda _s: None
    wired.stand_ins["serp"].down = True
    replies = chat.say("1020304051")
    assert t("en", "errors.department_unavailable") in texts(replies)
    assert chat.convo.state["flow"]["answers"] == {"pension_id": "1020304051"}
    health = wired.health.get("serp")
    assert health is not None and health.errors == 1 and health.last_error
    wired.stand_ins["serp"].down = False
    assert "Old age" in texts(chat.tap("flow:retry"))[0]
    assert health.snapshot()["state"] == "closed"
