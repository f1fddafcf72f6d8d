"""Leaving a form asks first and keeps a draft; the draft resumes at the same question."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from manamitra.conversation.flow import count_questions, next_pending
from manamitra.messaging.i18n import t
from manamitra.messaging.reply import Buttons, ListMenu, Reply, Text
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from tests.services.walk import send_valid
from tests.support import databases
from tests.support.engine_driver import Chat, choice_ids, make_engine

CATALOG = load_checked_catalog()
INCOME = CATALOG.services["revenue.income_certificate"]
TOTAL = count_questions(INCOME, {})


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_database(tmp_path_factory.mktemp("drafts")) as db:
        yield db


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.unit_of_work() as session:
        yield session


def start(session: Session, lang: str, citizen: str = "919100000050") -> Chat:
    chat = Chat(make_engine(CATALOG), db=session, citizen=citizen)
    chat.say("Hi")
    chat.tap(f"lang:{lang}")
    chat.tap(f"svc:{INCOME.id}")
    return chat


def answer(chat: Chat, count: int, lang: str) -> None:
    for _ in range(count):
        pending = next_pending(INCOME, chat.convo.state["flow"]["answers"])
        assert pending is not None
        send_valid(chat, pending.step, lang)


def last_body(replies: list[Reply]) -> str:
    reply = replies[-1]
    assert isinstance(reply, Text | Buttons | ListMenu)
    return reply.body


def test_menu_inside_a_form_asks_first_and_no_keeps_every_answer(session: Session) -> None:
    chat = start(session, "te")
    answer(chat, 3, "te")
    before = dict(chat.convo.state["flow"]["answers"])
    asked = chat.say("మెనూ")
    assert len(asked) == 1 and isinstance(asked[0], Buttons)
    assert asked[0].body == t("te", "draft.leave_question")
    assert choice_ids(asked[0]) == ["leave:yes", "leave:no"]
    stayed = chat.tap("leave:no")
    assert last_body(stayed).startswith(t("te", "flow.step_counter", current=4, total=TOTAL))
    assert chat.convo.state["flow"]["answers"] == before


@pytest.mark.parametrize(
    ("lang", "leave"), [("te", "మెనూ"), ("en", "menu"), ("en", "cancel"), ("te", "స్థితి")]
)
def test_leaving_keeps_a_draft_that_resumes_at_the_same_question(
    session: Session, lang: str, leave: str
) -> None:
    chat = start(session, lang)
    answer(chat, 4, lang)
    before = dict(chat.convo.state["flow"]["answers"])
    chat.say(leave)
    left = chat.tap("leave:yes")
    assert Text(t(lang, "draft.saved", service=INCOME.name.get(lang))) in left
    assert "nav:draft" in choice_ids(left[-1])
    menu = chat.say("Hi")
    assert choice_ids(menu[-1])[0] == "nav:draft"
    row = menu[-1].sections[0].rows[0]  # type: ignore[union-attr]
    assert row.title == t(lang, "draft.continue_row")
    assert row.description == INCOME.name.get(lang)
    resumed = chat.tap("nav:draft")
    assert resumed[0] == Text(t(lang, "draft.resumed", service=INCOME.name.get(lang)))
    assert last_body(resumed).startswith(t(lang, "flow.step_counter", current=5, total=TOTAL))
    assert chat.convo.state["flow"]["answers"] == before


def test_another_service_from_a_search_asks_first(session: Session) -> None:
    chat = start(session, "en")
    answer(chat, 2, "en")
    asked = chat.tap("svc:revenue.caste_certificate")
    assert choice_ids(asked[-1]) == ["leave:yes", "leave:no"]
    moved = chat.tap("leave:yes")
    assert "Caste" in moved[1].body  # type: ignore[union-attr]
    assert chat.convo.state["drafts"].keys() == {INCOME.id}


def test_status_offers_to_continue_the_draft(session: Session) -> None:
    chat = start(session, "en", citizen="919100000051")
    answer(chat, 2, "en")
    chat.say("status")
    status = chat.tap("leave:yes")
    assert choice_ids(status[-1]) == ["nav:draft", "nav:menu"]
    assert INCOME.name.en in last_body(status)


def test_a_draft_survives_the_idle_restart_and_is_dropped_after_a_week(session: Session) -> None:
    chat = start(session, "te")
    answer(chat, 3, "te")
    chat.later(30)
    back = chat.say("హాయ్")
    assert back[0] == Text(t("te", "draft.expired_saved", service=INCOME.name.te))
    assert choice_ids(back[-1])[0] == "nav:draft"
    resumed = chat.tap("nav:draft")
    assert last_body(resumed).startswith(t("te", "flow.step_counter", current=4, total=TOTAL))
    chat.say("మెనూ")
    chat.tap("leave:yes")
    chat.later(24 * 8)
    later = chat.say("హాయ్")
    assert later[0] == Text(t("te", "session_expired"))
    assert "nav:draft" not in choice_ids(later[-1])


def test_a_submitted_application_leaves_no_draft(session: Session) -> None:
    chat = start(session, "en", citizen="919100000052")
    for _ in range(30):
        flow = chat.convo.state.get("flow")
        if flow is None:
            break
        if flow["phase"] == "confirm":
            chat.tap("flow:submit")
            continue
        answer(chat, 1, "en")
    assert not chat.convo.state.get("drafts")
    assert "nav:draft" not in choice_ids(chat.say("menu")[-1])
