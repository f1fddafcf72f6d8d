"""The optional chat-completion model, against the sandbox's STAND-IN server (an HTTP server
speaking /v1/chat/completions that picks by shared words; not a language model): asked only
when the local engine cannot place a message, grounded in the candidates, never shown an
Aadhaar or phone number, and a timeout falls back to the local engine."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from manamitra.privacy import verhoeff_digit
from manamitra.sandbox.chat_model import StandInChatModel
from manamitra.settings import Settings
from manamitra.understanding import understand
from manamitra.understanding.model import ChatModel, redact
from tests.support.parts import build_parts

AADHAAR = "49871234567" + verhoeff_digit("49871234567")
UNPLACED = "manchi neellu raavatledu"  # the local engine only guesses here


def test_the_default_runs_offline_without_a_model() -> None:
    assert ChatModel.from_settings(Settings(llm_url="")) is None
    assert build_parts(understanding_model=None).understanding_model is None


def test_the_model_places_what_the_local_engine_only_guesses(catalog: Any) -> None:
    assert understand(catalog, UNPLACED, "en").intent == "unknown"
    with StandInChatModel(answer="grievances.water_supply") as server:
        model = ChatModel(server.url, "stand-in", timeout=2.0)
        found = understand(catalog, UNPLACED, "en", resolver=model)
        assert (found.intent, found.service, found.source) == (
            "service",
            "grievances.water_supply",
            "model",
        )
        sent = json.loads(server.requests[-1]["messages"][-1]["content"])
        assert {s["id"] for s in sent["services"]} <= set(catalog.services)
        assert set(sent["services"][0]) == {"id", "name", "name_te", "description", "keywords"}
        model.close()


def test_the_model_is_not_asked_when_the_local_engine_is_sure(catalog: Any) -> None:
    with StandInChatModel() as server:
        model = ChatModel(server.url, "stand-in")
        assert understand(catalog, "caste certificate", "en", resolver=model).source == "local"
        assert server.requests == []
        model.close()


def test_an_answer_outside_the_candidates_counts_as_none(catalog: Any) -> None:
    with StandInChatModel(answer="revenue.made_up_service") as server:
        model = ChatModel(server.url, "stand-in")
        found = understand(catalog, UNPLACED, "en", resolver=model)
        assert found.intent == "unknown" and found.service is None
        model.close()


def test_a_slow_model_times_out_and_the_local_engine_answers(catalog: Any) -> None:
    with StandInChatModel(delay=1.5) as server:
        model = ChatModel(server.url, "stand-in", timeout=0.3)
        started = time.monotonic()
        found = understand(catalog, UNPLACED, "en", resolver=model)
        assert time.monotonic() - started < 1.2
        assert found.intent == "unknown" and found.alternatives
        model.close()


@pytest.mark.parametrize(
    "secret", [AADHAAR, f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}", "9876543210", "a@b.in"]
)
def test_the_model_never_sees_aadhaar_phone_numbers_or_email(catalog: Any, secret: str) -> None:
    with StandInChatModel() as server:
        model = ChatModel(server.url, "stand-in")
        understand(catalog, f"{UNPLACED} {secret}", "en", resolver=model)
        sent = json.dumps(server.requests[-1], ensure_ascii=False)
        assert server.requests and secret not in sent and secret.replace(" ", "") not in sent
        model.close()
    assert secret not in redact(f"my number {secret}")
