"""Every application, lookup, download and information service walked to its end through the
engine, in Telugu and English, with valid answers and with one wrong answer at every field."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from manamitra import clock
from manamitra.messaging.reply import Document, Text
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from manamitra.store.models import Application, ApplicationCounter
from tests.services.walk import walk
from tests.support import databases
from tests.support.engine_driver import Chat, make_engine

MY_KINDS = ("application", "lookup", "download", "information")
CATALOG = load_checked_catalog()
SPECS = sorted(s.id for s in CATALOG.services.values() if s.kind in MY_KINDS)
CITIZEN = "919100000001"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_url(tmp_path_factory.mktemp("walk")) as url, databases.migrated(url):
        db = Database(url)
        now = clock.now()
        with db.unit_of_work() as session:
            session.add(
                Application(
                    number="REV-2026-000123",
                    service_id="revenue.income_certificate",
                    department="revenue",
                    citizen=CITIZEN,
                    title={"en": "Income certificate", "te": "ఆదాయ ధృవీకరణ పత్రం"},
                    status="in_review",
                    answers={},
                    documents=[],
                    fee_paise=0,
                    submitted_at=now,
                    updated_at=now,
                    sla_due_at=now,
                )
            )
            # A system holding REV-2026-000123 has handed out that many REV numbers: the
            # walk's own revenue applications are numbered after it, as they would be.
            session.add(ApplicationCounter(prefix="REV", year=2026, value=123))
        yield db
        db.dispose()


def _check_end(spec_id: str, replies: list) -> None:
    spec = CATALOG.services[spec_id]
    bodies = [r.body for r in replies if isinstance(r, Text)]
    if spec.kind == "application":
        assert any(re.search(r"[A-Z]{2,6}-\d{4}-\d{6}", b) for b in bodies), bodies
    elif spec.kind == "download":
        assert any(isinstance(r, Document) for r in replies), replies
    elif spec.kind == "lookup":
        assert bodies and any("•" in b or "REV-2026-000123" in b for b in bodies), bodies
    else:
        assert bodies, replies


@pytest.mark.parametrize("lang", ["te", "en"])
@pytest.mark.parametrize("spec_id", SPECS)
def test_service_walks_to_its_end(database: Database, spec_id: str, lang: str) -> None:
    spec = CATALOG.services[spec_id]
    with database.unit_of_work() as session:
        engine = make_engine(CATALOG)
        valid = walk(Chat(engine, db=session, citizen=CITIZEN), spec, lang)
        _check_end(spec_id, valid.replies)
        wrong = walk(Chat(engine, db=session, citizen=CITIZEN), spec, lang, invalid_first=True)
        _check_end(spec_id, wrong.replies)
    assert len(wrong.errors_seen) == len({s for s in wrong.errors_seen}) >= min(1, len(spec.steps))


def test_the_walk_covers_enough_services() -> None:
    assert len(SPECS) >= 150
