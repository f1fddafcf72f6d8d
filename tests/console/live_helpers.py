"""For journeys and browser tests on a live server: seed offices and officers into its
database, and register a street-light grievance from a simulated phone."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterable

import httpx
from sqlalchemy.orm import Session

from manamitra.console import auth
from manamitra.grievances.offices import seed_offices
from manamitra.store import Database
from tests.support.phone import Phone, body_text

PASSWORD = "correct-horse-9"
NUMBER = re.compile(r"GRV-\d{4}-\d{6}")
OFFICERS = (
    ("officer.guntur", "officer", "municipal", "guntur"),
    ("officer.ntr", "officer", "municipal", "ntr"),
)


def add_officers(db: Session, officers: Iterable[tuple[str, str, str | None, str | None]]) -> None:
    """The offices, and an officer for each (username, role, department, district)."""
    seed_offices(db)
    for username, role, department, district in officers:
        auth.create_officer(
            db,
            username=username,
            password=PASSWORD,
            role=role,
            department=department,
            district=district,
        )


def seed_console(database_url: str) -> None:
    database = Database(database_url)
    try:
        with database.unit_of_work() as db:
            add_officers(db, OFFICERS)
    finally:
        database.dispose()


def register_street_light(phone: Phone, photo: bytes | None = None) -> str:
    """The citizen's whole registration through the simulator API; returns the number."""
    phone.say("Hi")
    phone.tap("lang:en")
    phone.send(text="street light")
    phone.tap("svc:grievances.street_lights")
    phone.tap("opt:not_working")
    phone.say("The street light near the Rama temple is off for a week")
    if photo is None:
        phone.tap("opt:no")
    else:
        phone.tap("opt:yes")
        phone.send(
            image={
                "data_base64": base64.b64encode(photo).decode(),
                "mime_type": "image/png",
                "caption": "the pole",
            }
        )
        phone.tap("opt:no")
    phone.tap("opt:pick")
    phone.say("Guntur")
    phone.say("Tenali")
    phone.say("skip")
    phone.tap("flow:submit")  # the review before registering
    # The acknowledgement may trail the turn on a busy machine: look through the whole chat.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for body in phone.outbox():
            found = NUMBER.search(body_text(body))
            if found:
                return found.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no acknowledgement in {phone.outbox()[-3:]}")


def wait_for_text(phone: Phone, needle: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for body in phone.outbox():
            text = body_text(body)
            if needle in text:
                return text
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never reached the phone")


def officer_client(base_url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=15.0)
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/console/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code in (200, 303), response.text
    return client
