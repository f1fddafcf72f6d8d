"""The one place that reads the speech provider out of the platform's parts (the composition
root puts it there as `services["speech"]`), so a typed container changes one line."""

from __future__ import annotations

from typing import Any

from manamitra.speech import SpeechProvider


def speech_provider(services: dict[str, Any]) -> SpeechProvider | None:
    """The configured provider, or None where voice notes are not transcribed."""
    provider: SpeechProvider | None = services.get("speech")
    return provider
