"""The phone simulator in a real browser: say Hi, pick Telugu, open the menu, save a screenshot."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.browser.conftest import ARTIFACTS
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser

RAVI = "919876543210"


def _wait_for(predicate: Any, timeout: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not met in {timeout} s")


def test_citizen_says_hi_picks_telugu_and_opens_the_menu(
    live: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    page.goto(f"{live.url}/sandbox")
    page.wait_for_selector("body[data-ready=true]")
    phone = page.locator(f"[data-testid=phone][data-phone='{RAVI}']")
    phone.wait_for()

    phone.get_by_test_id("composer-input").fill("Hi")
    phone.get_by_test_id("composer-send").click()
    mine = phone.locator("[data-testid=message][data-direction=from-phone]").first
    mine.wait_for()
    assert mine.inner_text().startswith("Hi")

    telugu = phone.locator("[data-testid=reply-button][data-id='lang:te']")
    telugu.wait_for(timeout=15_000)
    assert phone.locator("[data-testid=reply-button][data-id='lang:en']").count() == 1
    telugu.click()

    menu = phone.get_by_test_id("list-open").last
    menu.wait_for(timeout=15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simulator-chat.png"))
    menu.click()
    sheet = phone.get_by_test_id("list-sheet")
    sheet.wait_for(state="visible")
    rows = sheet.get_by_test_id("list-row")
    assert 6 <= rows.count() <= 10
    assert any("\u0c00" <= ch <= "\u0c7f" for ch in sheet.inner_text()), "menu is in Telugu"

    # The simulated phone showed the platform's messages: the emulator posted `read` for them.
    def business_statuses() -> list[str] | None:
        chat = live.client().get("/sandbox/api/messages", params={"phone": RAVI}).json()
        statuses = [m["status"] for m in chat if m["direction"] == "out"]
        return statuses if statuses and all(s == "read" for s in statuses) else None

    assert _wait_for(business_statuses, what="every platform message read on the phone")
    page.screenshot(path=str(ARTIFACTS / "simulator.png"))

    before = phone.locator("[data-testid=message][data-direction=from-business]").count()
    rows.first.click()
    sheet.get_by_test_id("list-send").click()
    assert sheet.is_hidden()
    _wait_for(
        lambda: (
            phone.locator("[data-testid=message][data-direction=from-business]").count() > before
        ),
        15.0,
    )
    outbox = live.client().get("/sandbox/api/outbox", params={"to": RAVI}).json()
    kinds = [b["interactive"]["type"] for b in outbox if b["type"] == "interactive"]
    assert kinds[:2] == ["button", "list"]


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 128, 105)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_simulator_shows_documents_images_bills_and_sends_location_and_files(
    live: LiveServer, browser_page: Any, tmp_path: Any
) -> None:
    page = browser_page
    sita = "919848022338"
    settings = live.settings
    graph = httpx.Client(
        base_url=f"{live.graph_url}/{settings.graph_api_version}",
        headers={"Authorization": f"Bearer {settings.whatsapp_access_token}"},
    )
    messages_url = f"/{settings.whatsapp_phone_number_id}/messages"
    with live.client() as client:
        client.post("/sandbox/api/phones", json={"number": sita, "name": "Sita Devi"})
        page.goto(f"{live.url}/sandbox")
        page.wait_for_selector("body[data-ready=true]")
        phone = page.locator(f"[data-testid=phone][data-phone='{sita}']")
        phone.get_by_test_id("composer-input").fill("నమస్కారం")
        phone.get_by_test_id("composer-send").click()
        phone.locator("[data-testid=message][data-direction=from-phone]").first.wait_for()

        pdf = b"%PDF-1.4\n% income certificate\n%%EOF\n"
        doc_id = graph.post(
            f"/{settings.whatsapp_phone_number_id}/media",
            files={"file": ("income.pdf", pdf, "application/pdf")},
            data={"type": "application/pdf", "messaging_product": "whatsapp"},
        ).json()["id"]
        img_id = graph.post(
            f"/{settings.whatsapp_phone_number_id}/media",
            files={"file": ("map.png", _png(), "image/png")},
            data={"type": "image/png", "messaging_product": "whatsapp"},
        ).json()["id"]
        base = {"messaging_product": "whatsapp", "to": sita}
        pay_link = f"{live.url}/pay/ORD-7"
        for body in (
            {**base, "type": "document", "document": {"id": doc_id, "filename": "income.pdf"}},
            {**base, "type": "image", "image": {"id": img_id, "caption": "మ్యాప్"}},
            {
                **base,
                "type": "interactive",
                "interactive": {
                    "type": "location_request_message",
                    "body": {"text": "Share the location"},
                    "action": {"name": "send_location"},
                },
            },
            {
                **base,
                "type": "interactive",
                "interactive": {
                    "type": "order_details",
                    "body": {"text": "Electricity bill"},
                    "action": {
                        "name": "review_and_pay",
                        "parameters": {
                            "reference_id": "ORD-7",
                            "type": "digital-goods",
                            "currency": "INR",
                            "payment_settings": [
                                {"type": "payment_link", "payment_link": {"uri": pay_link}}
                            ],
                            "total_amount": {"value": 45000, "offset": 100},
                            "order": {
                                "status": "pending",
                                "items": [
                                    {
                                        "retailer_id": "bill",
                                        "name": "Bill May 2026",
                                        "amount": {"value": 45000, "offset": 100},
                                        "quantity": 1,
                                    }
                                ],
                                "subtotal": {"value": 45000, "offset": 100},
                            },
                        },
                    },
                },
            },
        ):
            response = graph.post(messages_url, json=body)
            assert response.status_code == 200, response.text

        link = phone.get_by_test_id("document-link").last
        link.wait_for()
        assert page.request.get(live.url + (link.get_attribute("href") or "")).body() == pdf
        image = phone.locator("img.media-img").last
        image.wait_for()
        _wait_for(
            lambda: image.evaluate("img => img.complete && img.naturalWidth") == 40,
            what="image loaded",
        )
        pay = phone.get_by_test_id("order-pay")
        pay.wait_for()
        assert pay.get_attribute("data-link") == pay_link
        assert "₹450.00" in phone.get_by_test_id("bill").inner_text()

        phone.get_by_test_id("location-request").click()
        phone.get_by_test_id("location-send").click()
        attachment = tmp_path / "ration-card.pdf"
        attachment.write_bytes(b"%PDF-1.4 ration card")
        phone.get_by_test_id("attach-toggle").click()
        phone.get_by_test_id("attach-document").set_input_files(str(attachment))

        def sent_kinds() -> list[str] | None:
            chat = client.get("/sandbox/api/messages", params={"phone": sita}).json()
            kinds = [m["kind"] for m in chat if m["direction"] == "in"]
            return kinds if {"location", "document"} <= set(kinds) else None

        _wait_for(sent_kinds, what="location and document sent from the page")
        page.screenshot(path=str(ARTIFACTS / "simulator-media.png"))
    graph.close()
