"""What the engine made of one message, and its contract form (`manamitra understand --json`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Intent = Literal["service", "question", "status", "navigation", "unknown"]
Topic = Literal["documents", "fee", "time", "eligibility", "where"]


@dataclass(frozen=True)
class Understanding:
    """The intent of a message, the service it is about, the answers it already gives.

    `navigation` names the move for a navigation intent (menu, back, help, language, cancel,
    greet); `feeling` marks a message that is only thanks or emoji ("thanks", "emoji").
    `source` is "local" or "model" (the configured chat-completion model picked the service);
    `tied` names services that fit exactly as well as `service` (the citizen must choose).
    """

    intent: Intent
    service: str | None = None
    topic: Topic | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    alternatives: tuple[str, ...] = ()
    answer: str | None = None
    navigation: str | None = None
    feeling: str | None = None
    score: float = 0.0
    source: str = "local"
    tied: tuple[str, ...] = ()

    def contract(self) -> dict[str, Any]:
        """The documented JSON shape: intent, service, topic, slots, alternatives, answer."""
        return {
            "intent": self.intent,
            "service": self.service,
            "topic": self.topic,
            "slots": dict(self.slots),
            "alternatives": list(self.alternatives),
            "answer": self.answer,
        }
