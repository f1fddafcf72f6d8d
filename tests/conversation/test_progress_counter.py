""" "Question 3 of 8" goes up by one per question; branches and repeats do not make it jump."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest

from manamitra.conversation.flow import next_pending
from manamitra.messaging.reply import Buttons, ListMenu, LocationRequest, Text
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from tests.services.walk import send_valid
from tests.support import databases
from tests.support.engine_driver import Chat, make_engine

CATALOG = load_checked_catalog()
COUNTER = re.compile(r"^\((?:question (\d+) of (\d+)|ప్రశ్న (\d+)/(\d+))\)")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_database(tmp_path_factory.mktemp("counter")) as db:
        yield db


def counters(database: Database, spec_id: str, lang: str, picks: dict[str, str]) -> list:
    """(current, total, is_repeat) for every question asked, read from the message sent."""
    spec = CATALOG.services[spec_id]
    seen = []
    with database.unit_of_work() as session:
        chat = Chat(make_engine(CATALOG), db=session, citizen="919100000060")
        chat.say("Hi")
        chat.tap(f"lang:{lang}")
        replies = chat.tap(f"svc:{spec_id}")
        for _ in range(40):
            flow = chat.convo.state.get("flow")
            if flow is None or flow["phase"] != "steps":
                break
            pending = next_pending(spec, flow["answers"])
            assert pending is not None
            question = replies[-1]
            assert isinstance(question, Text | Buttons | ListMenu | LocationRequest)
            found = COUNTER.match(question.body)
            assert found, question.body
            numbers = [int(g) for g in found.groups() if g]
            seen.append((numbers[0], numbers[1], pending.group is not None and pending.path[1]))
            if pending.step.id in picks:
                replies = chat.tap(picks[pending.step.id])
            elif pending.step.type == "complaint":
                replies = chat.say("Big pothole near the school since last week")
            else:
                replies = send_valid(chat, pending.step, lang)
    return seen


def assert_counts_up(seen: list) -> None:
    firsts = [(current, total) for current, total, repeat in seen if repeat in (False, 0)]
    assert [current for current, _ in firsts] == list(range(1, len(firsts) + 1)), seen
    totals = [total for _, total in firsts]
    assert all(later <= earlier for earlier, later in itertools.pairwise(totals)), seen
    assert firsts[-1][0] == firsts[-1][1], seen


@pytest.mark.parametrize("lang", ["te", "en"])
@pytest.mark.parametrize(
    ("spec_id", "picks"),
    [
        ("grievances.roads", {"location_mode": "opt:pick"}),
        ("grievances.roads", {"location_mode": "opt:pin", "has_photos": "opt:no"}),
        ("revenue.income_certificate", {"has_land": "opt:no"}),
        ("revenue.income_certificate", {}),
    ],
)
def test_the_counter_goes_up_by_one_and_the_total_never_grows(
    database: Database, spec_id: str, picks: dict[str, str], lang: str
) -> None:
    assert_counts_up(counters(database, spec_id, lang, picks))


def test_a_branch_chosen_as_largest_keeps_the_total_steady(database: Database) -> None:
    seen = counters(database, "grievances.roads", "en", {"location_mode": "opt:pick"})
    assert {total for _, total, _ in seen} == {8}
