"""Every application and grievance walked in Telugu and English: the review and the final
message show answers in words, never a raw option id, place id, step id, service id or paise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from manamitra.catalog.schema import ServiceSpec
from manamitra.grievances.offices import seed_offices
from manamitra.messaging.i18n import t
from manamitra.messaging.reply import Buttons, ListMenu, Reply, Text
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from tests.services.walk import walk
from tests.support import databases
from tests.support.engine_driver import Chat, make_engine

CATALOG = load_checked_catalog()
CODED = {"choice", "yes_no", "consent", "district", "mandal", "village"}
SPECS = sorted(
    s.id
    for s in CATALOG.services.values()
    if s.kind == "application"
    or (s.kind == "grievance" and s.kind_config.get("action", "register") == "register")
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_url(tmp_path_factory.mktemp("words")) as url, databases.migrated(url):
        db = Database(url)
        with db.unit_of_work() as session:
            seed_offices(session)
        yield db
        db.dispose()


def said(replies: list[Reply]) -> str:
    return "\n".join(r.body for r in replies if isinstance(r, Text | Buttons | ListMenu))


def answers_only(text: str, spec: ServiceSpec, lang: str) -> str:
    """The text without what the spec itself words: the service's name and each review line's
    label ("• FIR and post-mortem report (accident): …"), where an option id that is also an
    English word ("accident", "shop", "meter") may rightly appear; the answers stay."""
    for name in (spec.name, spec.short_name):
        if name is not None:
            text = text.replace(name.get(lang), "")
    text = text.replace(
        t(lang, "information.done"), ""
    )  # "…for all services", the same for every service
    return "\n".join(
        line.split(": ", 1)[1] if line.startswith("• ") and ": " in line else line
        for line in text.splitlines()
    )


def raw_values(spec: ServiceSpec, answers: dict[str, Any], labels: dict[str, Any], lang: str):
    """(where, raw text) for every answer a person must not see as stored."""
    found = [("service id", spec.id)]
    for step in spec.steps:
        if step.id not in answers:
            continue
        items = [(step.id, s, answers[step.id]) for s in (step,)]
        if step.type == "group":
            items = [
                (f"{step.id}.{i}.{sub.id}", sub, item[sub.id])
                for i, item in enumerate(answers[step.id])
                for sub in step.steps
                if sub.id in item
            ]
        for where, sub, value in items:
            shown = (labels.get(where) or {}).get(lang, "")
            is_paise = sub.type == "amount" and value is not None
            is_code = (sub.type in CODED or bool(sub.options_from)) and isinstance(
                value, str | bool
            )
            if is_paise or (is_code and str(value) not in shown):
                found.append((where, str(value)))
            if sub.type == "upload" and not sub.id.isalpha():  # a photo's made-up name
                found.append((where, sub.id))
    return found


@pytest.mark.parametrize("lang", ["te", "en"])
@pytest.mark.parametrize("spec_id", SPECS)
def test_review_and_confirmation_show_words_not_codes(
    database: Database, spec_id: str, lang: str
) -> None:
    spec = CATALOG.services[spec_id]
    with database.unit_of_work() as session:
        result = walk(Chat(make_engine(CATALOG), db=session, citizen="919100000080"), spec, lang)
    assert result.review, f"{spec_id}: submitted without a review"
    for moment, replies in (("review", result.review), ("confirmation", result.replies)):
        text = answers_only(said(replies), spec, lang)
        for where, raw in raw_values(spec, result.answers, result.labels, lang):
            pattern = rf"(?<![\w.]){re.escape(raw)}(?!\w)"
            assert not re.search(pattern, text), f"{moment} shows {where}={raw!r}:\n{text}"
