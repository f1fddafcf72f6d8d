"""A console app on a migrated database, with offices, officers and one grievance; and the
console as the demo seeds it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from manamitra import clock
from manamitra.app import create_app
from manamitra.catalog.places import gazetteer
from manamitra.console.demo import seed_console_demo
from manamitra.grievances import cases
from manamitra.settings import load_settings
from manamitra.store import Database
from manamitra.store.models import Grievance, MediaBlob
from tests.console.live_helpers import PASSWORD, add_officers

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class SyncClient:
    """A cookie-keeping synchronous client over httpx's ASGI transport, on one event loop."""

    def __init__(
        self,
        app: object,
        address: str = "127.0.0.1",
        base_url: str = "http://testserver",
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(address, 50000)),  # type: ignore[arg-type]
            base_url=base_url,
        )

    @property
    def cookies(self) -> httpx.Cookies:
        return self.client.cookies

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        follow = bool(kwargs.pop("follow_redirects", True))
        return self.loop.run_until_complete(
            self.client.request(method, path, follow_redirects=follow, **kwargs)  # type: ignore[arg-type]
        )

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@dataclass
class Console:
    client: SyncClient
    database: Database
    number: str
    app: object = None

    def from_elsewhere(self, address: str, base_url: str = "http://testserver") -> Console:
        """The same console as seen by another browser at another client address."""
        return Console(
            SyncClient(self.app, address, base_url), self.database, self.number, self.app
        )

    def login(self, username: str, password: str = PASSWORD) -> int:
        page = self.client.get("/console/login")
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        response = self.client.post(
            "/console/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=False,
        )
        return response.status_code

    def csrf(self, path: str) -> str:
        page = self.client.get(path)
        found = CSRF.search(page.text)
        assert found, page.text[:500]
        return found.group(1)

    def grievance(self) -> Grievance:
        with self.database.unit_of_work() as db:
            row = cases.find_grievance(db, self.number)
            assert row is not None
            db.expunge(row)
            return row


def make_officers(database: Database) -> None:
    with database.unit_of_work() as db:
        add_officers(
            db,
            (
                ("officer.guntur", "officer", "municipal", "guntur"),
                ("officer.ntr", "officer", "municipal", "ntr"),
                ("supervisor.guntur", "supervisor", "municipal", "guntur"),
                ("admin.state", "state_admin", None, None),
                ("tahsildar.guntur", "officer", "revenue", "guntur"),
            ),
        )


def new_grievance(database: Database, citizen: str = "919876500001") -> str:
    with database.unit_of_work() as db:
        db.add(
            MediaBlob(
                key="media/photo-1",
                mime_type="image/png",
                filename="p.png",
                sha256="0" * 64,
                size=3,
                content=b"png",
                created_at=clock.now(),
            )
        )
        row = cases.register_grievance(
            db,
            cases.NewGrievance(
                citizen=citizen,
                lang="en",
                service_id="grievances.street_lights",
                department="municipal",
                category="street_lights",
                description="Street light off near the temple for a week",
                attachments=[
                    {"kind": "photo", "media_key": "media/photo-1", "mime_type": "image/png"}
                ],
                district="guntur",
                mandal="guntur.tenali",
            ),
        )
        return row.number


@pytest.fixture
def console(database_url: str, tmp_path: Path) -> Iterator[Console]:
    settings = load_settings(database_url=database_url, data_dir=tmp_path)
    app = create_app(settings, background=False)
    database = app.state.runtime.database
    make_officers(database)
    number = new_grievance(database)
    client = SyncClient(app)
    try:
        yield Console(client=client, database=database, number=number, app=app)
    finally:
        client.close()
        database.dispose()


@dataclass
class Demo:
    console: Console
    catalog: Any

    def codes(self) -> set[str]:
        """Every id an officer must never read: option ids, service ids, place ids."""
        found: set[str] = set(self.catalog.services)
        for spec in self.catalog.services.values():
            pending = list(spec.steps)
            while pending:
                step = pending.pop()
                found.update(option.id for option in step.options)
                pending.extend(step.steps)
        places = gazetteer()
        for district in places.districts:
            found.add(district.id)
            for mandal in places.mandals(district.id):
                found.add(mandal.id)
                found.update(village.id for village in mandal.children)
        # Numbers (a rating's "4") are words too; only ids with letters are codes.
        return {code for code in found if any(ch.isalpha() for ch in code)}


@pytest.fixture
def demo(database_url: str, tmp_path: Path) -> Iterator[Demo]:
    settings = load_settings(database_url=database_url, data_dir=tmp_path)
    app = create_app(settings, background=False)
    runtime = app.state.runtime
    catalog = runtime.parts.catalog
    seed_console_demo(
        runtime.database,
        grievances=60,
        applications=30,
        catalog=catalog,
        cipher=runtime.parts.privacy,
    )
    client = SyncClient(app)
    try:
        yield Demo(Console(client=client, database=runtime.database, number=""), catalog)
    finally:
        client.close()
        runtime.database.dispose()
