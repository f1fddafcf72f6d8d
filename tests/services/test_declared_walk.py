"""Every lookup and download whose register a department declares, walked in the demo's wiring
(the declared department's sandbox stand-in, over its declared API and mapping) in Telugu and
English: it ends as it does on the embedded register, word for word, and the stand-in was asked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from manamitra.catalog.schema import ServiceSpec
from manamitra.conversation.engine import Engine
from manamitra.departments.declaration import load_declarations
from manamitra.departments.wiring import wire_departments
from manamitra.messaging.reply import Document, Text
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.store import Database
from tests.services.walk import walk
from tests.support import databases
from tests.support.engine_driver import Chat, make_engine

CATALOG = load_checked_catalog()
OWNER = {
    operation.source: declaration.id
    for declaration in load_declarations().values()
    for operation in declaration.operations
}


def _source(spec_id: str) -> str | None:
    spec = CATALOG.services[spec_id]
    block = getattr(spec, spec.kind, None)
    return block.get("source") if isinstance(block, dict) else None


SPECS = sorted(
    s.id for s in CATALOG.services.values() if s.kind in ("lookup", "download") and _source(s.id)
)
DECLARED_SPECS = [s for s in SPECS if _source(s) in OWNER]


@contextmanager
def _database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with databases.sqlite_database(tmp_path_factory.mktemp("declared")) as db:
        yield db


def _walk(tmp_path_factory: pytest.TempPathFactory, engine: Engine, spec: ServiceSpec, lang: str):
    # A record copy's number is the record's and the day's: each walk issues it in its own store.
    with _database(tmp_path_factory) as database, database.unit_of_work() as session:
        return walk(Chat(engine, db=session), spec, lang)


def _ending(replies: list) -> list[object]:
    return [r.body if isinstance(r, Text) else type(r).__name__ for r in replies]


def test_most_registers_are_declared() -> None:
    assert len(DECLARED_SPECS) >= 35, DECLARED_SPECS
    assert len(set(OWNER.values())) >= 12


@pytest.mark.parametrize("lang", ["te", "en"])
@pytest.mark.parametrize("spec_id", DECLARED_SPECS)
def test_declared_service_walks_in_the_demo_as_on_the_register(
    tmp_path_factory: pytest.TempPathFactory, spec_id: str, lang: str
) -> None:
    spec = CATALOG.services[spec_id]
    department = OWNER[str(_source(spec_id))]
    wired = wire_departments(live=set(), env={}, stand_ins=True)
    try:
        demo = make_engine(
            CATALOG,
            departments=wired.systems,
            department_health=wired,
            department_stand_ins=wired.stand_ins,
        )
        declared = _walk(tmp_path_factory, demo, spec, lang)
        embedded = _walk(tmp_path_factory, make_engine(CATALOG), spec, lang)
    finally:
        wired.close()
    assert wired.stand_ins[department].calls >= 1
    assert wired.health.get(department).calls >= 1  # type: ignore[union-attr]
    if spec.kind == "download":
        assert any(isinstance(r, Document) for r in declared.replies), declared.replies
    assert _ending(declared.replies) == _ending(embedded.replies)
