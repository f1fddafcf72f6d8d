"""Logs never carry what citizens wrote or their numbers in clear."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import httpx
import orjson
import pytest

from manamitra.observability import configure_logging, mask_phone
from manamitra.store import Database
from tests.channels.whatsapp import fixtures
from tests.channels.whatsapp.support import headers, run, webhook_app


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("INFO", stream=stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_phone_numbers_keep_only_their_last_four_digits() -> None:
    assert mask_phone("919876543210") == "********3210"
    assert mask_phone("call +91 98480 22338 now") == "call ***********2338 now"
    assert mask_phone("code 131047 at 10:30") == "code 131047 at 10:30"


def test_json_lines_redact_text_fields_and_numbers(log_output: io.StringIO) -> None:
    logging.getLogger("manamitra.test").warning(
        "citizen %s wrote",
        "919876543210",
        extra={"text": "నా ఆధార్ 1234", "citizen": "919876543210", "attempt": 2},
    )
    record = orjson.loads(log_output.getvalue().splitlines()[-1])
    assert record["message"] == "citizen ********3210 wrote"
    assert record["text"] == "[redacted]"
    assert record["citizen"] == "********3210"
    assert record["attempt"] == 2 and record["level"] == "WARNING"


def test_a_skipped_webhook_item_is_logged_without_its_content(
    sqlite_database_url: str, log_output: io.StringIO
) -> None:
    body = fixtures.data("text")
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message["text"]["body"] = "నా ఫోన్ నంబర్ 919848022338"
    message["timestamp"] = {"not": "a time"}
    raw = orjson.dumps(body)
    database = Database(sqlite_database_url)
    app, inbox, _ = webhook_app(database)

    async def go(c: httpx.AsyncClient) -> int:
        return (await c.post("/webhooks/whatsapp", content=raw, headers=headers(raw))).status_code

    assert run(app, inbox, go) == 200
    output = log_output.getvalue()
    assert "webhook items skipped" in output
    assert "messages[0]: invalid at timestamp" in output
    assert "నా ఫోన్" not in output
    assert "919848022338" not in output and "919876543210" not in output
    database.dispose()


def test_a_body_that_is_no_envelope_is_rejected_and_logged_without_its_content(
    sqlite_database_url: str, log_output: io.StringIO
) -> None:
    raw = orjson.dumps({"object": "whatsapp_business_account", "entry": "నా ఫోన్ 919848022338"})
    database = Database(sqlite_database_url)
    app, inbox, _ = webhook_app(database)

    async def go(c: httpx.AsyncClient) -> int:
        return (await c.post("/webhooks/whatsapp", content=raw, headers=headers(raw))).status_code

    assert run(app, inbox, go) == 400
    output = log_output.getvalue()
    assert "webhook body rejected" in output
    assert "నా ఫోన్" not in output and "919848022338" not in output
    database.dispose()


def test_aadhaar_numbers_are_masked_in_messages_extras_and_exceptions(
    log_output: io.StringIO,
) -> None:
    try:
        raise ValueError("bad answer 5612-8037-0957")
    except ValueError:
        logging.getLogger("manamitra.test").exception(
            "citizen typed %s", "5612 8037 0957", extra={"detail": "id 561280370957"}
        )
    line = log_output.getvalue().splitlines()[-1]
    record = orjson.loads(line)
    assert record["message"] == "citizen typed XXXX XXXX 0957"
    assert record["detail"] == "id XXXX XXXX 0957"
    assert "ValueError: bad answer XXXX XXXX 0957" in record["exception"]
    for clear in ("561280370957", "5612 8037 0957", "5612-8037-0957"):
        assert clear not in line
