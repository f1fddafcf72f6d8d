"""Free text at the menu and inside a form, through the engine (fast; the journeys in
tests/journeys/test_understand_free_text.py go through the simulator API)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from manamitra.messaging.i18n import t
from manamitra.messaging.reply import Buttons, Text
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from tests.support import databases
from tests.support.engine_driver import Chat, choice_ids, make_engine, texts


@pytest.fixture(scope="module")
def catalog():
    return load_checked_catalog()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_database(tmp_path_factory.mktemp("free_text")) as db:
        yield db


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.unit_of_work() as session:
        yield session


@pytest.fixture
def chat(catalog, session: Session) -> Chat:
    talk = Chat(make_engine(catalog), db=session)
    talk.say("Hi")
    talk.tap("lang:en")
    return talk


def test_the_same_complaint_to_three_companies_is_a_choice_not_a_guess(chat: Chat) -> None:
    replies = chat.say("current poyindi")
    listed = choice_ids(replies[-1])
    assert {f"svc:{d}.power_complaint" for d in ("apspdcl", "apepdcl", "apcpdcl")} <= set(
        listed[:3]
    )
    assert "flow" not in chat.convo.state


def test_a_navigation_word_inside_a_sentence_moves(chat: Chat) -> None:
    chat.say("caste certificate")
    replies = chat.say("main menu chupinchu")
    assert texts(replies)[-1] == t("en", "main_menu.body")


def test_thanks_and_emoji_get_a_friendly_word_and_the_menu(chat: Chat) -> None:
    thanks = chat.say("thank you")
    assert isinstance(thanks[-1], Buttons) and thanks[-1].body == t("en", "understanding.thanks")
    assert choice_ids(thanks[-1]) == ["nav:menu"]
    assert chat.say("👍")[-1].body == t("en", "understanding.emoji")  # type: ignore[union-attr]


def test_a_question_typed_at_a_step_is_answered_and_the_step_asked_again(chat: Chat) -> None:
    found = chat.say("income certificate")
    assert "svc:revenue.income_certificate" in choice_ids(found[-1])
    chat.tap("svc:revenue.income_certificate")
    replies = chat.say("caste certificate fee entha?")
    assert replies[0] == Text(
        t("en", "understanding.fee", service="Caste certificate", amount="₹45")
    )
    assert "full name" in texts(replies)[-1].lower()
    assert chat.convo.state["flow"]["service"] == "revenue.income_certificate"


def test_changing_the_answers_from_the_sentence_asks_every_question(chat: Chat) -> None:
    opened = chat.say("bus ticket from guntur to ongole tomorrow")
    assert choice_ids(opened[-1]) == ["flow:said_yes", "flow:said_no"]
    asked = chat.tap("flow:said_no")
    assert "Travelling *from*" in texts(asked)[-1]
    assert chat.convo.state["flow"]["answers"] == {}
