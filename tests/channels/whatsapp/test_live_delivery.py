"""Through real HTTP: a citizen's "Hi" comes in, replies go out to the Graph emulator, and the
emulator's signed status webhooks move each outbound row forward to delivered and read."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from manamitra.store.models import OutboundMessage
from tests.support.live import live_server

CITIZEN = "919876512345"


def test_replies_are_sent_and_their_statuses_come_back(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        response = client.post(
            "/sandbox/api/inbound", json={"from": CITIZEN, "name": "Ravi", "text": "Hi"}
        )
        assert response.status_code == 200
        database = server.app.state.runtime.database
        deadline = time.monotonic() + 20
        rows: list[OutboundMessage] = []
        while time.monotonic() < deadline:
            with database.unit_of_work() as s:
                rows = list(
                    s.scalars(
                        select(OutboundMessage)
                        .where(OutboundMessage.citizen == CITIZEN)
                        .order_by(OutboundMessage.id)
                    )
                )
            sent = [r for r in rows if r.kind != "mark_read"]
            if sent and all(r.delivered_at is not None for r in sent):
                break
            time.sleep(0.1)
        sent = [r for r in rows if r.kind != "mark_read"]
        assert sent, "no reply was written for the citizen"
        for row in sent:
            assert row.wamid and row.sent_at is not None, (row.id, row.status, row.last_error)
            assert row.status in ("delivered", "read")
            assert row.delivered_at is not None
        metrics = client.get("/metrics").text
    assert "manamitra_outbound_sent_total" in metrics
    assert 'manamitra_status_updates_total{status="delivered"}' in metrics
