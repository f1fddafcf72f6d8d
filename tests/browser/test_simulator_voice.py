"""The simulator's voice notes in a real browser: pick a sample (its words filled in for the
stand-in recogniser) or record one with the microphone, send it, see what the platform heard,
and get the reply as a voice note the page can play. Screenshots at desktop and 390 px."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from manamitra.messaging.i18n import t
from tests.browser.conftest import ARTIFACTS, CHROMIUM_ARGS, chromium_path
from tests.support.live import LiveServer
from tests.support.voice import needs_voice_tools

pytestmark = [pytest.mark.browser, needs_voice_tools]

RAVI = "919876543210"
# a fake microphone: Chromium plays its own test tone as the recording, with no prompt
FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture
def voice_page() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`)")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS + FAKE_MICROPHONE
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 860}, locale="te-IN", timezone_id="Asia/Kolkata"
        )
        context.grant_permissions(["microphone"])
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()


def _wait_for(predicate: Any, timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not met in {timeout} s")


def test_a_sample_voice_note_is_heard_and_answered_with_a_playable_voice_note(
    live: LiveServer, voice_page: Any
) -> None:
    page = voice_page
    page.goto(f"{live.url}/sandbox")
    page.wait_for_selector("body[data-ready=true]")
    phone = page.locator(f"[data-testid=phone][data-phone='{RAVI}']")
    phone.get_by_test_id("composer-input").fill("నమస్కారం")
    phone.get_by_test_id("composer-send").click()
    phone.locator("[data-testid=reply-button][data-id='lang:te']").click(timeout=15_000)
    phone.get_by_test_id("list-open").last.wait_for(timeout=15_000)

    phone.get_by_test_id("attach-toggle").click()
    phone.get_by_test_id("record-voice").click()
    form = phone.get_by_test_id("voice-form")
    form.wait_for(state="visible")
    _wait_for(lambda: form.get_by_test_id("voice-sample").locator("option").count() > 1)
    form.get_by_test_id("voice-sample").select_option("te_income_certificate")
    _wait_for(lambda: form.get_by_test_id("voice-transcript").input_value(), what="words")
    assert form.get_by_test_id("voice-transcript").input_value() == "ఆదాయ ధృవీకరణ పత్రం"
    assert "not a real one" in form.inner_text()
    page.screenshot(path=str(ARTIFACTS / "simulator-voice-form.png"))
    form.get_by_test_id("voice-send").click()

    heard = t("te", "voice.heard", text="ఆదాయ ధృవీకరణ పత్రం")
    incoming = phone.locator("[data-testid=message][data-direction=from-business]")
    _wait_for(lambda: heard in incoming.all_inner_texts()[-3:].__str__(), what="I heard")
    voice_reply = phone.locator("[data-direction=from-business] audio")
    _wait_for(lambda: voice_reply.count() > 0, what="a voice reply")
    mine = phone.locator("[data-direction=from-phone] audio")
    assert mine.count() == 1  # the note sent, playable on the phone
    duration = _wait_for(
        lambda: voice_reply.last.evaluate("a => a.readyState >= 1 ? a.duration : 0"),
        what="the voice reply loads in the browser",
    )
    assert duration > 2.0
    page.screenshot(path=str(ARTIFACTS / "simulator-voice.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "simulator-voice-390.png"))


def test_a_recording_from_the_microphone_goes_as_an_ogg_opus_voice_note(
    live: LiveServer, voice_page: Any
) -> None:
    page = voice_page
    page.goto(f"{live.url}/sandbox")
    page.wait_for_selector("body[data-ready=true]")
    phone = page.locator(f"[data-testid=phone][data-phone='{RAVI}']")
    phone.get_by_test_id("composer-input").fill("Hi")
    phone.get_by_test_id("composer-send").click()
    phone.locator("[data-testid=reply-button][data-id='lang:en']").click(timeout=15_000)
    phone.get_by_test_id("list-open").last.wait_for(timeout=15_000)

    phone.get_by_test_id("attach-toggle").click()
    phone.get_by_test_id("record-voice").click()
    form = phone.get_by_test_id("voice-form")
    form.get_by_test_id("voice-record").click()
    _wait_for(lambda: "recording" in form.get_by_test_id("voice-status").inner_text())
    time.sleep(1.5)
    form.get_by_test_id("voice-record").click()
    _wait_for(lambda: form.get_by_test_id("voice-send").is_enabled(), what="the recording")
    form.get_by_test_id("voice-transcript").fill("street light")
    form.get_by_test_id("voice-send").click()

    heard = t("en", "voice.heard", text="street light")
    incoming = phone.locator("[data-testid=message][data-direction=from-business]")
    _wait_for(lambda: any(heard in x for x in incoming.all_inner_texts()), what="I heard")
    chat = live.client().get("/sandbox/api/messages", params={"phone": RAVI}).json()
    sent = [m for m in chat if m["kind"] == "audio"]
    assert len(sent) == 1 and "audio/ogg" in str(sent[0]["body"]), sent
