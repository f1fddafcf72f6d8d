"""The simulator page is served whole (template, styles, script) and its event feed streams."""

from __future__ import annotations

import json

import httpx
import pytest

from manamitra.sandbox import api
from tests.sandbox.conftest import CITIZEN, say_hi

pytestmark = pytest.mark.anyio

TEST_IDS = (
    "phones",
    "add-phone-number",
    "add-phone-submit",
    "chat",
    "composer-input",
    "composer-send",
    "attach-image",
    "attach-document",
    "attach-audio",
    "send-location",
    "list-sheet",
    "list-send",
    "location-form",
)


async def test_page_has_the_phone_template_and_stable_test_ids(
    simulator: httpx.AsyncClient,
) -> None:
    response = await simulator.get("/sandbox")
    assert response.status_code == 200
    html = response.text
    for test_id in TEST_IDS:
        assert f'data-testid="{test_id}"' in html, test_id
    assert "Noto Sans Telugu" in (await simulator.get("/sandbox/static/simulator.css")).text
    script = await simulator.get("/sandbox/static/simulator.js")
    assert script.status_code == 200
    assert "EventSource" in script.text
    assert "http" not in html.replace("http-equiv", "").split("<body>")[0].replace(
        "http://sandbox.test", ""
    ), "no assets from elsewhere (no CDN)"


async def test_opening_the_page_adds_default_phones(simulator: httpx.AsyncClient) -> None:
    await simulator.get("/sandbox")
    phones = (await simulator.get("/sandbox/api/phones")).json()
    assert len(phones) >= 2


async def test_snapshot_and_event_feed_replay_changes(
    simulator: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "EVENT_STREAM_SECONDS", 0.3)
    start = (await simulator.get("/sandbox/api/snapshot")).json()["seq"]
    wamid = await say_hi(simulator)
    snapshot = (await simulator.get("/sandbox/api/snapshot")).json()
    assert [m["wamid"] for m in snapshot["messages"]] == [wamid]
    assert snapshot["seq"] > start

    response = await simulator.get("/sandbox/api/events", params={"after": start})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [
        json.loads(line[len("data: ") :])
        for line in response.text.splitlines()
        if line.startswith("data: ")
    ]
    kinds = [event["type"] for event in events]
    assert "phone" in kinds and "message" in kinds
    message = next(e for e in events if e["type"] == "message")["message"]
    assert message["wamid"] == wamid and message["phone"] == CITIZEN
    ids = [int(line[4:]) for line in response.text.splitlines() if line.startswith("id: ")]
    assert ids == sorted(ids) and ids[-1] == snapshot["seq"]

    resumed = await simulator.get(
        "/sandbox/api/events",
        headers={"Last-Event-ID": str(snapshot["seq"])},
        params={"after": start},
    )
    assert "data: " not in resumed.text, "Last-Event-ID wins over the first `after`"
