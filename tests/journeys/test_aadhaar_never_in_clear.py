"""Issue 14: an Aadhaar number a citizen types — in a service's Aadhaar step, in free text,
in an image caption — is found in clear nowhere afterwards: not in the database file or its
WAL, not in the logs, not in what the Graph stand-in received."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine

from tests.support.databases import postgres_base_url, postgres_url
from tests.support.live import LiveServer, live_server
from tests.support.phone import Phone, body_text, choice_ids
from tests.support.stored import every_value

FORMS = ("561280370957", "5612 8037 0957", "5612-8037-0957")
CLEAR = [form.encode() for form in FORMS]
# a 1×1 PNG, for the photo whose caption holds the number
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def _apply_for_seed_subsidy(phone: Phone, aadhaar: str) -> list[dict[str, object]]:
    phone.say("Hi")
    phone.tap("lang:en")
    found = phone.say("seed subsidy")
    phone.tap("svc:agriculture.seed_subsidy", found)
    phone.say("Ravi Kumar")
    return phone.say(aadhaar)


def _journey(server: LiveServer) -> None:
    with server.client() as client:
        for index, form in enumerate(FORMS):
            phone = Phone(client, f"91970000031{index}", "Ravi")
            asked = _apply_for_seed_subsidy(phone, form)
            # the number passed the Aadhaar step: the next question is the mobile number
            assert "Mobile number" in body_text(asked[-1]), body_text(asked[-1])
        phone = Phone(client, "919700000310", "Ravi")
        crops = phone.say("9876543210")
        assert "opt:paddy" in choice_ids(crops[-1])
        phone.say("menu")
        phone.say(f"my aadhaar is {FORMS[1]}")
        phone.send(image={"data_base64": PIXEL, "mime_type": "image/png", "caption": FORMS[2]})


def _graph_record(client: httpx.Client) -> bytes:
    """Every Graph API request the emulator received, and the simulator's outbox."""
    sent = [m for m in client.get("/sandbox/api/messages").json() if m["direction"] == "out"]
    outboxes = [
        client.get("/sandbox/api/outbox", params={"to": f"91970000031{i}"}).text
        for i in range(len(FORMS))
    ]
    return (str(sent) + "".join(outboxes)).encode()


def _assert_nowhere(where: str, data: bytes) -> None:
    for clear in CLEAR:
        assert clear not in data, f"{clear!r} in clear in {where}"


def test_an_aadhaar_number_typed_three_ways_is_nowhere_in_clear_on_sqlite(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with live_server(tmp_path) as server:
        _journey(server)
        with server.client() as client:
            graph = _graph_record(client)
        database = tmp_path / "live.db"
        files = {p.name: p.read_bytes() for p in tmp_path.glob("live.db*")}
    assert "live.db-wal" in files
    for name, data in files.items():
        _assert_nowhere(name, data)
    assert b"XXXX XXXX 0957" in files["live.db"] + files["live.db-wal"]
    _assert_nowhere("the database after shutdown", database.read_bytes())
    _assert_nowhere("the Graph stand-in", graph)
    logged = caplog.text + "".join(repr(vars(record)) for record in caplog.records)
    _assert_nowhere("the logs", logged.encode())


@pytest.mark.skipif(postgres_base_url() is None, reason="set MM_TEST_POSTGRES_URL to run it")
def test_an_aadhaar_number_typed_three_ways_is_in_no_column_on_postgresql(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    base = postgres_base_url()
    assert base is not None
    with postgres_url(base) as url:
        with live_server(tmp_path, database_url=url) as server:
            _journey(server)
            with server.client() as client:
                graph = _graph_record(client)
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            stored = every_value(engine)
        finally:
            engine.dispose()
    _assert_nowhere("PostgreSQL", stored)
    assert b"XXXX XXXX 0957" in stored
    _assert_nowhere("the Graph stand-in", graph)
    _assert_nowhere("the logs", caplog.text.encode())
