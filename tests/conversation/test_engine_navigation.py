from __future__ import annotations

import pytest

from manamitra.catalog.schema import CATEGORIES
from manamitra.messaging.i18n import t
from manamitra.messaging.reply import Buttons, ListMenu, Text
from manamitra.services.catalog_check import load_checked_catalog
from tests.support.engine_driver import Chat, choice_ids, make_engine, texts


@pytest.fixture(scope="module")
def catalog():
    return load_checked_catalog()


@pytest.fixture
def chat(catalog) -> Chat:
    return Chat(make_engine(catalog))


def test_first_hi_asks_language_with_two_buttons(chat: Chat) -> None:
    replies = chat.say("Hi")
    assert len(replies) == 1
    assert isinstance(replies[0], Buttons)
    assert choice_ids(replies[0]) == ["lang:te", "lang:en"]


@pytest.mark.parametrize("greeting", ["హాయ్", "నమస్కారం", "hello", "Menu"])
def test_any_greeting_starts(chat: Chat, greeting: str) -> None:
    assert choice_ids(chat.say(greeting)[0]) == ["lang:te", "lang:en"]


def test_choosing_telugu_shows_main_menu_in_telugu(chat: Chat) -> None:
    chat.say("Hi")
    replies = chat.tap("lang:te", "తెలుగు")
    assert chat.convo.language == "te"
    assert replies[0] == Text(t("te", "language_set"))
    menu = replies[1]
    assert isinstance(menu, ListMenu)
    ids = choice_ids(menu)
    assert ids[: len(CATEGORIES)] == [f"cat:{c}" for c in CATEGORIES]
    assert ids[-3:] == ["nav:status", "prof:details", "nav:lang"]
    assert len(ids) <= 10
    assert menu.body == t("te", "main_menu.body")


def test_language_is_remembered_and_can_be_changed(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:en", "English")
    assert isinstance(chat.say("hi")[0], ListMenu)
    assert choice_ids(chat.tap("nav:lang")[0]) == ["lang:te", "lang:en"]
    chat.tap("lang:te")
    assert chat.convo.language == "te"


@pytest.mark.parametrize("word", ["help", "సహాయం"])
def test_help_works_everywhere(chat: Chat, word: str) -> None:
    chat.say("Hi")
    chat.tap("lang:en")
    chat.tap("svc:rtgs.office_hours")
    replies = chat.say(word)
    assert replies[0].body == t("en", "help")  # type: ignore[union-attr]
    # the question is still waiting after help
    assert isinstance(chat.tap("nav:resume")[-1], Buttons | ListMenu)


def test_information_service_walks_to_its_answer(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:en")
    replies = chat.tap("svc:rtgs.office_hours")
    question = replies[-1]
    assert "Which office?" in question.body  # type: ignore[union-attr]
    replies = chat.tap("opt:meeseva")
    assert any("MeeSeva centres are open" in body for body in texts(replies))
    assert choice_ids(replies[-1]) == ["nav:menu", "nav:status"]


def test_typed_option_number_is_accepted(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:te")
    chat.tap("svc:rtgs.office_hours")
    replies = chat.say("2")
    assert any("తహసీల్దార్" in body for body in texts(replies))


def test_wrong_answer_gets_error_and_question_again_then_help_after_three(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:en")
    chat.tap("svc:rtgs.office_hours")
    first = chat.say("banana")
    assert first[0] == Text(t("en", "errors.choice_invalid"))
    assert "Which office?" in first[-1].body  # type: ignore[union-attr]
    chat.say("banana")
    third = chat.say("banana")
    assert choice_ids(third[-1]) == ["nav:help", "nav:menu", "nav:resume"]
    # still answerable after the help offer
    assert any("MeeSeva" in body for body in texts(chat.tap("opt:meeseva")))


def test_back_from_a_service_returns_to_the_previous_menu(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:en")
    chat.tap("cat:other")
    chat.tap("dept:other:rtgs")
    chat.tap("svc:rtgs.office_hours")
    replies = chat.say("back")
    assert isinstance(replies[-1], ListMenu)
    assert "svc:rtgs.office_hours" in choice_ids(replies[-1])


def test_stale_button_is_explained_and_current_question_repeated(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:en")
    chat.tap("svc:rtgs.office_hours")
    replies = chat.tap("flow:submit")
    assert replies[0] == Text(t("en", "stale_button"))
    assert "Which office?" in replies[-1].body  # type: ignore[union-attr]


def test_idle_session_expires_politely(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:en")
    chat.tap("svc:rtgs.office_hours")
    chat.later(25)
    replies = chat.tap("opt:meeseva")
    assert replies[0] == Text(t("en", "session_expired"))
    assert isinstance(replies[-1], ListMenu)
    assert chat.convo.language == "en"


def test_cancel_in_telugu_leaves_the_service(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:te")
    chat.tap("svc:rtgs.office_hours")
    replies = chat.say("రద్దు")
    assert replies[0] == Text(t("te", "cancelled"))
    assert "flow" not in chat.convo.state


def test_free_text_searches_the_catalogue(chat: Chat) -> None:
    chat.say("Hi")
    chat.tap("lang:en")
    # "sachivalayam timings" now opens the service with Sachivalayam filled in (understanding)
    replies = chat.say("office timings")
    assert "svc:rtgs.office_hours" in choice_ids(replies[-1])


def test_reactions_get_no_reply(chat: Chat) -> None:
    chat.say("Hi")
    assert chat._send(kind="reaction", extra={"emoji": "👍"}) == []
