"""The console's language is the officer's choice: a switch on every page, kept on the officer;
until they choose, the browser's Accept-Language decides (Telugu if it prefers Telugu)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from manamitra.console.language import preferred_by_browser
from manamitra.store.models.console import Officer
from tests.console.conftest import CSRF, Console
from tests.console.live_helpers import PASSWORD

TELUGU_BROWSER = {"Accept-Language": "te-IN,te;q=0.9,en-US;q=0.8,en;q=0.7"}
ENGLISH_BROWSER = {"Accept-Language": "en-IN,en;q=0.9,te;q=0.5"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("te-IN,te;q=0.9,en-US;q=0.8", "te"),
        ("en-US,en;q=0.9,te;q=0.8", "en"),
        ("hi-IN,te;q=0.8", "te"),
        ("en;q=0.5,te;q=0.6", "te"),
        ("te;q=0,en", "en"),
        ("fr-FR", "en"),
        ("", "en"),
    ],
)
def test_browser_preference_picks_telugu_only_when_it_ranks_first(
    header: str, expected: str
) -> None:
    assert preferred_by_browser(header) == expected


def _stored_choice(console: Console, username: str) -> str | None:
    with console.database.unit_of_work() as db:
        return db.scalars(select(Officer.lang).where(Officer.username == username)).one()


def test_an_officer_who_never_chose_gets_the_browsers_language(console: Console) -> None:
    assert console.login("tahsildar.guntur") == 303
    telugu = console.client.get("/console/inbox", headers=TELUGU_BROWSER).text
    assert '<html lang="te">' in telugu and "ఇన్‌బాక్స్" in telugu
    english = console.client.get("/console/inbox", headers=ENGLISH_BROWSER).text
    assert '<html lang="en">' in english and "<h2>Inbox</h2>" in english
    assert _stored_choice(console, "tahsildar.guntur") is None


def test_the_switch_is_on_every_page_and_the_choice_is_kept(console: Console) -> None:
    assert console.login("officer.guntur") == 303
    inbox = console.client.get("/console/inbox?kind=grievance", headers=ENGLISH_BROWSER).text
    assert 'class="lang-switch" href="/console/inbox?kind=grievance&amp;lang=te"' in inbox
    case_path = f"/console/cases/grievance/{console.number}"
    case = console.client.get(case_path, headers=ENGLISH_BROWSER).text
    assert f'class="lang-switch" href="{case_path}?lang=te"' in case
    chosen = console.client.get("/console/dashboard?lang=te", headers=ENGLISH_BROWSER)
    assert '<html lang="te">' in chosen.text
    assert _stored_choice(console, "officer.guntur") == "te"
    # Another browser, English by preference, no cookie: the officer's choice still holds.
    console.client.cookies.clear()
    assert console.login("officer.guntur") == 303
    page = console.client.get("/console/inbox", headers=ENGLISH_BROWSER).text
    assert '<html lang="te">' in page and 'class="lang-switch"' in page


def test_a_choice_on_the_sign_in_page_is_kept_on_the_officer(console: Console) -> None:
    page = console.client.get("/console/login?lang=te", headers=ENGLISH_BROWSER).text
    assert '<html lang="te">' in page and '<input type="hidden" name="lang" value="te">' in page
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    console.client.post(
        "/console/login",
        data={
            "username": "tahsildar.guntur",
            "password": PASSWORD,
            "csrf_token": token,
            "lang": "te",
        },
        headers=ENGLISH_BROWSER,
    )
    assert _stored_choice(console, "tahsildar.guntur") == "te"


def test_the_next_officer_at_a_shared_computer_gets_their_own_language(
    console: Console,
) -> None:
    assert console.login("officer.guntur") == 303
    console.client.get("/console/inbox?lang=te", headers=ENGLISH_BROWSER)
    token = console.csrf("/console/inbox")
    console.client.post("/console/logout", data={"csrf_token": token})
    assert console.login("officer.ntr") == 303
    page = console.client.get("/console/inbox", headers=ENGLISH_BROWSER).text
    assert '<html lang="en">' in page
    assert _stored_choice(console, "officer.ntr") is None
