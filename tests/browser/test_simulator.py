"""The phone simulator in a real browser: say Hi, pick Telugu, open the menu, save a screenshot;
on a phone's screen one simulated phone at a time, switched by tabs. Screenshots go to
test-artifacts/, the README's to docs/images/ when MM_UPDATE_DOC_IMAGES=1."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import ARTIFACTS
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser

RAVI = "919876543210"
SHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "images"
    if os.environ.get("MM_UPDATE_DOC_IMAGES") == "1"
    else ARTIFACTS
)
PHONE_SCREEN = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
FIVE_PHONES = [
    (RAVI, "Ravi Kumar"),
    ("919848022338", "Sita Devi"),
    ("919700000011", "Lakshmi"),
    ("919700000012", "Venkata Ramana"),
    ("919700000013", "Anjali"),
]
# What a person sees: page overflow, the Add-phone button's box, the phones on screen.
LAYOUT_JS = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
            height: r.height}; };
  return {
    scrollWidth: document.documentElement.scrollWidth,
    viewport: {width: innerWidth, height: innerHeight},
    addPhone: box(document.querySelector("[data-testid=add-phone-submit]")),
    shown: [...document.querySelectorAll("[data-testid=phone]")]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({phone: el.dataset.phone, ...box(el)})),
    tabsShown: [...document.querySelectorAll("[data-testid=phone-tabs]")]
      .some((el) => el.getClientRects().length > 0),
  };
}"""


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
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "simulator.png"))

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


def _layout(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(LAYOUT_JS))


def _on_screen(locator: Any) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and 0 <= box["x"] <= box["x"] + box["width"] <= PHONE_SCREEN["width"]
        and 0 <= box["y"] <= box["y"] + box["height"] <= PHONE_SCREEN["height"]
    )


def _shown(page: Any) -> list[str]:
    return [phone["phone"] for phone in _layout(page)["shown"]]


def test_on_a_phone_screen_one_phone_fills_it_and_tabs_switch_phones(
    live: LiveServer, browser_page: Any
) -> None:
    page = browser_page
    with live.client() as client:
        for number, name in FIVE_PHONES:
            client.post("/sandbox/api/phones", json={"number": number, "name": name})
        page.set_viewport_size(PHONE_SCREEN)
        page.goto(f"{live.url}/sandbox")
        page.wait_for_selector("body[data-ready=true]")
        assert page.locator("[data-testid=phone]").count() == 5

        layout = _layout(page)
        assert layout["scrollWidth"] <= PHONE_SCREEN["width"], "the page scrolls sideways"
        button = layout["addPhone"]
        assert button["left"] >= 0 and button["top"] >= 0
        assert button["right"] <= PHONE_SCREEN["width"]
        assert button["bottom"] <= PHONE_SCREEN["height"]
        assert layout["tabsShown"]
        [shown] = layout["shown"]
        assert shown["phone"] == RAVI
        assert shown["left"] >= 0 and shown["width"] == PHONE_SCREEN["width"]
        assert shown["bottom"] <= PHONE_SCREEN["height"] + 1
        assert shown["height"] >= 0.7 * PHONE_SCREEN["height"], "the phone fills the screen"

        tabs = page.get_by_test_id("phone-tab")
        assert tabs.all_inner_texts() == [name for _, name in FIVE_PHONES]
        tabs.filter(has_text="Sita Devi").click()
        assert _shown(page) == ["919848022338"]

        # A reply to a phone not on screen marks its tab; opening the tab shows the reply.
        client.post("/sandbox/api/inbound", json={"from": RAVI, "name": "Ravi", "text": "Hi"})
        ravi_tab = page.locator(f"[data-testid=phone-tab][data-phone='{RAVI}']")
        page.wait_for_selector(f"[data-testid=phone-tab][data-phone='{RAVI}'].unread")
        ravi_tab.click()
        assert _shown(page) == [RAVI]
        assert "unread" not in (ravi_tab.get_attribute("class") or "")
        telugu = page.locator(
            f"[data-phone='{RAVI}'] [data-testid=reply-button][data-id='lang:te']"
        )
        telugu.wait_for(timeout=15_000)
        # Each delivery status re-renders the message, so measure until one render holds still.
        _wait_for(lambda: _on_screen(telugu), what="the reply's buttons on the screen")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "simulator-phone-screen.png"))

        page.get_by_test_id("add-phone-number").fill("919700000099")
        page.get_by_test_id("add-phone-name").fill("Padma")
        page.get_by_test_id("add-phone-submit").click()
        page.wait_for_selector("[data-testid=phone][data-phone='919700000099']")
        _wait_for(lambda: _shown(page) == ["919700000099"], what="the added phone is shown")
        assert _layout(page)["scrollWidth"] <= PHONE_SCREEN["width"]

        # At a desktop's width every phone is side by side again, at the phone's own size.
        page.set_viewport_size(DESKTOP)
        layout = _layout(page)
        assert not layout["tabsShown"]
        assert len(layout["shown"]) == 6
        assert {round(phone["width"]) for phone in layout["shown"]} == {380}
        assert layout["scrollWidth"] <= DESKTOP["width"]
        page.screenshot(path=str(ARTIFACTS / "simulator-desktop.png"))
