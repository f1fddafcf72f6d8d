"""The webhook route: handshake, signature, size cap, malformed bodies, persistence, dedupe."""

from __future__ import annotations

import asyncio

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from manamitra.store import Database
from manamitra.store.models import Conversation, InboundMessage
from tests.channels.whatsapp import fixtures
from tests.channels.whatsapp.support import headers, run, webhook_app

PATH = "/webhooks/whatsapp"


def count_inbound(database: Database) -> int:
    with database.unit_of_work() as s:
        return s.scalar(select(func.count()).select_from(InboundMessage)) or 0


def test_handshake_echoes_the_challenge(sqlite_database_url: str) -> None:
    app, inbox, _ = webhook_app(Database(sqlite_database_url))

    async def go(c: httpx.AsyncClient) -> httpx.Response:
        return await c.get(
            PATH,
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": "verify-me",
                "hub.challenge": "1158201444",
            },
        )

    response = run(app, inbox, go)
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


def test_handshake_with_wrong_token_or_mode_is_forbidden(sqlite_database_url: str) -> None:
    app, inbox, _ = webhook_app(Database(sqlite_database_url))

    async def go(c: httpx.AsyncClient) -> list[int]:
        wrong_token = {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"}
        wrong_mode = {
            "hub.mode": "unsubscribe",
            "hub.verify_token": "verify-me",
            "hub.challenge": "1",
        }
        return [(await c.get(PATH, params=p)).status_code for p in (wrong_token, wrong_mode, {})]

    assert run(app, inbox, go) == [403, 403, 403]


@pytest.mark.parametrize("fast_path", [True, False], ids=["asgi", "route"])
def test_signed_message_is_stored_before_the_200(database: Database, fast_path: bool) -> None:
    app, inbox, metrics = webhook_app(database, fast_path=fast_path)
    body = fixtures.raw("text")

    async def go(c: httpx.AsyncClient) -> int:
        response = await c.post(PATH, content=body, headers=headers(body))
        # No waiting: the row must already be there when the 200 arrives.
        assert count_inbound(database) == 1
        return response.status_code

    assert run(app, inbox, go) == 200
    with database.unit_of_work() as s:
        row = s.scalars(select(InboundMessage)).one()
        conversation = s.get(Conversation, "919876543210")
    assert (row.wamid, row.citizen, row.type, row.status) == (
        "wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUTEXT01",
        "919876543210",
        "text",
        "pending",
    )
    assert row.phone_number_id == "106540352242922"
    assert row.payload["text"] == "Hi"
    assert conversation is not None and conversation.profile_name == "Ravi Kumar"
    assert conversation.business_user_id == "IN.1234567890123456"
    assert (
        metrics.registry.get_sample_value("manamitra_inbound_messages_total", {"kind": "text"}) == 1
    )


@pytest.mark.parametrize("fast_path", [True, False], ids=["asgi", "route"])
def test_missing_signature_is_401_and_wrong_is_403(
    sqlite_database_url: str, fast_path: bool
) -> None:
    database = Database(sqlite_database_url)
    app, inbox, _ = webhook_app(database, fast_path=fast_path)
    body = fixtures.raw("text")

    async def go(c: httpx.AsyncClient) -> list[int]:
        missing = await c.post(PATH, content=body)
        wrong = await c.post(PATH, content=body, headers=headers(body, secret="other"))
        tampered = await c.post(PATH, content=body.replace(b"Hi", b"Ho"), headers=headers(body))
        return [missing.status_code, wrong.status_code, tampered.status_code]

    assert run(app, inbox, go) == [401, 403, 403]
    assert count_inbound(database) == 0


@pytest.mark.parametrize("fast_path", [True, False], ids=["asgi", "route"])
def test_body_over_the_cap_is_413(sqlite_database_url: str, fast_path: bool) -> None:
    database = Database(sqlite_database_url)
    app, inbox, _ = webhook_app(database, fast_path=fast_path, webhook_max_body_bytes=2048)
    body = fixtures.raw("text").replace(b'"Hi"', orjson.dumps("x" * 4000))

    async def streamed() -> object:
        for i in range(0, len(body), 500):
            yield body[i : i + 500]

    async def go(c: httpx.AsyncClient) -> list[int]:
        declared = await c.post(PATH, content=body, headers=headers(body))
        # Chunked, no Content-Length: the cap must hold while streaming.
        chunked = await c.post(PATH, content=streamed(), headers=headers(body))
        return [declared.status_code, chunked.status_code]

    assert run(app, inbox, go) == [413, 413]
    assert count_inbound(database) == 0


@pytest.mark.parametrize("fast_path", [True, False], ids=["asgi", "route"])
def test_malformed_json_is_400(sqlite_database_url: str, fast_path: bool) -> None:
    app, inbox, metrics = webhook_app(Database(sqlite_database_url), fast_path=fast_path)

    async def go(c: httpx.AsyncClient) -> list[int]:
        codes = []
        for body in (b"{not json", b'{"object": "whatsapp_business_account"}'):
            codes.append((await c.post(PATH, content=body, headers=headers(body))).status_code)
        return codes

    assert run(app, inbox, go) == [400, 400]
    assert (
        metrics.registry.get_sample_value(
            "manamitra_webhook_requests_total", {"outcome": "payload_invalid"}
        )
        == 2
    )


def test_unhandled_but_well_formed_events_get_200(sqlite_database_url: str) -> None:
    database = Database(sqlite_database_url)
    app, inbox, metrics = webhook_app(database)

    async def go(c: httpx.AsyncClient) -> list[int]:
        codes = []
        for name in ("account-update", "errors-130429"):
            body = fixtures.raw(name)
            codes.append((await c.post(PATH, content=body, headers=headers(body))).status_code)
        return codes

    assert run(app, inbox, go) == [200, 200]
    assert count_inbound(database) == 0
    assert (
        metrics.registry.get_sample_value("manamitra_whatsapp_errors_total", {"code": "130429"})
        == 1
    )


def test_unknown_fields_are_accepted_and_stored(sqlite_database_url: str) -> None:
    database = Database(sqlite_database_url)
    app, inbox, _ = webhook_app(database)
    body = fixtures.raw("text-unknown-fields")

    async def go(c: httpx.AsyncClient) -> int:
        return (await c.post(PATH, content=body, headers=headers(body))).status_code

    assert run(app, inbox, go) == 200
    assert count_inbound(database) == 1


def test_same_post_twice_is_stored_once(database: Database) -> None:
    app, inbox, _ = webhook_app(database)
    body = fixtures.raw("batch-messages-and-statuses")

    async def go(c: httpx.AsyncClient) -> list[int]:
        first = await c.post(PATH, content=body, headers=headers(body))
        # Meta's retries can also arrive concurrently.
        again = await asyncio.gather(
            *[c.post(PATH, content=body, headers=headers(body)) for _ in range(5)]
        )
        return [first.status_code, *(r.status_code for r in again)]

    assert run(app, inbox, go) == [200] * 6
    assert count_inbound(database) == 2


def test_many_concurrent_posts_are_all_stored(database: Database) -> None:
    app, inbox, _ = webhook_app(database)
    template = fixtures.raw("text")

    async def go(c: httpx.AsyncClient) -> list[int]:
        bodies = [template.replace(b"TEXT01", f"C{i:05d}".encode()) for i in range(200)]
        responses = await asyncio.gather(
            *[c.post(PATH, content=b, headers=headers(b)) for b in bodies]
        )
        return [r.status_code for r in responses]

    assert run(app, inbox, go) == [200] * 200
    assert count_inbound(database) == 200
    # Group commit: far fewer transactions than requests.
    assert inbox.commits < 200


def test_a_failure_behind_the_fast_path_is_a_500_and_counted(sqlite_database_url: str) -> None:
    app, inbox, metrics = webhook_app(Database(sqlite_database_url))

    async def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    inbox.submit = broken  # type: ignore[method-assign]
    body = fixtures.raw("text")

    async def go(c: httpx.AsyncClient) -> int:
        return (await c.post(PATH, content=body, headers=headers(body))).status_code

    assert run(app, inbox, go) == 500
    assert metrics.webhook_requests.labels("error")._value.get() == 1


def test_one_malformed_status_does_not_make_meta_resend_the_batch(
    sqlite_database_url: str,
) -> None:
    database = Database(sqlite_database_url)
    app, inbox, _ = webhook_app(database)
    body = fixtures.data("text")
    body["entry"][0]["changes"][0]["value"]["statuses"] = [
        {"id": "wamid.Q", "status": "weird", "timestamp": "1764340100", "recipient_id": "1"},
        {"id": None, "status": "read", "timestamp": "1764340100"},
    ]
    raw = orjson.dumps(body)

    async def go(c: httpx.AsyncClient) -> int:
        return (await c.post(PATH, content=raw, headers=headers(raw))).status_code

    assert run(app, inbox, go) == 200
    assert count_inbound(database) == 1  # the text message in the same POST is stored
    database.dispose()
