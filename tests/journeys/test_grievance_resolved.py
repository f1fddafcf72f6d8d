"""A citizen registers a grievance on WhatsApp, an officer resolves it in the console, and
the citizen hears about it on WhatsApp; the citizen then rates it and it closes."""

from __future__ import annotations

import re
from pathlib import Path

from manamitra.grievances import cases
from manamitra.store import Database
from tests.console.live_helpers import (
    officer_client,
    register_street_light,
    seed_console,
    wait_for_text,
)
from tests.support.live import live_server
from tests.support.phone import Phone


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_registered_on_whatsapp_resolved_in_the_console_rated_on_whatsapp(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client(timeout=30) as client:
        seed_console(server.settings.database_url)
        phone = Phone(client, "919700000201", "Lakshmi")
        photo = _png()
        number = register_street_light(phone, photo=photo)

        officer = officer_client(server.url, "officer.guntur")
        try:
            path = f"/console/cases/grievance/{number}"
            page = officer.get(path)
            assert page.status_code == 200 and "Rama temple" in page.text
            # The photo sent on WhatsApp opens in the console (fetched from the Graph API).
            key = re.search(r'src="/console/media/([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            shown = officer.get(f"/console/media/{key}")
            assert shown.status_code == 200 and shown.content == photo
            token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
            for action, note in (("assign_me", ""), ("resolve", "New bulb fitted")):
                response = officer.post(
                    f"{path}/action", data={"action": action, "note": note, "csrf_token": token}
                )
                assert response.status_code in (200, 303), response.text
        finally:
            officer.close()
        wait_for_text(phone, f"Grievance {number} has been resolved")
        wait_for_text(phone, "New bulb fitted")

        phone.tap("svc:grievances.feedback")
        phone.tap(f"opt:{number}")
        phone.tap("opt:satisfied")
        phone.tap("opt:5")
        phone.say("skip")
        phone.tap("flow:submit")  # the review before the rating is recorded
        wait_for_text(phone, "It is now closed")
        database = Database(server.settings.database_url)
        with database.unit_of_work() as db:
            row = cases.find_grievance(db, number)
            assert row is not None and row.state == "closed" and row.rating == 5
        database.dispose()
