"""Chaos on the live platform: gateway webhooks duplicated and out of order, a bill paid twice,
a failed attempt, and a payment confirmed only by WhatsApp's payment status; the citizen hears
once of each, the ledger counts each rupee once, and reconciliation finds nothing unexplained."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from manamitra.payments.reconcile import reconcile
from manamitra.store import Database
from tests.support.live import live_server
from tests.support.phone import LivePhone, body_text, order_reference


def _bill(phone: LivePhone, query: str, service: str, account: str) -> str:
    phone.send(text="menu")
    phone.wait_interactive("list")
    phone.open_service(query, service)
    phone.wait_for(lambda b: b.get("type") == "text", what="the question")
    phone.send(text=account)
    return order_reference(phone.wait_interactive("order_details"))


def test_duplicate_out_of_order_double_paid_and_whatsapp_only(
    tmp_path: Path, database_url: str
) -> None:
    """On SQLite and, with MM_TEST_POSTGRES_URL, on PostgreSQL."""
    with (
        live_server(tmp_path, database_url=database_url) as server,
        server.client(timeout=30) as client,
    ):
        phone = LivePhone(client, "919700000401", "Kiran")
        phone.start_in_english()
        chaos = client.post(
            "/sandbox/api/gateway/chaos", json={"duplicates": 2, "out_of_order": True}
        )
        assert chaos.status_code == 200

        first = _bill(phone, "APEPDCL electricity bill", "apepdcl.pay_bill", "2231506004478")
        phone.pay(first, "failure")
        phone.wait_text("did not go through")
        phone.pay(first)
        phone.wait_text("paid for 2231506004478")
        start = phone.seen
        phone.pay(first)  # paid twice: the second payment is refunded
        phone.wait_text("already paid")
        phone.seen = start
        bodies = [body_text(b) for b in phone.outbox()[start:]]
        assert sum("paid for 2231506004478" in t for t in bodies) == 1

        second = _bill(phone, "water tax", "municipal.pay_water_tax", "1073045678")
        client.post("/sandbox/api/pay", json={"order_id": second, "gateway_webhooks": False})
        phone.seen = 0
        phone.wait_text("paid for 1073045678")

        database = Database(server.settings.database_url)
        try:
            with database.unit_of_work() as db:
                gateway = server.app.state.runtime.parts.payments.gateway
                report = reconcile(db, gateway)
                assert report.unexplained == 0, report.mismatches
                assert report.explained and report.explained[0]["order"] == first
        finally:
            database.dispose()

        from manamitra.cli.main import app as cli

        result = CliRunner().invoke(
            cli,
            ["payments", "reconcile", "--json"],
            env={
                "MM_DATABASE_URL": server.settings.database_url,
                "MM_DATA_DIR": str(server.settings.data_dir),
            },
        )
        assert result.exit_code == 0, result.output
        printed = json.loads(result.output)
        assert printed["unexplained"] == 0
        assert printed["settlements"] == printed["matched"] == 4
