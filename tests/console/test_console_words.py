"""Every console page, in both languages, read as an officer reads it: no raw codes (option ids,
place ids, service ids, role names), no amount in the paise it is stored in.

The demo's own seed fills the console; each demo officer walks the inbox with its filters,
the escalations and the dashboard, and the state administrator opens every seeded case."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from manamitra.console.demo import DEMO_OFFICERS, DEMO_PASSWORD
from manamitra.formatting import money
from manamitra.store.models import Application, ApplicationCase, Grievance
from tests.console.conftest import Demo

# `guntur.tenali`, `revenue.income_certificate`, `bc_b`, `dept_admin`, `officer.guntur`…
CODE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:[._][a-z0-9]+)+(?![\w@/-])")
PAGES = (
    "/console/inbox",
    "/console/inbox?kind=grievance",
    "/console/inbox?kind=application",
    "/console/inbox?sla=breached",
    "/console/inbox?sla=due_soon",
    "/console/inbox?sla=on_time",
    "/console/inbox?sla=done",
    "/console/inbox?state=in_review",
    "/console/inbox?category=street_lights",
    "/console/inbox?mine=1",
    "/console/escalations",
    "/console/dashboard",
    "/console/audit",
)
ONLY_FOR = {
    "/console/escalations": ("supervisor", "dept_admin", "state_admin"),
    "/console/audit": ("dept_admin", "state_admin"),
}


class _Text(HTMLParser):
    """The text a person sees: text nodes outside <script> and <style>, attributes ignored."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.pieces.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.pieces


def _raw_codes(html: str, codes: set[str]) -> list[str]:
    found = []
    for piece in visible_text(html):
        found.extend(CODE.findall(piece))
        if piece in codes:
            found.append(piece)
    return found


def _page(demo: Demo, path: str, lang: str) -> str:
    separator = "&" if "?" in path else "?"
    response = demo.console.client.get(f"{path}{separator}lang={lang}")
    assert response.status_code == 200, (path, response.status_code)
    return response.text


def test_no_console_page_shows_a_raw_code_in_either_language(demo: Demo) -> None:
    codes = demo.codes()
    seen: dict[str, list[str]] = {}
    for officer in DEMO_OFFICERS:
        demo.console.client.cookies.clear()
        assert demo.console.login(str(officer["username"]), DEMO_PASSWORD) == 303
        for lang in ("en", "te"):
            for path in PAGES:
                if officer["role"] not in ONLY_FOR.get(path, (officer["role"],)):
                    continue
                raw = _raw_codes(_page(demo, path, lang), codes)
                if raw:
                    seen[f"{officer['username']} {path} {lang}"] = sorted(set(raw))
    with demo.console.database.unit_of_work() as db:
        refs = [("grievance", n) for n in db.scalars(select(Grievance.number))]
        refs += [("application", r) for r in db.scalars(select(ApplicationCase.reference))]
    assert len(refs) == 90
    demo.console.client.cookies.clear()
    demo.console.login("admin.state", DEMO_PASSWORD)
    for lang in ("en", "te"):
        for kind, ref in refs:
            raw = _raw_codes(_page(demo, f"/console/cases/{kind}/{ref}", lang), codes)
            if raw:
                seen[f"{kind} {ref} {lang}"] = sorted(set(raw))
    assert seen == {}


def test_amounts_show_in_rupees_never_in_stored_paise(demo: Demo) -> None:
    with demo.console.database.unit_of_work() as db:
        incomes = [
            (a.number, a.answers["annual_income"])
            for a in db.scalars(
                select(Application).where(Application.service_id == "revenue.income_certificate")
            )
        ]
    assert incomes
    demo.console.login("admin.state", DEMO_PASSWORD)
    for number, paise in incomes:
        for lang, label in (("en", "Yearly income"), ("te", "సంవత్సర ఆదాయం")):
            text = visible_text(_page(demo, f"/console/cases/application/{number}", lang))
            assert str(paise) not in " ".join(text)
            assert text[text.index(label) + 1] == money(paise)  # ₹1,20,000, as certified


LEVEL_CELL = re.compile(r'<td class="level"[^>]*>([^<]*)</td>')


def test_the_inbox_says_whether_a_case_was_escalated_in_words(demo: Demo) -> None:
    demo.console.login("supervisor.guntur", DEMO_PASSWORD)
    for lang, words in (("en", ("No", "level(s) up")), ("te", ("లేదు", "స్థాయి(లు) పైకి"))):
        cells = LEVEL_CELL.findall(_page(demo, "/console/inbox", lang))
        assert cells, "the inbox shows no cases"
        assert all(cell == words[0] or cell.endswith(words[1]) for cell in cells), set(cells)
